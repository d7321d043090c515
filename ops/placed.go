package ops

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/gosmb/gosmb/engine"
)

// placer is a download destination that takes bytes at their place, so
// each READ reply is written as soon as it arrives instead of waiting
// for the ones before it.
type placer interface {
	// place writes p at rel bytes from where the transfer starts.
	place(p []byte, rel int64) error
	// finish records that the first n bytes are complete (n is what
	// ReadTo returns) and is called once, last, error or not.
	finish(n int64) error
}

// seekWriterAt places bytes with WriteAt, from the position the
// destination's Seek reported when the transfer began, and leaves the
// position after the complete bytes, where sequential writes would have.
type seekWriterAt struct {
	w    io.WriterAt
	s    io.Seeker
	base int64
}

func (d *seekWriterAt) place(p []byte, rel int64) error {
	m, err := d.w.WriteAt(p, d.base+rel)
	if err == nil && m != len(p) {
		err = io.ErrShortWrite
	}
	return err
}

func (d *seekWriterAt) finish(n int64) error {
	_, err := d.s.Seek(d.base+n, io.SeekStart)
	return err
}

func (s *sliceWriter) place(p []byte, rel int64) error {
	if rel+int64(len(p)) > int64(len(s.p)) {
		return io.ErrShortWrite
	}
	copy(s.p[rel:], p)
	return nil
}

func (s *sliceWriter) finish(n int64) error { s.n = int(n); return nil }

// placerFor returns w as a placer when it can take bytes at an offset:
// ReadAt's buffer, or an io.WriterAt that is also an io.Seeker with a
// position (an *os.File on a regular file). Anything else, including an
// *os.File on a pipe or opened with O_APPEND (whose WriteAt always
// fails), gets its bytes in order through Write.
func placerFor(w io.Writer) placer {
	switch d := w.(type) {
	case *sliceWriter:
		return d
	case interface {
		io.WriterAt
		io.Seeker
	}:
		base, err := d.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil
		}
		if _, err := d.WriteAt(nil, base); err != nil {
			return nil
		}
		return &seekWriterAt{w: d, s: d, base: base}
	}
	return nil
}

