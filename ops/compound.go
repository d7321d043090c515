package ops

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// step is one request run on a file opened by the same compound chain.
type step struct {
	cmd    smb2.Command
	body   []byte
	charge uint16
	// ok lists statuses besides STATUS_SUCCESS the caller handles itself
	// (STATUS_BUFFER_OVERFLOW, STATUS_BUFFER_TOO_SMALL, ...).
	ok []ntstatus.Status
	// anyStatus: no status of this step is an error (its response is the
	// caller's to look at, or not).
	anyStatus bool
	// optional: left out (its response nil) when the chain has to be sent
	// one request at a time (see openDoApart).
	optional bool
}

// failed reports whether code, this step's status, is an error.
func (st step) failed(code ntstatus.Status) bool {
	return code != ntstatus.Success && !st.anyStatus && !contains(st.ok, code)
}

// openDo runs CREATE, steps and CLOSE as one related compound chain: one
// round trip for what would otherwise take 2+len(steps). It returns the
// CREATE result and each step's response. The first failure wins: a failed
// CREATE is reported as op's error on name; a failed step likewise.
func (s *Share) openDo(ctx context.Context, op, name string, o OpenOptions, steps ...step) (*File, []*engine.Response, error) {
	return s.openDoThen(ctx, op, name, o, nil, steps...)
}

// openDoThen is openDo that calls queued, if not nil, exactly once, as
// soon as Send has decided: with true if the chain goes out (it may have
// been answered already), false if it never will.
func (s *Share) openDoThen(ctx context.Context, op, name string, o OpenOptions, queued func(sent bool), steps ...step) (*File, []*engine.Response, error) {
	creq, err := s.createReq(name, o)
	if err != nil {
		if queued != nil {
			queued(false)
		}
		return nil, nil, err
	}
	creq.OnAbandoned = nil // the chain's own CLOSE closes it
	reqs := []*engine.Request{creq}
	for _, st := range steps {
		reqs = append(reqs, s.Tree.Request(st.cmd, st.body, st.charge))
	}
	closeBody, _ := (&smb2.CloseRequest{FileID: smb2.FileIDAny}).Append(nil)
	reqs = append(reqs, s.Tree.Request(smb2.CommandClose, closeBody, 0))

	futs := s.Tree.SendCompound(ctx, reqs...)
	if tooFewCredits(futs[0]) {
		if queued != nil {
			queued(false)
		}
		return s.openDoApart(ctx, op, name, o, steps)
	}
	if queued != nil {
		queued(!neverSent(futs[0]))
	}
	resps := make([]*engine.Response, len(futs))
	var firstErr error
	for i, f := range futs {
		r, err := f.Wait(ctx)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		resps[i] = r
	}
	if firstErr != nil {
		return nil, nil, firstErr
	}
	file, err := s.openResult(name, resps[0])
	if err != nil {
		if se, ok := err.(*engine.StatusError); ok {
			se.Op = op
		}
		return nil, nil, err
	}
	mid := resps[1 : len(resps)-1]
	var stepErr error
	for i, r := range mid {
		if st := r.Status(); steps[i].failed(st) {
			stepErr = statusErr(op, name, st)
			break
		}
	}
	if st := resps[len(resps)-1].Status(); st != ntstatus.Success {
		if !passedOn(st, mid) || handleGone(st) {
			return file, mid, cmp.Or(stepErr, statusErr(op, name, st))
		}
		// MS-SMB2 3.3.5.2.7.2 lets a server fail a related request with
		// the status of the one before it. Samba and Windows do that only
		// after a failed CREATE; a server that does it for any status
		// fails the chain's CLOSE with a step's status (STATUS_END_OF_FILE
		// from a READ at the end, STATUS_DIRECTORY_NOT_EMPTY from a
		// delete), and the handle may still be open. Close it on its own.
		if err := file.closeFor(ctx); err != nil && !isStatus(err, ntstatus.FileClosed) && stepErr == nil {
			return file, mid, err
		}
	}
	return file, mid, stepErr
}

// openDoApart runs openDo's chain one request at a time: the CREATE, each
// step with the open's FileId, then the CLOSE. It serves a server that
// grants too few credits for the whole chain at once (a connection capped
// at one or two, say). Like the chain, it runs every step even after one
// has failed, and the first failure wins. Optional steps are left out.
func (s *Share) openDoApart(ctx context.Context, op, name string, o OpenOptions, steps []step) (*File, []*engine.Response, error) {
	file, err := s.Open(ctx, name, o)
	if err != nil {
		return nil, nil, retag(err, op)
	}
	resps := make([]*engine.Response, len(steps))
	var stepErr error
	for i, st := range steps {
		if st.optional {
			continue
		}
		body := slices.Clone(st.body)
		err := smb2.SetFileID(st.cmd, body, file.ID)
		if err == nil {
			resps[i], err = s.Tree.Send(ctx, st.cmd, body, st.charge).Wait(ctx)
		}
		if err != nil {
			file.closeFor(ctx)
			for _, r := range resps {
				r.Release()
			}
			return nil, nil, err
		}
		if code := resps[i].Status(); stepErr == nil && st.failed(code) {
			stepErr = statusErr(op, name, code)
		}
	}
	if err := file.closeFor(ctx); err != nil && stepErr == nil {
		return file, resps, err
	}
	return file, resps, stepErr
}

// sendErr returns the error of f, just returned by a Send, if it has
// failed before its request had MessageIds (engine.ErrNotSent): the
// request will not reach the server. Send decides that before it returns.
func sendErr(f *future.Future[*engine.Response]) error {
	select {
	case <-f.Done():
		if _, err := f.Result(); errors.Is(err, engine.ErrNotSent) {
			return err
		}
	default:
	}
	return nil
}

// neverSent reports whether f, just returned by a Send, will not reach the
// server (see sendErr).
func neverSent(f *future.Future[*engine.Response]) bool { return sendErr(f) != nil }

// tooFewCredits reports whether f, just returned by a Send, was not sent
// because its request, or its compound chain, costs more credits than the
// server has granted (engine.ErrNoCredits).
func tooFewCredits(f *future.Future[*engine.Response]) bool {
	return errors.Is(sendErr(f), engine.ErrNoCredits)
}

// passedOn reports whether st, the status of a chain's CLOSE, is one a step
// before it came back with: the server may have passed it on.
func passedOn(st ntstatus.Status, resps []*engine.Response) bool {
	for _, r := range resps {
		if r.Status() == st {
			return true
		}
	}
	return false
}

// handleGone reports whether st says the server no longer knows the
// handle. A lone CLOSE would then be at best useless, and at worst close
// another open that the server has since given the same FileId.
func handleGone(st ntstatus.Status) bool {
	return st == ntstatus.FileClosed || st == ntstatus.InvalidHandle
}

// isStatus reports whether err is the server's st.
func isStatus(err error, st ntstatus.Status) bool {
	var se *engine.StatusError
	return errors.As(err, &se) && se.Status == st
}

func contains(ss []ntstatus.Status, s ntstatus.Status) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
