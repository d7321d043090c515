package gosmb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"

	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/ops"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// File is an open file on a share. Its methods without a context (the io
// interfaces: Read, Write, ReadAt, WriteAt, Seek, ReadFrom, WriteTo, Close)
// run under context.Background(): they end when the operation completes or
// the connection dies. The *Context variants take a context.
//
// ReadAt, WriteAt, ReadFrom and WriteTo keep a window of requests in
// flight, so large reads and writes through a File are as fast as
// RetrieveFile/StoreFile. File is safe for concurrent use; Read, Write
// and Seek share one offset.
type File struct {
	c      *Client
	f      *ops.File
	append bool
	closed atomic.Bool // Close has succeeded, or is under way

	// xfer serializes the calls that use the offset (Read, Write,
	// ReadFrom, WriteTo) for their whole duration, so that each moves
	// the offset as one step, as with os.File; Seek does not wait for it.
	// A one-slot channel, not a mutex: a call waiting for it is an
	// operation the Client's Close ends, and the holder may be running
	// the caller's reader or writer, even the very code that calls Close.
	xfer chan struct{}
	mu   sync.Mutex // guards off, briefly
	off  int64
}

// OpenFile opens path on share with os-style flags: O_RDONLY, O_WRONLY or
// O_RDWR, plus O_CREATE, O_EXCL, O_TRUNC, O_APPEND.
func (c *Client) OpenFile(ctx context.Context, share, path string, flag int) *future.Future[*File] {
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) (*File, error) {
		o := ops.OpenOptions{Options: smb2.FileNonDirectoryFile}
		o.Access = smb2.FileReadAttributes | smb2.Synchronize
		switch flag & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR) {
		case os.O_RDONLY:
			o.Access |= smb2.FileReadData
		case os.O_WRONLY:
			o.Access |= smb2.FileWriteData | smb2.FileAppendData | smb2.FileWriteAttributes
		case os.O_RDWR:
			o.Access |= smb2.FileReadData | smb2.FileWriteData | smb2.FileAppendData | smb2.FileWriteAttributes
		}
		switch {
		case flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0:
			o.Disposition = smb2.FileCreate
		case flag&os.O_CREATE != 0 && flag&os.O_TRUNC != 0:
			o.Disposition = smb2.FileOverwriteIf
		case flag&os.O_CREATE != 0:
			o.Disposition = smb2.FileOpenIf
		case flag&os.O_TRUNC != 0:
			o.Disposition = smb2.FileOverwrite
		default:
			o.Disposition = smb2.FileOpen
		}
		f, err := s.Open(ctx, path, o)
		if err != nil {
			return nil, err
		}
		// O_APPEND moves each write to the end, not the offset: reads
		// start at 0, as with os.File.
		return &File{c: c, f: f, append: flag&os.O_APPEND != 0, xfer: make(chan struct{}, 1)}, nil
	})
}

// Open opens path on share for reading.
func (c *Client) Open(ctx context.Context, share, path string) *future.Future[*File] {
	return c.OpenFile(ctx, share, path, os.O_RDONLY)
}

// Create creates or truncates path on share and opens it read-write.
func (c *Client) Create(ctx context.Context, share, path string) *future.Future[*File] {
	return c.OpenFile(ctx, share, path, os.O_RDWR|os.O_CREATE|os.O_TRUNC)
}

// Name returns the path the file was opened with, relative to the share,
// as sent to the server: with backslashes and without leading or trailing
// separators ("d/f.txt" and "/d/f.txt" give `d\f.txt`). Errors of the
// File carry this form too.
func (f *File) Name() string { return f.f.Name }

// ReadAtContext reads len(p) bytes at off; io.EOF when the file ends first.
func (f *File) ReadAtContext(ctx context.Context, p []byte, off int64) (n int, err error) {
	ctx, end, err := f.begin(ctx, "read")
	if err != nil {
		return 0, err
	}
	defer func() { err = f.end(end, "read", err) }()
	return f.f.ReadAt(ctx, p, off)
}

// ReadAt implements io.ReaderAt.
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	return f.ReadAtContext(context.Background(), p, off)
}

// ErrWriteAtInAppendMode is WriteAt's error on a file opened with
// O_APPEND, as os.File's.
var ErrWriteAtInAppendMode = errors.New("gosmb: WriteAt on a file opened with O_APPEND")