// readPlaced is ReadTo for a destination that takes bytes at their
// place: the same window of READs, but each reply is written when it
// arrives, in whatever order, and frees its receive buffer and its share
// of the window at once. It returns the length of the complete run of
// bytes from off; on an error, bytes after it may have been written too.
func (f *File) readPlaced(ctx context.Context, dst placer, pl readPlan, off int64, progress func(int64)) (written int64, err error) {
	slots, toEOF := pl.slots, pl.toEOF
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	limit, next := pl.limit, off
	end := int64(-1) // where a short reply said the file ends
	// Replies are reported on arrived in the order they come in, by one
	// goroutine per READ that ends when its Future resolves (every Future
	// does: by a reply, the connection's end or ctx's, and the deferred
	// cancel ends ctx). The buffer holds a whole window, so none of them
	// blocks once readPlaced has returned.
	arrived := make(chan *inflight, slots)
	pending := 0
	var pendingBytes int64
	complete := make(map[int64]int64) // off → length, past the complete run
	budget := f.share.budget
	defer func() {
		budget.release(int(pendingBytes)) // cancelled by the deferred cancel
		releaseLate(pending, func(yield func(*inflight) bool) {
			for range pending {
				if !yield(<-arrived) {
					return
				}
			}
		})
		if ferr := dst.finish(written); err == nil {
			err = ferr
		}
	}()
	// redo: the rest of READs that came back short before the size seen
	// at open, to be asked for again.
	var redo []inflight
	for {
		// A gap to read again goes out even once a later reply has said
		// where the file ends: the gap is before that end.
		for pending < slots && (len(redo) > 0 || end < 0 && (next < limit || toEOF && next == limit)) {
			at, n := next, 0
			if len(redo) > 0 {
				at, n = redo[0].off, redo[0].n
			} else {
				n = pl.size(next, limit)
			}
			if !pl.fits(pendingBytes, n) {
				break
			}
			ok, err := budget.acquireRead(ctx, n, pending > 0)
			if err != nil {
				return written, err
			}
			if !ok {
				break // the connection is busy: collect a reply first
			}
			q := &inflight{off: at, n: n, f: f.sendRead(ctx, at, n)}
			pl.sent(at, q.f)
			go func(q *inflight) { <-q.f.Done(); budget.readDone(q.n); arrived <- q }(q)
			pending++
			pendingBytes += int64(n)
			if len(redo) > 0 {
				redo = redo[1:]
			} else {
				next += int64(n)
			}
		}
		if pending == 0 {
			return written, nil
		}
		var q *inflight
		select {
		case q = <-arrived:
		case <-ctx.Done():
			return written, context.Cause(ctx)
		}
		pending--
		pendingBytes -= int64(q.n)
		budget.release(q.n)
		budget.park(pendingBytes) // dst may be waiting on this connection
		got, err := f.placeReply(q, dst, off, end)
		budget.unpark(pendingBytes)
		if err != nil {
			return written, err
		}
		if short := q.off + int64(got); got > 0 && got < q.n && (end < 0 || short < end) && short < min(limit, f.EndOfFile) {
			// Less than asked before the size seen at open: the server
			// returned less than asked, or the file shrank. Ask for the
			// rest again; a file that did shrink ends there.
			redo = append(redo, inflight{off: short, n: q.n - got})
		} else if got < q.n && (end < 0 || short < end) {
			// The file ends here; replies for later offsets can only be
			// end of file (placeReply checks those still to come).
			end = short
			for o := range complete {
				if o >= end {
					return written, fmt.Errorf("gosmb: read %s: the file changed size during the download (data at %d after its end at %d)", f.Name, o, end)
				}
			}
		}
		if got > 0 {
			complete[q.off] = int64(got)
		}
		before := written
		for {
			k, ok := complete[off+written]
			if !ok {
				break
			}
			delete(complete, off+written)
			written += k
		}
		if written > before && progress != nil {
			budget.park(pendingBytes)
			progress(written)
			budget.unpark(pendingBytes)
		}
		if toEOF && end < 0 && q.off >= limit && got == q.n {
			limit = next // the probe found more: probe on, a chunk at a time
		}
	}
}

// placeReply checks one READ reply and writes its bytes at their place.
// A reply with data at or past end, where an earlier short reply said
// the file ends, means the file changed under the download.
func (f *File) placeReply(q *inflight, dst placer, off, end int64) (int, error) {
	resp, err := q.f.Result()
	if err != nil {
		return 0, err
	}
	defer resp.Release() // the data is placed: the receive buffer can be reused
	data, _, err := f.readReply(resp)
	switch {
	case err != nil:
		return 0, err
	case len(data) > q.n:
		return 0, &engine.ProtocolError{Msg: fmt.Sprintf("READ returned %d bytes for %d asked", len(data), q.n)}
	case len(data) > 0 && end >= 0 && q.off >= end:
		return 0, fmt.Errorf("gosmb: read %s: the file changed size during the download (data at %d after its end at %d)", f.Name, q.off, end)
	case len(data) > 0:
		if err := dst.place(data, q.off-off); err != nil {
			return 0, err
		}
	}
	return len(data), nil
}

// releaseLate gives the receive buffers of n READ replies that a download
// no longer waits for back to the pool, on a goroutine of its own, as
// their Futures resolve: promptly, since the download's deferred cancel
// ends their context (a reply the engine gets after that, it drops
// itself). Without it a failed download's early replies go to the
// garbage collector instead of the pool.
func releaseLate(n int, replies iter.Seq[*inflight]) {
	if n == 0 {
		return
	}
	go func() {
		for q := range replies {
			<-q.f.Done()
			if resp, err := q.f.Result(); err == nil {
				resp.Release()
			}
		}
	}()
}
