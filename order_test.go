package gosmb_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/proto/smb2"
)

// swapProxy relays TCP between gosmb and Samba and swaps every two
// successive READ replies (lone, successful ones) on their way to the
// client, so that they arrive out of order. A reply held for its pair
// goes on after 50 ms if none comes, or before any other frame.
type swapProxy struct {
	ln      net.Listener
	to      string
	swapped atomic.Int32
	wg      sync.WaitGroup
}

func newSwapProxy(t *testing.T, to string) *swapProxy {
	p := &swapProxy{to: to}
	p.ln = listenRelay(t, to, &p.wg, func(c, s net.Conn) {
		p.wg.Add(3)
		go func() { defer p.wg.Done(); io.Copy(s, c); s.Close() }()
		frames := make(chan []byte)
		go func() { defer p.wg.Done(); readFrames(s, frames) }()
		go func() { defer p.wg.Done(); p.relay(c, frames); c.Close() }()
	})
	return p
}

// readFrames sends each frame (4-byte header included) read from src.
func readFrames(src io.Reader, out chan<- []byte) {
	defer close(out)
	for {
		hdr := make([]byte, 4)
		if _, err := io.ReadFull(src, hdr); err != nil {
			return
		}
		frame := make([]byte, 4+(int(hdr[1])<<16|int(binary.BigEndian.Uint16(hdr[2:]))))
		copy(frame, hdr)
		if _, err := io.ReadFull(src, frame[4:]); err != nil {
			return
		}
		out <- frame
	}
}

func (p *swapProxy) relay(dst io.Writer, frames <-chan []byte) {
	var held []byte
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		select {
		case frame, ok := <-frames:
			if !ok {
				if held != nil {
					dst.Write(held)
				}
				return
			}
			var h smb2.Header
			lone := h.Decode(frame[4:]) == nil && h.Command == smb2.CommandRead &&
				h.IsResponse() && h.NextCommand == 0 && h.Status == 0
			switch {
			case lone && held == nil:
				held = frame
				timer.Reset(50 * time.Millisecond)
				continue
			case lone:
				if _, err := dst.Write(frame); err != nil {
					return
				}
				p.swapped.Add(1)
			}
			if held != nil {
				if _, err := dst.Write(held); err != nil {
					return
				}
				held = nil
			}
			if !lone {
				if _, err := dst.Write(frame); err != nil {
					return
				}
			}
		case <-timer.C:
			if held != nil {
				if _, err := dst.Write(held); err != nil {
					return
				}
				held = nil
			}
		}
	}
}

// offsetsFile is a local file that records where WriteAt wrote.
type offsetsFile struct {
	*os.File
	offs []int64
}

func (f *offsetsFile) WriteAt(p []byte, off int64) (int, error) {
	if len(p) > 0 {
		f.offs = append(f.offs, off)
	}
	return f.File.WriteAt(p, off)
}

// TestDownloadRepliesOutOfOrder: READ replies arrive out of order. Into a
// local file they are written where they belong as they come, and the
// file's position ends after the download as if it had been written in
// order; into a plain io.Writer they are put back in order; ReadAt fills
// its buffer either way. A file opened for appending is written in order.
func TestDownloadRepliesOutOfOrder(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	data := make([]byte, 3<<20+5)
	rand.NewChaCha8([32]byte{9}).Read(data)
	writeLocal(t, filepath.Join(srv.ShareDir, "ooo.bin"), data)
	px := newSwapProxy(t, srv.Addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := gosmb.Dial(ctx, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password, Transfer: opsSmallChunks()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	local := filepath.Join(t.TempDir(), "ooo.bin")
	out, err := os.Create(local)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	out.WriteString("HEAD")
	dst := &offsetsFile{File: out}
	res, err := c.RetrieveFile(ctx, srv.Share, "ooo.bin", dst).Wait(ctx)
	if err != nil || res.Bytes != int64(len(data)) {
		t.Fatalf("download into a local file: %d bytes, %v", res.Bytes, err)
	}
	if px.swapped.Load() == 0 {
		t.Fatal("the proxy swapped no READ replies")
	}
	if slices.IsSorted(dst.offs) {
		t.Errorf("replies that arrived out of order were written in order: offsets %v", dst.offs)
	}
	out.WriteString("TAIL") // at the position the download left
	want := append(append([]byte("HEAD"), data...), "TAIL"...)
	if got, err := os.ReadFile(local); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("local file: %d bytes (want %d), equal %v, %v", len(got), len(want), bytes.Equal(got, want), err)
	}

	var b bytes.Buffer
	if res, err := c.RetrieveFile(ctx, srv.Share, "ooo.bin", &b).Wait(ctx); err != nil || !bytes.Equal(b.Bytes(), data) {
		t.Fatalf("download into a bytes.Buffer: %d bytes, equal %v, %v", res.Bytes, bytes.Equal(b.Bytes(), data), err)
	}

	app, err := os.OpenFile(filepath.Join(t.TempDir(), "append.bin"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	app.WriteString("HEAD")
	if res, err := c.RetrieveFile(ctx, srv.Share, "ooo.bin", app).Wait(ctx); err != nil || res.Bytes != int64(len(data)) {
		t.Fatalf("download into a file opened with O_APPEND: %d bytes, %v", res.Bytes, err)
	}
	if got, err := os.ReadFile(app.Name()); err != nil || !bytes.Equal(got, append([]byte("HEAD"), data...)) {
		t.Fatalf("file opened with O_APPEND: %d bytes, %v", len(got), err)
	}

	f, err := c.Open(ctx, srv.Share, "ooo.bin").Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := make([]byte, 2<<20+3)
	if n, err := f.ReadAt(p, 100001); err != nil || n != len(p) || !bytes.Equal(p, data[100001:100001+len(p)]) {
		t.Fatalf("ReadAt: %d, %v, equal %v", n, err, bytes.Equal(p, data[100001:100001+len(p)]))
	}
}
