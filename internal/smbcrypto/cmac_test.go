package smbcrypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"math/rand/v2"
	"testing"
)

// RFC 4493 section 4 test vectors (AES-128).
const rfc4493Key = "2b7e1516 28aed2a6 abf71588 09cf4f3c"

const rfc4493Msg = `6bc1bee2 2e409f96 e93d7e11 7393172a
	ae2d8a57 1e03ac9c 9eb76fac 45af8e51
	30c81c46 a35ce411 e5fbc119 1a0a52ef
	f69f2445 df4f9b17 ad2b417b e66c3710`

func TestCMACRFC4493(t *testing.T) {
	key := unhex(t, rfc4493Key)
	msg := unhex(t, rfc4493Msg)
	tests := []struct {
		name string
		len  int
		want string
	}{
		{"Example 1: len = 0", 0, "bb1d6929 e9593728 7fa37d12 9b756746"},
		{"Example 2: len = 16", 16, "070a16b4 6b4d4144 f79bdd9d d04a287c"},
		{"Example 3: len = 40", 40, "dfa66747 de9ae630 30ca3261 1497c827"},
		{"Example 4: len = 64", 64, "51f0bebf 7e3b9d92 fc497417 79363cfe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewCMAC(key)
			if err != nil {
				t.Fatal(err)
			}
			h.Write(msg[:tt.len])
			if got, want := h.Sum(nil), unhex(t, tt.want); !bytes.Equal(got, want) {
				t.Errorf("CMAC = %x, want %x", got, want)
			}
			// One byte at a time gives the same tag.
			h.Reset()
			for i := range tt.len {
				h.Write(msg[i : i+1])
			}
			if got, want := h.Sum(nil), unhex(t, tt.want); !bytes.Equal(got, want) {
				t.Errorf("CMAC byte by byte = %x, want %x", got, want)
			}
		})
	}
}

func TestCMACSubkeys(t *testing.T) {
	// RFC 4493 section 4, "Subkey Generation".
	b, _ := aes.NewCipher(unhex(t, rfc4493Key))
	h := newCMAC(b)
	if want := unhex(t, "fbeed618 35713366 7c85e08f 7236a8de"); !bytes.Equal(h.k1[:], want) {
		t.Errorf("K1 = %x, want %x", h.k1, want)
	}
	if want := unhex(t, "f7ddac30 6ae266cc f90bc11e e46d513b"); !bytes.Equal(h.k2[:], want) {
		t.Errorf("K2 = %x, want %x", h.k2, want)
	}
}

// NIST SP 800-38B appendix D.3, AES-256 examples 1 and 2 (cross-checked
// with Python's cryptography package). SMB only uses AES-128, but NewCMAC
// takes any AES key.
func TestCMACAES256(t *testing.T) {
	h, err := NewCMAC(unhex(t, "603deb10 15ca71be 2b73aef0 857d7781 1f352c07 3b6108d7 2d9810a3 0914dff4"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Sum(nil), unhex(t, "028962f6 1b7bf89e fc6b551f 4667d983"); !bytes.Equal(got, want) {
		t.Errorf("empty: %x, want %x", got, want)
	}
	h.Write(unhex(t, "6bc1bee2 2e409f96 e93d7e11 7393172a"))
	if got, want := h.Sum(nil), unhex(t, "28a7023f 452e8f82 bd4bf28d 8c37c35c"); !bytes.Equal(got, want) {
		t.Errorf("16 bytes: %x, want %x", got, want)
	}
}

// refCMAC is RFC 4493 section 2.4 written block by block, as a reference
// for the chunked implementation.
func refCMAC(b cipher.Block, m []byte) []byte {
	var l, k1, k2 [16]byte
	b.Encrypt(l[:], l[:])
	dbl(&k1, &l)
	dbl(&k2, &k1)
	n := (len(m) + 15) / 16
	complete := n > 0 && len(m)%16 == 0
	if n == 0 {
		n = 1
	}
	var last [16]byte
	if complete {
		for i := range last {
			last[i] = m[16*(n-1)+i] ^ k1[i]
		}
	} else {
		rest := m[16*(n-1):]
		copy(last[:], rest)
		last[len(rest)] = 0x80
		for i := range last {
			last[i] ^= k2[i]
		}
	}
	var x [16]byte
	for i := 0; i < n-1; i++ {
		for j := range x {
			x[j] ^= m[16*i+j]
		}
		b.Encrypt(x[:], x[:])
	}
	for j := range x {
		x[j] ^= last[j]
	}
	b.Encrypt(x[:], x[:])
	return x[:]
}

func TestCMACAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	key := make([]byte, 16)
	for i := range key {
		key[i] = byte(rng.Uint32())
	}
	b, _ := aes.NewCipher(key)
	msg := make([]byte, 3*chunkSize+100)
	for i := range msg {
		msg[i] = byte(rng.Uint32())
	}
	lengths := []int{0, 1, 15, 16, 17, 31, 32, 33, 255, 256, 257,
		chunkSize - 16, chunkSize - 1, chunkSize, chunkSize + 1, chunkSize + 16, chunkSize + 17,
		2*chunkSize + 16, len(msg)}
	h := newCMAC(b)
	for _, n := range lengths {
		want := refCMAC(b, msg[:n])
		h.Reset()
		h.Write(msg[:n])
		if got := h.Sum(nil); !bytes.Equal(got, want) {
			t.Errorf("len %d: one write: %x, want %x", n, got, want)
		}
		// Random splits.
		for range 5 {
			h.Reset()
			for p := msg[:n]; len(p) > 0; {
				k := min(len(p), rng.IntN(40)+rng.IntN(2)*rng.IntN(2*chunkSize))
				h.Write(p[:k])
				p = p[k:]
			}
			if got := h.Sum(nil); !bytes.Equal(got, want) {
				t.Errorf("len %d: split writes: %x, want %x", n, got, want)
			}
		}
	}
}

func TestCMACSumKeepsState(t *testing.T) {
	key := unhex(t, rfc4493Key)
	msg := unhex(t, rfc4493Msg)
	h, _ := NewCMAC(key)
	h.Write(msg[:16])
	first := h.Sum([]byte("prefix"))
	if !bytes.Equal(first[:6], []byte("prefix")) {
		t.Fatalf("Sum did not append: %q", first)
	}
	if again := h.Sum(nil); !bytes.Equal(again, first[6:]) {
		t.Fatalf("second Sum = %x, want %x", again, first[6:])
	}
	h.Write(msg[16:40])
	if got, want := h.Sum(nil), unhex(t, "dfa66747 de9ae630 30ca3261 1497c827"); !bytes.Equal(got, want) {
		t.Errorf("after Sum then Write: %x, want %x", got, want)
	}
	if h.Size() != 16 || h.BlockSize() != 16 {
		t.Errorf("Size, BlockSize = %d, %d", h.Size(), h.BlockSize())
	}
}

func TestCMACSumAllocs(t *testing.T) {
	h, _ := NewCMAC(unhex(t, rfc4493Key))
	msg := make([]byte, 100000)
	out := make([]byte, 0, 16)
	allocs := testing.AllocsPerRun(100, func() {
		h.Reset()
		h.Write(msg)
		out = h.Sum(out[:0])
	})
	if allocs != 0 {
		t.Errorf("Reset/Write/Sum allocates %v times", allocs)
	}
}

func TestNewCMACBadKey(t *testing.T) {
	if _, err := NewCMAC(make([]byte, 15)); err == nil {
		t.Error("NewCMAC accepted a 15-byte key")
	}
}
