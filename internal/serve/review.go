package serve

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/comeet-import/comeet-import/internal/report"
)

// pageSize is the rows of the grid on one page.
const pageSize = 200

// gridRow is one row of the grid.
type gridRow struct {
	Row, Line int
	Outcome   string
	Message   string
	NeedsWork bool
	LeftOut   bool
	Cells     []gridCell
	Checked   bool
}

// gridCell is one cell, with what is wrong with it.
type gridCell struct {
	Col     int
	Value   string
	Problem string
	Edited  bool
}

// inputSize is the width of a cell's input, in characters: its value's,
// within bounds that keep a row on a screen.
func inputSize(v string) int { return min(max(len([]rune(v)), 6), 28) }

// sendLabel is the words of the send button.
func sendLabel(n int) string {
	if n == 1 {
		return "Send 1 candidate to Comeet"
	}
	return "Send " + strconv.Itoa(n) + " candidates to Comeet"
}

// needsWork reports whether a result asks a person to do something.
func needsWork(r report.Result) bool {
	return r.Outcome == report.Invalid || r.Outcome == report.Failed
}

// gridView is the review page's data: one page of rows, the filter, the
// counts.
type gridView struct {
	Title, Step string
	Run         meta
	Header      []string
	Rows        []gridRow
	All         bool
	Page, Pages int
	Shown       int // rows the filter keeps
	Status      status
	Error       string
	Command     string
}

func (s *Server) review(w http.ResponseWriter, r *http.Request, ss *session) {
	v := ss.view(r)
	v.Title, v.Step = "Review", "review"
	v.Command = s.command(ss)
	render(w, http.StatusOK, "review", v)
}

// grid is the grid alone, which the page fetches while a run fills it.
func (s *Server) grid(w http.ResponseWriter, r *http.Request, ss *session) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages["parts"].ExecuteTemplate(w, "grid", ss.view(r)); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// view is the grid's page the request asks for: ?all=1 shows every row,
// else the rows that need work; ?page=N (1-based).
func (ss *session) view(r *http.Request) gridView {
	all := r.URL.Query().Get("all") == "1"
	page := max(atoi(r.URL.Query().Get("page")), 1)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	v := gridView{Run: ss.meta, Header: ss.header, All: all, Status: ss.status(), Error: errText(ss.mappingErr)}
	var keep []int
	for i, res := range ss.results {
		if all || (needsWork(res) && !ss.leftOut(i+1)) {
			keep = append(keep, i+1)
		}
	}
	v.Shown = len(keep)
	v.Pages = max((len(keep)+pageSize-1)/pageSize, 1)
	v.Page = min(page, v.Pages)
	from := (v.Page - 1) * pageSize
	for _, row := range keep[from:min(from+pageSize, len(keep))] {
		v.Rows = append(v.Rows, ss.gridRow(row))
	}
	return v
}

// gridRow is row as the grid shows it; mu is held.
func (ss *session) gridRow(row int) gridRow {
	res := ss.results[row-1]
	g := gridRow{Row: row, Line: ss.rows[row-1].line, Outcome: string(res.Outcome), NeedsWork: needsWork(res),
		LeftOut: ss.leftOut(row), Checked: res.Outcome != ""}
	if len(res.Cells) == 0 {
		g.Message = res.Message // else each cell says its own
	}
	f := ss.fields(row)
	for c := range ss.header {
		gc := gridCell{Col: c}
		if c < len(f) {
			gc.Value = f[c]
		}
		_, gc.Edited = ss.edits[cell{row, c}]
		for _, p := range res.Cells {
			if p.Column == c {
				if gc.Problem != "" {
					gc.Problem += "; "
				}
				gc.Problem += p.Message
			}
		}
		g.Cells = append(g.Cells, gc)
	}
	return g
}

// editCell keeps a cell's new value in the edits, checks its row again at
// once and answers with the row as the grid shows it.
func (s *Server) editCell(w http.ResponseWriter, r *http.Request, ss *session) {
	row, col := atoi(r.PostFormValue("row")), atoi(r.PostFormValue("col"))
	value := r.PostFormValue("value")
	ss.lockIdle()
	defer ss.mu.Unlock()
	if row < 1 || row > len(ss.rows) || col < 0 || col >= len(ss.header) || ss.rows[row-1].err != nil {
		http.Error(w, "no such cell", http.StatusBadRequest)
		return
	}
	if ss.job != nil {
		http.Error(w, "a run is going on: wait for it or stop it before editing", http.StatusConflict)
		return
	}
	orig := ""
	if col < len(ss.rows[row-1].fields) {
		orig = ss.rows[row-1].fields[col]
	}
	if value == orig {
		delete(ss.edits, cell{row, col})
	} else {
		ss.edits[cell{row, col}] = value
	}
	if err := ss.writeEdits(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	ss.recheck(row)
	ss.writeRow(w, row)
}

// recheck checks row again after a change; mu is held.
func (ss *session) recheck(row int) {
	ss.fresh = false
	if ss.checker != nil {
		ss.checkRow(row)
	}
	ss.touch()
}

// writeRow answers with the row's <tr>; mu is held.
func (ss *session) writeRow(w http.ResponseWriter, row int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages["parts"].ExecuteTemplate(w, "row", ss.gridRow(row)); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// leaveOut leaves a row out of the corrected sheet, or puts it back.
func (s *Server) leaveOut(w http.ResponseWriter, r *http.Request, ss *session) {
	row := atoi(r.PostFormValue("row"))
	out := r.PostFormValue("out") == "1"
	ss.lockIdle()
	defer ss.mu.Unlock()
	if row < 1 || row > len(ss.rows) {
		http.Error(w, "no such row", http.StatusBadRequest)
		return
	}
	if ss.job != nil {
		http.Error(w, "a run is going on: wait for it or stop it", http.StatusConflict)
		return
	}
	ss.meta.LeftOut = slices.DeleteFunc(ss.meta.LeftOut, func(n int) bool { return n == row })
	if out {
		ss.meta.LeftOut = append(ss.meta.LeftOut, row)
		slices.Sort(ss.meta.LeftOut)
	}
	if err := writeMeta(ss.dir, ss.meta); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	ss.recheck(row)
	ss.writeRow(w, row)
}

// pageLink is the review page's address for a page and filter.
func pageLink(id string, page int, all bool) string {
	u := "/runs/" + id + "/review?page=" + strconv.Itoa(page)
	if all {
		u += "&all=1"
	}
	return u
}
