package gosmb_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/ops"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
	"golang.org/x/sync/errgroup"
)

// watchProxy relays TCP between gosmb and Samba and watches the READ and
// WRITE requests on the wire: how many were awaiting their final reply at
// most at one time, the Length each asked for, and how many bytes the
// READs that are not part of a compound asked for at most at once. Once
// watching, it hands the server's frames on a delay after they arrive, in
// order, as a link with that much round-trip time would: how many
// requests a client keeps in flight then depends on the client, not on
// how fast the two ends happen to run.
type watchProxy struct {
	ln    net.Listener
	wg    sync.WaitGroup
	delay atomic.Int64 // time.Duration

	// The first lone reply to gateCmd is held until gateN requests of
	// that command are outstanding (or gateMax has passed): see hold.
	gateCmd atomic.Int32
	gateN   atomic.Int32

	mu        sync.Mutex
	out       map[uint64]smb2.Command // requests awaiting their final reply
	peak      map[smb2.Command]int
	lens      map[smb2.Command][]uint32
	readOffs  []uint64          // the Offset of each READ, in the order sent
	lone      map[uint64]uint32 // lone READs awaiting their reply: Length
	loneBytes uint32
	loneMax   uint32
}

func newWatchProxy(t *testing.T, to string) *watchProxy {
	p := &watchProxy{}
	p.watch(0)
	p.ln = listenRelay(t, to, &p.wg, func(c, s net.Conn) {
		p.wg.Add(2)
		go func() { defer p.wg.Done(); p.pipe(s, c, false); s.Close() }()
		go func() { defer p.wg.Done(); p.pipe(c, s, true); c.Close() }()
	})
	return p
}

// watch forgets what was seen so far and delays the server's frames from
// now on by delay.
func (p *watchProxy) watch(delay time.Duration) {
	p.delay.Store(int64(delay))
	p.gateN.Store(0)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out = map[uint64]smb2.Command{}
	p.peak = map[smb2.Command]int{}
	p.lens = map[smb2.Command][]uint32{}
	p.readOffs = nil
	p.lone = map[uint64]uint32{}
	p.loneBytes, p.loneMax = 0, 0
}

// gateMax bounds how long hold keeps a reply back.
const gateMax = 20 * time.Second

// hold keeps the first reply to a lone cmd request from now on back until
// n requests of cmd are outstanding, or gateMax has passed: a client that
// keeps n in flight without waiting for replies then shows it, however
// slowly a busy machine (or the race detector) lets it put them on the
// wire; one that waits shows fewer. Compound replies go through.
func (p *watchProxy) hold(cmd smb2.Command, n int) {
	p.gateCmd.Store(int32(cmd))
	p.gateN.Store(int32(n))
}

// gate waits, if msgs is the reply hold is for, until it may go on.
func (p *watchProxy) gate(msgs []byte) {
	n := int(p.gateN.Load())
	if n == 0 {
		return
	}
	cmd := smb2.Command(p.gateCmd.Load())
	var h smb2.Header
	if h.Decode(msgs) != nil || h.NextCommand != 0 || h.Command != cmd || (h.IsAsync() && h.Status == ntstatus.Pending) {
		return
	}
	p.gateN.Store(0)
	for end := time.Now().Add(gateMax); time.Now().Before(end); time.Sleep(time.Millisecond) {
		p.mu.Lock()
		out := 0
		for _, c := range p.out {
			if c == cmd {
				out++
			}
		}
		p.mu.Unlock()
		if out >= n {
			return
		}
	}
}

// seen returns the peak number in flight and the Lengths of the requests
// of cmd since watch.
func (p *watchProxy) seen(cmd smb2.Command) (peak int, lens []uint32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak[cmd], slices.Clone(p.lens[cmd])
}

// readOffsets returns the Offset of each READ since watch, in the order
// they went out.
func (p *watchProxy) readOffsets() []uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.readOffs)
}

// loneReadPeak is the most bytes lone READs (not in a compound) asked
// for at once since watch.
func (p *watchProxy) loneReadPeak() uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.loneMax
}

// warmReads returns the Lengths of the warm-up READs seen since watch:
// those larger than a chunk that ask far past the end of any file.
func (p *watchProxy) warmReads() []uint32 {
	_, lens := p.seen(smb2.CommandRead)
	offs := p.readOffsets()
	var warm []uint32
	for i, n := range lens {
		if n > ops.DefaultReadChunk && i < len(offs) && offs[i] >= 1<<40 {
			warm = append(warm, n)
		}
	}
	return warm
}

