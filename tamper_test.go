package gosmb_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// tamperProxy relays TCP between gosmb and Samba and, when armed, flips one
// byte in the next server-to-client frame that matches.
type tamperProxy struct {
	ln    net.Listener
	to    string
	armed atomic.Bool
	hits  atomic.Int32
	// flip chooses the byte to flip in a frame payload, or -1 to pass it.
	flip func(payload []byte) int
	mask byte // bits to flip; 0 means 0x01
	// rewrite, if set, is used instead of flip: it edits a frame payload
	// in place and reports whether it changed it.
	rewrite func(payload []byte) bool
	// seen, if set, is shown every server frame payload as relayed.
	seen func(payload []byte)
	// frozen stops relaying server frames (without closing anything), as a
	// hung server or a dead path would.
	frozen atomic.Bool
	// rate, if set before dialling, is how many bytes a second the server's
	// frames are relayed at, in 16 KiB pieces: a slow link.
	rate int
	wg   sync.WaitGroup
}

func newTamperProxy(t *testing.T, to string, flip func([]byte) int) *tamperProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tamperProxy{ln: ln, to: to, flip: flip}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

func (p *tamperProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.to)
		if err != nil {
			c.Close()
			continue
		}
		p.wg.Add(2)
		go func() { defer p.wg.Done(); io.Copy(s, c); s.Close() }()
		go func() { defer p.wg.Done(); p.relay(c, s); c.Close() }()
	}
}

// relay copies server frames to the client, tampering when armed.
func (p *tamperProxy) relay(dst io.Writer, src io.Reader) {
	hdr := make([]byte, 4)
	for {
		if _, err := io.ReadFull(src, hdr); err != nil {
			return
		}
		n := int(hdr[1])<<16 | int(binary.BigEndian.Uint16(hdr[2:]))
		payload := make([]byte, n)
		if _, err := io.ReadFull(src, payload); err != nil {
			return
		}
		for p.frozen.Load() {
			time.Sleep(5 * time.Millisecond)
		}
		if p.armed.Load() && p.rewrite != nil {
			if p.rewrite(payload) {
				p.armed.Store(false)
				p.hits.Add(1)
			}
		} else if p.armed.Load() {
			if i := p.flip(payload); i >= 0 && i < len(payload) {
				m := p.mask
				if m == 0 {
					m = 0x01
				}
				payload[i] ^= m
				p.armed.Store(false)
				p.hits.Add(1)
			}
		}
		if p.seen != nil {
			p.seen(payload)
		}
		frame := append(hdr, payload...)
		if p.rate > 0 {
			for len(frame) > 0 {
				k := min(len(frame), 16<<10)
				if _, err := dst.Write(frame[:k]); err != nil {
					return
				}
				frame = frame[k:]
				time.Sleep(time.Duration(k) * time.Second / time.Duration(p.rate))
			}
			continue
		}
		if _, err := dst.Write(frame); err != nil {
			return
		}
	}
}

// flipEchoBody flips a byte in the body of a plain ECHO response.
func flipEchoBody(b []byte) int {
	var h smb2.Header
	if h.Decode(b) != nil || h.Command != smb2.CommandEcho || h.Flags&smb2.FlagSigned == 0 {
		return -1
	}
	return smb2.HeaderSize + 2 // the ECHO response's Reserved field
}

// flipCiphertext flips a byte of the ciphertext in a TRANSFORM frame.
func flipCiphertext(b []byte) int {
	if len(b) < 60 || [4]byte(b[0:4]) != smb2.TransformProtocolID {
		return -1
	}
	return 52 + 8
}

