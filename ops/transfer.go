package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// inflight is one READ or WRITE on the wire.
type inflight struct {
	off int64
	n   int
	buf []byte // WRITE: the payload buffer, reused once the reply is in
	f   *future.Future[*engine.Response]
}

func (f *File) sendRead(ctx context.Context, off int64, n int) *future.Future[*engine.Response] {
	req := smb2.ReadRequest{Length: uint32(n), Offset: uint64(off), FileID: f.ID, Padding: smb2.ReadResponseDataOffset}
	body, _ := req.Append(nil)
	return f.share.Tree.Send(ctx, smb2.CommandRead, body, engine.CreditCharge(n))
}

// readReply decodes a READ reply. eof reports STATUS_END_OF_FILE.
func (f *File) readReply(resp *engine.Response) (data []byte, eof bool, err error) {
	switch st := resp.Status(); st {
	case ntstatus.Success, ntstatus.BufferOverflow:
	case ntstatus.EndOfFile:
		return nil, true, nil
	default:
		return nil, false, statusErr("read", f.Name, st)
	}
	var rr smb2.ReadResponse
	if err := rr.DecodeAlias(resp.Body); err != nil {
		return nil, false, &engine.ProtocolError{Msg: "READ response", Err: err}
	}
	return rr.Data, false, nil
}

// ReadTo copies file bytes from off to w, at most length bytes (length < 0
// means to the end of the file), keeping a window of READ requests in
// flight. Replies complete in any order and are written to w in order,
// except when w is an io.WriterAt and an io.Seeker with a position (an
// *os.File on a regular file): then each reply is written with WriteAt
// as soon as it arrives, from w's position when ReadTo began, and the
// position is left after the bytes written, as Write would have left it.
// It returns the number of bytes written to w (on an error, with a
// WriterAt, bytes after those may have been written too).
// progress, when set, is called after each chunk with the bytes so far.
func (f *File) ReadTo(ctx context.Context, w io.Writer, off, length int64, progress func(int64)) (int64, error) {
	if off < 0 {
		return 0, fmt.Errorf("gosmb: read %s: negative offset %d", f.Name, off)
	}
	if length == 0 {
		return 0, nil
	}
	pl := f.planReads(off, length)
	defer pl.done(f.share.budget)
	if pl.toEOF || length > int64(pl.chunk) { // one READ has no order to keep
		if dst := placerFor(w); dst != nil {
			return f.readPlaced(ctx, dst, pl, off, progress)
		}
	}
	slots, toEOF := pl.slots, pl.toEOF
	// On an early return the rest of the window is cancelled on the
	// server; the engine keeps the credits of the late replies.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	limit, next := pl.limit, off
	queue := make([]inflight, 0, slots)
	var written int64
	budget := f.share.budget
	var queued int64 // bytes asked for by the READs in queue
	// drop gives up the READs in queue (the deferred cancel ends them).
	drop := func() {
		late := queue
		for _, q := range late {
			budget.release(q.n)
		}
		releaseLate(len(late), func(yield func(*inflight) bool) {
			for i := range late {
				if !yield(&late[i]) {
					return
				}
			}
		})
		queue, queued = nil, 0
	}
	defer drop() // what is still in queue then
	for {
		for len(queue) < slots && (next < limit || toEOF && next == limit) {
			n := pl.size(next, limit)
			if !pl.fits(queued, n) {
				break
			}
			ok, err := budget.acquireRead(ctx, n, len(queue) > 0)
			if err != nil {
				return written, err
			}
			if !ok {
				break // the connection is busy: collect a reply first
			}
			q := inflight{off: next, n: n, f: f.sendRead(ctx, next, n)}
			pl.sent(next, q.f)
			budget.sentRead(n, q.f)
			queue = append(queue, q)
			queued += int64(n)
			next += int64(n)
		}
		if len(queue) == 0 {
			return written, nil
		}
		head := queue[0]
		queue = queue[1:]
		queued -= int64(head.n)
		resp, err := head.f.Wait(ctx)
		budget.release(head.n)
		if err != nil {
			return written, err
		}
		data, isEOF, err := f.readReply(resp)
		if err == nil && len(data) > head.n {
			err = &engine.ProtocolError{Msg: fmt.Sprintf("READ returned %d bytes for %d asked", len(data), head.n)}
		}
		got := len(data)
		// w and progress are the caller's and may be waiting on this
		// connection: what the READs in queue hold is parked meanwhile.
		budget.park(queued)
		if err == nil && got > 0 {
			var m int
			m, err = w.Write(data)
			written += int64(m)
			if err == nil && m != got {
				err = io.ErrShortWrite
			}
		}
		resp.Release() // data is written; the receive buffer can be reused
		if err == nil && got > 0 && progress != nil {
			progress(written)
		}
		budget.unpark(queued)
		if err != nil {
			return written, err
		}
		if isEOF || got == 0 {
			return written, nil // later replies can only be the end too
		}
		if got < head.n {
			end := head.off + int64(got)
			if end >= min(limit, f.EndOfFile) {
				// A short read where the file was seen to end (or past
				// the range asked for) is the end of the file.
				return written, nil
			}
			// Less than asked before the size seen at open: the server
			// returned less than asked, or the file shrank. Read on from
			// here; the READs after this one are dropped, and a file that
			// did shrink ends at the next READ.
			drop()
			next = end
			continue
		}
		if toEOF && head.off >= limit {
			limit = next // the probe found more: probe on, a chunk at a time
		}
	}
}