// WriteAtContext writes p at off. A file opened with O_APPEND refuses it
// (ErrWriteAtInAppendMode), as an os.File does.
func (f *File) WriteAtContext(ctx context.Context, p []byte, off int64) (n int, err error) {
	ctx, end, err := f.begin(ctx, "write")
	if err != nil {
		return 0, err
	}
	defer func() { err = f.end(end, "write", err) }()
	if f.append {
		return 0, ErrWriteAtInAppendMode
	}
	return f.f.WriteAt(ctx, p, off)
}

// WriteAt implements io.WriterAt.
func (f *File) WriteAt(p []byte, off int64) (int, error) {
	return f.WriteAtContext(context.Background(), p, off)
}

// Read implements io.Reader at the file's offset.
func (f *File) Read(p []byte) (int, error) { return f.ReadContext(context.Background(), p) }

// ReadContext is Read bounded by ctx, the wait for another offset call of
// the File (see ReadFrom) included.
func (f *File) ReadContext(ctx context.Context, p []byte) (int, error) {
	n, err := f.atOffset(ctx, "read", func(ctx context.Context, off int64) (int64, error) {
		if len(p) == 0 {
			return 0, nil
		}
		n, err := f.f.ReadAt(ctx, p, off)
		return int64(n), err
	})
	if err == io.EOF && n > 0 {
		err = nil
	}
	return int(n), err
}

// Write implements io.Writer at the file's offset. With O_APPEND it
// writes at the end of the file as the server has it now, wherever the
// offset is (a Read or Seek may have moved it; another client may have
// appended): that takes a round trip for the size first, and is not
// atomic against other clients writing to the file at the same time.
func (f *File) Write(p []byte) (int, error) { return f.WriteContext(context.Background(), p) }

// WriteContext is Write bounded by ctx, the wait for another offset call
// of the File included.
func (f *File) WriteContext(ctx context.Context, p []byte) (int, error) {
	n, err := f.atOffset(ctx, "write", func(ctx context.Context, off int64) (int64, error) {
		n, err := f.f.WriteAt(ctx, p, off)
		return int64(n), err
	})
	return int(n), err
}

// atOffset runs op, one of the calls that use the offset (Read, Write,
// ReadFrom, WriteTo), as an operation of the client and alone among those
// calls: do works from the offset, or for a write with O_APPEND from the
// end of the file as the server has it now, and the offset then moves
// past the n bytes it moved.
func (f *File) atOffset(ctx context.Context, op string, do func(ctx context.Context, off int64) (n int64, err error)) (int64, error) {
	ctx, end, err := f.begin(ctx, op)
	if err != nil {
		return 0, err
	}
	n, err := func() (int64, error) {
		select {
		case f.xfer <- struct{}{}:
		case <-ctx.Done():
			return 0, context.Cause(ctx)
		}
		defer func() { <-f.xfer }()
		off := f.offset()
		if op == "write" && f.append {
			st, err := f.f.Stat(ctx)
			if err != nil {
				return 0, err
			}
			off = st.Size
		}
		n, err := do(ctx, off)
		f.setOffset(off + n)
		return n, err
	}()
	return n, f.end(end, op, err)
}

func (f *File) offset() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.off
}

func (f *File) setOffset(off int64) {
	f.mu.Lock()
	f.off = off
	f.mu.Unlock()
}

// Seek implements io.Seeker. SeekEnd asks the server for the size.
func (f *File) Seek(offset int64, whence int) (pos int64, err error) {
	ctx, end, err := f.begin(context.Background(), "seek")
	if err != nil {
		return 0, err
	}
	defer func() { err = f.end(end, "seek", err) }()
	var size int64
	if whence == io.SeekEnd {
		st, err := f.f.Stat(ctx)
		if err != nil {
			return f.offset(), err
		}
		size = st.Size
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = f.off
	case io.SeekEnd:
		base = size
	default:
		return f.off, fmt.Errorf("gosmb: seek %s: bad whence %d", f.f.Name, whence)
	}
	if base+offset < 0 {
		return f.off, fmt.Errorf("gosmb: seek %s: negative position", f.f.Name)
	}
	f.off = base + offset
	return f.off, nil
}

// ReadFrom implements io.ReaderFrom: it uploads r from the file's offset
// with a window of WRITE requests in flight. Like a Write, it is one step
// for the offset: other Reads and Writes of the File wait for it, so r
// may use the File's ReadAt, WriteAt and Seek but not those.
func (f *File) ReadFrom(r io.Reader) (int64, error) {
	return f.ReadFromContext(context.Background(), r)
}

