package smbcrypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"
)

type ccmVector struct {
	name                    string
	key, nonce, aad, pt, ct string // ct includes the tag
	tagSize                 int
}

func seqBytes(from, to int) []byte {
	b := make([]byte, 0, to-from)
	for i := from; i < to; i++ {
		b = append(b, byte(i))
	}
	return b
}

func ccmVectors(t *testing.T) []struct {
	ccmVector
	aadBytes []byte
} {
	// NIST SP 800-38C appendix C, examples 1-4, and RFC 3610 section 8,
	// packet vectors 1-4 (the first 8 or 12 bytes of each packet are the
	// associated data). All were also checked against Python's
	// cryptography package.
	vs := []ccmVector{
		{name: "SP800-38C C.1", key: "404142434445464748494a4b4c4d4e4f", nonce: "10111213141516",
			aad: "0001020304050607", pt: "20212223", ct: "7162015b 4dac255d", tagSize: 4},
		{name: "SP800-38C C.2", key: "404142434445464748494a4b4c4d4e4f", nonce: "1011121314151617",
			aad: "000102030405060708090a0b0c0d0e0f", pt: "202122232425262728292a2b2c2d2e2f",
			ct: "d2a1f0e0 51ea5f62 081a7792 073d593d 1fc64fbf accd", tagSize: 6},
		{name: "SP800-38C C.3", key: "404142434445464748494a4b4c4d4e4f", nonce: "101112131415161718191a1b",
			aad: "000102030405060708090a0b0c0d0e0f10111213", pt: "202122232425262728292a2b2c2d2e2f3031323334353637",
			ct: "e3b201a9 f5b71a7a 9b1ceaec cd97e70b 6176aad9 a4428aa5 484392fb c1b09951", tagSize: 8},
		{name: "SP800-38C C.4", key: "404142434445464748494a4b4c4d4e4f", nonce: "101112131415161718191a1b1c",
			aad: "", // 65536 bytes: 00..ff repeated 256 times, set below
			pt:  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
			ct: `69915dad 1e84c637 6a68c296 7e4dab61 5ae0fd1f aec44cc4 84828529 463ccf72
				b4ac6bec 93e8598e 7f0dadbc ea5b`, tagSize: 14},
		{name: "RFC3610 packet vector 1", key: "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", nonce: "00000003020100a0a1a2a3a4a5",
			aad: "0001020304050607", pt: "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
			ct: "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0", tagSize: 8},
		{name: "RFC3610 packet vector 2", key: "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", nonce: "00000004030201a0a1a2a3a4a5",
			aad: "0001020304050607", pt: "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
			ct: "72c91a36e135f8cf291ca894085c87e3cc15c439c9e43a3ba091d56e10400916", tagSize: 8},
		{name: "RFC3610 packet vector 3", key: "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", nonce: "00000005040302a0a1a2a3a4a5",
			aad: "0001020304050607", pt: "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
			ct: "51b1e5f44a197d1da46b0f8e2d282ae871e838bb64da8596574adaa76fbd9fb0c5", tagSize: 8},
		{name: "RFC3610 packet vector 4", key: "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", nonce: "00000006050403a0a1a2a3a4a5",
			aad: "000102030405060708090a0b", pt: "0c0d0e0f101112131415161718191a1b1c1d1e",
			ct: "a28c6865939a9a79faaa5c4c2a9d4a91cdac8c96c861b9c9e61ef1", tagSize: 8},
	}
	var out []struct {
		ccmVector
		aadBytes []byte
	}
	for _, v := range vs {
		a := unhex(t, v.aad)
		if v.name == "SP800-38C C.4" {
			a = bytes.Repeat(seqBytes(0, 256), 256)
		}
		out = append(out, struct {
			ccmVector
			aadBytes []byte
		}{v, a})
	}
	return out
}