// readPlan is how a windowed download issues its READs: chunk bytes each,
// slots at a time and at most slots×chunk bytes (the first READ may be
// larger than a chunk, and then counts for more), from off up to limit.
// To the end of the file (toEOF), limit starts at the size seen at open,
// which is only a hint: reads go on past it one chunk at a time until the
// server says end of file. One such probe goes out with the last READs of
// the window, never more at a time: a window of them would ask the server
// for a window of empty reads.
type readPlan struct {
	chunk, slots int
	start, limit int64
	toEOF        bool
	first        int // size of the READ at start: chunk, or a connection's warm-up READ
	// firstSent is set once the READ at start has been sent; done gives
	// the warm-up READ back if it never was.
	firstSent *bool
}

// planReads plans a download; the caller must call done when it ends.
func (f *File) planReads(off, length int64) readPlan {
	chunk, _ := f.share.chunkSizes()
	length = min(length, math.MaxInt64-off) // "all of it" from off > 0
	p := readPlan{chunk: chunk, slots: f.share.readSlots(chunk), start: off, limit: off + length, toEOF: length < 0, firstSent: new(bool)}
	if p.toEOF {
		p.limit = max(f.EndOfFile, off)
	}
	p.first = f.share.budget.warmRead(chunk, p.limit-off, f.share.warmMax(0))
	return p
}

// sent notes that the READ at off, f, has been sent, unless it never
// will be.
func (p readPlan) sent(off int64, f *future.Future[*engine.Response]) {
	if off == p.start && !neverSent(f) {
		*p.firstSent = true
	}
}

// done hands the connection's warm-up READ to a later download if this
// one took it and failed before sending it.
func (p readPlan) done(b *Budget) {
	if p.first > p.chunk && !*p.firstSent {
		b.unwarm()
	}
}

// fits reports whether a READ of n bytes may join others asking for
// inFlight bytes in all. One READ always may.
func (p readPlan) fits(inFlight int64, n int) bool {
	return inFlight == 0 || inFlight+int64(n) <= int64(p.slots)*int64(p.chunk)
}

// size is the length of the READ at next: a chunk (the plan's first size
// at its start), or what is left before limit.
func (p readPlan) size(next, limit int64) int {
	c := p.chunk
	if next == p.start {
		c = p.first
	}
	if next < limit {
		return int(min(int64(c), limit-next))
	}
	return c
}