// shareFiles writes n files of random bytes, name0 … name<n-1>, of size,
// size+1, … bytes into dir and returns their contents.
func shareFiles(t *testing.T, dir, name string, n, size int, seed byte) [][]byte {
	t.Helper()
	files := make([][]byte, n)
	for i := range files {
		files[i] = make([]byte, size+i)
		rand.NewChaCha8([32]byte{seed + byte(i)}).Read(files[i])
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s%d", name, i)), files[i], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// retrieveAll downloads the files shareFiles wrote, all at once on c, and
// fails the test unless each arrives whole.
func retrieveAll(ctx context.Context, t *testing.T, c *gosmb.Client, share, name string, files [][]byte) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(files))
	for i := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- retrieveEqual(ctx, c, share, fmt.Sprintf("%s%d", name, i), files[i])
		}()
	}
	waitNoErr(t, &wg, errs)
}

// pipe copies frames from src to dst, noting each SMB2 message on the way
// (requests when fromServer is false); the server's go on after p.delay.
func (p *watchProxy) pipe(dst io.Writer, src io.Reader, fromServer bool) {
	type timed struct {
		frame []byte
		due   time.Time
	}
	line := make(chan timed, 1<<16)
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for f := range line {
			time.Sleep(time.Until(f.due))
			if fromServer {
				p.gate(f.frame[4:])
				p.note(f.frame[4:], true) // a reply counts once the client can have it
			}
			if _, err := dst.Write(f.frame); err != nil {
				for range line {
				}
				return
			}
		}
	}()
	defer func() { close(line); <-sent }()
	hdr := make([]byte, 4)
	for {
		if _, err := io.ReadFull(src, hdr); err != nil {
			return
		}
		frame := make([]byte, 4+(int(hdr[1])<<16|int(binary.BigEndian.Uint16(hdr[2:]))))
		copy(frame, hdr)
		if _, err := io.ReadFull(src, frame[4:]); err != nil {
			return
		}
		due := time.Now()
		if fromServer {
			due = due.Add(time.Duration(p.delay.Load()))
		} else {
			p.note(frame[4:], false)
		}
		line <- timed{frame, due}
	}
}

func (p *watchProxy) note(msgs []byte, fromServer bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	chain := false
	for len(msgs) >= smb2.HeaderSize {
		var h smb2.Header
		if h.Decode(msgs) != nil {
			return
		}
		end := len(msgs)
		if h.NextCommand != 0 && int(h.NextCommand) <= len(msgs) {
			end = int(h.NextCommand)
			chain = true
		}
		body := msgs[smb2.HeaderSize:end]
		msgs = msgs[end:]
		if h.Command != smb2.CommandRead && h.Command != smb2.CommandWrite {
			continue
		}
		switch {
		case !fromServer:
			p.out[h.MessageID] = h.Command
			n := 0
			for _, c := range p.out {
				if c == h.Command {
					n++
				}
			}
			p.peak[h.Command] = max(p.peak[h.Command], n)
			if len(body) < 8 {
				continue
			}
			length := binary.LittleEndian.Uint32(body[4:])
			p.lens[h.Command] = append(p.lens[h.Command], length)
			if h.Command == smb2.CommandRead && len(body) >= 16 {
				p.readOffs = append(p.readOffs, binary.LittleEndian.Uint64(body[8:]))
			}
			if h.Command == smb2.CommandRead && !chain {
				p.lone[h.MessageID] = length
				p.loneBytes += length
				p.loneMax = max(p.loneMax, p.loneBytes)
			}
		case h.IsAsync() && h.Status == ntstatus.Pending: // an interim reply
		default:
			delete(p.out, h.MessageID)
			if n, ok := p.lone[h.MessageID]; ok {
				delete(p.lone, h.MessageID)
				p.loneBytes -= n
			}
		}
	}
}

