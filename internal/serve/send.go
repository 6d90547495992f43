package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// check starts a check of the whole sheet (validate): the duplicates
// inside it and the ledger's answers come in too.
func (s *Server) check(w http.ResponseWriter, r *http.Request, ss *session) {
	ss.lockIdle()
	err := ss.start(s.runs.ctx, false)
	ss.mu.Unlock()
	s.afterStart(w, r, ss, err)
}

// send checks the account with one harmless request, as `check` does, and
// starts sending the corrected sheet.
func (s *Server) send(w http.ResponseWriter, r *http.Request, ss *session) {
	err := s.checkAccount(r.Context())
	ss.lockIdle()
	ss.account = "Comeet at " + s.cfg.Run.BaseURL + " accepts the api key and the secret (checked " + time.Now().Format("15:04:05") + ")"
	if err != nil {
		ss.account = ""
	} else {
		err = ss.start(s.runs.ctx, true)
	}
	ss.mu.Unlock()
	s.afterStart(w, r, ss, err)
}

// checkAccount is `check`: one request that proves the base URL and the
// credentials, explained on failure without ever showing them.
func (s *Server) checkAccount(ctx context.Context) error {
	c := s.cfg.Run
	if c.APIKey == "" || c.Secret == "" {
		return errors.New("no credentials: stop the page, set COMEET_API_KEY and COMEET_API_SECRET (or give --api-key-file and --api-secret-file), and start it again")
	}
	c.MaxAttempts = 1 // as check: one request, its answer told
	client, err := comeet.NewClient(c.ClientConfig(c.Logger))
	if err != nil {
		return fmt.Errorf("the base URL or the credentials are wrong: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := client.Check(ctx); err != nil {
		return fmt.Errorf("Comeet did not accept the check, nothing was sent: %w", err)
	}
	return nil
}

// afterStart goes back to the review, saying why nothing started.
func (s *Server) afterStart(w http.ResponseWriter, r *http.Request, ss *session, err error) {
	if err != nil {
		v := ss.view(r)
		v.Title, v.Step, v.Error = "Review", "review", err.Error()
		v.Command = s.command(ss)
		render(w, http.StatusConflict, "review", v)
		return
	}
	http.Redirect(w, r, "/runs/"+ss.meta.ID+"/review", http.StatusSeeOther)
}

// stop stops the run going on as Ctrl-C stops import: the requests on
// their way finish, the report and the ledger are written.
func (s *Server) stop(w http.ResponseWriter, r *http.Request, ss *session) {
	ss.mu.Lock()
	j := ss.job
	ss.mu.Unlock()
	if j != nil {
		j.cancel(errStopped)
		<-j.done
	}
	http.Redirect(w, r, "/runs/"+ss.meta.ID+"/review", http.StatusSeeOther)
}

// freshReports brings the report and the errors workbook up to the edits
// and the mapping, with a check of the whole sheet unless a run wrote them
// since; it waits for the run going on.
func (ss *session) freshReports(parent, ctx context.Context) error {
	for {
		ss.mu.Lock()
		j, fresh := ss.job, ss.fresh
		var err error
		if j == nil && !fresh {
			err = ss.start(parent, false)
			j = ss.job
		}
		ss.mu.Unlock()
		if err != nil {
			return err
		}
		if j == nil {
			return nil
		}
		select {
		case <-j.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// events streams the session's status as server-sent events, one each
// time it changes, until the page goes away.
func (s *Server) events(w http.ResponseWriter, r *http.Request, ss *session) {
	w.Header().Set("Content-Type", "text/event-stream")
	rc := http.NewResponseController(w)
	for {
		ss.mu.Lock()
		st, changed := ss.status(), ss.changed
		ss.mu.Unlock()
		b, _ := json.Marshal(st)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		case <-s.runs.ctx.Done():
			return
		}
	}
}

// command is the command line that does what the page's Send does, for a
// person who wants to finish the run from a terminal or a cron job.
func (s *Server) command(ss *session) string {
	c := ss.runConfig(false)
	cmd := "comeet-import import --mapping " + c.MappingFile
	if c.FilesDir != "" {
		cmd += " --files-dir " + c.FilesDir
	}
	if c.LedgerPath != "" {
		cmd += " --ledger " + c.LedgerPath
	}
	cmd += " --errors " + c.ErrorsPath + " " + c.Input
	return cmd
}
