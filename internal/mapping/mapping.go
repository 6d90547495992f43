package mapping

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Rule feeds one API field from one column, or from a default. The default is
// used when Column is empty or when the row's cell is empty. The field may
// also be FullName: the column is then split into first, middle and last
// name.
type Rule struct {
	Field   string
	Column  string
	Default string
}

// ValueMap is a value-map line: a cell of Field's column that reads Value
// (ignoring case and spacing) is sent as Send; an empty Send drops the value.
// Value OtherValues ("*") stands for every value no other line maps: with
// a Send, they are all sent as it; without one, they are dropped with a
// warning. A field whose column has value lines and no "*" line makes a row
// with an unmapped value invalid.
type ValueMap struct {
	Field string
	Value string
	Send  string
	// Note is written in the comment column by Write and otherwise ignored:
	// the proposal says there why it chose Send.
	Note string

	columnGiven bool // Load saw a column or default on the line: refused
}

// OtherValues is the Value of the catch-all value-map line.
const OtherValues = "*"

// Mapping is the set of rules that turns a spreadsheet row into a candidate.
// A field takes at most one rule, except links and files, whose rules add up
// in order. Values are the value-map lines, in file order.
type Mapping struct {
	Rules  []Rule
	Values []ValueMap
}

// The mapping file's header names. field and column must be present;
// default may be left out when no rule has one, value and send when there
// are no value-map lines. Other columns (a comment, say) are ignored.
const (
	headerField   = "field"
	headerColumn  = "column"
	headerDefault = "default"
	headerValue   = "value"
	headerSend    = "send"
	headerComment = "comment"
)

// Load reads a mapping file: CSV with the header field,column,default and,
// for value-map lines, value,send. The cells may be separated by commas,
// semicolons (a European Excel) or tabs; a UTF-8 BOM and CRLF line ends are
// fine. Lines starting with # are comments; extra columns (a "comment"
// column, say) are ignored. Every fault is reported, each with its line.
func Load(r io.Reader) (*Mapping, error) {
	m, err := load(r)
	if err != nil {
		return nil, fmt.Errorf("load mapping: %w", err)
	}
	return m, nil
}

// LoadFile reads the mapping file at path, which must be a regular file:
// a FIFO, a device or a socket is refused with ErrNotRegular, without
// waiting for a writer or reading a byte.
func LoadFile(path string) (*Mapping, error) {
	// O_NONBLOCK: open(2) of a FIFO would wait for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("load mapping: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("load mapping: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("load mapping %s: %w: it is %s; give the path of a mapping file", path, ErrNotRegular, FileKind(info.Mode()))
	}
	m, err := load(f)
	if err != nil {
		return nil, fmt.Errorf("load mapping %s: %w", path, err)
	}
	return m, nil
}

// MaxFileBytes bounds a mapping file. A mapping is a few dozen lines; a
// path such as /dev/zero would otherwise be read for ever.
const MaxFileBytes = 1 << 20

// ErrTooLarge means a mapping file is over MaxFileBytes.
var ErrTooLarge = fmt.Errorf("the file is larger than %d bytes (1 MiB); a mapping is a few dozen lines: is it the right file?", MaxFileBytes)

// ErrNotRegular means a mapping file is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// FileKind names a file type that is not a regular file ("a FIFO (named
// pipe)", "a device"...), for the messages that refuse one as an input:
// the mapping here, the key files in the command.
func FileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

func load(r io.Reader) (*Mapping, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, ErrTooLarge
	}
	records, lines, err := readRecords(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	cols, err := checkShape(records, lines)
	if err != nil {
		return nil, err
	}
	m := &Mapping{}
	var ruleLines, valueLines []int
	for i, rec := range records[1:] {
		cell := func(name string) string {
			if j, ok := cols[name]; ok && j < len(rec) {
				return rec[j]
			}
			return ""
		}
		if trim(cell(headerValue)) != "" || trim(cell(headerSend)) != "" {
			m.Values = append(m.Values, ValueMap{Field: cell(headerField), Value: cell(headerValue), Send: cell(headerSend),
				Note: trim(cell(headerComment)), columnGiven: trim(cell(headerColumn)) != "" || trim(cell(headerDefault)) != ""})
			valueLines = append(valueLines, lines[i+1])
			continue
		}
		m.Rules = append(m.Rules, Rule{Field: cell(headerField), Column: cell(headerColumn), Default: cell(headerDefault)})
		ruleLines = append(ruleLines, lines[i+1])
	}
	return check(m, atLine(ruleLines), atLine(valueLines))
}

