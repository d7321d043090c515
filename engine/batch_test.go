package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// statChain is a CREATE + CLOSE chain on a disk share, as GetAttributes
// sends; the CREATE body carries tag so that the fake server's echo of it
// tells the responses apart.
func statChain(sess *Session, tag uint64) []*Request {
	return []*Request{
		{Header: smb2.Header{Command: smb2.CommandCreate, TreeID: 7}, Body: echoBody(tag), Session: sess, diskShare: true},
		{Header: smb2.Header{Command: smb2.CommandClose, TreeID: 7}, Body: echoBody(tag), Session: sess, diskShare: true},
	}
}

// sendChainAsync sends chain from a goroutine and returns its Futures
// once Send has returned.
func sendChainAsync(c *Conn, ctx context.Context, chain []*Request) <-chan []*future.Future[*Response] {
	ch := make(chan []*future.Future[*Response], 1)
	go func() { ch <- c.SendCompound(ctx, chain, true) }()
	return ch
}

// waitQueued waits until n items wait in the send queue.
func waitQueued(t *testing.T, c *Conn, n int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for c.queueLen.Load() != n {
		if time.Now().After(deadline) {
			t.Fatalf("send queue holds %d items, want %d", c.queueLen.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// twoQueuedChains holds writeSem, as a write in progress would, while two
// stat chains (tags 1 and 2) queue up behind it, then lets them go.
func twoQueuedChains(t *testing.T, c *Conn, sess *Session) (a, b <-chan []*future.Future[*Response]) {
	t.Helper()
	c.writeSem <- struct{}{}
	a = sendChainAsync(c, context.Background(), statChain(sess, 1))
	waitQueued(t, c, 1)
	b = sendChainAsync(c, context.Background(), statChain(sess, 2))
	waitQueued(t, c, 2)
	<-c.writeSem
	return a, b
}

// answerAll answers every request with its own body and checks that each
// Future gets the response to its own request.
func answerAll(t *testing.T, s *fakeServer, got []fakeReq, futs [][]*future.Future[*Response], tags []uint64) {
	t.Helper()
	for _, r := range got {
		if err := s.respond(r, ntstatus.Success, 1, r.body); err != nil {
			t.Fatal(err)
		}
	}
	for i, fs := range futs {
		for j, f := range fs {
			resp, err := f.Wait(context.Background())
			if err != nil {
				t.Fatalf("chain %d request %d: %v", i, j, err)
			}
			if tagOf(resp.Body) != tags[i] {
				t.Fatalf("chain %d request %d got the response tagged %d, want %d", i, j, tagOf(resp.Body), tags[i])
			}
		}
	}
}

// TestWaitingChainsShareOneCompoundFrame: CREATE … CLOSE chains that queue
// up behind a write leave as one compound frame, each chain still related
// only to itself; a request that may not be merged keeps its place and
// its own frame.
func TestWaitingChainsShareOneCompoundFrame(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 50)
	sess := &Session{ID: 0x55, conn: c}
	ctx := context.Background()

	c.writeSem <- struct{}{} // a write in progress
	a := sendChainAsync(c, ctx, statChain(sess, 1))
	waitQueued(t, c, 1)
	b := sendChainAsync(c, ctx, statChain(sess, 2))
	waitQueued(t, c, 2)
	e := make(chan *future.Future[*Response], 1)
	go func() { e <- c.Send(ctx, echoReq(3)) }()
	waitQueued(t, c, 3)
	d := sendChainAsync(c, ctx, statChain(sess, 4))
	waitQueued(t, c, 4)
	before := c.Stats()
	<-c.writeSem

	var got []fakeReq
	for range 7 {
		got = append(got, s.next())
	}
	// Chains 1 and 2 in one frame, the ECHO in the next, chain 4 alone
	// in the one after: merging never reorders.
	wantFrame := []int{0, 0, 0, 0, 1, 2, 2}
	wantCmd := []smb2.Command{smb2.CommandCreate, smb2.CommandClose, smb2.CommandCreate, smb2.CommandClose, smb2.CommandEcho, smb2.CommandCreate, smb2.CommandClose}
	for i, r := range got {
		if r.frame-got[0].frame != wantFrame[i] || r.h.Command != wantCmd[i] {
			t.Fatalf("message %d: %s in frame +%d, want %s in frame +%d", i, r.h.Command, r.frame-got[0].frame, wantCmd[i], wantFrame[i])
		}
		related := r.h.Flags&smb2.FlagRelatedOperations != 0
		if related != (r.h.Command == smb2.CommandClose) {
			t.Fatalf("message %d (%s): related flag %v", i, r.h.Command, related)
		}
		lastInFrame := i == len(got)-1 || got[i+1].frame != r.frame
		if lastInFrame != (r.h.NextCommand == 0) || r.h.NextCommand%8 != 0 {
			t.Fatalf("message %d: NextCommand %d", i, r.h.NextCommand)
		}
		if r.h.Command != smb2.CommandEcho && r.h.SessionID != sess.ID {
			t.Fatalf("message %d: session %#x", i, r.h.SessionID)
		}
	}
	if st := c.Stats(); st.MergedChains-before.MergedChains != 2 || st.Frames-before.Frames != 3 {
		t.Fatalf("stats moved by %+v and %+v: want 2 merged chains in 3 frames", st, before)
	}
	answerAll(t, s, got, [][]*future.Future[*Response]{<-a, <-b, {<-e}, <-d}, []uint64{1, 2, 3, 4})
}

// TestNoBatchingKeepsChainsInTheirOwnFrames: with NoBatching the same
// queue gives one frame per chain.
func TestNoBatchingKeepsChainsInTheirOwnFrames(t *testing.T) {
	c, s := newFake(t, Config{NoBatching: true})
	primeCredits(t, c, s, 50)
	a, b := twoQueuedChains(t, c, &Session{ID: 0x55, conn: c})
	var got []fakeReq
	for range 4 {
		got = append(got, s.next())
	}
	if got[0].frame != got[1].frame || got[2].frame != got[3].frame || got[1].frame == got[2].frame {
		t.Fatalf("frames %d %d %d %d: want each chain in its own", got[0].frame, got[1].frame, got[2].frame, got[3].frame)
	}
	if c.Stats().MergedChains != 0 {
		t.Fatal("chains merged with NoBatching")
	}
	answerAll(t, s, got, [][]*future.Future[*Response]{<-a, <-b}, []uint64{1, 2})
}

// TestEncryptedChainsMergeUnderOneTransform: on an encrypting session the
// merged frame is one TRANSFORM holding both chains.
func TestEncryptedChainsMergeUnderOneTransform(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 50)
	a, b := twoQueuedChains(t, c, encryptedSession(c))
	ctx := context.Background()
	raw := s.nextRaw()
	if [4]byte(raw[0:4]) != smb2.TransformProtocolID {
		t.Fatal("merged chains not encrypted")
	}
	// plainTransform leaves the messages in clear after the header.
	n := 0
	for msg := raw[52:]; len(msg) > 0; n++ {
		var h smb2.Header
		if err := h.Decode(msg); err != nil {
			t.Fatal(err)
		}
		if h.NextCommand == 0 {
			msg = nil
		} else {
			msg = msg[h.NextCommand:]
		}
	}
	if n != 4 {
		t.Fatalf("%d messages under the TRANSFORM, want 4", n)
	}
	c.Close()
	for _, fs := range [][]*future.Future[*Response]{<-a, <-b} {
		for _, f := range fs {
			if _, err := f.Wait(ctx); err == nil {
				t.Fatal("unanswered request succeeded")
			}
		}
	}
}

// TestDeferredChainWaitsForCompanyOrBacklog: with more than deferMin
// chains unanswered a new chain waits; it goes out as soon as one of the
// outstanding chains is answered, or with the chains that fill a frame.
func TestDeferredChainWaitsForCompanyOrBacklog(t *testing.T) {
	c, s := newFake(t, Config{CreditTarget: 200})
	primeCredits(t, c, s, 150)
	sess := &Session{ID: 0x55, conn: c}
	ctx := context.Background()

	var outstanding []fakeReq
	for i := range deferMin {
		<-sendChainAsync(c, ctx, statChain(sess, uint64(100+i)))
		outstanding = append(outstanding, s.next(), s.next())
	}
	// One more waits: nothing reaches the server.
	held := sendChainAsync(c, ctx, statChain(sess, 1))
	waitQueued(t, c, 1)
	select {
	case r := <-s.reqs:
		t.Fatalf("%s sent with %d chains outstanding", r.h.Command, deferMin)
	case <-time.After(50 * time.Millisecond):
	}
	// Answering one outstanding chain lets it go.
	if err := s.respond(outstanding[0], ntstatus.Success, 1, outstanding[0].body); err != nil {
		t.Fatal(err)
	}
	if err := s.respond(outstanding[1], ntstatus.Success, 1, outstanding[1].body); err != nil {
		t.Fatal(err)
	}
	r1, r2 := s.next(), s.next()
	if tagOf(r1.body) != 1 || r1.frame != r2.frame {
		t.Fatalf("after the backlog dropped: tag %d, frames %d %d", tagOf(r1.body), r1.frame, r2.frame)
	}
	heldFuts := <-held

	// Back over deferMin: maxMergedChains more go out together, in one
	// frame, when the last of them arrives.
	var chans []<-chan []*future.Future[*Response]
	for i := range maxMergedChains {
		chans = append(chans, sendChainAsync(c, ctx, statChain(sess, uint64(10+i))))
		if i < maxMergedChains-1 {
			waitQueued(t, c, int64(i+1))
		}
	}
	var batch []fakeReq
	for range 2 * maxMergedChains {
		batch = append(batch, s.next())
	}
	for i, r := range batch {
		if r.frame != batch[0].frame {
			t.Fatalf("message %d in frame %d, the first in %d: a full set of chains not merged", i, r.frame, batch[0].frame)
		}
	}
	var futs [][]*future.Future[*Response]
	var tags []uint64
	for i, ch := range chans {
		futs = append(futs, <-ch)
		tags = append(tags, uint64(10+i))
	}
	answerAll(t, s, batch, futs, tags)
	answerAll(t, s, []fakeReq{r1, r2}, [][]*future.Future[*Response]{heldFuts}, []uint64{1})
}

// TestCancelledDeferredChainStillGoesOut: a chain whose context ends while
// it waits for company fails at once, but its MessageIds are spent, so it
// still reaches the server, followed by a CANCEL for each request.
func TestCancelledDeferredChainStillGoesOut(t *testing.T) {
	c, s := newFake(t, Config{CreditTarget: 200})
	primeCredits(t, c, s, 150)
	sess := &Session{ID: 0x55, conn: c}
	var outstanding []fakeReq
	for i := range deferMin {
		<-sendChainAsync(c, context.Background(), statChain(sess, uint64(100+i)))
		outstanding = append(outstanding, s.next(), s.next())
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	held := sendChainAsync(c, ctx, statChain(sess, 1))
	waitQueued(t, c, 1)
	stop := errors.New("caller gave up")
	cancel(stop)
	for _, f := range <-held {
		if _, err := f.Wait(context.Background()); !errors.Is(err, stop) {
			t.Fatalf("deferred request: %v, want the context's cause", err)
		}
	}
	for _, r := range outstanding[:2] {
		if err := s.respond(r, ntstatus.Success, 1, r.body); err != nil {
			t.Fatal(err)
		}
	}
	create, cl := s.next(), s.next()
	if create.h.Command != smb2.CommandCreate || tagOf(create.body) != 1 || cl.h.Command != smb2.CommandClose {
		t.Fatalf("got %s tag %d then %s", create.h.Command, tagOf(create.body), cl.h.Command)
	}
	cancelled := map[uint64]bool{}
	for range 2 {
		r := s.next()
		if r.h.Command != smb2.CommandCancel {
			t.Fatalf("got %s, want CANCEL", r.h.Command)
		}
		cancelled[r.h.MessageID] = true
	}
	if !cancelled[create.h.MessageID] || !cancelled[cl.h.MessageID] {
		t.Fatalf("CANCELs name %v, want %d and %d", cancelled, create.h.MessageID, cl.h.MessageID)
	}
}
