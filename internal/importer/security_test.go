package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// storedSHA256s returns the digest of every file the server received, in
// every request, created or not.
func (g *rig) storedSHA256s() map[string]bool {
	sums := map[string]bool{}
	add := func(f *comeet.File) {
		if f != nil {
			sums[f.SHA256] = true
		}
	}
	for _, r := range g.srv.Requests() {
		if c := r.Candidate; c != nil {
			add(c.Resume)
			add(c.Picture)
			for _, f := range c.Files {
				add(f)
			}
		}
	}
	return sums
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// A hostile spreadsheet names files outside the files directory: by "..",
// by an absolute path, and through a symbolic link planted inside it. None
// of them may be read, and the secret's bytes must never reach Comeet.
func TestFilesStayInsideFilesDir(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	secret := []byte("TOP SECRET: the payroll of every employee, 7f3a9c")
	secretPath := filepath.Join(g.dir, "secret.pdf") // beside files/, not in it
	if err := os.WriteFile(secretPath, secret, 0o600); err != nil {
		t.Fatal(err)
	}
	cv := []byte("%PDF-1.4 an honest resume")
	g.writeFile("cv.pdf", cv)
	if err := os.Symlink(secretPath, filepath.Join(g.cfg.FilesDir, "escape.pdf")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../secret.pdf", filepath.Join(g.cfg.FilesDir, "relative-escape.pdf")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("cv.pdf", filepath.Join(g.cfg.FilesDir, "inner-link.pdf")); err != nil {
		t.Fatal(err)
	}
	resumes := []string{
		"cv.pdf",              // fine
		"../secret.pdf",       // climbs out
		secretPath,            // absolute
		"escape.pdf",          // absolute symlink out
		"relative-escape.pdf", // relative symlink out
		`..\secret.pdf`,       // Windows spelling
		"inner-link.pdf",      // a symlink that stays inside is fine
	}
	var rows [][]string
	for i, name := range resumes {
		row := rigRow(i + 1)
		row[5] = name
		rows = append(rows, row)
	}
	g.writeInput(rows)
	_, lines, err := g.run()
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	wantRigOutcomes(t, lines, report.Created, report.Invalid, report.Invalid, report.Invalid, report.Invalid, report.Invalid, report.Created)
	for _, l := range lines[1:6] {
		if l["error_code"] != comeet.CodeFileNotFound {
			t.Errorf("row %s: got error code %q, want %q", l["row"], l["error_code"], comeet.CodeFileNotFound)
		}
		if strings.Contains(l["message"], "payroll") {
			t.Errorf("row %s: the message quotes the secret: %q", l["row"], l["message"])
		}
	}
	sums := g.storedSHA256s()
	if sums[sha256Hex(secret)] {
		t.Fatal("the secret file reached the server")
	}
	if !sums[sha256Hex(cv)] {
		t.Errorf("the honest resume did not reach the server (digests %v): the check above proves nothing", sums)
	}
	if got := g.posts(); got != 2 {
		t.Errorf("got %d requests, want 2 (the rows with files inside the folder)", got)
	}
}

// secretsRig sets up a run whose credentials, file contents and personal
// data are distinctive strings, logs at debug level into a buffer, and
// meets a refused token and a server error so that every logging path runs.
func secretsRig(t *testing.T) (*rig, *bytes.Buffer) {
	const apiKey, secret = "customer-key-Q8ZK2", "partner-secret-W4NV7"
	g := newRig(t, comeettest.Options{Secret: secret, APIKeys: []string{apiKey}})
	g.cfg.APIKey, g.cfg.Secret = apiKey, secret
	g.cfg.Concurrency = 1
	var logs bytes.Buffer
	g.cfg.Logger = zerolog.New(zerolog.SyncWriter(&logs)).Level(zerolog.DebugLevel)
	g.writeFile("cv.pdf", []byte(cvContent))
	g.srv.Inject(
		comeettest.Fault{Kind: comeettest.FaultExpiredToken},
		comeettest.Fault{Kind: comeettest.FaultServerError, HTML: true},
		comeettest.Fault{Kind: comeettest.FaultLostReply},
	)
	header := append(append([]string{}, rigHeader...), "national_id")
	rows := [][]string{
		append(rigRow(1), nationalID),
		append(rigRow(2), ""),
		append(rigRow(3), ""),
	}
	rows[0][5] = "cv.pdf"
	rows[1][4] = "not-an-email" // an invalid row, for the errors file
	g.writeInputWith(header, rows)
	return g, &logs
}

const (
	cvContent  = "CV-CONTENT-9d1e: ten years of Go"
	nationalID = "NATID-554433221"
)

func TestNoSecretsInLogsReportOrLedger(t *testing.T) {
	g, logs := secretsRig(t)
	_, lines, err := g.run()
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	// The faults all fall on the first row: a refused token, an HTML 503,
	// and a lost reply to the search made before sending it again.
	wantRigOutcomes(t, lines, report.Created, report.Invalid, report.Created)
	if logs.Len() == 0 || !strings.Contains(logs.String(), "retrying") {
		t.Fatalf("the debug log has no retry line, so it proves little:\n%s", logs.String())
	}
	cfg := g.cfg.WithDefaults()
	forbidden := map[string]string{
		"the api key":            cfg.APIKey,
		"the secret":             cfg.Secret,
		"a token (JWT)":          "eyJ",
		"the resume's bytes":     cvContent,
		"the resume's base64":    base64.StdEncoding.EncodeToString([]byte(cvContent)),
		"the Bearer scheme":      "Bearer",
		"the base64 of the file": base64.StdEncoding.EncodeToString([]byte(cvContent))[:16],
	}
	outputs := map[string][]byte{"the log": logs.Bytes()}
	for _, p := range []string{cfg.ReportPath, cfg.ErrorsPath} {
		outputs[filepath.Base(p)] = mustRead(t, p)
	}
	ledgerFiles, _ := filepath.Glob(cfg.LedgerPath + "*")
	if len(ledgerFiles) == 0 {
		t.Fatal("no ledger file was written")
	}
	for _, p := range ledgerFiles {
		outputs[filepath.Base(p)] = mustRead(t, p)
	}
	for name, data := range outputs {
		for what, s := range forbidden {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains %s (%q)", name, what, s)
			}
		}
	}
	// Logs carry row numbers and ids, never personal data.
	for what, s := range map[string]string{"a national id": nationalID, "an email": "c1@example.com", "a first name": "First1"} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the log contains %s (%q)", what, s)
		}
	}
	// The ledger does keep what was sent: the check above could fail. It
	// holds digests as their 32 raw bytes.
	raw := sha256.Sum256([]byte(cvContent))
	if !bytes.Contains(mustRead(t, cfg.LedgerPath), raw[:]) {
		t.Error("the ledger lacks the resume's digest: is this the ledger at all?")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPlainHTTPRefusedForRemoteHost(t *testing.T) {
	for _, base := range []string{"http://api.comeet.co", "http://10.0.0.7:8080", "ftp://api.comeet.co"} {
		t.Run(base, func(t *testing.T) {
			g := newRig(t, comeettest.Options{})
			g.cfg.BaseURL = base
			g.writeInput(rigRows(1, 1))
			_, err := Run(context.Background(), g.cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a ConfigError", err)
			}
			if !strings.Contains(err.Error(), "https") {
				t.Errorf("got %q, want it to ask for https", err)
			}
			if got := len(g.srv.Requests()); got != 0 {
				t.Errorf("the server got %d requests, want 0", got)
			}
		})
	}
}

func TestOutputFilesArePrivate(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	cfg := g.cfg.WithDefaults()
	// A report left world-readable by an older tool is made private too.
	if err := os.WriteFile(cfg.ReportPath, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	rows := rigRows(1, 2)
	rows[1][4] = "not-an-email"
	g.writeInput(rows)
	g.mustRun()
	paths := []string{cfg.ReportPath, cfg.ErrorsPath, cfg.LedgerPath}
	extra, _ := filepath.Glob(cfg.LedgerPath + "-*")
	for _, p := range append(paths, extra...) {
		st, err := os.Stat(p)
		if err != nil {
			t.Errorf("stat %s: %v", p, err)
			continue
		}
		if got := st.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: got mode %o, want 600", filepath.Base(p), got)
		}
	}
}

func TestFormulasNeutralisedInReportAndErrors(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	rows := rigRows(1, 2)
	rows[0][2] = `=HYPERLINK("http://evil.example","click")`
	rows[1][2] = "@SUM(1+1)"
	rows[1][4] = "-not-an-email"
	g.writeInput(rows)
	_, lines := g.mustRun()
	if got := lines[0]["first_name"]; !strings.HasPrefix(got, "'=") {
		t.Errorf("report: got first name %q, want it neutralised with a leading apostrophe", got)
	}
	errs := readCSVMaps(t, g.cfg.WithDefaults().ErrorsPath)
	if len(errs) != 1 {
		t.Fatalf("got %d lines in the errors file, want 1", len(errs))
	}
	for col, want := range map[string]string{"first_name": "'@SUM(1+1)", "email": "'-not-an-email"} {
		if got := errs[0][col]; got != want {
			t.Errorf("errors file %s: got %q, want %q", col, got, want)
		}
	}
}