// TestTamperedSignedResponseFailsRequest: one byte of a signed ECHO
// response is altered on the wire. That echo fails with the typed
// signature error; the connection stays usable (the next echo works).
func TestTamperedSignedResponseFailsRequest(t *testing.T) {
	for _, proto := range []string{"SMB2_10", "SMB3_00", "SMB3_11"} {
		t.Run(proto, func(t *testing.T) {
			srv := sambatest.Start(t, sambatest.Config{MaxProtocol: proto, Signing: "mandatory"})
			px := newTamperProxy(t, srv.Addr, flipEchoBody)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c := dialTest(ctx, t, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password})
			if _, err := c.Echo(ctx).Wait(ctx); err != nil {
				t.Fatalf("untampered echo: %v", err)
			}
			px.armed.Store(true)
			_, err := c.Echo(ctx).Wait(ctx)
			if px.hits.Load() != 1 {
				t.Fatal("the proxy altered nothing")
			}
			var se *gosmb.SignatureError
			if !errors.As(err, &se) || !errors.Is(err, gosmb.ErrBadSignature) {
				t.Fatalf("echo with an altered response: %v, want *SignatureError", err)
			}
			if se.Command != smb2.CommandEcho || se.Unsigned {
				t.Fatalf("signature error %+v", se)
			}
			// The connection stays usable.
			if _, err := c.Echo(ctx).Wait(ctx); err != nil {
				t.Fatalf("echo after the bad signature: %v", err)
			}
		})
	}
}

// TestTamperedEncryptedResponseClosesConnection: an altered TRANSFORM
// message cannot be authenticated nor attributed to a request, so the
// connection closes cleanly: every pending request fails with an error
// matching net.ErrClosed.
func TestTamperedEncryptedResponseClosesConnection(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{Encrypt: "required"})
	px := newTamperProxy(t, srv.Addr, flipCiphertext)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := dialTest(ctx, t, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password})
	if _, err := c.Echo(ctx).Wait(ctx); err != nil {
		t.Fatalf("untampered echo: %v", err)
	}
	px.armed.Store(true)
	_, err := c.Echo(ctx).Wait(ctx)
	if px.hits.Load() != 1 {
		t.Fatal("the proxy altered nothing")
	}
	var pe *gosmb.ProtocolError
	if !errors.Is(err, net.ErrClosed) || !errors.As(err, &pe) {
		t.Fatalf("echo with altered ciphertext: %v, want a connection error caused by a ProtocolError", err)
	}
	if _, err := c.Echo(ctx).Wait(ctx); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("echo after: %v", err)
	}
}

// TestValidateNegotiateCatchesDowngrade: on SMB 3.0 a proxy clears
// SIGNING_REQUIRED in the server's NEGOTIATE response. The session is
// still signed for the validation IOCTL, whose signed answer reveals the
// mismatch: the first tree connect fails with ErrDowngrade and the
// connection is closed. Untampered, the same setup connects.
func TestValidateNegotiateCatchesDowngrade(t *testing.T) {
	for _, proto := range []string{"SMB3_00", "SMB3_02"} {
		t.Run(proto, func(t *testing.T) {
			srv := sambatest.Start(t, sambatest.Config{MaxProtocol: proto, Signing: "mandatory"})
			px := newTamperProxy(t, srv.Addr, func(b []byte) int {
				var h smb2.Header
				if h.Decode(b) != nil || h.Command != smb2.CommandNegotiate || len(b) < smb2.HeaderSize+4 {
					return -1
				}
				return smb2.HeaderSize + 2 // SecurityMode
			})
			px.mask = smb2.SigningRequired
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			// Untampered first.
			c, err := gosmb.Dial(ctx, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password, Signing: gosmb.SignWhenSupported})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ConnectShare(ctx, srv.Share).Wait(ctx); err != nil {
				t.Fatalf("untampered tree connect: %v", err)
			}
			c.Close()

			px.armed.Store(true)
			c, err = gosmb.Dial(ctx, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password, Signing: gosmb.SignWhenSupported})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if px.hits.Load() != 1 {
				t.Fatal("the proxy altered nothing")
			}
			_, err = c.ConnectShare(ctx, srv.Share).Wait(ctx)
			if !errors.Is(err, engine.ErrDowngrade) {
				t.Fatalf("tree connect after a tampered NEGOTIATE: %v, want ErrDowngrade", err)
			}
			if _, err := c.Echo(ctx).Wait(ctx); !errors.Is(err, net.ErrClosed) {
				t.Fatalf("connection still open after a detected downgrade: %v", err)
			}
		})
	}
}

