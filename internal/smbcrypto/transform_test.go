package smbcrypto

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

var allCiphers = []Cipher{AES128CCM, AES128GCM, AES256CCM, AES256GCM}

func newPair(t testing.TB, c Cipher) (*Encryptor, *Decryptor) {
	key := seqBytes(40, 40+c.KeySize())
	e, err := NewEncryptor(c, key)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDecryptor(c, key)
	if err != nil {
		t.Fatal(err)
	}
	return e, d
}

func TestTransformRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range allCiphers {
		t.Run(c.String(), func(t *testing.T) {
			e, d := newPair(t, c)
			if e.Cipher() != c || d.Cipher() != c || e.Overhead() != TransformHeaderSize {
				t.Fatal("accessors")
			}
			for _, n := range []int{1, 63, 64, 65, 1000, chunkSize + 3, 100000} {
				msg := randomMessage(rng, max(n, 6))[:n]
				frame, err := e.Seal([]byte("ab"), 0x1122334455667788, msg)
				if err != nil {
					t.Fatal(err)
				}
				if string(frame[:2]) != "ab" || len(frame) != 2+TransformHeaderSize+n {
					t.Fatalf("Seal did not append a %d-byte frame", TransformHeaderSize+n)
				}
				frame = frame[2:]
				hdr := frame[:TransformHeaderSize]
				if !bytes.Equal(hdr[:4], []byte{0xFD, 'S', 'M', 'B'}) ||
					binary.LittleEndian.Uint32(hdr[36:]) != uint32(n) ||
					binary.LittleEndian.Uint16(hdr[40:]) != 0 ||
					binary.LittleEndian.Uint16(hdr[42:]) != 1 ||
					binary.LittleEndian.Uint64(hdr[44:]) != 0x1122334455667788 {
					t.Fatalf("bad header %x", hdr)
				}
				if ns := c.nonceSize(); !bytes.Equal(hdr[20+ns:36], make([]byte, 16-ns)) {
					t.Fatalf("Nonce bytes past the %d used are not zero: %x", ns, hdr[20:36])
				}
				plain, sid, err := d.Open([]byte("cd"), frame)
				if err != nil || sid != 0x1122334455667788 || !bytes.Equal(plain, append([]byte("cd"), msg...)) {
					t.Fatalf("len %d: Open: %v", n, err)
				}
				// In place, both ways, without spare capacity past the frame.
				buf := make([]byte, TransformHeaderSize+n, TransformHeaderSize+n+16)
				copy(buf[TransformHeaderSize:], msg)
				sealed, err := e.Seal(buf[:0], 1, buf[TransformHeaderSize:])
				if err != nil || &sealed[0] != &buf[0] {
					t.Fatalf("in-place Seal: %v, in place %v", err, &sealed[0] == &buf[0])
				}
				sealed = sealed[:len(sealed):len(sealed)]
				hdrCopy := append([]byte(nil), sealed[:TransformHeaderSize]...)
				withHdr := append([]byte(nil), sealed...)
				plain, _, err = d.Open(sealed[TransformHeaderSize:TransformHeaderSize], sealed)
				if err != nil || !bytes.Equal(plain, msg) || &plain[0] != &sealed[TransformHeaderSize] {
					t.Fatalf("in-place Open: %v", err)
				}
				if !bytes.Equal(sealed[:TransformHeaderSize], hdrCopy) {
					t.Fatal("in-place Open changed the header")
				}
				// In place with the header kept as dst's prefix.
				plain, _, err = d.Open(withHdr[:TransformHeaderSize], withHdr)
				if err != nil || !bytes.Equal(plain[TransformHeaderSize:], msg) || !bytes.Equal(plain[:TransformHeaderSize], hdrCopy) {
					t.Fatalf("in-place Open after the header: %v", err)
				}
			}
		})
	}
}

