package ops

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

var retrieveOpen = OpenOptions{
	Access:      smb2.FileReadData | smb2.FileReadAttributes | smb2.Synchronize,
	Disposition: smb2.FileOpen,
	Options:     smb2.FileNonDirectoryFile,
	queryDiskID: true, // to tell a reopen of the same file from a replacement
}

// ErrFileReplaced is returned by a download whose file was replaced (a
// different file ID, or other times) between the compound that read its
// first chunk and the open that reads the rest.
var ErrFileReplaced = errors.New("gosmb: file replaced during the download")

// Retrieve copies the file at path to w, like pysmb's
// retrieveFileFromOffset: from offset, at most maxLength bytes (maxLength
// < 0: to the end; 0: open and close only). It returns the file's
// attributes and the number of bytes written to w.
//
// The open, the first READ and the CLOSE travel as one compound request,
// so a file that fits the first READ costs one round trip. A larger one is
// opened again (checked to be the same file, else ErrFileReplaced) and
// read on with a window of READs.
//
// A non-zero snapshot reads the file as it was in that snapshot.
func (s *Share) Retrieve(ctx context.Context, path string, w io.Writer, offset, maxLength int64, snapshot time.Time, progress func(int64)) (smb2.FileAttributes, int64, error) {
	if offset < 0 {
		return 0, 0, fmt.Errorf("gosmb: retrieve %s: negative offset %d", path, offset)
	}
	name := CleanPath(path)
	retrieveOpen := retrieveOpen
	retrieveOpen.Snapshot = snapshot
	if maxLength == 0 {
		f, _, err := s.openDo(ctx, "open", name, retrieveOpen)
		if err != nil {
			return 0, 0, err
		}
		return f.Attributes, 0, nil
	}
	chunk, _ := s.chunkSizes()
	first := chunk
	if maxLength > 0 && maxLength < int64(first) {
		first = int(maxLength)
	}
	// The chain's CREATE and CLOSE take a credit each: on a server that
	// grants few, its READ makes do with the rest. One that grants two or
	// fewer gets the chain one request at a time (openDoApart), and the
	// READ may have them all.
	if c := s.creditBytes(2); c > 1 {
		first = min(first, c)
	} else if c := s.creditBytes(0); c > 0 {
		first = min(first, c)
	}
	if _, err := s.budget.acquire(ctx, first, false); err != nil {
		return 0, 0, err
	}
	rbody, _ := (&smb2.ReadRequest{Length: uint32(first), Offset: uint64(offset), FileID: smb2.FileIDAny, Padding: smb2.ReadResponseDataOffset}).Append(nil)
	steps := []step{{cmd: smb2.CommandRead, body: rbody, charge: engine.CreditCharge(first),
		ok: []ntstatus.Status{ntstatus.EndOfFile, ntstatus.BufferOverflow}}}
	var queued func(bool)
	warmSent := false
	// The chain's CREATE and CLOSE take a credit each, its READ
	// first/64 KiB; the warm-up READ takes at most half of the credits
	// granted, less those.
	if warm := s.warmMax(int(engine.CreditCharge(first)+2) << 16); warm > chunk {
		if s.budget.takeWarm() {
			steps = append(steps, warmStep(warm))
			queued = func(sent bool) {
				warmSent = sent
				s.budget.warmQueued()
			}
		} else if err := s.budget.afterWarm(ctx); err != nil {
			s.budget.release(first)
			return 0, 0, err
		}
	}
	f, rs, err := s.openDoThen(ctx, "open", name, retrieveOpen, queued, steps...)
	s.budget.release(first)
	var se *engine.StatusError
	if queued != nil && (!warmSent || (f == nil && errors.As(err, &se))) {
		// The chain never went out (or went one request at a time,
		// without its optional warm-up READ), or the server failed its
		// CREATE (a missing file, say) and so the READs after it: no
		// warm-up READ ran, and a later download sends it. (A chain that
		// went out and whose wait failed, the context ending, say, did
		// run it.)
		s.budget.unwarm()
	}
	if err != nil {
		return 0, 0, err
	}
	for _, r := range rs[1:] {
		r.Release()
	}
	n, done, err := f.consumeFirst(rs[0], w, first)
	if err != nil {
		return f.Attributes, n, err
	}
	// The size the open reported ends the download too: no second open
	// just to learn that a file of exactly one chunk has nothing more.
	done = done || offset+n >= f.EndOfFile || (maxLength > 0 && n >= maxLength)
	if done {
		if progress != nil && n > 0 {
			progress(n)
		}
		return f.Attributes, n, nil
	}
	rest := int64(-1)
	if maxLength > 0 {
		rest = maxLength - n
	}
	var prog func(int64)
	if progress != nil {
		progress(n)
		prog = func(k int64) { progress(n + k) }
	}
	g, err := s.Open(ctx, name, retrieveOpen)
	if err != nil {
		return f.Attributes, n, retag(err, "retrieve")
	}
	if !sameFile(f, g) {
		g.closeFor(ctx)
		return f.Attributes, n, fmt.Errorf("retrieve %s: %w", name, ErrFileReplaced)
	}
	m, err := g.ReadTo(ctx, w, offset+n, rest, prog)
	n += m
	cerr := g.closeFor(ctx)
	if err != nil {
		return g.Attributes, n, err
	}
	return g.Attributes, n, cerr
}