// TestKeepAliveDetectsStalledServer: the path to the server goes silent
// (nothing is closed). The keepalive ECHO goes unanswered, the connection
// is declared dead and a pending operation fails promptly with an error
// matching net.ErrClosed, instead of waiting forever.
func TestKeepAliveDetectsStalledServer(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	px := newTamperProxy(t, srv.Addr, func([]byte) int { return -1 })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := gosmb.Dial(ctx, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password, KeepAlive: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		px.frozen.Store(false)
		c.Close()
	}()
	if _, err := c.Echo(ctx).Wait(ctx); err != nil {
		t.Fatal(err)
	}
	px.frozen.Store(true)
	start := time.Now()
	_, err = c.ListPath(context.Background(), srv.Share, "/", 0, "*").Wait(ctx)
	if !errors.Is(err, net.ErrClosed) {
		t.Fatalf("operation on a stalled connection: %v, want an error matching net.ErrClosed", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v to notice the stall", d)
	}
	t.Logf("stall detected after %v: %v", time.Since(start).Round(time.Millisecond), err)
}

// TestKeepAliveOnASlowLink: a reply that takes several keepalive
// intervals to arrive, its bytes coming in all the while, is a live
// server: the keepalive does not abort the connection under it.
func TestKeepAliveOnASlowLink(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	data := make([]byte, 2<<20)
	for i := range data {
		data[i] = byte(i * 13)
	}
	writeLocal(t, filepath.Join(srv.ShareDir, "f"), data)
	px := newTamperProxy(t, srv.Addr, func([]byte) int { return -1 })
	px.rate = 1 << 20 // 2 s for the file's one READ reply
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := dialTest(ctx, t, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password,
		KeepAlive: 300 * time.Millisecond, Transfer: gosmb.TransferOptions{ChunkSize: 2 << 20}})
	var b bytes.Buffer
	if _, err := c.RetrieveFile(ctx, srv.Share, "f", &b).Wait(ctx); err != nil || !bytes.Equal(b.Bytes(), data) {
		t.Fatalf("download over a slow link: %d bytes, %v; want the %d of the file", b.Len(), err, len(data))
	}
}

// passOnStepStatus makes a compound response look like one from a server
// that fails a related request with the status of the one before it for
// any status (MS-SMB2 3.3.5.2.7.2 allows it): the chain's CLOSE, which
// Samba answered with success, gets the status of a step before it (a
// READ, a SET_INFO) that failed.
func passOnStepStatus(b []byte) bool {
	var stepSt uint32
	for off := 0; off+smb2.HeaderSize <= len(b); {
		if [4]byte(b[off:off+4]) != [4]byte{0xFE, 'S', 'M', 'B'} {
			return false
		}
		st := binary.LittleEndian.Uint32(b[off+8:])
		switch smb2.Command(binary.LittleEndian.Uint16(b[off+12:])) {
		case smb2.CommandCreate:
		case smb2.CommandClose:
			if st == 0 && stepSt != 0 {
				binary.LittleEndian.PutUint32(b[off+8:], stepSt)
				return true
			}
		default:
			if st != 0 {
				stepSt = st
			}
		}
		next := int(binary.LittleEndian.Uint32(b[off+20:]))
		if next == 0 {
			return false
		}
		off += next
	}
	return false
}