// TestOneTransferKeepsManyRequestsInFlight watches the wire while one file
// is downloaded and uploaded: a single transfer keeps many READs or WRITEs
// outstanding at once, of the size asked for (plus, once per connection
// and unless the user set the chunk size, one large warm-up READ), never
// more bytes than its window, and the one-in-flight mode keeps exactly
// one.
// On SMB 2.0.2, which has no multi-credit requests, every request is at
// most 64 KiB and still many are in flight.
func TestOneTransferKeepsManyRequestsInFlight(t *testing.T) {
	const size = 24<<20 + 123
	data := make([]byte, size)
	rand.NewChaCha8([32]byte{4}).Read(data)
	cases := []struct {
		name     string
		proto    string
		transfer ops.Options
		readLen  uint32 // READ and WRITE Length
		writeLen uint32
		warm     uint32 // Length of the one larger READ (0: none)
		// At least this many in flight at once (exactly, with one):
		// the first lone reply is held until that many are out (see
		// watchProxy.hold), the others take 100 ms.
		readPeak  int
		writePeak int
		one       bool
		// Download with File.WriteTo, not RetrieveFile: no compounded
		// first READ, so the warm-up READ is the first of the window,
		// and reads data.
		viaFile bool
		// The replies are delayed from the dial on, so the connection
		// knows its round trip is long: uploads widen their window.
		farDial bool
	}{
		{"smb311-defaults", "SMB3_11", ops.Options{}, ops.DefaultReadChunk, ops.DefaultWriteChunk, 8 << 20, 8, 2, false, false, false},
		{"smb311-defaults-far", "SMB3_11", ops.Options{}, ops.DefaultReadChunk, ops.DefaultWriteChunk, 8 << 20, 8, 4, false, false, true},
		{"smb311-file", "SMB3_11", ops.Options{}, ops.DefaultReadChunk, ops.DefaultWriteChunk, 8 << 20, 8, 2, false, true, false},
		// A READ window wider than the transfer's: the warm-up READ must
		// still count in the transfer's window.
		{"smb311-file-wide-read-window", "SMB3_11", ops.Options{ConnReadWindow: 64 << 20}, ops.DefaultReadChunk, ops.DefaultWriteChunk, 8 << 20, 8, 2, false, true, false},
		// Samba's MaxRead/WriteSize as the chunk, default windows: still
		// two in flight each way.
		{"smb311-8m", "SMB3_11", ops.Options{ChunkSize: 8 << 20}, 8 << 20, 8 << 20, 0, 2, 2, false, false, false},
		{"smb311-256k", "SMB3_11", ops.Options{ChunkSize: 256 << 10, Window: 4 << 20}, 256 << 10, 256 << 10, 0, 12, 12, false, false, false},
		{"smb311-one-in-flight", "SMB3_11", ops.Options{ChunkSize: 1 << 20, Window: 1 << 20}, 1 << 20, 1 << 20, 0, 1, 1, true, false, false},
		{"smb202", "SMB2_02", ops.Options{}, 64 << 10, 64 << 10, 0, 64, 64, false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := sambatest.Start(t, sambatest.Config{MaxProtocol: tc.proto})
			writeLocal(t, filepath.Join(srv.ShareDir, "src.bin"), data)
			delay := 100 * time.Millisecond
			if tc.one {
				delay = 20 * time.Millisecond // 50 round trips
			}
			px := newWatchProxy(t, srv.Addr)
			if tc.farDial {
				px.watch(delay)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c := dialTest(ctx, t, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password, Transfer: tc.transfer})

			check := func(what string, cmd smb2.Command, wantPeak int, chunk, warm uint32) {
				t.Helper()
				peak, lens := px.seen(cmd)
				var big []uint32
				for _, n := range lens {
					if n > chunk {
						big = append(big, n)
					}
				}
				if (warm == 0 && len(big) > 0) || (warm > 0 && (len(big) != 1 || big[0] != warm)) {
					t.Errorf("%s: %vs of more than %d bytes: %v, want %v", what, cmd, chunk, big, warm)
				}
				// Every byte once, plus one probe for more at the end,
				// and the warm-up READ: with RetrieveFile it goes with
				// the first READ and asks past the end of the file; in a
				// window, it reads the first warm bytes.
				least := (size + int(chunk) - 1) / int(chunk)
				switch {
				case warm > 0 && tc.viaFile && cmd == smb2.CommandRead:
					least = 1 + (size-int(warm)+int(chunk)-1)/int(chunk)
				case warm > 0:
					least++
				}
				if n := len(lens); n < least || n > least+2 {
					t.Errorf("%s: %d %vs for %d bytes of %d each (one of %d), want %d to %d", what, n, cmd, size, chunk, warm, least, least+2)
				}
				switch {
				case tc.one && peak != 1:
					t.Errorf("%s: %d %vs in flight at once, want exactly 1", what, peak, cmd)
				case peak < wantPeak:
					t.Errorf("%s: at most %d %vs in flight at once, want at least %d", what, peak, cmd, wantPeak)
				}
				t.Logf("%s: %d %vs, at most %d in flight, larger than a chunk: %v", what, len(lens), cmd, peak, big)
			}

			px.watch(delay)
			px.hold(smb2.CommandRead, tc.readPeak)
			var b bytes.Buffer
			var n int64
			if tc.viaFile {
				f, err := c.Open(ctx, srv.Share, "src.bin").Wait(ctx)
				if err != nil {
					t.Fatal(err)
				}
				n, err = f.WriteTo(&b)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					t.Fatalf("download: %v", err)
				}
			} else {
				res, err := c.RetrieveFile(ctx, srv.Share, "src.bin", &b).Wait(ctx)
				if err != nil {
					t.Fatalf("download: %v", err)
				}
				n = res.Bytes
			}
			if !bytes.Equal(b.Bytes(), data) {
				t.Fatalf("download: %d bytes (%d reported), not the file's %d", b.Len(), n, len(data))
			}
			check("download", smb2.CommandRead, tc.readPeak, tc.readLen, tc.warm)
			window := uint32(cmp.Or(tc.transfer.Window, max(ops.DefaultReadWindow, 2*int(tc.readLen))))
			if peak := px.loneReadPeak(); peak > window {
				t.Errorf("download: READs asked for %d bytes at once, more than the transfer's window of %d", peak, window)
			}

			px.watch(delay)
			px.hold(smb2.CommandWrite, tc.writePeak)
			if _, err := c.StoreFile(ctx, srv.Share, "dst.bin", bytes.NewReader(data)).Wait(ctx); err != nil {
				t.Fatalf("upload: %v", err)
			}
			if got := readLocal(t, srv.ShareDir, "dst.bin"); !bytes.Equal(got, data) {
				t.Fatalf("upload: %d bytes on the share, want %d equal ones", len(got), len(data))
			}
			check("upload", smb2.CommandWrite, tc.writePeak, tc.writeLen, 0)
			// The upload's default window follows the round trip the
			// connection has seen: with the delay from the dial on it is
			// long; without, it depends on how busy the machine was.
			wwindow := cmp.Or(tc.transfer.Window, ops.DefaultWriteWindow)
			rtt := c.Session().Conn().MinRTT()
			if tc.transfer.Window == 0 && rtt >= ops.FarLinkRTT {
				wwindow = ops.FarWriteWindow
			}
			if tc.transfer.Window == 0 {
				wwindow = max(wwindow, 2*int(tc.writeLen)) // two chunks at least
			}
			if tc.farDial && (rtt < delay || wwindow != ops.FarWriteWindow) {
				t.Errorf("round trip %v with replies delayed by %v: upload window %d, want %d", rtt, delay, wwindow, ops.FarWriteWindow)
			}
			if peak, _ := px.seen(smb2.CommandWrite); peak*int(tc.writeLen) > wwindow {
				t.Errorf("upload: %d WRITEs of %d bytes in flight at once, more than the transfer's window of %d", peak, tc.writeLen, wwindow)
			}
		})
	}
}