// ReadAt reads len(p) bytes at off with a window of concurrent READs. It
// returns io.EOF, with the count read, when the file ends first.
func (f *File) ReadAt(ctx context.Context, p []byte, off int64) (int, error) {
	w := &sliceWriter{p: p}
	n, err := f.ReadTo(ctx, w, off, int64(len(p)), nil)
	if err != nil {
		return int(n), err
	}
	if int(n) < len(p) {
		return int(n), io.EOF
	}
	return int(n), nil
}

type sliceWriter struct {
	p []byte
	n int
}

func (s *sliceWriter) Write(b []byte) (int, error) {
	n := copy(s.p[s.n:], b)
	s.n += n
	if n < len(b) {
		return n, io.ErrShortWrite
	}
	return n, nil
}

// sendWrite sends one WRITE. data goes out as the request's payload,
// without a copy when the request needs no signing or encryption.
func (f *File) sendWrite(ctx context.Context, off int64, data []byte) *future.Future[*engine.Response] {
	wr := smb2.WriteRequest{Offset: uint64(off), FileID: f.ID, Data: data}
	body, _ := wr.AppendHeader(make([]byte, 0, 48))
	req := f.share.Tree.Request(smb2.CommandWrite, body, engine.CreditCharge(len(data)))
	req.Payload = data
	return f.share.Tree.Session.Conn().Send(ctx, req)
}

// writeReply checks a WRITE reply: every byte must have been written.
func (f *File) writeReply(resp *engine.Response, want int) error {
	if st := resp.Status(); st != ntstatus.Success {
		return statusErr("write", f.Name, st)
	}
	var wr smb2.WriteResponse
	if err := wr.Decode(resp.Body); err != nil {
		return &engine.ProtocolError{Msg: "WRITE response", Err: err}
	}
	if int(wr.Count) != want {
		return fmt.Errorf("gosmb: write %s: server wrote %d of %d bytes", f.Name, wr.Count, want)
	}
	return nil
}