// TestCloseFailedWithAnEarlierStepsStatus: against a server that passes a
// READ's STATUS_END_OF_FILE on to the related CLOSE in the same compound,
// downloads that compound a READ at the end of the file (an empty file,
// and the warm-up READ of a connection's first download) still succeed:
// the client closes the handle on its own (here Samba had already closed
// it, so that CLOSE is answered STATUS_FILE_CLOSED).
func TestCloseFailedWithAnEarlierStepsStatus(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	big := make([]byte, 12<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	for name, data := range map[string][]byte{"empty": nil, "big": big} {
		writeLocal(t, filepath.Join(srv.ShareDir, name), data)
	}
	px := newTamperProxy(t, srv.Addr, func([]byte) int { return -1 })
	px.rewrite = passOnStepStatus
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := dialUnsigned(ctx, t, px, srv)
	for _, name := range []string{"big", "empty"} {
		px.armed.Store(true)
		want := map[string][]byte{"big": big, "empty": {}}[name]
		if err := retrieveEqual(ctx, c, srv.Share, name, want); err != nil {
			t.Errorf("download of %s: %v", name, err)
		}
		if px.hits.Load() == 0 {
			t.Fatalf("download of %s: the proxy changed no CLOSE", name)
		}
		px.hits.Store(0)
		px.armed.Store(false)
	}
	// The connection is still in step with the server.
	if err := retrieveEqual(ctx, c, srv.Share, "big", big); err != nil {
		t.Errorf("download after the edited ones: %v", err)
	}
}

// TestFailedStepsStatusPassedOnToClose: against a server that passes a
// failed step's status on to the related CLOSE, deleting a directory that
// is not empty reports STATUS_DIRECTORY_NOT_EMPTY, and the client closes
// the handle on its own (Samba, which closed it already, answers that
// lone CLOSE with STATUS_FILE_CLOSED).
func TestFailedStepsStatusPassedOnToClose(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	if err := os.MkdirAll(filepath.Join(srv.ShareDir, "full", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	px := newTamperProxy(t, srv.Addr, func([]byte) int { return -1 })
	px.rewrite = passOnStepStatus
	var loneCloses atomic.Int32
	px.seen = func(b []byte) {
		var h smb2.Header
		if h.Decode(b) == nil && h.Command == smb2.CommandClose && h.NextCommand == 0 && h.Status == ntstatus.FileClosed {
			loneCloses.Add(1)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := dialUnsigned(ctx, t, px, srv)
	px.armed.Store(true)
	_, err := c.DeleteDirectory(ctx, srv.Share, "full").Wait(ctx)
	var se *gosmb.StatusError
	if !errors.As(err, &se) || se.Status != ntstatus.DirectoryNotEmpty {
		t.Fatalf("rmdir of a directory that is not empty: %v, want STATUS_DIRECTORY_NOT_EMPTY", err)
	}
	if px.hits.Load() != 1 {
		t.Fatal("the proxy changed no CLOSE")
	}
	if n := loneCloses.Load(); n != 1 {
		t.Errorf("%d lone CLOSEs answered STATUS_FILE_CLOSED after the failed delete, want 1", n)
	}
	// The directory is still there and the connection in step.
	if _, err := c.GetAttributes(ctx, srv.Share, "full/sub").Wait(ctx); err != nil {
		t.Errorf("stat after the failed delete: %v", err)
	}
}

// TestNoLoneCloseOnAClosedHandle: when a compound's step and its CLOSE
// both come back STATUS_FILE_CLOSED, the server no longer knows the
// handle. No CLOSE is sent on its own: it could only hit another open the
// server has since given the same FileId.
func TestNoLoneCloseOnAClosedHandle(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	writeLocal(t, filepath.Join(srv.ShareDir, "a"), []byte("a"))
	px := newTamperProxy(t, srv.Addr, func([]byte) int { return -1 })
	// Every response after the chain's CREATE says the handle is closed.
	px.rewrite = func(b []byte) bool {
		changed := false
		for off := 0; off+smb2.HeaderSize <= len(b); {
			next := int(binary.LittleEndian.Uint32(b[off+20:]))
			if next == 0 && off == 0 {
				return false // not a compound
			}
			if smb2.Command(binary.LittleEndian.Uint16(b[off+12:])) != smb2.CommandCreate {
				binary.LittleEndian.PutUint32(b[off+8:], uint32(ntstatus.FileClosed))
				changed = true
			}
			if next == 0 {
				break
			}
			off += next
		}
		return changed
	}
	loneCloses := px.countLone(smb2.CommandClose)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := dialUnsigned(ctx, t, px, srv)
	px.armed.Store(true)
	_, err := c.Rename(ctx, srv.Share, "a", "b").Wait(ctx)
	if !isStatusErr(err, ntstatus.FileClosed) {
		t.Fatalf("rename: %v, want STATUS_FILE_CLOSED", err)
	}
	if px.hits.Load() != 1 {
		t.Fatalf("the proxy changed %d compounds, want 1", px.hits.Load())
	}
	px.armed.Store(false)
	if _, err := c.Echo(ctx).Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if n := loneCloses.Load(); n != 0 {
		t.Errorf("%d CLOSEs sent on their own after the handle was reported closed, want 0", n)
	}
}

// A listing of a small directory is one compound round trip whenever the
// server grants credits enough for CREATE and two QUERY_DIRECTORYs of one
// credit each (three), odd and even counts alike; with fewer it opens the
// directory on its own.
func TestListingCompoundFitsTheCredits(t *testing.T) {
	for _, tc := range []struct{ credits, loneCreates int32 }{{16, 0}, {15, 0}, {4, 0}, {3, 0}, {2, 1}} {
		t.Run(fmt.Sprint(tc.credits), func(t *testing.T) {
			srv := sambatest.Start(t, sambatest.Config{ExtraGlobal: []string{fmt.Sprintf("smb2 max credits = %d", tc.credits)}})
			if err := os.MkdirAll(filepath.Join(srv.ShareDir, "d"), 0o755); err != nil {
				t.Fatal(err)
			}
			writeLocal(t, filepath.Join(srv.ShareDir, "d", "a"), []byte("a"))
			px := newTamperProxy(t, srv.Addr, func([]byte) int { return -1 })
			loneCreates := px.countLone(smb2.CommandCreate)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c := dialUnsigned(ctx, t, px, srv)
			loneCreates.Store(0)
			list, err := c.ListPath(ctx, srv.Share, "d", 0, "*").Wait(ctx)
			if err != nil || len(list) != 3 {
				t.Fatalf("list: %d entries, %v; want 3", len(list), err)
			}
			if n := loneCreates.Load(); n != tc.loneCreates {
				t.Errorf("%d CREATEs on their own, want %d", n, tc.loneCreates)
			}
		})
	}
}

// shortenRead makes the k-th successful READ reply from now (counting
// those inside compounds) carry half the data it does: a server that
// returns less than asked before the end of the file.
func shortenRead(k int32) func([]byte) bool {
	var seen atomic.Int32
	return func(b []byte) bool {
		return eachMessage(b, func(h *smb2.Header, off int) bool {
			if h.Command != smb2.CommandRead || h.Status != 0 || off+smb2.HeaderSize+8 > len(b) || seen.Add(1) != k {
				return false
			}
			at := off + smb2.HeaderSize + 4 // DataLength
			binary.LittleEndian.PutUint32(b[at:], binary.LittleEndian.Uint32(b[at:])/2)
			return true
		})
	}
}

// A READ that returns less than asked before the end of the file is not
// the end of the download: the rest is asked for again, on every path.
func TestShortReadIsReadOn(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	data := make([]byte, 4<<20+123)
	for i := range data {
		data[i] = byte(i*7 + i>>10)
	}
	writeLocal(t, filepath.Join(srv.ShareDir, "f"), data)
	px := newTamperProxy(t, srv.Addr, func([]byte) int { return -1 })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := dialTest(ctx, t, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password,
		Signing: gosmb.SignWhenRequired, Transfer: opsSmallChunks()})
	for _, tc := range []struct {
		name string
		k    int32 // which READ reply comes back short
		get  func() ([]byte, error)
	}{
		{"in order", 3, func() ([]byte, error) {
			f, err := c.Open(ctx, srv.Share, "f").Wait(ctx)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			var b bytes.Buffer
			_, err = f.WriteTo(&b)
			return b.Bytes(), err
		}},
		{"in place", 3, func() ([]byte, error) {
			out, err := os.Create(filepath.Join(t.TempDir(), "out"))
			if err != nil {
				return nil, err
			}
			defer out.Close()
			if _, err := c.RetrieveFile(ctx, srv.Share, "f", out).Wait(ctx); err != nil {
				return nil, err
			}
			return os.ReadFile(out.Name())
		}},
		{"first read", 1, func() ([]byte, error) {
			var b bytes.Buffer
			_, err := c.RetrieveFile(ctx, srv.Share, "f", &b).Wait(ctx)
			return b.Bytes(), err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			px.hits.Store(0)
			px.rewrite = shortenRead(tc.k)
			px.armed.Store(true)
			got, err := tc.get()
			px.armed.Store(false)
			if px.hits.Load() != 1 {
				t.Fatalf("the proxy shortened %d READ replies, want 1", px.hits.Load())
			}
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%d bytes, %v; want the %d bytes of the file", len(got), err, len(data))
			}
		})
	}
}

// DeleteFiles with folders never follows a link: an entry listed as a
// reparse point (a Windows symbolic link or junction; a proxy marks a
// Samba symlink so) is removed itself, and what it points to stays.
func TestDeleteFilesDoesNotFollowReparsePoints(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	if err := os.MkdirAll(filepath.Join(srv.ShareDir, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeLocal(t, filepath.Join(srv.ShareDir, "keep", "precious.txt"), []byte("x"))
	if err := os.Symlink("keep", filepath.Join(srv.ShareDir, "link")); err != nil {
		t.Fatal(err)
	}
	px := newTamperProxy(t, srv.Addr, func([]byte) int { return -1 })
	name := []byte{'l', 0, 'i', 0, 'n', 0, 'k', 0}
	// In FILE_ID_BOTH_DIR_INFORMATION the 8-byte name "link" starts at
	// 104; FileAttributes is at 56, FileNameLength at 60, EaSize (the
	// reparse tag for a reparse point) at 64.
	px.rewrite = func(b []byte) bool {
		changed := false
		for off := 0; ; {
			i := bytes.Index(b[off:], name)
			if i < 0 {
				return changed
			}
			if e := off + i - 104; e >= 0 && binary.LittleEndian.Uint32(b[e+60:]) == uint32(len(name)) {
				binary.LittleEndian.PutUint32(b[e+56:], binary.LittleEndian.Uint32(b[e+56:])|uint32(smb2.FileAttributeReparsePoint))
				binary.LittleEndian.PutUint32(b[e+64:], 0xA000000C) // IO_REPARSE_TAG_SYMLINK
				changed = true
			}
			off += i + len(name)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := dialUnsigned(ctx, t, px, srv)
	px.armed.Store(true)
	_, err := c.DeleteFiles(ctx, srv.Share, "link", true).Wait(ctx)
	if px.hits.Load() != 1 {
		t.Fatalf("the proxy marked %d listings, want 1", px.hits.Load())
	}
	if _, serr := os.Stat(filepath.Join(srv.ShareDir, "keep", "precious.txt")); serr != nil {
		t.Fatalf("DeleteFiles of a link (%v) deleted what it points to: %v", err, serr)
	}
}

// countLone counts, from now on, the server's replies to cmd that are not
// part of a compound: the requests the client sent on their own.
func (p *tamperProxy) countLone(cmd smb2.Command) *atomic.Int32 {
	var n atomic.Int32
	p.seen = func(b []byte) {
		var h smb2.Header
		if h.Decode(b) == nil && h.Command == cmd && h.NextCommand == 0 {
			n.Add(1)
		}
	}
	return &n
}

// isStatusErr reports whether err is a *gosmb.StatusError with status st.
func isStatusErr(err error, st ntstatus.Status) bool {
	var se *gosmb.StatusError
	return errors.As(err, &se) && se.Status == st
}

// dialUnsigned dials srv through px without signing or encryption, which
// would catch the proxy's edits.
func dialUnsigned(ctx context.Context, t *testing.T, px *tamperProxy, srv *sambatest.Server) *gosmb.Client {
	t.Helper()
	c := dialTest(ctx, t, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password, Signing: gosmb.SignWhenRequired})
	if c.Session().Signed() || c.Session().Encrypted() {
		t.Fatal("the session is signed or encrypted: the proxy's edits would be caught")
	}
	return c
}

// eachMessage calls fn with every SMB2 message of a frame payload and its
// offset, until fn returns true or the chain ends.
func eachMessage(b []byte, fn func(h *smb2.Header, off int) bool) bool {
	for off := 0; off+smb2.HeaderSize <= len(b); {
		var h smb2.Header
		if h.Decode(b[off:]) != nil {
			return false
		}
		if fn(&h, off) {
			return true
		}
		if h.NextCommand == 0 {
			return false
		}
		off += int(h.NextCommand)
	}
	return false
}

// dialRewriting dials srv through px on a session that is not signed (the
// test server does not require it), so that px can rewrite replies, and
// keeps px armed for every reply, not just the next one.
func dialRewriting(ctx context.Context, t *testing.T, px *tamperProxy, srv *sambatest.Server) *gosmb.Client {
	t.Helper()
	px.seen = func([]byte) { px.armed.Store(true) }
	c := dialTest(ctx, t, px.ln.Addr().String(), &gosmb.Options{User: srv.User, Password: srv.Password, Signing: gosmb.SignWhenRequired})
	if c.Session().Signed() || c.Session().Encrypted() {
		t.Fatal("the session is signed: the proxy cannot rewrite replies")
	}
	px.armed.Store(true)
	return c
}

// TestGetSecurityGivesUpOnAGreedyServer: a server (here a proxy) that
// answers every security query with STATUS_BUFFER_TOO_SMALL, asking a
// byte more each time, gets a few retries and then an error, not a
// million round trips.
func TestGetSecurityGivesUpOnAGreedyServer(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	os.WriteFile(filepath.Join(srv.ShareDir, "f"), []byte("x"), 0o644)
	px := newTamperProxy(t, srv.Addr, nil)
	var need atomic.Uint32
	need.Store(4096)
	var queries atomic.Int32
	px.rewrite = func(b []byte) bool {
		return eachMessage(b, func(h *smb2.Header, off int) bool {
			if h.Command != smb2.CommandQueryInfo || h.Status != 0 || len(b)-off < smb2.HeaderSize+12 {
				return false
			}
			queries.Add(1)
			binary.LittleEndian.PutUint32(b[off+8:], uint32(ntstatus.BufferTooSmall))
			body := b[off+smb2.HeaderSize:]
			copy(body, []byte{9, 0, 0, 0, 4, 0, 0, 0}) // error response, 4 bytes of data
			binary.LittleEndian.PutUint32(body[8:], need.Add(1))
			return true
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := dialRewriting(ctx, t, px, srv)
	sd, err := c.GetSecurity(ctx, srv.Share, "f", false).Wait(ctx)
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("GetSecurity against a server never satisfied: %v, %v; want an error before the deadline", sd, err)
	}
	if n := queries.Load(); n > 5 {
		t.Fatalf("GetSecurity sent %d queries to a server never satisfied; want at most 5", n)
	}
}

// TestListSharesRefusesEmptyPipeReads: a server whose pipe READs succeed
// with no data, while the reply to NetrShareEnum is not whole, makes
// ListShares fail at once rather than read forever.
func TestListSharesRefusesEmptyPipeReads(t *testing.T) {
	dir := t.TempDir()
	var conf strings.Builder
	for i := range 100 { // enough shares that the reply takes several fragments
		p := filepath.Join(dir, fmt.Sprint(i))
		os.Mkdir(p, 0o755)
		fmt.Fprintf(&conf, "[share%03d]\n\tpath = %s\n\tcomment = %s\n", i, p, strings.Repeat("c", 200))
	}
	inc := filepath.Join(dir, "shares.conf")
	os.WriteFile(inc, []byte(conf.String()), 0o644)
	srv := sambatest.Start(t, sambatest.Config{ExtraGlobal: []string{"include = " + inc}})
	px := newTamperProxy(t, srv.Addr, nil)
	var emptied atomic.Int32
	px.rewrite = func(b []byte) bool {
		return eachMessage(b, func(h *smb2.Header, off int) bool {
			if h.Command != smb2.CommandRead || h.Status.IsError() || len(b)-off < smb2.HeaderSize+16 {
				return false
			}
			emptied.Add(1)
			binary.LittleEndian.PutUint32(b[off+8:], 0)                 // STATUS_SUCCESS
			binary.LittleEndian.PutUint32(b[off+smb2.HeaderSize+4:], 0) // DataLength
			return true
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := dialRewriting(ctx, t, px, srv)
	shares, err := c.ListShares(ctx).Wait(ctx)
	var pe *gosmb.ProtocolError
	if !errors.As(err, &pe) {
		t.Fatalf("ListShares with empty pipe reads: %d shares, %v (after %d emptied READs); want a *ProtocolError", len(shares), err, emptied.Load())
	}
	if emptied.Load() == 0 {
		t.Fatal("the reply fitted one fragment: no pipe READ was emptied")
	}
}