// TestBlockedDownloadDoesNotStarveOthers: one large download whose
// destination stops accepting data holds its own window of READs (with
// the defaults, the connection's whole READ window), but other transfers
// on the same connection, small and large, started after it, still
// complete while it is stuck.
func TestBlockedDownloadDoesNotStarveOthers(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	big := make([]byte, 64<<20)
	rand.NewChaCha8([32]byte{5}).Read(big)
	writeLocal(t, filepath.Join(srv.ShareDir, "big.bin"), big)
	small := make([][]byte, 20)
	for i := range small {
		small[i] = bytes.Repeat([]byte{byte(i)}, 100<<10+i)
		writeLocal(t, filepath.Join(srv.ShareDir, fmt.Sprintf("s%02d", i)), small[i])
	}
	large := make([]byte, 20<<20)
	rand.NewChaCha8([32]byte{8}).Read(large)
	writeLocal(t, filepath.Join(srv.ShareDir, "large.bin"), large)
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	stuck := &gateWriter{started: make(chan struct{}), gate: make(chan struct{})}
	bigDone := c.RetrieveFile(ctx, srv.Share, "big.bin", stuck)
	<-stuck.started
	time.Sleep(100 * time.Millisecond) // let its window fill up

	var wg sync.WaitGroup
	errs := make(chan error, 2*len(small)+2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- retrieveEqual(ctx, c, srv.Share, "large.bin", large)
		}()
	}
	for i := range small {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- retrieveEqual(ctx, c, srv.Share, fmt.Sprintf("s%02d", i), small[i])
		}()
		go func() {
			defer wg.Done()
			_, err := c.StoreFile(ctx, srv.Share, fmt.Sprintf("u%02d", i), bytes.NewReader(small[i])).Wait(ctx)
			errs <- err
		}()
	}
	waitNoErr(t, &wg, errs)
	select {
	case <-bigDone.Done():
		t.Fatal("the blocked download finished while its destination was blocked")
	default:
	}
	close(stuck.gate)
	if res, err := bigDone.Wait(ctx); err != nil || !bytes.Equal(stuck.b.Bytes(), big) {
		t.Fatalf("the large download once unblocked: %d bytes, equal %v, %v", res.Bytes, bytes.Equal(stuck.b.Bytes(), big), err)
	}
}

