package smbcrypto

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
)

// Signed SESSION_SETUP responses from Microsoft's examples (see
// kdf_test.go for the sources), with the Signature field as sent. For
// dialect 3.1.1 without SMB2_SIGNING_CAPABILITIES they are AES-CMAC, keyed
// with the signing key derived in the same example.
var cmacVectors = []struct{ name, key, msg string }{
	{"anatomy 3.1.1 master, final SESSION_SETUP response", "73FE7A9A77BEF0BDE49C650D8CCB5F76",
		`FE534D4240000100000000000100800009000000000000000300000000000000FFFE000000000000
		1900000000100000EBE146DA120BA25FC3376A49DFE31BC10900000048001D00A11B3019A0030A01
		00A3120410010000003B453CDC3524164200000000`},
	{"anatomy 3.1.1 binding, final SESSION_SETUP response (Channel.SigningKey)", "C962BCA1A9DD1697B030644199705431",
		`FE534D4240000100000000000100800009000000000000000300000000000000FFFE000000000000
		19000000001000008D604217FFBACF40635BF9D8729921500900000048001D00A11B3019A0030A01
		00A312041001000000CFB046FC5D368E2200000000`},
	{"enc311 A.1, final SESSION_SETUP response", "8765949DFEAEE105CE9118B45BE988F0",
		`FE534D4240000100000000000100800009000000000000000200000000000000FFFE000000000000
		25000000001000006B85A4519A0F3EEA35BA946DD3AFE6B80900000048001D00A11B3019A0030A01
		00A3120410010000003932A87523AB660100000000`},
	{"enc311 A.2, final SESSION_SETUP response", "3DCC82C5795AE27F383242761078C59B",
		`FE534D4240000100000000000100800009000000000000000200000000000000FFFE000000000000
		21000000001000003676196AEE8CA17E5D50A53642EF2BE40900000048001D00A11B3019A0030A01
		00A3120410010000000F57444342A2717E00000000`},
}

func TestSignCMACKnownAnswers(t *testing.T) {
	for _, v := range cmacVectors {
		t.Run(v.name, func(t *testing.T) {
			s, err := NewSigner(AESCMAC, unhex(t, v.key))
			if err != nil {
				t.Fatal(err)
			}
			msg := unhex(t, v.msg)
			if err := s.Verify(msg); err != nil {
				t.Errorf("Verify: %v", err)
			}
			want := append([]byte(nil), msg...)
			for i := offSignature; i < offSignature+signatureSize; i++ {
				msg[i] = 0xEE
			}
			if err := s.Sign(msg); err != nil || !bytes.Equal(msg, want) {
				t.Errorf("Sign: %v, signature %X, want %X", err, msg[48:64], want[48:64])
			}
		})
	}
}

// There is no published AES-GMAC or SMB2 HMAC-SHA256 signing example. These
// signatures were computed independently with Python's cryptography package
// (AESGCM with an empty plaintext, the message as associated data and the
// nonce of [MS-SMB2] 3.1.4.1) and its hmac module, in a one-off script. The
// messages are from [enc311] A.1: the final SESSION_SETUP response (a
// response: role bit set) and the plaintext WRITE request (a request), plus
// a made-up CANCEL request (cancel bit set).
var (
	gmacKey         = "8765949DFEAEE105CE9118B45BE988F0"
	gmacResponse    = cmacVectors[2].msg
	writeRequest311 = `FE534D4240000100000000000900010008000000000000000500000000000000FFFE000001000000
		25000000001000000000000000000000000000000000000031007000170000000000000000000000
		0600000004000000010000000400000000000000000000007000000000000000536D623320656E63
		72797074696F6E2074657374696E67`
	cancelRequest = `fe534d4240000000000000000c00000008000000000000000600000000000000
		000000000000000025000000001000000000000000000000000000000000000004000000`
)

