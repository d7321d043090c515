package gosmb_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/internal/sambatest"
	"golang.org/x/sync/errgroup"
)

func TestFileHandle(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	c := dial(t, srv, gosmb.Options{Transfer: opsSmallChunks()})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	f, err := c.Create(ctx, srv.Share, "handle.bin").Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 3<<20+17)
	rand.Read(data)
	// io.Copy uses ReaderFrom: a windowed upload.
	if n, err := io.Copy(f, bytes.NewReader(data)); err != nil || n != int64(len(data)) {
		t.Fatalf("io.Copy to the file: %d, %v", n, err)
	}
	// WriteAt across several chunks: the chunks go out in place, from the
	// caller's slice, which must come back unchanged.
	patch := make([]byte, 1<<20+5)
	rand.Read(patch)
	keep := bytes.Clone(patch)
	if n, err := f.WriteAt(patch, 700001); err != nil || n != len(patch) {
		t.Fatalf("WriteAt of %d bytes: %d, %v", len(patch), n, err)
	}
	if !bytes.Equal(patch, keep) {
		t.Fatal("WriteAt changed the caller's slice")
	}
	copy(data[700001:], patch)
	if got := readLocal(t, srv.ShareDir, "handle.bin"); !bytes.Equal(got, data) {
		t.Fatal("after WriteAt, the file on the share differs from what was written")
	}
	if n, err := f.WriteAt(nil, 5); err != nil || n != 0 {
		t.Fatalf("WriteAt of nothing: %d, %v", n, err)
	}
	if st, err := f.Stat(); err != nil || st.Size() != int64(len(data)) || st.Name() != "handle.bin" {
		t.Fatalf("Stat: %v %v", st, err)
	}
	// ReadAt in the middle, across chunk boundaries.
	p := make([]byte, 1<<20+3)
	if n, err := f.ReadAt(p, 500000); err != nil || n != len(p) || !bytes.Equal(p, data[500000:500000+len(p)]) {
		t.Fatalf("ReadAt: %d %v", n, err)
	}
	// ReadAt past the end returns io.EOF with what there was.
	tail := make([]byte, 100)
	if n, err := f.ReadAt(tail, int64(len(data)-10)); n != 10 || err != io.EOF {
		t.Fatalf("ReadAt at the end: %d %v, want 10 io.EOF", n, err)
	}
	// Seek + Read, and WriteTo (windowed download) from an offset.
	if pos, err := f.Seek(-100, io.SeekEnd); err != nil || pos != int64(len(data)-100) {
		t.Fatalf("Seek: %d %v", pos, err)
	}
	var rest bytes.Buffer
	if n, err := io.Copy(&rest, f); err != nil || n != 100 || !bytes.Equal(rest.Bytes(), data[len(data)-100:]) {
		t.Fatalf("io.Copy from the file after Seek: %d %v", n, err)
	}
	if _, err := f.WriteAt([]byte("HELLO"), 10); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(ctx, 20); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// A closed File says so, as an os.File does, without asking the server.
	if err := f.Close(); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("second Close: %v, want fs.ErrClosed", err)
	}
	if _, err := f.Read(make([]byte, 1)); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("Read after Close: %v, want fs.ErrClosed", err)
	}
	if _, err := f.WriteAt([]byte("x"), 0); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("WriteAt after Close: %v, want fs.ErrClosed", err)
	}
	want := append(append([]byte(nil), data[:10]...), []byte("HELLO")...)
	want = append(want, data[15:20]...)
	if got := readLocal(t, srv.ShareDir, "handle.bin"); !bytes.Equal(got, want) {
		t.Fatalf("after WriteAt and Truncate: %q, want %q", got, want)
	}

	// Exclusive create fails on an existing file; opening a missing one
	// fails with fs.ErrNotExist.
	if _, err := c.OpenFile(ctx, srv.Share, "handle.bin", os.O_RDWR|os.O_CREATE|os.O_EXCL).Wait(ctx); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("O_EXCL on an existing file: %v", err)
	}
	if _, err := c.Open(ctx, srv.Share, "missing").Wait(ctx); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open missing: %v", err)
	}
	// O_APPEND writes at the end.
	a, err := c.OpenFile(ctx, srv.Share, "handle.bin", os.O_WRONLY|os.O_APPEND).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a.Write([]byte("++"))
	a.Close()
	if got := readLocal(t, srv.ShareDir, "handle.bin"); !bytes.HasSuffix(got, []byte("++")) || len(got) != 22 {
		t.Fatalf("after append: %q", got)
	}
}

