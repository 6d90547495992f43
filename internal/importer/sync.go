package importer

import (
	"context"
	"errors"
	"fmt"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/report"
)

// checkSync refuses the settings of the sync features that cannot work:
// --update without a ledger (it is what tells a changed row), and a
// position check without credentials.
func (c Config) checkSync() error {
	if c.Update && c.NoLedger {
		return &ConfigError{Err: errors.New("--update needs the ledger: it tells which rows are already in Comeet and what was sent")}
	}
	if c.CheckPositions && (c.APIKey == "" || c.Secret == "") {
		return &ConfigError{Err: errors.New("checking the positions needs the credentials (the api key and the secret)")}
	}
	return nil
}

// openSync sets up the position check and the updater on the run's client.
// The positions are listed here, so that refused credentials end the run
// before any row is read.
func (r *run) openSync(ctx context.Context, p *pool, client *comeet.Client) error {
	if r.cfg.CheckPositions {
		ps := &positions{client: client, stats: r.stats, locate: p.checker.located}
		if err := ps.load(ctx); err != nil {
			return err
		}
		p.admitter.positions = ps
		p.checker.names = listedNames(newPositionNames(ps.known))
	} else {
		// validate too, when it has the credentials: a row naming its
		// position is then resolved, and looked up in the ledger, by the
		// uid import would find.
		p.checker.names = namesOnDemand(ctx, &positions{client: client, stats: r.stats})
	}
	if u := p.admitter.updater; u != nil {
		u.client = client
	}
	return nil
}

// openUpdater sets up the updater of --update, without its client (a dry
// run plans updates, and needs none).
func (r *run) openUpdater(a *admitter, lg *ledger.Ledger, name string) {
	if !r.cfg.Update || lg == nil {
		return
	}
	allowed := r.cfg.PatchFields
	if allowed == nil {
		allowed = comeet.NarrowPatchFields
	}
	a.update = true
	a.updater = &updater{ledger: lg, allowed: allowed, stats: r.stats, source: name, log: r.cfg.Logger}
}

// checkPosition finishes rw as invalid when its position takes no
// candidates, or as failed when Comeet could not be asked.
func (a *admitter) checkPosition(ctx context.Context, rw *row) (decision, bool) {
	prob, bad, err := a.positions.check(ctx, rw.cand.PositionUID)
	if err != nil {
		rw.finish(report.Failed, "positions", fmt.Sprintf("not sent: checking position %q: %v", rw.cand.PositionUID, err))
		return decideFail, true
	}
	if !bad {
		return decideSend, false
	}
	problems := a.positions.locate(rw.rec.Fields, []comeet.Problem{prob})
	rw.problems = problems
	rw.finish(report.Invalid, prob.Code, a.words.message(rw.rec.Fields, problems))
	rw.res.Cells = a.words.cells(rw.rec.Fields, problems)
	return decideInvalid, true
}
