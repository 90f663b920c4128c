package skillcert

// Image budgets. An image's pixels are decoded into memory, so its declared dimensions are checked before
// any pixel is read, and larger images are refused. A 一寸 photo at 300 dpi is 295×413 pixels and a phone
// saves 12 MP, so photos get 12 million pixels; an A4 scan at 400 dpi is 15.5 MP and an A3 one at 300 dpi
// 17.4 MP, so scans get 24 million. At 4 bytes a pixel that is 48 MiB or 96 MiB decoded.
const (
	MaxPhotoPixels = 12_000_000
	MaxScanPixels  = 24_000_000
)

// MaxImagePixels is the pixel cap of an image uploaded as document type t: MaxPhotoPixels for the photo,
// MaxScanPixels for every scanned document.
func MaxImagePixels(t DocType) int64 {
	if t == DocPhoto {
		return MaxPhotoPixels
	}
	return MaxScanPixels
}