// O_APPEND writes at the end of the file as it is when written, wherever
// a Read or Seek left the offset and whatever another handle appended
// meanwhile; WriteAt is refused, as on an os.File.
func TestAppendWritesAtTheEnd(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	writeLocal(t, filepath.Join(srv.ShareDir, "log"), []byte("0123456789"))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := dialTest(ctx, t, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password})
	a, err := c.OpenFile(ctx, srv.Share, "log", os.O_RDWR|os.O_APPEND).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := c.OpenFile(ctx, srv.Share, "log", os.O_WRONLY|os.O_APPEND).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// As with os.File, O_APPEND moves writes, not the offset: reading
	// starts at the beginning.
	head := make([]byte, 2)
	if _, err := io.ReadFull(a, head); err != nil || string(head) != "01" {
		t.Fatalf("first read of an O_APPEND file: %q, %v; want \"01\"", head, err)
	}
	if _, err := b.Write([]byte("ab")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write([]byte("XY")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ReadFrom(strings.NewReader("rf")); err != nil {
		t.Fatal(err)
	}
	if got := readLocal(t, srv.ShareDir, "log"); string(got) != "0123456789abXYrf" {
		t.Fatalf("after appends: %q, want %q", got, "0123456789abXYrf")
	}
	if _, err := a.WriteAt([]byte("!"), 0); !errors.Is(err, gosmb.ErrWriteAtInAppendMode) {
		t.Fatalf("WriteAt on an O_APPEND file: %v, want ErrWriteAtInAppendMode", err)
	}
}

func TestFSView(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	root := filepath.Join(srv.ShareDir, "tree")
	files := map[string]string{
		"a.txt":             "alpha",
		"dir/b.txt":         "bravo",
		"dir/sub/c.bin":     string(bytes.Repeat([]byte{1, 2, 3}, 1000)), // fstest reads byte by byte: keep it small
		"dir/empty.txt":     "",
		"unicode/文件.txt":    "unicode",
		"with space/d e.md": "delta",
	}
	var expected []string
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		expected = append(expected, name)
	}
	c := dial(t, srv, gosmb.Options{})
	fsys, err := fs.Sub(c.FS(srv.Share), "tree")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys, expected...); err != nil {
		t.Fatal(err)
	}
	var walked []string
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			walked = append(walked, p)
		}
		return err
	})
	if len(walked) != len(files) {
		t.Fatalf("WalkDir saw %v", walked)
	}
	b, err := fs.ReadFile(fsys, "dir/b.txt")
	if err != nil || string(b) != "bravo" {
		t.Fatalf("ReadFile: %q %v", b, err)
	}
	if _, err := fs.Stat(fsys, "nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Stat missing: %v", err)
	}
	// Names io/fs allows but SMB does not are invalid, not a server error.
	if _, err := fs.Stat(fsys, "a*.txt"); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("Stat of a name with '*': %v, want fs.ErrInvalid", err)
	}
	// A closed directory reads no more.
	d, err := fsys.Open("dir")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.(fs.ReadDirFile).ReadDir(-1); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("ReadDir after Close: %v, want fs.ErrClosed", err)
	}
}

// TestCopyFileOntoItself: io.Copy(f, f) (WriteTo with f as the writer,
// whose in-place path asks f for its offset) must not deadlock.
func TestCopyFileOntoItself(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	content := bytes.Repeat([]byte("0123456789"), 300000)
	writeLocal(t, filepath.Join(srv.ShareDir, "f"), content)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := dialTest(ctx, t, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password})
	f, err := c.OpenFile(ctx, srv.Share, "f", os.O_RDWR).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(f, f)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("io.Copy(f, f): %v", err)
		}
	case <-ctx.Done():
		t.Fatal("io.Copy(f, f) hung")
	}
	// Each byte read was written back where it was read from, and the
	// offset is after the last, once.
	if got := readLocal(t, srv.ShareDir, "f"); !bytes.Equal(got, content) {
		t.Fatalf("after io.Copy(f, f): %d bytes, differing from the %d there before", len(got), len(content))
	}
	if off, err := f.Seek(0, io.SeekCurrent); err != nil || off != int64(len(content)) {
		t.Fatalf("offset after io.Copy(f, f): %d, %v; want %d", off, err, len(content))
	}
}

