package api

import (
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// writeXLSX writes the table as an Excel workbook through excelize's
// stream writer (rows go out as they come: a year's register of a large
// office is 100,000 lines): a bold header row frozen at the top, every
// cell text, so that Excel keeps "07" and never reads a subject as a
// formula.
func writeXLSX(w io.Writer, title string, header []string, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := sheetName(title)
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "Times New Roman", Size: 11}})
	if err != nil {
		return err
	}
	plain, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 11}, NumFmt: 49}) // 49: text
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	put := func(n int, cells []string, style int) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = excelize.Cell{StyleID: style, Value: xmlSafe(c)}
		}
		return sw.SetRow("A"+strconv.Itoa(n), vals)
	}
	if err := put(1, header, bold); err != nil {
		return err
	}
	for i, r := range rows {
		if err := put(i+2, r, plain); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// xmlSafe drops the characters XML 1.0 cannot carry (a scan's OCR may
// hold them).
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF {
			return r
		}
		return -1
	}, s)
}

// sheetName: at most 31 characters, none of []:*?/\.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, s)
	if rs := []rune(s); len(rs) > 31 {
		s = string(rs[:31])
	}
	return s
}