// gateWriter accepts its first Write, then blocks every other one until
// gate is closed.
type gateWriter struct {
	b       bytes.Buffer
	once    sync.Once
	started chan struct{}
	gate    chan struct{}
}

func (w *gateWriter) Write(p []byte) (int, error) {
	first := false
	w.once.Do(func() { first = true; close(w.started) })
	if !first {
		<-w.gate
	}
	return w.b.Write(p)
}

// TestDownloadOfAGrowingFile: a file that grows while it is downloaded
// to its end is read to its new end, chunk by chunk past the size its
// open reported, both into a plain io.Writer (in order) and into a local
// file (each reply placed as it arrives).
func TestDownloadOfAGrowingFile(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	c := dial(t, srv, gosmb.Options{Transfer: opsSmallChunks()})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := make([]byte, 8<<20)
	more := make([]byte, 3<<20+5) // more than one chunk past the old end
	rand.NewChaCha8([32]byte{6}).Read(start)
	rand.NewChaCha8([32]byte{7}).Read(more)
	want := append(append([]byte(nil), start...), more...)

	for _, into := range []string{"writer", "file"} {
		t.Run(into, func(t *testing.T) {
			name := "grow-" + into
			path := filepath.Join(srv.ShareDir, name)
			if err := os.WriteFile(path, start, 0o644); err != nil {
				t.Fatal(err)
			}
			// The file grows on the download's second write: after the
			// second open read its size, long before the window reaches
			// the old end (the window is far smaller than the file).
			writes := 0
			grow := func() error {
				writes++
				if writes != 2 {
					return nil
				}
				f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
				if err != nil {
					return err
				}
				defer f.Close()
				_, err = f.Write(more)
				return err
			}
			var got []byte
			var res gosmb.FileTransfer
			var err error
			switch into {
			case "writer":
				w := &hookWriter{hook: grow}
				res, err = c.RetrieveFile(ctx, srv.Share, name, w).Wait(ctx)
				got = w.b.Bytes()
			case "file":
				local := filepath.Join(t.TempDir(), name)
				lf, ferr := os.Create(local)
				if ferr != nil {
					t.Fatal(ferr)
				}
				defer lf.Close()
				res, err = c.RetrieveFile(ctx, srv.Share, name, &hookFile{File: lf, hook: grow}).Wait(ctx)
				got, _ = os.ReadFile(local)
			}
			if err != nil || res.Bytes != int64(len(want)) || !bytes.Equal(got, want) {
				t.Fatalf("download: %d bytes reported, %d received (want %d), equal %v, %v", res.Bytes, len(got), len(want), bytes.Equal(got, want), err)
			}
			if writes < 2 {
				t.Fatal("the file never grew")
			}
		})
	}
}

// hookWriter is a bytes.Buffer that calls hook before each Write.
type hookWriter struct {
	b    bytes.Buffer
	hook func() error
}

func (w *hookWriter) Write(p []byte) (int, error) {
	if err := w.hook(); err != nil {
		return 0, err
	}
	return w.b.Write(p)
}

// hookFile is a local file that calls hook before each WriteAt (and
// Write, for the first reply).
type hookFile struct {
	*os.File
	hook func() error
}

func (f *hookFile) Write(p []byte) (int, error) {
	if err := f.hook(); err != nil {
		return 0, err
	}
	return f.File.Write(p)
}

func (f *hookFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.hook(); err != nil {
		return 0, err
	}
	return f.File.WriteAt(p, off)
}