// TestOffsetCallsAreOneStepEach: ReadFroms and Writes on one File at once
// each take their own stretch of the offset (as with os.File), even while
// one of them waits for its reader; with O_APPEND, a Write made meanwhile
// is not overwritten by the rest of the upload.
func TestOffsetCallsAreOneStepEach(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := dialTest(ctx, t, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password})
	const size = 4 << 20
	for _, flag := range []int{os.O_RDWR | os.O_CREATE | os.O_TRUNC, os.O_RDWR | os.O_CREATE | os.O_TRUNC | os.O_APPEND} {
		name := fmt.Sprintf("f-%x", flag)
		f, err := c.OpenFile(ctx, srv.Share, name, flag).Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// An upload whose reader stalls after 3 MiB until the others
		// have been started.
		stall, stalled := make(chan struct{}), make(chan struct{})
		a := io.MultiReader(bytes.NewReader(bytes.Repeat([]byte{'1'}, 3<<20)),
			readerFunc(func(p []byte) (int, error) {
				select {
				case <-stalled:
				default:
					close(stalled)
				}
				<-stall
				return 0, io.EOF
			}),
			bytes.NewReader(bytes.Repeat([]byte{'1'}, size-3<<20)))
		var g errgroup.Group
		g.Go(func() error {
			_, err := f.ReadFrom(a)
			return err
		})
		<-stalled
		g.Go(func() error {
			_, err := f.ReadFrom(bytes.NewReader(bytes.Repeat([]byte{'2'}, size)))
			return err
		})
		g.Go(func() error {
			_, err := f.Write([]byte("TAIL"))
			return err
		})
		time.Sleep(100 * time.Millisecond) // let them reach the File
		close(stall)
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		got := readLocal(t, srv.ShareDir, name)
		nA, nB := bytes.Count(got, []byte{'1'}), bytes.Count(got, []byte{'2'})
		if len(got) != 2*size+4 || nA != size || nB != size || !bytes.Contains(got, []byte("TAIL")) {
			t.Fatalf("flags %#x: %d bytes (want %d), %d of '1' and %d of '2' (want %d each), TAIL there: %v",
				flag, len(got), 2*size+4, nA, nB, size, bytes.Contains(got, []byte("TAIL")))
		}
	}
}

// readerFunc is a func as an io.Reader.
type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// ReadContext waiting for the File behind a WriteTo (whose writer is
// slow) gives up when its context ends, and the WriteTo goes on.
func TestReadContextWaitsNoLongerThanItsContext(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	writeLocal(t, filepath.Join(srv.ShareDir, "f"), bytes.Repeat([]byte("x"), 1<<20))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := dialTest(ctx, t, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password})
	f, err := c.OpenFile(ctx, srv.Share, "f", os.O_RDONLY).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inWriter, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var got bytes.Buffer
	wt := make(chan error, 1)
	go func() {
		_, err := f.WriteTo(writerFunc(func(p []byte) (int, error) {
			once.Do(func() { close(inWriter); <-release })
			return got.Write(p)
		}))
		wt <- err
	}()
	<-inWriter
	short, stop := context.WithTimeout(ctx, 200*time.Millisecond)
	defer stop()
	type result struct {
		n   int
		err error
	}
	rd := make(chan result, 1)
	go func() {
		n, err := f.ReadContext(short, make([]byte, 10))
		rd <- result{n, err}
	}()
	select {
	case r := <-rd:
		if !errors.Is(r.err, context.DeadlineExceeded) || r.n != 0 {
			t.Fatalf("ReadContext behind a WriteTo: %d, %v; want context.DeadlineExceeded", r.n, r.err)
		}
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("ReadContext with a 200ms deadline still waiting for the File after 5s")
	}
	close(release)
	if err := <-wt; err != nil || got.Len() != 1<<20 {
		t.Fatalf("WriteTo after the Read gave up: %d bytes, %v", got.Len(), err)
	}
}
