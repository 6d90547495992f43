package report

import (
	"strings"
	"testing"
)

func TestWriteTable(t *testing.T) {
	in := "row,line,outcome,message\n1,2,created,\n2,3,invalid,\"a very long\nmessage\"\n"
	var out strings.Builder
	if err := WriteTable(&out, strings.NewReader(in), []string{"row", "outcome", "message"}, 8); err != nil {
		t.Fatal(err)
	}
	want := "row  outcome  message\n1    created  \n2    invalid  a very …\n"
	if out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
	if err := WriteTable(&out, strings.NewReader(in), []string{"nope"}, 8); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("got %v, want an error naming the missing column", err)
	}
}