func TestCCMKnownAnswers(t *testing.T) {
	for _, v := range ccmVectors(t) {
		t.Run(v.name, func(t *testing.T) {
			b, _ := aes.NewCipher(unhex(t, v.key))
			nonce := unhex(t, v.nonce)
			aead, err := NewCCM(b, len(nonce), v.tagSize)
			if err != nil {
				t.Fatal(err)
			}
			pt, want := unhex(t, v.pt), unhex(t, v.ct)
			if got := aead.Seal(nil, nonce, pt, v.aadBytes); !bytes.Equal(got, want) {
				t.Errorf("Seal = %x, want %x", got, want)
			}
			if aead.NonceSize() != len(nonce) || aead.Overhead() != v.tagSize {
				t.Errorf("NonceSize, Overhead = %d, %d", aead.NonceSize(), aead.Overhead())
			}
			got, err := aead.Open([]byte("pre"), nonce, want, v.aadBytes)
			if err != nil || !bytes.Equal(got, append([]byte("pre"), pt...)) {
				t.Errorf("Open = %x, %v; want pre||%x", got, err, pt)
			}
			// In place, both ways.
			buf := append([]byte(nil), pt...)
			buf = append(buf, make([]byte, v.tagSize)...)
			sealed := aead.Seal(buf[:0], nonce, buf[:len(pt)], v.aadBytes)
			if !bytes.Equal(sealed, want) || &sealed[0] != &buf[0] {
				t.Errorf("in-place Seal = %x, want %x in place", sealed, want)
			}
			opened, err := aead.Open(sealed[:0], nonce, sealed, v.aadBytes)
			if err != nil || !bytes.Equal(opened, pt) {
				t.Errorf("in-place Open = %x, %v; want %x", opened, err, pt)
			}
		})
	}
}

// refCCM is NIST SP 800-38C section 6.1 written block by block, as a
// reference for the chunked implementation.
func refCCM(b cipher.Block, tagSize int, nonce, p, a []byte) []byte {
	q := 15 - len(nonce)
	var blocks []byte
	b0 := make([]byte, 16)
	b0[0] = byte((tagSize-2)/2)<<3 | byte(q-1)
	if len(a) > 0 {
		b0[0] |= 0x40
	}
	copy(b0[1:], nonce)
	putLength(b0[1+len(nonce):], uint64(len(p)))
	blocks = append(blocks, b0...)
	if len(a) > 0 {
		var enc []byte
		switch {
		case len(a) < 0xff00:
			enc = binary.BigEndian.AppendUint16(nil, uint16(len(a)))
		case uint64(len(a)) < 1<<32:
			enc = binary.BigEndian.AppendUint32([]byte{0xff, 0xfe}, uint32(len(a)))
		default:
			enc = binary.BigEndian.AppendUint64([]byte{0xff, 0xff}, uint64(len(a)))
		}
		ab := append(enc, a...)
		for len(ab)%16 != 0 {
			ab = append(ab, 0)
		}
		blocks = append(blocks, ab...)
	}
	pb := append([]byte(nil), p...)
	for len(pb)%16 != 0 {
		pb = append(pb, 0)
	}
	blocks = append(blocks, pb...)
	y := make([]byte, 16)
	for i := 0; i < len(blocks); i += 16 {
		for j := range 16 {
			y[j] ^= blocks[i+j]
		}
		b.Encrypt(y, y)
	}
	ctr := make([]byte, 16)
	ctr[0] = byte(q - 1)
	copy(ctr[1:], nonce)
	s := make([]byte, 16)
	out := make([]byte, len(p)+tagSize)
	for i := 0; i*16 < len(p)+16; i++ {
		putLength(ctr[16-q:], uint64(i))
		b.Encrypt(s, ctr)
		if i == 0 {
			for j := range tagSize {
				out[len(p)+j] = y[j] ^ s[j]
			}
			continue
		}
		for j := 0; j < 16 && (i-1)*16+j < len(p); j++ {
			out[(i-1)*16+j] = p[(i-1)*16+j] ^ s[j]
		}
	}
	return out
}

func TestCCMAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	rnd := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	for _, keySize := range []int{16, 32} {
		b, _ := aes.NewCipher(rnd(keySize))
		for _, cfg := range [][2]int{{11, 16}, {12, 16}, {7, 4}, {13, 10}} {
			aead, err := NewCCM(b, cfg[0], cfg[1])
			if err != nil {
				t.Fatal(err)
			}
			for _, plen := range []int{0, 1, 15, 16, 17, 100, chunkSize - 1, chunkSize, chunkSize + 5, 2*chunkSize + 16} {
				for _, alen := range []int{0, 1, 14, 16, 32, 0xff00 - 1, 0xff00, 70000} {
					if plen > 200 && alen > 100 && alen != 0xff00 {
						continue // keep the run short; the boundaries are covered
					}
					nonce, p, a := rnd(cfg[0]), rnd(plen), rnd(alen)
					want := refCCM(b, cfg[1], nonce, p, a)
					got := aead.Seal(nil, nonce, p, a)
					if !bytes.Equal(got, want) {
						t.Fatalf("key %d, nonce %d, tag %d, plen %d, alen %d: Seal differs from reference",
							keySize, cfg[0], cfg[1], plen, alen)
					}
					back, err := aead.Open(nil, nonce, got, a)
					if err != nil || !bytes.Equal(back, p) {
						t.Fatalf("plen %d, alen %d: Open = %v", plen, alen, err)
					}
				}
			}
		}
	}
}