// Write writes m as a mapping file that Load reads back to the same rules:
// the header field,column,default, and value,send,comment when m has
// value-map lines. A mapping without rules is written as the header alone,
// which Load refuses.
func (m *Mapping) Write(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := []string{headerField, headerColumn, headerDefault}
	if len(m.Values) > 0 {
		header = append(header, headerValue, headerSend, headerComment)
	}
	cw.Write(header)
	for _, r := range m.Rules {
		rec := []string{r.Field, r.Column, r.Default}
		if len(m.Values) > 0 {
			rec = append(rec, "", "", "")
		}
		cw.Write(rec)
	}
	for _, v := range m.Values {
		cw.Write([]string{v.Field, "", "", v.Value, v.Send, v.Note})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write mapping: %w", err)
	}
	return nil
}

// headerPeek is how much of a mapping file is read ahead to find its
// header line and, from it, the cell separator.
const headerPeek = 64 << 10

// readRecords reads every CSV record with the line it starts on. The cell
// separator is the one of ',', ';' and tab that splits the header into
// cells among which are "field" and "column".
func readRecords(r io.Reader) (records [][]string, lines []int, err error) {
	br := bufio.NewReaderSize(r, headerPeek)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		br.Discard(3)
	}
	head, _ := br.Peek(headerPeek)
	cr := csv.NewReader(br)
	cr.Comma = separator(head)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
			return nil, nil, &LineError{Line: pe.Line, Err: pe.Err}
		}
		if err != nil {
			return nil, nil, err
		}
		line, _ := cr.FieldPos(0)
		for _, cell := range rec {
			if !utf8.ValidString(cell) {
				return nil, nil, &LineError{Line: line, Err: errors.New(
					`is not UTF-8 text; save the mapping file as "CSV UTF-8" (a spreadsheet's plain "CSV" uses the computer's code page)`)}
			}
		}
		records = append(records, rec)
		lines = append(lines, line)
	}
	if len(records) == 0 {
		return nil, nil, invalid{"the file is empty; it needs the header field,column,default and one rule per line"}
	}
	return records, lines, nil
}

// separator finds the header line in the head of a mapping file (the first
// line that is neither blank nor a comment) and returns the separator that
// makes it a mapping header, or ',' when none does (Load then says what
// header it wants).
func separator(head []byte) rune {
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		if t := bytes.TrimSpace(line); len(t) == 0 || t[0] == '#' {
			continue
		}
		for _, sep := range []rune{',', ';', '\t'} {
			cr := csv.NewReader(bytes.NewReader(line))
			cr.Comma = sep
			cr.LazyQuotes = true
			rec, err := cr.Read()
			if err != nil {
				continue
			}
			names := map[string]bool{}
			for _, c := range rec {
				names[strings.ToLower(trim(c))] = true
			}
			if names[headerField] && names[headerColumn] {
				return sep
			}
		}
		break
	}
	return ','
}

// checkShape checks the header and that no rule has more cells than it, and
// returns the index of each header name. It folds the header (trimmed,
// lower case) so that " Field" does not matter.
func checkShape(records [][]string, lines []int) (map[string]int, error) {
	cols := map[string]int{}
	for i, name := range records[0] {
		name = strings.ToLower(trim(name))
		if _, seen := cols[name]; seen && name != "" {
			return nil, &LineError{lines[0], fmt.Errorf("header names %q twice", name)}
		}
		cols[name] = i
	}
	_, hasField := cols[headerField]
	_, hasColumn := cols[headerColumn]
	if !hasField || !hasColumn {
		return nil, &LineError{lines[0], fmt.Errorf("missing header: want field,column,default, got %q", strings.Join(records[0], ","))}
	}
	if len(records) == 1 {
		return nil, &LineError{lines[0], errors.New("no rules after the header")}
	}
	width := len(records[0])
	var errs []error
	for i, rec := range records[1:] {
		if len(rec) > width {
			errs = append(errs, &LineError{lines[i+1], fmt.Errorf(
				"%d cells, the header has %d (quote a value that contains a comma)", len(rec), width)})
		}
	}
	return cols, errors.Join(errs...)
}

