package inspect

import (
	"image"
	"image/color"
)

// White background check of photos. A 证件照 shows head and shoulders: the shoulders reach the lower
// corners, hair may touch the top edge, but the top band and the upper part of both sides are background.
// The check samples those areas and counts "light" pixels: bright (luma ≥ 185, which allows a grey cast
// from poor lighting or JPEG noise) and hardly coloured (max-min of R, G, B ≤ 45, which tells white from
// the light blue and pink of other backgrounds). At least MinLightBorder of the samples must be light, so
// a fringe of hair or a collar at the edge does not fail the photo, while blue, red and grey backgrounds do.
const (
	MinLightBorder = 0.70
	borderBand     = 0.06 // band thickness, as a share of the width (sides) or height (top)
	sideReach      = 0.45 // how far down the sides are sampled, as a share of the height
	maxSamples     = 40_000
)

// lightBorderShare returns the share of light pixels in the photo's top band and upper side bands.
func lightBorderShare(img image.Image) float64 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	bandX := max(1, int(float64(w)*borderBand))
	bandY := max(1, int(float64(h)*borderBand))
	reach := max(bandY, int(float64(h)*sideReach))
	areas := []image.Rectangle{
		image.Rect(0, 0, w, bandY),           // top
		image.Rect(0, bandY, bandX, reach),   // left
		image.Rect(w-bandX, bandY, w, reach), // right
	}
	total := 0
	for _, a := range areas {
		total += a.Dx() * a.Dy()
	}
	step := 1
	for total/(step*step) > maxSamples {
		step++
	}
	light, seen := 0, 0
	for _, a := range areas {
		for y := a.Min.Y; y < a.Max.Y; y += step {
			for x := a.Min.X; x < a.Max.X; x += step {
				seen++
				if isLight(img.At(b.Min.X+x, b.Min.Y+y)) {
					light++
				}
			}
		}
	}
	if seen == 0 {
		return 0
	}
	return float64(light) / float64(seen)
}

// isLight reports whether c is near white: bright and nearly grey. Transparent pixels count as white,
// as they print on white paper.
func isLight(c color.Color) bool {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	if n.A < 128 {
		return true
	}
	r, g, b := int(n.R), int(n.G), int(n.B)
	luma := (299*r + 587*g + 114*b) / 1000
	return luma >= 185 && max(r, g, b)-min(r, g, b) <= 45
}
