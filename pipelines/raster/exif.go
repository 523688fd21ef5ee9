package raster

import (
	"encoding/binary"
	"image"
)

// jpegOrientation is the EXIF orientation a JPEG carries (1–8), 1 when it
// carries none. Phones store a photo as the sensor saw it and note in
// EXIF how to turn it: read as stored, a photo taken upright is sideways
// and Tesseract reads nothing. Every offset is checked against the data:
// the file is the client's.
func jpegOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		if marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 {
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 {
			return 1 // image data: no EXIF before it
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 of IFD0 in an EXIF TIFF block.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int64(bo.Uint32(t[4:])) // 64 bits: no overflow on 32-bit builds
	if off < 8 || off > int64(len(t))-2 {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	for k := range count {
		e := int(off) + 2 + 12*k // off < len(t), k < 65536: no overflow
		if e > len(t)-12 {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // SHORT
			if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}

// orient turns img (its Rect at the origin, as toRGBA makes it) as EXIF
// orientation o says, so that it reads upright.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return img
	}
	pix, W, H := turnPix(img.Pix, img.Stride, img.Rect.Dx(), img.Rect.Dy(), 4, o)
	return &image.RGBA{Pix: pix, Stride: 4 * W, Rect: image.Rect(0, 0, W, H)}
}

// turnPix lays out w×h pixels of bpp bytes (rows stride bytes apart) as
// EXIF orientation o (2–8) says: the turned pixels, their width and height.
func turnPix(src []byte, stride, w, h, bpp, o int) ([]byte, int, int) {
	W, H := w, h
	if o >= 5 {
		W, H = h, w // 5–8 swap the sides
	}
	// at gives the stored pixel shown at (x, y) of the upright image.
	at := map[int]func(x, y int) (int, int){
		2: func(x, y int) (int, int) { return w - 1 - x, y },
		3: func(x, y int) (int, int) { return w - 1 - x, h - 1 - y },
		4: func(x, y int) (int, int) { return x, h - 1 - y },
		5: func(x, y int) (int, int) { return y, x },
		6: func(x, y int) (int, int) { return y, h - 1 - x },
		7: func(x, y int) (int, int) { return w - 1 - y, h - 1 - x },
		8: func(x, y int) (int, int) { return w - 1 - y, x },
	}[o]
	out := make([]byte, W*H*bpp)
	for y := range H {
		row := out[y*W*bpp : (y+1)*W*bpp]
		for x := range W {
			sx, sy := at(x, y)
			i := sy*stride + bpp*sx
			copy(row[bpp*x:bpp*x+bpp], src[i:i+bpp])
		}
	}
	return out, W, H
}

// turnOrientation is the EXIF orientation that turns a page clockwise by
// deg (90, 180, 270); 1 for anything else.
func turnOrientation(deg int) int {
	switch deg {
	case 90:
		return 6
	case 180:
		return 3
	case 270:
		return 8
	}
	return 1
}

// Turn turns img clockwise by deg (90, 180 or 270; anything else leaves
// it as it is).
func Turn(img *image.RGBA, deg int) *image.RGBA { return orient(img, turnOrientation(deg)) }

// TurnGray turns a grey page (its Rect at the origin) as Turn does.
func TurnGray(g *image.Gray, deg int) *image.Gray {
	o := turnOrientation(deg)
	if o == 1 {
		return g
	}
	pix, W, H := turnPix(g.Pix, g.Stride, g.Rect.Dx(), g.Rect.Dy(), 1, o)
	return &image.Gray{Pix: pix, Stride: W, Rect: image.Rect(0, 0, W, H)}
}