func TestSignGMACAndHMACKnownAnswers(t *testing.T) {
	tests := []struct {
		name string
		alg  SigningAlgorithm
		key  string
		msg  string
		sig  string
	}{
		{"GMAC response", AESGMAC, gmacKey, gmacResponse, "42fe89b1890de0aadf2117ac042b355b"},
		{"GMAC request", AESGMAC, gmacKey, writeRequest311, "32e8c1c0d814298bb009899649850d92"},
		{"GMAC cancel request", AESGMAC, gmacKey, cancelRequest, "f4bac4a2f47952c737fa4c4c08db5c74"},
		{"HMAC-SHA256 request", HMACSHA256, "419FDDF34C1E001909D362AE7FB6AF79", writeRequest311, "bfda32b4e342ceaa99c062ac1dab736d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSigner(tt.alg, unhex(t, tt.key))
			if err != nil {
				t.Fatal(err)
			}
			msg := unhex(t, tt.msg)
			if err := s.Sign(msg); err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, tt.sig); !bytes.Equal(msg[48:64], want) {
				t.Errorf("signature %x, want %x", msg[48:64], want)
			}
			if err := s.Verify(msg); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

// TestGMACNonceRoleAndCancel checks that the role and cancel bits are part
// of the signature: the same bytes signed as a request, a response and a
// CANCEL request give three different signatures.
func TestGMACNonceRoleAndCancel(t *testing.T) {
	s, _ := NewSigner(AESGMAC, unhex(t, gmacKey))
	base := unhex(t, cancelRequest)
	binary.LittleEndian.PutUint16(base[offCommand:], 0x000D) // ECHO
	sigs := map[string]bool{}
	for _, v := range []struct {
		cmd   uint16
		flags uint32
	}{{0x000D, 0}, {0x000D, 1}, {0x000C, 0}} {
		m := append([]byte(nil), base...)
		binary.LittleEndian.PutUint16(m[offCommand:], v.cmd)
		binary.LittleEndian.PutUint32(m[offFlags:], v.flags)
		s.Sign(m)
		sigs[string(m[48:64])] = true
	}
	if len(sigs) != 3 {
		t.Errorf("got %d distinct signatures, want 3", len(sigs))
	}
}

func newTestSigners(t testing.TB) []*Signer {
	var out []*Signer
	for _, alg := range []SigningAlgorithm{HMACSHA256, AESCMAC, AESGMAC} {
		s, err := NewSigner(alg, seqBytes(7, 23))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func randomMessage(rng *rand.Rand, n int) []byte {
	m := make([]byte, n)
	for i := range m {
		m[i] = byte(rng.Uint32())
	}
	copy(m, []byte{0xFE, 'S', 'M', 'B', 64, 0})
	return m
}

func TestSignVerifyBitFlips(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, s := range newTestSigners(t) {
		t.Run(s.Algorithm().String(), func(t *testing.T) {
			msg := randomMessage(rng, 200)
			if err := s.Sign(msg); err != nil {
				t.Fatal(err)
			}
			orig := append([]byte(nil), msg...)
			if err := s.Verify(msg); err != nil {
				t.Fatalf("Verify of a freshly signed message: %v", err)
			}
			if !bytes.Equal(msg, orig) {
				t.Fatal("Verify modified the message")
			}
			for i := range msg {
				for bit := range 8 {
					msg[i] ^= 1 << bit
					if err := s.Verify(msg); !errors.Is(err, ErrBadSignature) {
						t.Fatalf("byte %d bit %d flipped: Verify = %v", i, bit, err)
					}
					msg[i] ^= 1 << bit
				}
			}
			if !bytes.Equal(msg, orig) {
				t.Fatal("Verify modified the message")
			}
			// Truncating or extending the message breaks it too.
			if err := s.Verify(msg[:len(msg)-1]); !errors.Is(err, ErrBadSignature) {
				t.Errorf("truncated: %v", err)
			}
			if err := s.Verify(append(msg, 0)); !errors.Is(err, ErrBadSignature) {
				t.Errorf("extended: %v", err)
			}
		})
	}
}

func TestSignErrors(t *testing.T) {
	for _, s := range newTestSigners(t) {
		if err := s.Sign(make([]byte, 63)); !errors.Is(err, ErrShortMessage) {
			t.Errorf("%v Sign(63 bytes) = %v", s.Algorithm(), err)
		}
		if err := s.Verify(make([]byte, 63)); !errors.Is(err, ErrShortMessage) {
			t.Errorf("%v Verify(63 bytes) = %v", s.Algorithm(), err)
		}
		// A bare header signs and verifies.
		m := make([]byte, 64)
		if err := s.Sign(m); err != nil || s.Verify(m) != nil {
			t.Errorf("%v: header-only message: %v", s.Algorithm(), err)
		}
	}
	for _, c := range []struct {
		alg SigningAlgorithm
		key []byte
	}{{HMACSHA256, nil}, {AESCMAC, make([]byte, 32)}, {AESGMAC, make([]byte, 15)}, {3, make([]byte, 16)}} {
		if _, err := NewSigner(c.alg, c.key); err == nil {
			t.Errorf("NewSigner(%v, %d-byte key) accepted", c.alg, len(c.key))
		}
	}
	if s := SigningAlgorithm(9).String(); s != "SigningAlgorithm(9)" {
		t.Errorf("String = %q", s)
	}
}

func TestSignerConcurrent(t *testing.T) {
	for _, s := range newTestSigners(t) {
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(g), 9))
				for range 200 {
					m := randomMessage(rng, 64+rng.IntN(3000))
					if err := s.Sign(m); err != nil {
						t.Error(err)
						return
					}
					if err := s.Verify(m); err != nil {
						t.Errorf("%v: Verify: %v", s.Algorithm(), err)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
}

func TestSignAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	msg := make([]byte, 64<<10)
	for _, s := range newTestSigners(t) {
		s.Sign(msg) // warm the pool
		if a := testing.AllocsPerRun(50, func() { s.Sign(msg) }); a != 0 {
			t.Errorf("%v: Sign allocates %v times", s.Algorithm(), a)
		}
		if a := testing.AllocsPerRun(50, func() { s.Verify(msg) }); a != 0 {
			t.Errorf("%v: Verify allocates %v times", s.Algorithm(), a)
		}
	}
}
