package serve

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/comeet-import/comeet-import/internal/attach"
)

// sheetExts are the sheets the page takes, as the source reads them.
var sheetExts = []string{".csv", ".tsv", ".txt", ".xlsx"}

// reserved are the names of the run folder's own files, which an
// uploaded sheet must not take.
var reserved = []string{metaFile, mappingFile, editsFile, correctedFile, reportFile, errorsFile, filesZip}

// uploadError is a fault of the upload the person can fix: its message is
// shown on the page, with its status.
type uploadError struct {
	status int
	msg    string
}

func (e *uploadError) Error() string { return e.msg }

// receive streams the upload's parts to the new run's folder: the sheet
// ("sheet"), a zip of the files ("files") and a files folder on this
// machine ("folder"), within the server's size limit. It returns the meta
// of the run, not yet written.
func (s *Server) receive(w http.ResponseWriter, r *http.Request, m meta, dir string) (meta, error) {
	if r.ContentLength > s.cfg.MaxUpload {
		return m, tooLarge(s.cfg.MaxUpload)
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return m, &uploadError{http.StatusBadRequest, "send the sheet as a form upload: " + err.Error()}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, s.readFault(err)
		}
		if err := s.receivePart(part, &m, dir); err != nil {
			return m, err
		}
	}
	if m.Sheet == "" {
		return m, &uploadError{http.StatusBadRequest, "no sheet: drop a .csv or .xlsx file"}
	}
	return m, checkFiles(m, dir)
}

func (s *Server) receivePart(part *multipart.Part, m *meta, dir string) error {
	defer part.Close()
	switch part.FormName() {
	case "sheet":
		if part.FileName() == "" {
			return nil
		}
		name, err := sheetName(part.FileName())
		if err != nil {
			return err
		}
		m.Sheet = name
		return s.save(part, filepath.Join(dir, name))
	case "files":
		if part.FileName() == "" {
			return nil
		}
		if !strings.EqualFold(filepath.Ext(part.FileName()), ".zip") {
			return &uploadError{http.StatusBadRequest, fmt.Sprintf("%q: the CVs must come as a .zip file", part.FileName())}
		}
		m.FilesDir = filesZip
		return s.save(part, filepath.Join(dir, filesZip))
	case "folder":
		b, err := io.ReadAll(io.LimitReader(part, 4096))
		if err != nil {
			return s.readFault(err)
		}
		if p := strings.TrimSpace(string(b)); p != "" && m.FilesDir == "" {
			if !filepath.IsAbs(p) {
				return &uploadError{http.StatusBadRequest, fmt.Sprintf("files folder %q: give the whole path, starting with /", p)}
			}
			m.FilesDir = filepath.Clean(p)
		}
	}
	return nil
}

// sheetName is the uploaded sheet's name in the run folder: its own base
// name, unless that is a name of the run's own files.
func sheetName(upload string) (string, error) {
	name := filepath.Base(strings.ReplaceAll(upload, `\`, "/"))
	ext := strings.ToLower(filepath.Ext(name))
	ok := false
	for _, e := range sheetExts {
		ok = ok || e == ext
	}
	if !ok || strings.HasPrefix(name, ".") {
		return "", &uploadError{http.StatusBadRequest, fmt.Sprintf("%q: drop a .csv, .tsv or .xlsx sheet", upload)}
	}
	for _, r := range reserved {
		if strings.EqualFold(name, r) {
			return "uploaded-" + name, nil
		}
	}
	return name, nil
}

// save streams part to path.
func (s *Server) save(part io.Reader, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("save upload: %w", err)
	}
	if _, err := io.Copy(f, part); err != nil {
		f.Close()
		return s.readFault(err)
	}
	return f.Close()
}

// readFault turns a failed read of the upload into its answer: 413 when
// it went over the limit.
func (s *Server) readFault(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge(s.cfg.MaxUpload)
	}
	return &uploadError{http.StatusBadRequest, "the upload broke off: " + err.Error()}
}

func tooLarge(limit int64) error {
	return &uploadError{http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than the page takes (%d MiB): "+
		"give the CVs as a files folder on this machine instead of a zip", limit>>20)}
}

// checkFiles opens the files folder or zip as a run would, with the same
// guards (a zip's size, entries and paths), so a bad one is told at once.
func checkFiles(m meta, dir string) error {
	if m.FilesDir == "" {
		return nil
	}
	p := m.FilesDir
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	f, err := attach.Open(p, attach.Options{})
	if err != nil {
		return &uploadError{http.StatusBadRequest, "files: " + err.Error()}
	}
	return f.Close()
}