// TestDownloadsShareTheConnReadWindow: several large downloads at once on
// one connection keep no more READ bytes outstanding together (past the
// READ that travels with each CREATE) than ConnReadWindow, send one
// warm-up READ between them, and all arrive whole.
func TestDownloadsShareTheConnReadWindow(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	files := shareFiles(t, srv.ShareDir, "w", 4, 12<<20, 10)
	for _, tc := range []struct {
		name   string
		window int // ConnReadWindow
		want   uint32
	}{
		{"default", 0, ops.DefaultConnReadWindow},
		{"6MiB", 6 << 20, 6 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			px := newWatchProxy(t, srv.Addr)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c := dialTest(ctx, t, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password,
				Transfer: ops.Options{ConnReadWindow: tc.window}})
			px.watch(50 * time.Millisecond)
			retrieveAll(ctx, t, c, srv.Share, "w", files)
			peak := px.loneReadPeak()
			if peak > tc.want || peak < tc.want/2 {
				t.Errorf("lone READs asked for %d bytes at most at once, want at most %d (and at least half that)", peak, tc.want)
			}
			_, lens := px.seen(smb2.CommandRead)
			big := 0
			for _, n := range lens {
				if n > ops.DefaultReadChunk {
					big++
				}
			}
			if big != 1 {
				t.Errorf("%d READs larger than a chunk, want one warm-up READ", big)
			}
			// The warm-up READ goes with the first download's first READ
			// and asks past the end of the file, before any other
			// download's first READ.
			offs := px.readOffsets()
			warmAt := slices.IndexFunc(lens, func(n uint32) bool { return n > ops.DefaultReadChunk })
			if warmAt != 1 || len(offs) != len(lens) || offs[warmAt] < 1<<40 {
				t.Errorf("warm-up READ at %d of the READs (offsets %v), want the first download's second READ, far past the end", warmAt, offs[:min(len(offs), 4)])
			} else if lens[warmAt] > tc.want {
				t.Errorf("warm-up READ of %d bytes, more than the READ window of %d", lens[warmAt], tc.want)
			}
			t.Logf("%d READs, at most %d bytes of lone READs at once", len(lens), peak)
		})
	}
}

// TestWarmUpAfterAFailedFirstDownload: a connection's first download names
// a missing file, so the warm-up READ in its compound never runs (the
// server fails the chain at its CREATE). The next download sends it.
func TestWarmUpAfterAFailedFirstDownload(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	data := shareFiles(t, srv.ShareDir, "big", 1, 12<<20, 42)[0]
	px := newWatchProxy(t, srv.Addr)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := dialTest(ctx, t, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password})
	if _, err := c.RetrieveFile(ctx, srv.Share, "missing", io.Discard).Wait(ctx); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("download of a missing file: %v, want fs.ErrNotExist", err)
	}
	px.watch(0)
	if err := retrieveEqual(ctx, c, srv.Share, "big0", data); err != nil {
		t.Fatal(err)
	}
	if warm := px.warmReads(); len(warm) != 1 {
		t.Errorf("warm-up READs in the download after the failed one: %v, want one", warm)
	}
}

// TestWarmUpLeavesCreditsForOthers: on a server that grants few credits
// (smbd's "smb2 max credits"), the warm-up READ takes at most half of
// them, so the downloads starting beside it still get theirs, and every
// file arrives whole.
func TestWarmUpLeavesCreditsForOthers(t *testing.T) {
	const maxCredits = 160 // 10 MiB of READs
	srv := sambatest.Start(t, sambatest.Config{ExtraGlobal: []string{fmt.Sprintf("smb2 max credits = %d", maxCredits)}})
	files := shareFiles(t, srv.ShareDir, "c", 4, 9<<20, 20)
	px := newWatchProxy(t, srv.Addr)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := dialTest(ctx, t, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password})
	px.watch(20 * time.Millisecond)
	retrieveAll(ctx, t, c, srv.Share, "c", files)
	warm := px.warmReads()
	if len(warm) != 1 {
		t.Fatalf("warm-up READs: %v, want one", warm)
	}
	if warm[0] > maxCredits*64<<10/2 {
		t.Errorf("warm-up READ of %d bytes, more than half of the %d credits the server grants", warm[0], maxCredits)
	}
}

