package main

import (
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// The sandbox's --positions takes UID=Name, so a sheet whose position
// column holds job titles can be tried against it.
func TestSandboxNamedPositions(t *testing.T) {
	srv, err := openSandbox("127.0.0.1:0", comeettest.Options{}, []string{"31.A7=Backend Engineer", "11.11"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	want := []comeettest.Position{
		{UID: "31.A7", Name: "Backend Engineer", Status: comeet.PositionOpen, Published: true},
		{UID: "11.11", Name: "11.11", Status: comeet.PositionOpen, Published: true},
	}
	got := srv.Positions()
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("position %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}
