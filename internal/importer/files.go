package importer

import (
	"fmt"
	"io"

	"github.com/comeet-import/comeet-import/internal/attach"
	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/report"
)

// codeFileChanged is the error code of a row whose file changed between
// its check and its sending: nothing was created, a re-run sends it.
const codeFileChanged = "file_changed"

func fileChangedMessage(e *comeet.FileChangedError) string {
	return fmt.Sprintf("not created: %v; re-run to send the file as it is now", e)
}

// mapsFiles reports whether the mapping feeds a file field, the condition
// for a match report.
func mapsFiles(b *mapping.Binder) bool {
	for _, f := range []string{comeet.FieldResume, comeet.FieldPicture, comeet.FieldFiles} {
		if _, ok := b.Column(f); ok {
			return true
		}
	}
	return false
}

// writeFilesReport writes the match report to path, readable by its owner
// only, like the report: it names the candidates' files. It starts with a
// byte-order mark when the report does (d), so that a spreadsheet reads its
// file names' accents.
func writeFilesReport(path string, u *attach.Usage, d report.Dialect) error {
	f, err := report.CreateFile(path)
	if err != nil {
		return fmt.Errorf("files report: %w", err)
	}
	if d.BOM {
		if _, err := io.WriteString(f, "\uFEFF"); err != nil {
			f.Close()
			return fmt.Errorf("files report %s: %w", path, err)
		}
	}
	if err := u.WriteCSV(f); err != nil {
		f.Close()
		return fmt.Errorf("files report %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("files report %s: %w", path, err)
	}
	return nil
}