// TestWarmUpAfterACancelledFirstDownload: a connection sends one warm-up
// READ, not two, when its first download is cancelled after its compound
// went out (the server ran the warm-up READ); and one when the first
// download, a File.ReadAt, is cancelled before it sent any READ.
func TestWarmUpAfterACancelledFirstDownload(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	files := shareFiles(t, srv.ShareDir, "v", 2, 12<<20, 30)
	for _, tc := range []struct {
		name  string
		first func(ctx context.Context, c *gosmb.Client) error
	}{
		{"retrieve-in-flight", func(ctx context.Context, c *gosmb.Client) error {
			cctx, ccancel := context.WithTimeout(ctx, 100*time.Millisecond)
			defer ccancel()
			_, err := c.RetrieveFile(cctx, srv.Share, "v0", io.Discard).Wait(ctx)
			time.Sleep(500 * time.Millisecond) // its replies arrive
			return err
		}},
		{"readat-before-sending", func(ctx context.Context, c *gosmb.Client) error {
			f, err := c.Open(ctx, srv.Share, "v0").Wait(ctx)
			if err != nil {
				return err
			}
			defer f.Close()
			cctx, ccancel := context.WithCancel(ctx)
			ccancel()
			_, err = f.ReadAtContext(cctx, make([]byte, len(files[0])), 0)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			px := newWatchProxy(t, srv.Addr)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c := dialTest(ctx, t, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password})
			if _, err := c.GetAttributes(ctx, srv.Share, "v0").Wait(ctx); err != nil {
				t.Fatal(err)
			}
			px.watch(300 * time.Millisecond)
			if err := tc.first(ctx, c); !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("first download: %v, want it cancelled", err)
			}
			if err := retrieveEqual(ctx, c, srv.Share, "v1", files[1]); err != nil {
				t.Fatal(err)
			}
			if warm := px.warmReads(); len(warm) != 1 {
				_, lens := px.seen(smb2.CommandRead)
				t.Errorf("warm-up READs on the connection: %v, want one (READs %v at %v)", warm, lens, px.readOffsets())
			}
		})
	}
}

// TestFewCredits: against a server that grants only 16 credits (1 MiB of
// READ or WRITE at a time), downloads, whose first READ shares a compound
// with its CREATE and CLOSE, and uploads still work, just with smaller
// requests.
// A server that grants few credits, down to one, still gets every
// operation done: transfers shrink their requests to the credits, and a
// compound that needs more credits than granted goes one request at a
// time.
func TestFewCredits(t *testing.T) {
	for _, max := range []int{16, 3, 2, 1} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			srv := sambatest.Start(t, sambatest.Config{ExtraGlobal: []string{fmt.Sprintf("smb2 max credits = %d", max)}})
			files := shareFiles(t, srv.ShareDir, "f", 3, 3<<20, 40)
			// Enough long names for several QUERY_DIRECTORY pages of
			// one credit each.
			long := strings.Repeat("n", 120)
			if err := os.Mkdir(filepath.Join(srv.ShareDir, "d"), 0o755); err != nil {
				t.Fatal(err)
			}
			for i := range 600 {
				writeLocal(t, filepath.Join(srv.ShareDir, "d", fmt.Sprintf("%s%03d", long, i)), nil)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c := dialTest(ctx, t, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password})
			retrieveAll(ctx, t, c, srv.Share, "f", files)

			// Several at once: they share the few credits.
			var g errgroup.Group
			for i := range files {
				g.Go(func() error {
					a, err := c.GetAttributes(ctx, srv.Share, fmt.Sprintf("f%d", i)).Wait(ctx)
					if err == nil && a.Size != int64(len(files[i])) {
						err = fmt.Errorf("f%d: size %d, want %d", i, a.Size, len(files[i]))
					}
					return err
				})
				g.Go(func() error {
					var buf bytes.Buffer
					if _, err := c.RetrieveFile(ctx, srv.Share, fmt.Sprintf("f%d", i), &buf).Wait(ctx); err != nil {
						return err
					}
					if !bytes.Equal(buf.Bytes(), files[i]) {
						return fmt.Errorf("f%d: %d bytes, want %d equal ones", i, buf.Len(), len(files[i]))
					}
					return nil
				})
			}
			if err := g.Wait(); err != nil {
				t.Fatal(err)
			}

			list, err := c.ListPath(ctx, srv.Share, "d", 0, "*").Wait(ctx)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if len(list) != 600+2 {
				t.Fatalf("list: %d entries, want 602", len(list))
			}

			for name, data := range map[string][]byte{"up": files[0], "small": []byte("hello")} {
				if _, err := c.StoreFile(ctx, srv.Share, name, bytes.NewReader(data)).Wait(ctx); err != nil {
					t.Fatalf("upload %s: %v", name, err)
				}
				if got := readLocal(t, srv.ShareDir, name); !bytes.Equal(got, data) {
					t.Fatalf("upload %s: %d bytes on the share, want %d equal ones", name, len(got), len(data))
				}
			}
			if _, err := c.Rename(ctx, srv.Share, "small", "small2").Wait(ctx); err != nil {
				t.Fatalf("rename: %v", err)
			}
			if _, err := c.DeleteFiles(ctx, srv.Share, "small*", false).Wait(ctx); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if _, err := c.CreateDirectory(ctx, srv.Share, "e").Wait(ctx); err != nil {
				t.Fatalf("mkdir: %v", err)
			}
			if _, err := c.DeleteDirectory(ctx, srv.Share, "e").Wait(ctx); err != nil {
				t.Fatalf("rmdir: %v", err)
			}
			for _, gone := range []string{"small", "small2", "e"} {
				if _, err := os.Lstat(filepath.Join(srv.ShareDir, gone)); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s: %v, want it gone", gone, err)
				}
			}
			sd, err := c.GetSecurity(ctx, srv.Share, "f1", false).Wait(ctx)
			if err != nil || sd.Owner == nil {
				t.Fatalf("security descriptor: %v, %v; want one with an owner", sd, err)
			}
			// A missing file is reported as such, in one request at a time
			// too.
			if _, err := c.GetAttributes(ctx, srv.Share, "nosuch").Wait(ctx); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("missing file: %v, want fs.ErrNotExist", err)
			}
		})
	}
}

