package serve

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"strconv"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pages are the page templates, each parsed with the layout.
var pages = func() map[string]*template.Template {
	funcs := template.FuncMap{"pageURL": pageLink, "size": inputSize, "sendLabel": sendLabel, "seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}}
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/parts.html"))
	out := map[string]*template.Template{}
	for _, name := range []string{"home", "columns", "values", "review", "problem"} {
		out[name] = template.Must(template.Must(layout.Clone()).ParseFS(templateFiles, "templates/"+name+".html"))
	}
	out["parts"] = layout
	return out
}()

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("POST /runs", s.upload)
	mux.HandleFunc("GET /runs/{id}", s.withRun(s.openRun))
	mux.HandleFunc("GET /runs/{id}/columns", s.withRun(s.columns))
	mux.HandleFunc("POST /runs/{id}/columns", s.withRun(s.saveColumns))
	mux.HandleFunc("GET /runs/{id}/values", s.withRun(s.values))
	mux.HandleFunc("POST /runs/{id}/values", s.withRun(s.saveValues))
	mux.HandleFunc("GET /runs/{id}/review", s.withRun(s.review))
	mux.HandleFunc("GET /runs/{id}/grid", s.withRun(s.grid))
	mux.HandleFunc("POST /runs/{id}/cell", s.withRun(s.editCell))
	mux.HandleFunc("POST /runs/{id}/leave-out", s.withRun(s.leaveOut))
	mux.HandleFunc("POST /runs/{id}/check", s.withRun(s.check))
	mux.HandleFunc("POST /runs/{id}/send", s.withRun(s.send))
	mux.HandleFunc("POST /runs/{id}/stop", s.withRun(s.stop))
	mux.HandleFunc("GET /runs/{id}/events", s.withRun(s.events))
	mux.HandleFunc("GET /runs/{id}/download/{file}", s.withRun(s.download))
	return mux
}

// withRun finds the run the path names, or answers 404.
func (s *Server) withRun(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ss, err := s.runs.get(r.PathValue("id"))
		if errors.Is(err, os.ErrNotExist) {
			s.problem(w, http.StatusNotFound, "no such run: it may have been deleted from the state folder")
			return
		}
		if err != nil {
			s.problem(w, http.StatusInternalServerError, "this run cannot be opened: "+err.Error())
			return
		}
		h(w, r, ss)
	}
}

// render writes page with data, or a plain error if the template fails
// (a bug: the templates are tested).
func render(w http.ResponseWriter, status int, page string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := pages[page].ExecuteTemplate(w, "layout.html", data); err != nil {
		http.Error(w, "page: "+err.Error(), http.StatusInternalServerError)
	}
}

// problem shows a page that says what went wrong and what to do.
func (s *Server) problem(w http.ResponseWriter, status int, msg string) {
	render(w, status, "problem", map[string]any{"Title": http.StatusText(status), "Message": msg})
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	render(w, http.StatusOK, "home", map[string]any{"Title": "Runs", "Runs": listRuns(s.cfg.StateDir),
		"MaxUploadMiB": s.cfg.MaxUpload >> 20, "State": s.cfg.StateDir})
}

// upload makes a run of the dropped sheet (and files) and sends the
// person on to match its columns.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	m, dir, err := s.runs.newRun()
	if err != nil {
		s.problem(w, http.StatusInternalServerError, err.Error())
		return
	}
	m, err = s.receive(w, r, m, dir)
	if err == nil {
		m.Rows = -1 // counted once the sheet is read
		err = writeMeta(dir, m)
	}
	var ss *session
	if err == nil {
		ss, err = s.runs.get(m.ID)
	}
	if err != nil {
		os.RemoveAll(dir)
		var ue *uploadError
		if errors.As(err, &ue) {
			s.problem(w, ue.status, ue.msg)
			return
		}
		s.problem(w, http.StatusBadRequest, err.Error())
		return
	}
	ss.mu.Lock()
	ss.meta.Rows = len(ss.rows)
	writeMeta(ss.dir, ss.meta)
	ss.mu.Unlock()
	http.Redirect(w, r, "/runs/"+m.ID+"/columns", http.StatusSeeOther)
}

// openRun sends the person to where the run stands: the columns while
// the mapping cannot be used, else the review.
func (s *Server) openRun(w http.ResponseWriter, r *http.Request, ss *session) {
	ss.mu.Lock()
	bad := ss.mappingErr != nil
	ss.mu.Unlock()
	step := "review"
	if bad {
		step = "columns"
	}
	http.Redirect(w, r, "/runs/"+r.PathValue("id")+"/"+step, http.StatusSeeOther)
}

// download serves a file of the run folder; the reports are brought up to
// date first (a check of the whole sheet) when edits came after them.
func (s *Server) download(w http.ResponseWriter, r *http.Request, ss *session) {
	name, ok := downloads[r.PathValue("file")]
	if !ok {
		s.problem(w, http.StatusNotFound, "no such download")
		return
	}
	if name == reportFile || name == errorsFile {
		if err := ss.freshReports(s.runs.ctx, r.Context()); err != nil {
			s.problem(w, http.StatusConflict, err.Error())
			return
		}
	}
	if name == correctedFile {
		ss.mu.Lock()
		_, err := ss.writeCorrected()
		ss.mu.Unlock()
		if err != nil {
			s.problem(w, http.StatusInternalServerError, err.Error())
			return
		}
	}
	f, err := os.Open(ss.path(name))
	if errors.Is(err, os.ErrNotExist) && name == errorsFile {
		s.problem(w, http.StatusNotFound, "no row needs fixing: there is no errors workbook")
		return
	}
	if err != nil {
		s.problem(w, http.StatusInternalServerError, err.Error())
		return
	}
	defer f.Close()
	info, _ := f.Stat()
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	http.ServeContent(w, r, name, info.ModTime(), f)
}

// downloads are the files a person may take, by the name in the URL.
var downloads = map[string]string{
	"mapping.csv":   mappingFile,
	"corrected.csv": correctedFile,
	"report.csv":    reportFile,
	"errors.xlsx":   errorsFile,
	"edits.csv":     editsFile,
}

// atoi reads a form's number, -1 when it is not one.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
