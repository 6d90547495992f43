package source

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Bounds on what the sheet's tail may hold, so that a hostile workbook
// cannot make the reader grow without bound. Variables for the tests.
var (
	maxMerges   = 100_000 // merged ranges read from one sheet
	maxLinks    = 100_000 // hyperlinked cells read from one sheet (Excel allows 65,530)
	maxPartMeta = 8 << 20 // bytes of a small part (relationships, workbook)
)

// parts reads the package parts of a workbook that excelize does not give
// out while streaming: the sheet's XML for each cell's type, format and
// formula, and its merged ranges and hyperlinks.
type parts struct {
	zr *zip.ReadCloser
}

func openParts(file string) (*parts, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, err
	}
	return &parts{zr: zr}, nil
}

func (p *parts) Close() error { return p.zr.Close() }

func (p *parts) open(name string) (io.ReadCloser, error) {
	name = strings.TrimPrefix(name, "/")
	for _, f := range p.zr.File {
		if strings.EqualFold(f.Name, name) {
			return f.Open()
		}
	}
	return nil, fmt.Errorf("workbook part %s is missing", name)
}

// small reads a part that holds no cells, bounded.
func (p *parts) small(name string) ([]byte, error) {
	rc, err := p.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(maxPartMeta)+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPartMeta {
		return nil, fmt.Errorf("workbook part %s is larger than %d bytes", name, maxPartMeta)
	}
	return b, nil
}