// "All the rest" from an offset, asked for as a length as large as they
// come, is all the rest: offset plus length must not wrap around.
func TestRetrieveHugeLengthFromAnOffset(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	data := shareFiles(t, srv.ShareDir, "f", 1, 3<<20+5, 9)[0]
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := dialTest(ctx, t, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password})
	for _, length := range []int64{math.MaxInt64, math.MaxInt64 - 5, 1 << 62} {
		for _, off := range []int64{1, 2<<20 + 3} {
			var b bytes.Buffer
			res, err := c.RetrieveFileFromOffset(ctx, srv.Share, "f0", &b, off, length).Wait(ctx)
			if err != nil || res.Bytes != int64(len(data))-off || !bytes.Equal(b.Bytes(), data[off:]) {
				t.Fatalf("offset %d, length %d: %d bytes (%d written), %v; want the last %d bytes of the file",
					off, length, res.Bytes, b.Len(), err, int64(len(data))-off)
			}
		}
	}
}

// Transfers that feed each other on one connection do not wait on each
// other forever for its window: io.Copy from one File to another (the
// download's window of replies is held while the destination's WRITE
// needs the window too), and downloads piped into uploads, with windows
// that leave the destination nothing unless the source lets go.
func TestTransfersFeedingEachOtherOnOneConnection(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	files := shareFiles(t, srv.ShareDir, "s", 3, 24<<20+7, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := dialTest(ctx, t, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password,
		Transfer: gosmb.TransferOptions{Window: 8 << 20, ConnWindow: 8 << 20}})

	src, err := c.Open(ctx, srv.Share, "s0").Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := c.Create(ctx, srv.Share, "copy").Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(dst, src)
		done <- errors.Join(err, dst.Close())
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("io.Copy: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("io.Copy(File, File) on one connection did not finish")
	}
	if got := readLocal(t, srv.ShareDir, "copy"); !bytes.Equal(got, files[0]) {
		t.Fatalf("copy: %d bytes, want the %d of the source", len(got), len(files[0]))
	}

	var g errgroup.Group
	for i := range files {
		pr, pw := io.Pipe()
		g.Go(func() error {
			_, err := c.RetrieveFile(ctx, srv.Share, fmt.Sprintf("s%d", i), pw).Wait(ctx)
			pw.CloseWithError(err)
			return err
		})
		g.Go(func() error {
			_, err := c.StoreFile(ctx, srv.Share, fmt.Sprintf("p%d", i), pr).Wait(ctx)
			pr.CloseWithError(err)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("piped copies: %v", err)
	}
	for i := range files {
		if got := readLocal(t, srv.ShareDir, fmt.Sprintf("p%d", i)); !bytes.Equal(got, files[i]) {
			t.Fatalf("p%d: %d bytes, want the %d of s%d", i, len(got), len(files[i]), i)
		}
	}
}