// TestTransformTamper flips every bit of a frame's header and ciphertext;
// each must be rejected.
func TestTransformTamper(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, c := range allCiphers {
		t.Run(c.String(), func(t *testing.T) {
			e, d := newPair(t, c)
			msg := randomMessage(rng, 100)
			frame, _ := e.Seal(nil, 42, msg)
			for i := range frame {
				for bit := range 8 {
					f := append([]byte(nil), frame...)
					f[i] ^= 1 << bit
					out := make([]byte, 0, len(f))
					plain, _, err := d.Open(out, f)
					if err == nil || plain != nil {
						t.Fatalf("byte %d bit %d: Open succeeded", i, bit)
					}
					var te *TransformError
					switch {
					case i < 4 || (i >= offTSize && i < offTReserved) || (i >= offTFlags && i < offTSessionID):
						if !errors.As(err, &te) || !errors.Is(err, ErrMalformedTransform) {
							t.Fatalf("byte %d: %v, want a TransformError", i, err)
						}
					default:
						if !errors.Is(err, ErrDecrypt) {
							t.Fatalf("byte %d: %v, want ErrDecrypt", i, err)
						}
						if o := out[:len(msg)]; !bytes.Equal(o, make([]byte, len(o))) {
							t.Fatalf("byte %d: plaintext left in dst after failure", i)
						}
					}
				}
			}
			// Failed in-place Open releases nothing either.
			f := append([]byte(nil), frame...)
			f[len(f)-1] ^= 1
			if _, _, err := d.Open(f[TransformHeaderSize:TransformHeaderSize], f); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("in place: %v", err)
			}
			for _, b := range [][]byte{f[TransformHeaderSize:], f[offTSize : len(f)-16]} {
				if bytes.Contains(b, msg[8:40]) {
					t.Fatal("in-place failure left plaintext in frame")
				}
			}
			// The wrong key fails too.
			other, _ := NewDecryptor(c, seqBytes(1, 1+c.KeySize()))
			if _, _, err := other.Open(nil, frame); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("wrong key: %v", err)
			}
		})
	}
}

func TestTransformTruncated(t *testing.T) {
	for _, c := range allCiphers {
		e, d := newPair(t, c)
		frame, _ := e.Seal(nil, 7, seqBytes(0, 90))
		for n := range len(frame) {
			if _, _, err := d.Open(nil, frame[:n]); err == nil {
				t.Fatalf("%v: prefix of %d bytes opened", c, n)
			}
			if _, err := TransformSessionID(frame[:n]); (err == nil) != (n >= TransformHeaderSize) {
				t.Fatalf("%v: TransformSessionID of %d bytes: %v", c, n, err)
			}
		}
	}
}

func TestTransformHeaderErrors(t *testing.T) {
	e, d := newPair(t, AES128GCM)
	frame, _ := e.Seal(nil, 7, seqBytes(0, 90))
	mod := func(f func([]byte)) []byte {
		g := append([]byte(nil), frame...)
		f(g)
		return g
	}
	tests := []struct {
		name  string
		frame []byte
		field string
	}{
		{"short", frame[:51], "length"},
		{"header only", frame[:52], "length"},
		{"SMB2 header", mod(func(b []byte) { b[0] = 0xFE }), "ProtocolId"},
		{"flags 0", mod(func(b []byte) { b[42] = 0 }), "Flags"},
		{"flags 2", mod(func(b []byte) { b[42] = 2 }), "Flags"},
		{"size too big", mod(func(b []byte) { b[36]++ }), "OriginalMessageSize"},
		{"size too small", mod(func(b []byte) { b[36]-- }), "OriginalMessageSize"},
		{"size huge", mod(func(b []byte) { b[39] = 0xFF }), "OriginalMessageSize"},
	}
	for _, tt := range tests {
		_, _, err := d.Open(nil, tt.frame)
		var te *TransformError
		if !errors.As(err, &te) || te.Field != tt.field || !errors.Is(err, ErrMalformedTransform) {
			t.Errorf("%s: %v, want a TransformError on %s", tt.name, err, tt.field)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "smbcrypto: transform header: "+tt.field+": ") {
			t.Errorf("%s: message %q", tt.name, msg)
		}
	}
}