func TestCCMTamper(t *testing.T) {
	b, _ := aes.NewCipher(unhex(t, "404142434445464748494a4b4c4d4e4f"))
	aead, _ := NewCCM(b, 11, 16)
	nonce := seqBytes(0, 11)
	aad := seqBytes(100, 132)
	pt := seqBytes(0, 70)
	ct := aead.Seal(nil, nonce, pt, aad)
	check := func(what string, nonce, ct, aad []byte) {
		t.Helper()
		out := bytes.Repeat([]byte{0xAA}, len(ct))
		got, err := aead.Open(out[:0], nonce, ct, aad)
		if !errors.Is(err, ErrDecrypt) || got != nil {
			t.Errorf("%s: Open = %x, %v; want ErrDecrypt", what, got, err)
		}
		if n := len(ct) - 16; n > 0 && !bytes.Equal(out[:n], make([]byte, n)) {
			t.Errorf("%s: Open left data in dst after failing: %x", what, out[:n])
		}
	}
	for i := range ct {
		c := append([]byte(nil), ct...)
		c[i] ^= 0x01
		check("ciphertext byte", nonce, c, aad)
	}
	for i := range aad {
		a := append([]byte(nil), aad...)
		a[i] ^= 0x80
		check("aad byte", nonce, ct, a)
	}
	for i := range nonce {
		n := append([]byte(nil), nonce...)
		n[i] ^= 0x10
		check("nonce byte", n, ct, aad)
	}
	check("truncated", nonce, ct[:len(ct)-1], aad)
	check("empty aad", nonce, ct, nil)
	if _, err := aead.Open(nil, nonce, ct[:15], aad); !errors.Is(err, ErrDecrypt) {
		t.Errorf("shorter than the tag: %v", err)
	}
}

func TestCCMParameters(t *testing.T) {
	b, _ := aes.NewCipher(make([]byte, 16))
	for _, bad := range [][2]int{{6, 16}, {14, 16}, {11, 3}, {11, 18}, {11, 5}, {11, 0}} {
		if _, err := NewCCM(b, bad[0], bad[1]); err == nil {
			t.Errorf("NewCCM(nonce %d, tag %d) accepted", bad[0], bad[1])
		}
	}
	if d, _ := des.NewCipher(make([]byte, 8)); d != nil {
		if _, err := NewCCM(d, 11, 16); err == nil {
			t.Error("NewCCM accepted a 64-bit block cipher")
		}
	}
	// A 13-byte nonce leaves a 2-byte length field: 65535 bytes at most.
	small, _ := NewCCM(b, 13, 16)
	mustPanic(t, "plaintext over the length field", func() { small.Seal(nil, make([]byte, 13), make([]byte, 65536), nil) })
	if _, err := small.Open(nil, make([]byte, 13), make([]byte, 65536+16), nil); !errors.Is(err, ErrDecrypt) {
		t.Errorf("Open of a ciphertext over the length field: %v", err)
	}
	aead, _ := NewCCM(b, 11, 16)
	mustPanic(t, "short nonce to Seal", func() { aead.Seal(nil, make([]byte, 10), nil, nil) })
	mustPanic(t, "short nonce to Open", func() { aead.Open(nil, make([]byte, 10), make([]byte, 16), nil) })
	buf := make([]byte, 64)
	mustPanic(t, "inexact overlap in Seal", func() { aead.Seal(buf[1:1], make([]byte, 11), buf[:32], nil) })
	ct := aead.Seal(nil, make([]byte, 11), make([]byte, 32), nil)
	copy(buf, ct)
	mustPanic(t, "inexact overlap in Open", func() { aead.Open(buf[1:1], make([]byte, 11), buf[:48], nil) })
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}
