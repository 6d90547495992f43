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

	"github.com/gocarina/gocsv"
)

// Rule feeds one API field from one column, or from a default. The default is
// used when Column is empty or when the row's cell is empty.
type Rule struct {
	Field   string `csv:"field"`
	Column  string `csv:"column"`
	Default string `csv:"default"`
}

// Mapping is the set of rules that turns a spreadsheet row into a candidate.
// A field takes at most one rule, except links and files, whose rules add up
// in order.
type Mapping struct {
	Rules []Rule
}

// The mapping file's header names that must be present; "default" may be
// left out when no rule has one.
const (
	headerField  = "field"
	headerColumn = "column"
)

// Load reads a mapping file: CSV with the header field,column,default. Lines
// starting with # are comments; extra columns (a "comment" column, say) are
// ignored. Every fault is reported, each with its line.
func Load(r io.Reader) (*Mapping, error) {
	m, err := load(r)
	if err != nil {
		return nil, fmt.Errorf("load mapping: %w", err)
	}
	return m, nil
}

// LoadFile reads the mapping file at path.
func LoadFile(path string) (*Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load mapping: %w", err)
	}
	defer f.Close()
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
	if err := checkShape(records, lines); err != nil {
		return nil, err
	}
	var rules []Rule
	if err := gocsv.UnmarshalCSV(&recordReader{records: records}, &rules); err != nil {
		return nil, err
	}
	return check(rules, atLine(lines[1:]))
}

// Write writes m as a mapping file that Load reads back to the same rules. A
// mapping without rules is written as the header alone, which Load refuses.
func (m *Mapping) Write(w io.Writer) error {
	rules := m.Rules
	if rules == nil {
		rules = []Rule{}
	}
	if err := gocsv.MarshalCSV(&rules, gocsv.NewSafeCSVWriter(csv.NewWriter(w))); err != nil {
		return fmt.Errorf("write mapping: %w", err)
	}
	return nil
}

// readRecords reads every CSV record with the line it starts on.
func readRecords(r io.Reader) (records [][]string, lines []int, err error) {
	cr := csv.NewReader(skipBOM(r))
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
		records = append(records, rec)
		lines = append(lines, line)
	}
	if len(records) == 0 {
		return nil, nil, invalid{"the file is empty; it needs the header field,column,default and one rule per line"}
	}
	return records, lines, nil
}

func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		br.Discard(3)
	}
	return br
}

// checkShape checks the header and that no rule has more cells than it. It
// folds the header (trimmed, lower case) so that " Field" does not matter.
func checkShape(records [][]string, lines []int) error {
	header := make([]string, len(records[0]))
	seen := map[string]bool{}
	for i, name := range records[0] {
		name = strings.ToLower(trim(name))
		if seen[name] && name != "" {
			return &LineError{lines[0], fmt.Errorf("header names %q twice", name)}
		}
		seen[name] = true
		header[i] = name
	}
	if !seen[headerField] || !seen[headerColumn] {
		return &LineError{lines[0], fmt.Errorf("missing header: want field,column,default, got %q", strings.Join(records[0], ","))}
	}
	records[0] = header
	if len(records) == 1 {
		return &LineError{lines[0], errors.New("no rules after the header")}
	}
	var errs []error
	for i, rec := range records[1:] {
		if len(rec) > len(header) {
			errs = append(errs, &LineError{lines[i+1], fmt.Errorf(
				"%d cells, the header has %d (quote a value that contains a comma)", len(rec), len(header))})
		}
	}
	return errors.Join(errs...)
}

// recordReader hands records already read to gocsv.
type recordReader struct {
	records [][]string
	next    int
}

func (r *recordReader) Read() ([]string, error) {
	if r.next == len(r.records) {
		return nil, io.EOF
	}
	r.next++
	return r.records[r.next-1], nil
}

func (r *recordReader) ReadAll() ([][]string, error) {
	rest := r.records[r.next:]
	r.next = len(r.records)
	return rest, nil
}

// check validates rules and returns them trimmed, with canonical field names.
// locate turns a fault of rule i into an error that says where it is.
func check(rules []Rule, locate func(i int, err error) error) (*Mapping, error) {
	out := &Mapping{Rules: make([]Rule, 0, len(rules))}
	first := map[string]int{} // field -> index of its first rule
	var errs []error
	for i, r := range rules {
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
	return out, nil
}

// atLine locates faults by the rules' lines in a file.
func atLine(lines []int) func(int, error) error {
	return func(i int, err error) error { return &LineError{Line: lines[i], Err: err} }
}

// atRule locates faults by the rules' 1-based positions in a Mapping.
func atRule(i int, err error) error {
	return invalid{fmt.Sprintf("rule %d: %v", i+1, err)}
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
	if t, _ := parseField(r.Field); t.kind.multi() {
		return nil
	}
	where := strings.TrimSuffix(locate(prev, errors.New("")).Error(), ": ")
	return fmt.Errorf("field %s is given twice (first on %s); only links and files take several", r.Field, where)
}

// RequiredFields are the fields Comeet refuses a candidate without.
var RequiredFields = []string{"position_uid", "partner_candidate_id", "first_name", "last_name"}

// Unfed returns the required fields that no rule of m feeds with a column
// or a default, in RequiredFields order: every row would lack them.
func (m *Mapping) Unfed() []string {
	fed := map[string]bool{}
	for _, r := range m.Rules {
		if r.Column != "" || r.Default != "" {
			fed[r.Field] = true
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