// ReadFromContext is ReadFrom bounded by ctx.
func (f *File) ReadFromContext(ctx context.Context, r io.Reader) (int64, error) {
	return f.atOffset(ctx, "write", func(ctx context.Context, off int64) (int64, error) {
		return f.f.WriteFrom(ctx, f.c.work.reader(r, false), off, nil)
	})
}

// WriteTo implements io.WriterTo: it downloads from the file's offset to
// the end with a window of READ requests in flight. Like a Read, it is
// one step for the offset: other Reads and Writes of the File wait for
// it, so w may use the File's ReadAt, WriteAt and Seek but not those
// (io.Copy(f, f) works: it writes each reply back at its place).
func (f *File) WriteTo(w io.Writer) (int64, error) {
	return f.WriteToContext(context.Background(), w)
}

// WriteToContext is WriteTo bounded by ctx.
func (f *File) WriteToContext(ctx context.Context, w io.Writer) (int64, error) {
	return f.atOffset(ctx, "read", func(ctx context.Context, off int64) (int64, error) {
		return f.f.ReadTo(ctx, f.c.work.writer(w, false), off, -1, nil)
	})
}

// StatContext returns the file's attributes from the server.
func (f *File) StatContext(ctx context.Context) (sf SharedFile, err error) {
	ctx, end, err := f.begin(ctx, "stat")
	if err != nil {
		return SharedFile{}, err
	}
	defer func() { err = f.end(end, "stat", err) }()
	return f.f.Stat(ctx)
}

// Stat returns the file's attributes as an fs.FileInfo.
func (f *File) Stat() (fs.FileInfo, error) {
	sf, err := f.StatContext(context.Background())
	if err != nil {
		return nil, err
	}
	return fileInfo{sf}, nil
}

// Truncate changes the file's size.
func (f *File) Truncate(ctx context.Context, size int64) (err error) {
	ctx, end, err := f.begin(ctx, "truncate")
	if err != nil {
		return err
	}
	defer func() { err = f.end(end, "truncate", err) }()
	return f.f.Truncate(ctx, size)
}

// Sync asks the server to flush the file to stable storage.
func (f *File) Sync(ctx context.Context) (err error) {
	ctx, end, err := f.begin(ctx, "sync")
	if err != nil {
		return err
	}
	defer func() { err = f.end(end, "sync", err) }()
	return f.f.Flush(ctx)
}

// CloseContext closes the handle.
func (f *File) CloseContext(ctx context.Context) error {
	ctx, end, err := f.c.work.start(ctx)
	if err != nil {
		return err
	}
	defer end()
	if !f.closed.CompareAndSwap(false, true) {
		return &fs.PathError{Op: "close", Path: f.f.Name, Err: fs.ErrClosed}
	}
	err = f.f.Close(ctx)
	var se *StatusError
	if err != nil && !errors.As(err, &se) {
		// Not sent, or no answer (ctx ended, connection lost): the
		// handle may still be open; let Close be tried again.
		f.closed.Store(false)
	}
	return err
}

// Close implements io.Closer.
func (f *File) Close() error { return f.CloseContext(context.Background()) }

var (
	_ io.ReaderAt        = (*File)(nil)
	_ io.WriterAt        = (*File)(nil)
	_ io.ReadWriteSeeker = (*File)(nil)
	_ io.ReaderFrom      = (*File)(nil)
	_ io.WriterTo        = (*File)(nil)
	_ fs.File            = (*File)(nil)
)

var errIsDir = errors.New("is a directory")

// begin starts one call op on f as an operation of its Client, which
// Close ends and waits for: it fails on a closed File (an *fs.PathError
// matching fs.ErrClosed, as os.File's) or Client (net.ErrClosed).
func (f *File) begin(ctx context.Context, op string) (context.Context, func(), error) {
	if f.closed.Load() {
		return nil, nil, &fs.PathError{Op: op, Path: f.f.Name, Err: fs.ErrClosed}
	}
	return f.c.work.start(ctx)
}

// end ends a call begin started and returns its error, with a server's
// STATUS_FILE_CLOSED for a call that raced Close made what a call after
// Close gets.
func (f *File) end(end func(), op string, err error) error {
	end()
	if err != nil && f.closed.Load() && errors.Is(err, ntstatus.FileClosed) {
		return &fs.PathError{Op: op, Path: f.f.Name, Err: fs.ErrClosed}
	}
	return err
}