// WriteFrom copies r to the file starting at off, keeping a window of
// WRITE requests in flight and reading ahead from r into a bounded set of
// buffers. It returns the bytes the server confirmed; an error means the
// upload failed, never that it half succeeded silently. progress, when
// set, is called after each confirmed chunk.
func (f *File) WriteFrom(ctx context.Context, r io.Reader, off int64, progress func(int64)) (int64, error) {
	_, chunk := f.share.chunkSizes()
	slots := f.share.writeSlots(chunk)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	queue := make([]inflight, 0, slots)
	free := make([][]byte, 0, slots) // chunk-sized buffers to read into
	var done int64
	next := off
	srcEOF := false
	budget := f.share.budget
	pool := chunkPool(chunk)
	// recycle keeps a chunk-sized buffer for the next read and gives any
	// other (the first read's smaller one) back to its pool.
	recycle := func(b []byte) {
		switch {
		case cap(b) == chunk:
			free = append(free, b[:chunk])
		case b != nil:
			b = b[:cap(b)]
			chunkPool(cap(b)).Put(&b)
		}
	}
	// WriteAt's slice goes out in place: its chunks are the payloads, with
	// no copy into pooled buffers (Send is done with a payload when it
	// returns, so the caller may reuse it as soon as WriteAt does).
	src, inPlace := r.(*sliceReader)
	defer func() {
		for _, q := range queue {
			budget.release(q.n)
			recycle(q.buf) // sent (or copied) when Send returned
		}
		for _, b := range free {
			pool.Put(&b)
		}
	}()
	// fill reads the next chunk from r into a pooled buffer; held is the
	// share of the window taken for it. The first one goes into a
	// firstWriteMax buffer first, with that much of the window: a source
	// that ends within it (a fan-out of small and middling files) holds no
	// more than that; one that goes on is moved into a whole chunk, with a
	// chunk of the window (given back and taken anew, so that it never
	// holds part while waiting for more), and every WRITE but the last is
	// chunk sized.
	var held int
	var inQueue int64 // the window's bytes the WRITEs in queue hold
	// read reads from r, the caller's, which may be waiting on this
	// connection: what this upload holds is parked meanwhile.
	read := func(buf []byte) (int, error) {
		budget.park(inQueue + int64(held))
		defer budget.unpark(inQueue + int64(held))
		return io.ReadFull(r, buf)
	}
	fill := func() (buf []byte, n int, err error) {
		if held < chunk {
			buf = *chunkPool(firstWriteMax).Get().(*[]byte)
			n, err = read(buf)
			if err != nil {
				return buf, n, err
			}
			budget.release(held)
			held = 0
			if _, err := budget.acquire(ctx, chunk, false); err != nil {
				return buf, 0, err
			}
			held = chunk
			head := buf
			if k := len(free); k > 0 {
				buf, free = free[k-1], free[:k-1]
			} else {
				buf = *pool.Get().(*[]byte)
			}
			copy(buf, head[:n])
			recycle(head)
		} else if k := len(free); k > 0 {
			buf, free = free[k-1], free[:k-1]
		} else {
			buf = *pool.Get().(*[]byte)
		}
		m, err := read(buf[n:chunk])
		return buf, n + m, err
	}

	retire := func() error {
		head := queue[0]
		queue = queue[1:]
		resp, err := head.f.Wait(ctx)
		budget.release(head.n)
		inQueue -= int64(head.n)
		recycle(head.buf) // Send was done with it when it returned
		if err != nil {
			return err
		}
		if err := f.writeReply(resp, head.n); err != nil {
			return err
		}
		done += int64(head.n)
		if progress != nil {
			budget.park(inQueue)
			progress(done)
			budget.unpark(inQueue)
		}
		return nil
	}
	for !srcEOF || len(queue) > 0 {
		if !srcEOF && len(queue) < slots {
			held = chunk
			if next == off && !inPlace && chunk > firstWriteMax {
				held = firstWriteMax
			}
			ok, err := budget.acquire(ctx, held, len(queue) > 0)
			if err != nil {
				return done, err
			}
			if !ok {
				if err := retire(); err != nil {
					return done, err
				}
				continue
			}
			var buf, data []byte // buf: pooled, reused after the reply
			if inPlace {
				n := min(chunk, len(src.p))
				data, src.p = src.p[:n], src.p[n:]
				srcEOF = len(src.p) == 0
			} else {
				var n int
				buf, n, err = fill()
				if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
					srcEOF = true
				} else if err != nil {
					budget.release(held)
					recycle(buf)
					return done, err
				}
				data = buf[:n]
			}
			if n := len(data); n > 0 {
				budget.release(held - n) // keep only what this WRITE carries
				queue = append(queue, inflight{off: next, n: n, buf: buf, f: f.sendWrite(ctx, next, data)})
				inQueue += int64(n)
				next += int64(n)
			} else {
				budget.release(held)
				recycle(buf)
			}
			continue
		}
		if err := retire(); err != nil {
			return done, err
		}
	}
	return done, nil
}

// firstWriteMax is the most an upload reads before it knows the source
// goes on past it; see WriteFrom.
const firstWriteMax = 1 << 20

// chunkPools holds a sync.Pool of upload buffers per chunk size: there are
// few sizes (the configured chunk, or what the credits allow), and a
// fan-out of uploads would otherwise allocate a window of chunks per file.
var chunkPools sync.Map // int → *sync.Pool of *[]byte

func chunkPool(size int) *sync.Pool {
	if p, ok := chunkPools.Load(size); ok {
		return p.(*sync.Pool)
	}
	p, _ := chunkPools.LoadOrStore(size, &sync.Pool{New: func() any { b := make([]byte, size); return &b }})
	return p.(*sync.Pool)
}

// WriteAt writes p at off with a window of concurrent WRITEs.
func (f *File) WriteAt(ctx context.Context, p []byte, off int64) (int, error) {
	n, err := f.WriteFrom(ctx, &sliceReader{p: p}, off, nil)
	return int(n), err
}

type sliceReader struct{ p []byte }

func (s *sliceReader) Read(b []byte) (int, error) {
	if len(s.p) == 0 {
		return 0, io.EOF
	}
	n := copy(b, s.p)
	s.p = s.p[n:]
	return n, nil
}
