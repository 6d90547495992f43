package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/pace"
)

// TestRefusedBaseURLCreatesNothing: a base URL with user information, plain
// http to another host, or another scheme is refused before the ledger,
// the report or anything else is created, and a password is in no error.
func TestRefusedBaseURLCreatesNothing(t *testing.T) {
	for _, base := range []string{"https://u:PASS1234@api.example", "http://api.example", "ftp://x", "https://api.example/%zz\x7f"} {
		t.Run(base, func(t *testing.T) {
			in := writeInput(t, "position_uid,partner_candidate_id,first_name,last_name", []string{"11.11,A1,Ann,Lee"})
			dir := filepath.Dir(in)
			cfg := Config{Input: in, Account: pace.Account{BaseURL: base, APIKey: "k", Secret: "s"}, Logger: zerolog.Nop()}
			_, err := Run(context.Background(), cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a configuration error", err)
			}
			if strings.Contains(err.Error(), "PASS1234") {
				t.Errorf("the password is in the error: %v", err)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("the folder holds %v, want only the input: a refused URL created files", names)
			}
		})
	}
}