// warmOffset is where a warm-up READ reads: past the end of any file.
const warmOffset = 1 << 62

// warmStep is a connection's warm-up READ (see Budget.warmRead), sent
// with its first download's open: size bytes far past the end of the
// file. Samba's smbd allocates a READ's buffer at the size asked before it
// reads, so this makes it allocate and at once free one large buffer
// without reading or sending anything; a server that answers otherwise
// (an error) does no harm.
func warmStep(size int) step {
	body, _ := (&smb2.ReadRequest{Length: uint32(size), Offset: warmOffset, FileID: smb2.FileIDAny, Padding: smb2.ReadResponseDataOffset}).Append(nil)
	return step{cmd: smb2.CommandRead, body: body, charge: engine.CreditCharge(size), anyStatus: true, optional: true}
}

// sameFile reports whether two opens of one name found the same file: by
// the on-disk ID when the server gave one, else by write and change time
// and size. Creation times are no help: Samba reports a synthesised one
// that can move between two opens of an untouched file.
func sameFile(a, b *File) bool {
	if a.diskID != 0 || b.diskID != 0 {
		return a.diskID == b.diskID
	}
	return a.LastWriteTime.Equal(b.LastWriteTime) && a.ChangeTime.Equal(b.ChangeTime) && a.EndOfFile == b.EndOfFile
}

// consumeFirst writes the compound READ's data to w; done reports the end
// of the file (or of what was asked).
func (f *File) consumeFirst(resp *engine.Response, w io.Writer, asked int) (int64, bool, error) {
	defer resp.Release()
	data, eof, err := f.readReply(resp)
	if err != nil {
		return 0, false, err
	}
	if len(data) > asked {
		return 0, false, protoErr(fmt.Sprintf("READ returned %d bytes for %d asked", len(data), asked), nil)
	}
	m, err := w.Write(data)
	if err == nil && m != len(data) {
		err = io.ErrShortWrite
	}
	// A short reply before the size the open reported is not the end: the
	// caller reads on (Retrieve checks the size).
	return int64(m), eof || len(data) == 0, err
}

// smallFileMax is the largest upload sent as one WRITE, with its CLOSE
// right behind it (see storeSmall).
const smallFileMax = 64 << 10

var storeAccess = smb2.FileWriteData | smb2.FileAppendData | smb2.FileReadAttributes | smb2.FileWriteAttributes | smb2.Synchronize