type relationships struct {
	Rels []struct {
		ID         string `xml:"Id,attr"`
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

// rels reads the relationships of part ("" for the package's).
func (p *parts) rels(part string) (relationships, error) {
	var r relationships
	name := path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
	if part == "" {
		name = "_rels/.rels"
	}
	b, err := p.small(name)
	if err != nil {
		return r, err
	}
	err = xml.Unmarshal(b, &r)
	return r, err
}

// resolve turns a relationship target into a part name.
func resolve(from, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Join(path.Dir(from), target)
}

// sheetPart finds the XML part of the named sheet.
func (p *parts) sheetPart(sheet string) (string, error) {
	root, err := p.rels("")
	if err != nil {
		return "", err
	}
	wb := "xl/workbook.xml"
	for _, r := range root.Rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			wb = resolve("", r.Target)
		}
	}
	b, err := p.small(wb)
	if err != nil {
		return "", err
	}
	var book struct {
		Sheets []struct {
			Name string     `xml:"name,attr"`
			Attr []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(b, &book); err != nil {
		return "", fmt.Errorf("workbook part %s: %w", wb, err)
	}
	id := ""
	for _, s := range book.Sheets {
		if s.Name == sheet {
			for _, a := range s.Attr {
				if a.Name.Local == "id" {
					id = a.Value
				}
			}
		}
	}
	wbRels, err := p.rels(wb)
	if err != nil {
		return "", err
	}
	for _, r := range wbRels.Rels {
		if r.ID == id && id != "" {
			return resolve(wb, r.Target), nil
		}
	}
	return "", fmt.Errorf("sheet %q has no part in the workbook", sheet)
}

// span is a rectangle of cells, 0-based columns, 1-based rows.
type span struct {
	col1, row1, col2, row2 int
}

func parseSpan(ref string) (span, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		b = a
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil || c2 < c1 || r2 < r1 {
		return span{}, false
	}
	return span{c1 - 1, r1, c2 - 1, r2}, true
}

// sheetTail is what follows the cells in a sheet's XML.
type sheetTail struct {
	merges []span                 // in document order
	links  map[int]map[int]string // row -> 0-based column -> external target
	// lastRow is the number of the sheet's last <row>, seen on the way to
	// the tail: a progress total where the dimension names one cell.
	lastRow int
}

// rowStart returns the number of the row whose start tag ends chunk (a
// run of bytes ending in '>'), or last when chunk ends in another tag: a
// <row> without r follows the last. A '<' in a chunk starts a tag (text
// holds it escaped), so the last one starts the tag that ends it.
func rowStart(chunk []byte, last int) int {
	i := bytes.LastIndexByte(chunk, '<')
	if i < 0 {
		return last
	}
	tag := chunk[i+1 : len(chunk)-1]
	name, attrs, _ := bytes.Cut(tag, []byte(" "))
	if _, local, ok := bytes.Cut(name, []byte(":")); ok {
		name = local
	}
	if string(bytes.TrimSuffix(name, []byte("/"))) != "row" {
		return last
	}
	if _, v, ok := bytes.Cut(attrs, []byte(`r="`)); ok {
		if v, _, ok = bytes.Cut(v, []byte(`"`)); ok {
			if n, err := strconv.Atoi(string(v)); err == nil {
				return n
			}
		}
	}
	return last + 1
}

// readTail reads the merged ranges and hyperlinks of a sheet part. It looks
// for the end of the cell data without decoding the cells, then decodes
// what follows.
func (p *parts) readTail(part string) (sheetTail, error) {
	var tail sheetTail
	rc, err := p.open(part)
	if err != nil {
		return tail, err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	end := []byte("</sheetData>")
	var carry []byte
	found := false
	for !found {
		chunk, err := br.ReadSlice('>')
		probe := append(carry, chunk...)
		if bytes.HasSuffix(probe, end) {
			found = true
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			carry = append(carry[:0], probe[max(0, len(probe)-len(end)):]...)
			continue
		}
		tail.lastRow = rowStart(chunk, tail.lastRow)
		carry = carry[:0]
		if err == io.EOF {
			return tail, nil // no cell data at all
		}
		if err != nil {
			return tail, err
		}
	}
	type hyperlink struct {
		ref, id string
	}
	var links []hyperlink
	dec := xml.NewDecoder(br)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return tail, fmt.Errorf("after the cells: %w", err)
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch t.Name.Local {
		case "mergeCell":
			ref, _ := attr(t, "ref")
			if s, ok := parseSpan(ref); ok {
				if len(tail.merges) >= maxMerges {
					return tail, fmt.Errorf("more than %d merged ranges", maxMerges)
				}
				tail.merges = append(tail.merges, s)
			}
		case "hyperlink":
			ref, _ := attr(t, "ref")
			id := ""
			for _, a := range t.Attr {
				if a.Name.Local == "id" && a.Name.Space != "" {
					id = a.Value
				}
			}
			if id != "" {
				if len(links) >= maxLinks {
					return tail, fmt.Errorf("more than %d hyperlinks", maxLinks)
				}
				links = append(links, hyperlink{ref, id})
			}
		}
	}
	if len(links) == 0 {
		return tail, nil
	}
	rels, err := p.rels(part)
	if err != nil {
		return tail, err
	}
	targets := make(map[string]string, len(rels.Rels))
	for _, r := range rels.Rels {
		if strings.EqualFold(r.TargetMode, "External") {
			targets[r.ID] = r.Target
		}
	}
	tail.links = make(map[int]map[int]string)
	count := 0
	for _, l := range links {
		target, ok := targets[l.id]
		s, okSpan := parseSpan(l.ref)
		if !ok || !okSpan {
			continue
		}
		for row := s.row1; row <= s.row2; row++ {
			for col := s.col1; col <= s.col2; col++ {
				if count++; count > maxLinks {
					return tail, fmt.Errorf("more than %d hyperlinked cells", maxLinks)
				}
				if tail.links[row] == nil {
					tail.links[row] = make(map[int]string)
				}
				tail.links[row][col] = target
			}
		}
	}
	return tail, nil
}

// cells opens the sheet part for reading its cells' XML in step with the
// rows.
func (p *parts) cells(part string) (*metaRows, error) {
	rc, err := p.open(part)
	if err != nil {
		return nil, err
	}
	return &metaRows{dec: xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10)), closer: rc}, nil
}