// check validates m and returns it trimmed, with canonical field names.
// locate turns a fault of rule i into an error that says where it is,
// locateValue one of value line i.
func check(m *Mapping, locate, locateValue func(i int, err error) error) (*Mapping, error) {
	out := &Mapping{Rules: make([]Rule, 0, len(m.Rules))}
	first := map[string]int{} // field -> index of its first rule
	var errs []error
	for i, r := range m.Rules {
		r, err := checkRule(r)
		if err == nil {
			err = checkRepeat(r, i, first, locate)
		}
		if err != nil {
			errs = append(errs, locate(i, err))
			continue
		}
		out.Rules = append(out.Rules, r)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := checkNames(out.Rules, first, locate); err != nil {
		return nil, err
	}
	values, err := checkValues(m.Values, first, locateValue)
	if err != nil {
		return nil, err
	}
	out.Values = values
	return out, nil
}

// checkNames refuses a mapping that feeds a name twice: full_name beside a
// first, middle or last name rule, or one column feeding both first_name
// and last_name (every candidate would be named "Dana Levi Dana Levi").
func checkNames(rules []Rule, first map[string]int, locate func(int, error) error) error {
	if i, ok := first[FullName]; ok {
		for _, f := range []string{"first_name", "middle_name", "last_name"} {
			if j, dup := first[f]; dup {
				return locate(max(i, j), fmt.Errorf("%s is fed by full_name (which splits %q) and by its own line; keep one", f, rules[i].Column))
			}
		}
		return nil
	}
	fi, okF := first["first_name"]
	li, okL := first["last_name"]
	if okF && okL && rules[fi].Column != "" && strings.EqualFold(rules[fi].Column, rules[li].Column) {
		return locate(max(fi, li), fmt.Errorf(
			"column %q feeds both first_name and last_name, so both would get the whole name; "+
				"to split a full name, replace the two lines with one: %s,%s,", rules[fi].Column, FullName, csvCell(rules[fi].Column)))
	}
	return nil
}

// csvCell quotes s as a CSV cell when it needs it, for messages that show a
// line to write.
func csvCell(s string) string {
	if strings.ContainsAny(s, ",;\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// atLine locates faults by the rules' lines in a file.
func atLine(lines []int) func(int, error) error {
	return func(i int, err error) error { return &LineError{Line: lines[i], Err: err} }
}

// atRule locates faults by the rules' 1-based positions in a Mapping.
func atRule(i int, err error) error {
	return invalid{fmt.Sprintf("rule %d: %v", i+1, err)}
}

// atValue locates faults by the value lines' 1-based positions in a Mapping.
func atValue(i int, err error) error {
	return invalid{fmt.Sprintf("value line %d: %v", i+1, err)}
}

// RequiredFields are the fields Comeet refuses a candidate without.
var RequiredFields = comeet.RequiredFields

// Unfed returns the required fields that no rule of m feeds with a column
// or a default, in RequiredFields order: every row would lack them.
func (m *Mapping) Unfed() []string {
	fed := map[string]bool{}
	for _, r := range m.Rules {
		if r.Column != "" || r.Default != "" {
			fed[r.Field] = true
			if r.Field == FullName {
				fed["first_name"], fed["last_name"] = true, true
			}
		}
	}
	var missing []string
	for _, f := range RequiredFields {
		if !fed[f] {
			missing = append(missing, f)
		}
	}
	return missing
}

func checkRule(r Rule) (Rule, error) {
	t, err := parseField(r.Field)
	if err != nil {
		return r, err
	}
	r = Rule{Field: t.name(), Column: trim(r.Column), Default: trim(r.Default)}
	if r.Column == "" && r.Default == "" {
		return r, fmt.Errorf("field %s has neither a column nor a default", r.Field)
	}
	return r, nil
}

// checkRepeat refuses a second rule for a field that takes one value.
func checkRepeat(r Rule, i int, first map[string]int, locate func(int, error) error) error {
	prev, dup := first[r.Field]
	if !dup {
		first[r.Field] = i
		return nil
	}
	if t, _ := parseField(r.Field); t.kind.multi() || t.kind == kindNote {
		return nil
	}
	where := strings.TrimSuffix(locate(prev, errors.New("")).Error(), ": ")
	return fmt.Errorf("field %s is given twice (first on %s); only links, files and note take several (a note joins its columns)", r.Field, where)
}
