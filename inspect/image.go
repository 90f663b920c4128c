package inspect

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"

	"skillcert"
)

// Image limits. A photo of 一寸 size at 300 dpi is 295×413 pixels; phones give far more. The pixel caps
// are skillcert.MaxImagePixels (photos 12 MP, scans 24 MP), checked from the header before any pixel is
// decoded; MaxDecodeBytes also bounds the memory of the decoded image by its colour model (a 16-bit PNG
// takes 8 bytes a pixel). The minimums only catch files that cannot be a usable picture (a 1×1 "photo").
const (
	MaxDecodeBytes = 128 << 20 // decoded pixels of one image
	MinPhotoWidth  = 130       // pixels
	MinPhotoHeight = 170       // pixels
	MinScanShort   = 200       // shorter side of a scanned document, pixels
	MinScanLong    = 300       // longer side
)

// DecodeSlots bounds how many images are decoded at once in this process (each may take up to
// MaxDecodeBytes): half the CPUs, at least one. Decoding is CPU-bound, so more would only add memory.
var DecodeSlots = make(chan struct{}, max(1, runtime.NumCPU()/2))

// imageConfig reads an image's dimensions and colour model without decoding the pixels.
func imageConfig(data []byte, kind skillcert.FileKind) (image.Config, error) {
	switch kind {
	case skillcert.KindPNG:
		return png.DecodeConfig(bytes.NewReader(data))
	case skillcert.KindJPEG:
		return jpeg.DecodeConfig(bytes.NewReader(data))
	case skillcert.KindBMP:
		h, err := bmpDecodeConfig(data)
		return image.Config{ColorModel: color.NRGBAModel, Width: h.width, Height: h.height}, err
	}
	return image.Config{}, fmt.Errorf("not an image kind: %s", kind)
}

// BytesPerPixel is what one pixel of an image of colour model m takes once decoded (the standard
// library's image types; unknown models count as 8).
func BytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model, color.YCbCrModel: // YCbCr: 1–3 bytes, by subsampling
		return 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8
}

// CheckDimensions refuses an image whose declared size is empty, over maxPixels, or whose decoded pixels
// would take more than MaxDecodeBytes, with a *skillcert.Error EINVALID in Chinese.
func CheckDimensions(cfg image.Config, maxPixels int64) error {
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 {
		return invalid("图片没有像素")
	}
	// Each factor is below 2^31, so the product cannot overflow int64.
	if w*h > maxPixels || w*h*BytesPerPixel(cfg.ColorModel) > MaxDecodeBytes {
		return invalid("图片尺寸过大（%d×%d 像素），请缩小到 %d 万像素以内", w, h, maxPixels/10_000)
	}
	return nil
}

// decodeInSlot decodes all pixels while holding one of DecodeSlots (released even if the decoder panics).
func decodeInSlot(data []byte, kind skillcert.FileKind) (image.Image, error) {
	DecodeSlots <- struct{}{}
	defer func() { <-DecodeSlots }()
	return decodePixels(data, kind)
}

// decodePixels decodes an image's pixels (a variable so that tests can watch the decodes).
var decodePixels = decodeImage

// decodeImage decodes all pixels.
func decodeImage(data []byte, kind skillcert.FileKind) (image.Image, error) {
	switch kind {
	case skillcert.KindPNG:
		return png.Decode(bytes.NewReader(data))
	case skillcert.KindJPEG:
		return jpeg.Decode(bytes.NewReader(data))
	case skillcert.KindBMP:
		return bmpDecode(data)
	}
	return nil, fmt.Errorf("not an image kind: %s", kind)
}

// inspectImage decodes the image in full (a corrupt or truncated file is refused) and checks its size;
// photos are also checked for shape and a white background.
func inspectImage(res *Result, data []byte, kind skillcert.FileKind, rule skillcert.DocRule) error {
	name := kindNames([]skillcert.FileKind{kind})
	cfg, err := imageConfig(data, kind)
	w, h := cfg.Width, cfg.Height
	if err != nil {
		if err == errBMPUnsupported {
			return invalid("不支持这种 BMP 格式（压缩或特殊位深），请另存为 JPG 或 PNG 后上传")
		}
		return invalid("%s 图片已损坏或不完整，无法读取", name)
	}
	res.Width, res.Height = w, h
	if err := CheckDimensions(cfg, skillcert.MaxImagePixels(rule.DocType)); err != nil {
		return err
	}
	img, err := decodeInSlot(data, kind)
	if err != nil {
		return invalid("%s 图片已损坏或不完整，无法解码", name)
	}
	if rule.DocType != skillcert.DocPhoto {
		if min(w, h) < MinScanShort || max(w, h) < MinScanLong {
			return invalid("图片分辨率过低（%d×%d 像素），请上传清晰的扫描件或照片（至少 %d×%d 像素）", w, h, MinScanLong, MinScanShort)
		}
		return nil
	}
	if w < MinPhotoWidth || h < MinPhotoHeight {
		return invalid("照片分辨率过低（%d×%d 像素），须至少 %d×%d 像素（宽×高）", w, h, MinPhotoWidth, MinPhotoHeight)
	}
	if h < w || h > 2*w {
		return invalid("照片应为竖版证件照（宽高比约 5:7），当前为 %d×%d 像素", w, h)
	}
	if light := lightBorderShare(img); light < MinLightBorder {
		return invalid("照片背景不是白色（背景区域浅色像素仅占 %d%%），请上传白底证件照", int(light*100))
	}
	return nil
}

// DecodeImage decodes an image of kind after checking its declared size against maxPixels and
// MaxDecodeBytes, holding one of DecodeSlots. A file that crashes the decoder gives an error.
func DecodeImage(data []byte, kind skillcert.FileKind, maxPixels int64) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, invalid("图片已损坏或格式异常，无法解析")
		}
	}()
	cfg, err := imageConfig(data, kind)
	if err != nil {
		return nil, invalid("图片已损坏或不完整，无法读取")
	}
	if err := CheckDimensions(cfg, maxPixels); err != nil {
		return nil, err
	}
	return decodeInSlot(data, kind)
}