func TestTransformOverlap(t *testing.T) {
	for _, c := range allCiphers {
		e, d := newPair(t, c)
		buf := make([]byte, 500)
		msg := buf[100:200]
		// The header would land on the message.
		if _, err := e.Seal(buf[:60], 1, msg); !errors.Is(err, ErrOverlap) {
			t.Errorf("%v: Seal with the header over msg: %v", c, err)
		}
		// The body would start inside the message.
		if _, err := e.Seal(buf[:40], 1, msg); !errors.Is(err, ErrOverlap) {
			t.Errorf("%v: Seal with a shifted body: %v", c, err)
		}
		frame, _ := e.Seal(nil, 1, seqBytes(0, 100))
		copy(buf, frame)
		f := buf[:len(frame)]
		if _, _, err := d.Open(f[10:10], f); !errors.Is(err, ErrOverlap) {
			t.Errorf("%v: Open into the header: %v", c, err)
		}
		if _, _, err := d.Open(f[53:53], f); !errors.Is(err, ErrOverlap) {
			t.Errorf("%v: Open one byte off in place: %v", c, err)
		}
		// dst right before frame in the same array, so only the GCM tag
		// scratch would run into frame: Open must not clobber it.
		copy(buf[100:], frame)
		f = buf[100 : 100+len(frame)]
		plain, _, err := d.Open(buf[:0], f)
		if err != nil || !bytes.Equal(plain, seqBytes(0, 100)) {
			t.Errorf("%v: Open into the bytes before frame: %v", c, err)
		}
	}
}

func TestNewTransformErrors(t *testing.T) {
	for _, c := range []struct {
		c   Cipher
		key int
	}{{AES128CCM, 32}, {AES128GCM, 15}, {AES256CCM, 16}, {AES256GCM, 24}, {0, 16}, {5, 32}} {
		if _, err := NewEncryptor(c.c, make([]byte, c.key)); err == nil {
			t.Errorf("NewEncryptor(%v, %d bytes) accepted", c.c, c.key)
		}
		if _, err := NewDecryptor(c.c, make([]byte, c.key)); err == nil {
			t.Errorf("NewDecryptor(%v, %d bytes) accepted", c.c, c.key)
		}
	}
	if s := Cipher(9).String(); s != "Cipher(9)" {
		t.Errorf("String = %q", s)
	}
}

func TestNonceExhausted(t *testing.T) {
	e, _ := newPair(t, AES128GCM)
	e.count.Store(1<<63 - 1)
	if _, err := e.Seal(nil, 1, []byte("x")); err != nil {
		t.Fatalf("last nonce: %v", err)
	}
	if _, err := e.Seal(nil, 1, []byte("x")); !errors.Is(err, ErrNonceExhausted) {
		t.Fatalf("past the last nonce: %v", err)
	}
}

// TestNonceUniqueConcurrent seals from many goroutines at once (run it with
// -race) and checks that no Nonce repeats.
func TestNonceUniqueConcurrent(t *testing.T) {
	for _, c := range []Cipher{AES128CCM, AES256GCM} {
		e, d := newPair(t, c)
		const goroutines, each = 8, 2000
		var (
			mu   sync.Mutex
			seen = make(map[[16]byte]bool, goroutines*each)
			wg   sync.WaitGroup
		)
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				msg := []byte{byte(g), 1, 2, 3}
				local := make([][16]byte, 0, each)
				for range each {
					f, err := e.Seal(nil, uint64(g), msg)
					if err != nil {
						t.Error(err)
						return
					}
					local = append(local, [16]byte(f[offTNonce:offTSize]))
					if g == 0 && len(local) < 10 {
						if p, _, err := d.Open(nil, f); err != nil || !bytes.Equal(p, msg) {
							t.Errorf("Open: %v", err)
						}
					}
				}
				mu.Lock()
				defer mu.Unlock()
				for _, n := range local {
					if seen[n] {
						t.Errorf("%v: nonce %x repeated", c, n)
					}
					seen[n] = true
				}
			}()
		}
		wg.Wait()
		if len(seen) != goroutines*each {
			t.Errorf("%v: %d distinct nonces, want %d", c, len(seen), goroutines*each)
		}
	}
	// Two Encryptors with the same key start at different random points.
	e1, _ := newPair(t, AES128GCM)
	e2, _ := newPair(t, AES128GCM)
	f1, _ := e1.Seal(nil, 1, []byte("x"))
	f2, _ := e2.Seal(nil, 1, []byte("x"))
	if bytes.Equal(f1[offTNonce:offTSize], f2[offTNonce:offTSize]) {
		t.Error("two Encryptors produced the same first nonce")
	}
}