// Store copies r to the file at path, like pysmb's storeFileFromOffset:
// writing starts at offset; with truncate the file is emptied first (and
// created when missing either way). It returns the offset after the last
// byte written. Any failure, including the final CLOSE, is an error.
//
// A source that fits in one WRITE takes two round trips (storeSmall); a
// larger one goes through a window of WRITEs.
func (s *Share) Store(ctx context.Context, path string, r io.Reader, offset int64, truncate bool, progress func(int64)) (int64, error) {
	if offset < 0 {
		return offset, fmt.Errorf("gosmb: store %s: negative offset %d", path, offset)
	}
	disp := smb2.FileOpenIf
	if truncate {
		disp = smb2.FileOverwriteIf
	}
	o := OpenOptions{Access: storeAccess, Disposition: disp, Options: smb2.FileNonDirectoryFile, Attributes: smb2.FileAttributeArchive}
	name := CleanPath(path)
	_, chunk := s.chunkSizes()
	// Read one byte more than a small WRITE to learn whether the source
	// ends within it; the buffer comes out of the connection window.
	headMax := min(chunk, smallFileMax) + 1
	if _, err := s.budget.acquire(ctx, headMax, false); err != nil {
		return offset, err
	}
	held := headMax
	defer func() { s.budget.release(held) }()
	// From the pool of upload buffers: a fan-out of small uploads would
	// otherwise allocate one per file.
	heads := chunkPool(smallFileMax + 1)
	hp := heads.Get().(*[]byte)
	defer heads.Put(hp) // Send has written (or copied) it when it returns
	head := (*hp)[:headMax]
	// r is the caller's and may be waiting on this connection (a
	// download piped into this upload): the share taken is parked.
	s.budget.park(int64(headMax))
	n, err := io.ReadFull(r, head)
	s.budget.unpark(int64(headMax))
	small := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
	if err != nil && !small {
		return offset, err
	}
	head = head[:n]
	if small {
		prog := progress
		if progress != nil {
			prog = func(n int64) {
				s.budget.park(int64(headMax))
				progress(n)
				s.budget.unpark(int64(headMax))
			}
		}
		return s.storeSmall(ctx, name, o, head, offset, prog)
	}
	// WriteFrom copies the head into buffers it takes from the window
	// itself: holding this share too could leave it waiting on itself.
	s.budget.release(held)
	held = 0
	f, err := s.Open(ctx, name, o)
	if err != nil {
		return offset, retag(err, "store")
	}
	w, err := f.WriteFrom(ctx, io.MultiReader(bytes.NewReader(head), r), offset, progress)
	cerr := f.closeFor(ctx)
	if err != nil {
		return offset + w, err
	}
	if cerr != nil {
		return offset + w, errors.Join(errors.New("gosmb: upload may be incomplete: closing failed"), cerr)
	}
	return offset + w, nil
}

// storeSmall uploads data, which fits one WRITE, to name: CREATE, then
// WRITE and CLOSE sent back to back without waiting in between, so two
// round trips. An empty file is one compound CREATE + CLOSE.
//
// Why not CREATE + WRITE + CLOSE as one compound: against Samba 4.17 a
// WRITE inside a compound chain makes the connection's smbd slower with
// every one it has served (1,000 uploads of 16 KiB per batch on one
// connection: 230 ms for the first batch, 450 ms by the twelfth, and
// growing), while this pattern stays flat; on a fresh connection the two
// are within noise of each other (docs/benchmarks.md).
func (s *Share) storeSmall(ctx context.Context, name string, o OpenOptions, data []byte, offset int64, progress func(int64)) (int64, error) {
	if len(data) == 0 {
		if _, _, err := s.openDo(ctx, "store", name, o); err != nil {
			return offset, err
		}
		return offset, nil
	}
	f, err := s.Open(ctx, name, o)
	if err != nil {
		return offset, retag(err, "store")
	}
	wbody, err := (&smb2.WriteRequest{Offset: uint64(offset), FileID: f.ID, Data: data}).AppendHeader(nil)
	if err != nil {
		f.closeFor(ctx)
		return offset, err
	}
	wreq := f.share.Tree.Request(smb2.CommandWrite, wbody, engine.CreditCharge(len(data)))
	wreq.Payload = data
	cbody, _ := (&smb2.CloseRequest{FileID: f.ID}).Append(nil)
	creq := f.share.Tree.Request(smb2.CommandClose, cbody, 0)
	conn := f.share.Tree.Session.Conn()
	// In this order on the wire: both Sends return once written.
	wfut := conn.Send(ctx, wreq)
	cfut := conn.Send(ctx, creq)

	wresp, werr := wfut.Wait(ctx)
	if werr == nil {
		werr = f.writeReply(wresp, len(data))
	}
	cresp, cerr := cfut.Wait(ctx)
	if cerr != nil {
		// The CLOSE may never have gone out (ctx ended first): make sure.
		f.closeFor(ctx)
	} else if st := cresp.Status(); st != ntstatus.Success {
		cerr = statusErr("close", name, st)
	}
	switch {
	case werr != nil:
		return offset, retag(werr, "store")
	case cerr != nil:
		return offset, errors.Join(errors.New("gosmb: upload may be incomplete: closing failed"), cerr)
	}
	if progress != nil {
		progress(int64(len(data)))
	}
	return offset + int64(len(data)), nil
}
