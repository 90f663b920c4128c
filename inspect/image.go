package inspect

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"skillcert"
)

// Image limits. A photo of 一寸 size at 300 dpi is 295×413 pixels; phones give far more. The minimums only
// catch files that cannot be a usable picture (a 1×1 "photo", a thumbnail).
const (
	MaxPixels      = 50_000_000 // refuse larger images before allocating them (decompression bombs)
	MinPhotoWidth  = 130        // pixels
	MinPhotoHeight = 170        // pixels
	MinScanShort   = 200        // shorter side of a scanned document, pixels
	MinScanLong    = 300        // longer side
)

// imageConfig reads an image's dimensions without decoding the pixels.
func imageConfig(data []byte, kind skillcert.FileKind) (int, int, error) {
	switch kind {
	case skillcert.KindPNG:
		c, err := png.DecodeConfig(bytes.NewReader(data))
		return c.Width, c.Height, err
	case skillcert.KindJPEG:
		c, err := jpeg.DecodeConfig(bytes.NewReader(data))
		return c.Width, c.Height, err
	case skillcert.KindBMP:
		h, err := bmpDecodeConfig(data)
		return h.width, h.height, err
	}
	return 0, 0, fmt.Errorf("not an image kind: %s", kind)
}

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
	w, h, err := imageConfig(data, kind)
	if err != nil {
		if err == errBMPUnsupported {
			return invalid("不支持这种 BMP 格式（压缩或特殊位深），请另存为 JPG 或 PNG 后上传")
		}
		return invalid("%s 图片已损坏或不完整，无法读取", name)
	}
	res.Width, res.Height = w, h
	if w <= 0 || h <= 0 {
		return invalid("%s 图片没有像素", name)
	}
	if int64(w)*int64(h) > MaxPixels {
		return invalid("图片尺寸过大（%d×%d 像素），请缩小到 %d 万像素以内", w, h, MaxPixels/10_000)
	}
	img, err := decodeImage(data, kind)
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
