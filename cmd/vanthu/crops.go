package main

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/digits"
)

// digitCrops writes the handwritten blanks people corrected as labelled
// crops (ID-number-47.png, ID-day-17.png), which the handwriting reader's
// trainer takes (go run ./pipelines/digits/train -real DIR). Each
// corrected document is read again to cut its blanks exactly as the
// reader saw them; a crop whose marks are not as many as the corrected
// digits is skipped (which mark is which digit is not known). Secret
// documents stay out (HandwritingCorrections).
func digitCrops(ctx context.Context, st *records.Store, objs objstore.Store, p *pipelines.Pipeline, out, agency string, limit int, stdout, stderr io.Writer) error {
	if err := os.MkdirAll(out, 0o750); err != nil {
		return err
	}
	cs, err := st.HandwritingCorrections(ctx, agency, limit)
	if err != nil {
		return err
	}
	byDoc := map[int64][]records.HandwritingCorrection{}
	var order []int64
	for _, c := range cs {
		if _, ok := byDoc[c.Document.ID]; !ok {
			order = append(order, c.Document.ID)
		}
		byDoc[c.Document.ID] = append(byDoc[c.Document.ID], c)
	}
	written, skipped := 0, 0
	for _, id := range order {
		d := byDoc[id][0].Document
		crops, err := blankCropsOf(ctx, objs, p, d)
		if err != nil {
			fmt.Fprintf(stderr, "document %d: %v (skipped)\n", id, err)
			skipped += len(byDoc[id])
			continue
		}
		for _, c := range byDoc[id] {
			crop := crops[c.Field]
			labels := digits.LabelsOf(c.Field, c.New)
			if crop == nil || len(labels) == 0 {
				fmt.Fprintf(stderr, "document %d %s: no handwritten blank read (skipped)\n", id, c.Field)
				skipped++
				continue
			}
			label, why := "", ""
			for _, l := range labels {
				if _, _, err := digits.LabelledDigits(crop, l); err == nil {
					label = l
					break
				} else {
					why = err.Error()
				}
			}
			if label == "" {
				fmt.Fprintf(stderr, "document %d %s %q: %s (skipped)\n", id, c.Field, c.New, why)
				skipped++
				continue
			}
			field := c.Field
			if field == "issued_at" {
				field = "day"
			}
			name := filepath.Join(out, fmt.Sprintf("%d-%s-%s.png", id, field, label))
			if err := writePNG(name, crop); err != nil {
				return err
			}
			written++
		}
	}
	fmt.Fprintf(stdout, "%d crops written to %s, %d corrections skipped\n", written, out, skipped)
	return nil
}

// blankCropsOf reads the document's original again for its blanks.
func blankCropsOf(ctx context.Context, objs objstore.Store, p *pipelines.Pipeline, d records.Document) (map[string]*image.Gray, error) {
	rc, _, err := objs.Get(ctx, d.Bucket, d.Key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// The key is the client's: only its extension is kept, and only one
	// the pipeline reads.
	ext := strings.ToLower(path.Ext(d.Key))
	switch ext {
	case ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff":
	default:
		ext = ""
	}
	tmp, err := os.CreateTemp("", "vanthu-crops-*"+ext)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, io.LimitReader(rc, 512<<20))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return p.BlankCrops(ctx, tmp.Name())
}

func writePNG(name string, img image.Image) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
