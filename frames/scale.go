package frames

import (
	"image"
	"image/color"

	"golang.org/x/image/draw"
)

// Fit scales img to fit within maxW×maxH pixels keeping its shape (0 means
// no bound); only with grow does it enlarge a smaller image. It returns an
// *image.RGBA with its origin at 0,0.
func Fit(img image.Image, maxW, maxH int, grow bool) *image.RGBA {
	b := img.Bounds()
	w, h := fitSize(b.Dx(), b.Dy(), maxW, maxH, grow)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// fitSize is the largest w×h of shape sw:sh within maxW×maxH (no larger
// than sw×sh unless grow), at least 1×1.
func fitSize(sw, sh, maxW, maxH int, grow bool) (int, int) {
	if sw <= 0 || sh <= 0 {
		return 1, 1
	}
	w, h := sw, sh
	switch {
	case grow && maxW > 0:
		w, h = maxW, sh*maxW/sw
	case grow && maxH > 0:
		w, h = sw*maxH/sh, maxH
	}
	if maxW > 0 && w > maxW {
		w, h = maxW, sh*maxW/sw
	}
	if maxH > 0 && h > maxH {
		w, h = sw*maxH/sh, maxH
	}
	return max(w, 1), max(h, 1)
}

// sheetBG is the dark grey between the frames of a strip.
func sheetBG() color.RGBA { return color.RGBA{R: 24, G: 24, B: 24, A: 255} }

// sheet lays frames side by side, each frameW pixels wide, gap apart.
func sheet(frames []image.Image, frameW, gap int) *image.RGBA {
	scaled := make([]*image.RGBA, len(frames))
	h := 0
	for i, f := range frames {
		scaled[i] = Fit(f, frameW, 0, false)
		h = max(h, scaled[i].Bounds().Dy())
	}
	w := len(frames)*frameW + (len(frames)-1)*gap
	dst := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(sheetBG()), image.Point{}, draw.Src)
	x := 0
	for _, s := range scaled {
		r := s.Bounds().Add(image.Pt(x, (h-s.Bounds().Dy())/2))
		draw.Draw(dst, r, s, image.Point{}, draw.Src)
		x += frameW + gap
	}
	return dst
}
