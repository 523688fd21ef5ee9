package raster

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// withOrientation puts an EXIF block with orientation o after the JPEG's
// start marker, as a phone writes it.
func withOrientation(t *testing.T, jpg []byte, o uint16, order binary.ByteOrder) []byte {
	t.Helper()
	var tiff bytes.Buffer
	if order == binary.LittleEndian {
		tiff.WriteString("II")
	} else {
		tiff.WriteString("MM")
	}
	w := func(v any) { binary.Write(&tiff, order, v) }
	w(uint16(42))
	w(uint32(8))
	w(uint16(1))      // one entry
	w(uint16(0x0112)) // Orientation
	w(uint16(3))      // SHORT
	w(uint32(1))      // one value
	w(o)              // the value, in the first two bytes
	w(uint16(0))
	w(uint32(0)) // no next IFD
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{0xFF, 0xD8}, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func TestJPEGOrientation(t *testing.T) {
	// A 40×20 photo, stored sideways, with its top-left corner dark.
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := range 6 {
		for x := range 6 {
			img.Set(x, y, color.Black)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	dark := func(m *image.RGBA, x, y int) bool { return m.RGBAAt(x, y).R < 80 }
	for _, c := range []struct {
		o          uint16
		w, h       int
		darkX, dkY int // where the stored top-left corner shows
	}{
		{1, 40, 20, 2, 2},
		{3, 40, 20, 37, 17},
		{6, 20, 40, 17, 2},
		{8, 20, 40, 2, 37},
		{2, 40, 20, 37, 2},
		{5, 20, 40, 2, 2},
	} {
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			data := withOrientation(t, b.Bytes(), c.o, order)
			if o := jpegOrientation(data); o != int(c.o) {
				t.Fatalf("orientation %d read as %d", c.o, o)
			}
			imgs, err := DecodeImageAdmitted(data, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			m := imgs[0]
			if m.Rect.Dx() != c.w || m.Rect.Dy() != c.h || !dark(m, c.darkX, c.dkY) {
				t.Errorf("orientation %d: %v, dark at (%d,%d): %v", c.o, m.Rect, c.darkX, c.dkY, dark(m, c.darkX, c.dkY))
			}
		}
	}
	// Broken EXIF blocks are no orientation, never a panic.
	good := withOrientation(t, b.Bytes(), 6, binary.BigEndian)
	for cut := 2; cut < 60 && cut < len(good); cut++ {
		jpegOrientation(good[:cut])
		bad := append([]byte(nil), good...)
		bad[cut] ^= 0xFF
		jpegOrientation(bad)
	}
}

// TurnGray turns as Turn does.
func TestTurnGray(t *testing.T) {
	c := image.NewRGBA(image.Rect(0, 0, 5, 3))
	g := image.NewGray(image.Rect(0, 0, 5, 3))
	for i := range 15 {
		v := uint8(10 * i)
		g.Pix[i] = v
		c.Pix[4*i], c.Pix[4*i+1], c.Pix[4*i+2], c.Pix[4*i+3] = v, v, v, 255
	}
	for _, deg := range []int{90, 180, 270} {
		tc, tg := Turn(c, deg), TurnGray(g, deg)
		if tc.Rect != tg.Rect {
			t.Fatalf("%d°: %v vs %v", deg, tc.Rect, tg.Rect)
		}
		for i := range tg.Pix {
			if tg.Pix[i] != tc.Pix[4*i] {
				t.Fatalf("%d°: pixel %d is %d, Turn gives %d", deg, i, tg.Pix[i], tc.Pix[4*i])
			}
		}
	}
}

// Any bytes: an orientation from 1 to 8, never a panic.
func FuzzJPEGOrientation(f *testing.F) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	var b bytes.Buffer
	jpeg.Encode(&b, img, nil)
	f.Add(b.Bytes())
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0x7F, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := jpegOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
