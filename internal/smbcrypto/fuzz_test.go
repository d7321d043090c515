package smbcrypto

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpen feeds arbitrary frames to a Decryptor of each cipher: Open must
// never panic, must return no plaintext with an error, and must agree with
// TransformSessionID. The committed corpus holds frames sealed under the
// keys used here (so the fuzzer mutates authentic frames) and Microsoft's
// published frames.
func FuzzOpen(f *testing.F) {
	for _, s := range fuzzOpenSeeds(f) {
		f.Add(s)
	}
	var decs []*Decryptor
	for _, c := range allCiphers {
		_, d := newPair(f, c)
		decs = append(decs, d)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		peek, peekErr := TransformSessionID(frame)
		for _, d := range decs {
			plain, sid, err := d.Open(nil, frame)
			if err != nil {
				if plain != nil || sid != 0 {
					t.Fatalf("%v: error %v with plaintext or session id", d.Cipher(), err)
				}
				continue
			}
			if peekErr != nil || sid != peek || len(plain) != len(frame)-TransformHeaderSize {
				t.Fatalf("%v: Open succeeded but disagrees with the header", d.Cipher())
			}
			// In place on a copy gives the same plaintext.
			g := append([]byte(nil), frame...)
			p2, _, err := d.Open(g[TransformHeaderSize:TransformHeaderSize], g)
			if err != nil || !bytes.Equal(p2, plain) {
				t.Fatalf("%v: in-place Open differs: %v", d.Cipher(), err)
			}
		}
	})
}

// FuzzVerify feeds arbitrary messages to a Signer of each algorithm: Verify
// must never panic and must leave the message as it was; and signing any
// message of header size or more must make it verify.
func FuzzVerify(f *testing.F) {
	for _, s := range fuzzVerifySeeds(f) {
		f.Add(s)
	}
	signers := newTestSigners(f)
	f.Fuzz(func(t *testing.T, msg []byte) {
		for _, s := range signers {
			m := append([]byte(nil), msg...)
			err := s.Verify(m)
			if !bytes.Equal(m, msg) {
				t.Fatalf("%v: Verify modified the message", s.Algorithm())
			}
			if len(msg) < headerSize {
				if err != ErrShortMessage {
					t.Fatalf("%v: short message: %v", s.Algorithm(), err)
				}
				continue
			}
			if err := s.Sign(m); err != nil {
				t.Fatal(err)
			}
			if err := s.Verify(m); err != nil {
				t.Fatalf("%v: Verify after Sign: %v", s.Algorithm(), err)
			}
			if !bytes.Equal(m[:offSignature], msg[:offSignature]) || !bytes.Equal(m[headerSize:], msg[headerSize:]) {
				t.Fatalf("%v: Sign changed more than the signature", s.Algorithm())
			}
		}
	})
}

func fuzzOpenSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, c := range allCiphers {
		e, _ := newPair(tb, c)
		for _, n := range []int{1, 64, 200} {
			f, err := e.Seal(nil, 0x100000000025, seqBytes(0, n))
			if err != nil {
				tb.Fatal(err)
			}
			seeds = append(seeds, f)
		}
	}
	for _, kat := range transformKATs {
		for _, r := range kat.responses {
			seeds = append(seeds, unhex(tb, r.frame))
		}
	}
	seeds = append(seeds, nil, []byte{0xFD, 'S', 'M', 'B'}, seeds[0][:TransformHeaderSize])
	return seeds
}

func fuzzVerifySeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, s := range newTestSigners(tb) {
		for _, m := range []string{writeRequest311, cancelRequest, cmacVectors[0].msg} {
			b := unhex(tb, m)
			s.Sign(b)
			seeds = append(seeds, b)
		}
	}
	for _, v := range cmacVectors {
		seeds = append(seeds, unhex(tb, v.msg))
	}
	return append(seeds, nil, make([]byte, 63), make([]byte, 64))
}

// TestWriteFuzzCorpus regenerates testdata/fuzz from the seeds above. It
// runs only when SMBCRYPTO_WRITE_CORPUS=1.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("SMBCRYPTO_WRITE_CORPUS") != "1" {
		t.Skip("set SMBCRYPTO_WRITE_CORPUS=1 to rewrite testdata/fuzz")
	}
	for name, seeds := range map[string][][]byte{"FuzzOpen": fuzzOpenSeeds(t), "FuzzVerify": fuzzVerifySeeds(t)} {
		dir := filepath.Join("testdata", "fuzz", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, s := range seeds {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%02d", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
