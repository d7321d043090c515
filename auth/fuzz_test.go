package auth

import (
	"bytes"
	"encoding/asn1"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fuzzSeeds are server tokens of every kind the client parses.
func fuzzSeeds(t testing.TB) map[string][]byte {
	chal, err := newTestServer(nil, true).challenge.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	resp := func(r NegTokenResp) []byte {
		b, err := r.Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	init, err := (&NegTokenInit{MechTypes: []asn1.ObjectIdentifier{OIDMSKerberos, OIDKerberos5, OIDNTLMSSP}}).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	spec := unhex(t, specChallengeV2)
	return map[string][]byte{
		"empty":                  nil,
		"challenge-spec":         spec,
		"challenge-timestamp":    chal,
		"challenge-minimal":      spec[:32],
		"negtokenresp-challenge": resp(NegTokenResp{NegState: NegStateAcceptIncomplete, SupportedMech: OIDNTLMSSP, ResponseToken: chal}),
		"negtokenresp-spec":      resp(NegTokenResp{NegState: NegStateAcceptIncomplete, SupportedMech: OIDNTLMSSP, ResponseToken: spec}),
		"negtokenresp-final":     resp(NegTokenResp{NegState: NegStateAcceptCompleted, MechListMIC: bytes.Repeat([]byte{1}, 16)}),
		"negtokenresp-reject":    resp(NegTokenResp{NegState: NegStateReject}),
		"negtokeninit-hint":      init,
	}
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzServerTokens when
// GOSMB_WRITE_FUZZ_SEEDS is set.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("GOSMB_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set GOSMB_WRITE_FUZZ_SEEDS=1 to regenerate the seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzServerTokens")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range fuzzSeeds(t) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(b)))
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzServerTokens feeds arbitrary bytes to everything that parses a
// server token: the CHALLENGE_MESSAGE codec and AV pairs, a whole NTLM Step,
// the NegTokenResp and NegTokenInit codecs, and SPNEGO Step and Finish.
// Nothing may panic; what decodes must re-encode to the same value.
func FuzzServerTokens(f *testing.F) {
	for _, b := range fuzzSeeds(f) {
		f.Add(b)
	}
	validChal, _ := newTestServer(nil, true).challenge.Append(nil)
	validStep, _ := (&NegTokenResp{NegState: NegStateAcceptIncomplete, SupportedMech: OIDNTLMSSP, ResponseToken: validChal}).Append(nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		var ch ChallengeMessage
		if ch.Decode(data) == nil {
			_, _ = ParseAVPairs(ch.TargetInfo)
			b, err := ch.Append(nil)
			if err != nil {
				t.Fatalf("re-encode CHALLENGE: %v", err)
			}
			var again ChallengeMessage
			if err := again.Decode(b); err != nil {
				t.Fatalf("decode re-encoded CHALLENGE: %v", err)
			}
			if ch.Flags&FlagVersion != 0 && len(data) < 56 {
				ch.Version = Version{}
			}
			if diff := cmp.Diff(ch, again, cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) })); diff != "" {
				t.Fatalf("CHALLENGE round trip (-first +second):\n%s", diff)
			}
		}

		n := newFuzzNTLM(t)
		if auth, err := n.Step(data); err == nil {
			var a AuthenticateMessage
			if err := a.Decode(auth); err != nil {
				t.Fatalf("own AUTHENTICATE does not decode: %v", err)
			}
			if len(n.SessionKey()) != 16 {
				t.Fatalf("session key %x after a successful Step", n.SessionKey())
			}
		}

		var r NegTokenResp
		if r.Decode(data) == nil {
			b, err := r.Append(nil)
			if err != nil {
				t.Fatalf("re-encode NegTokenResp: %v", err)
			}
			var again NegTokenResp
			if err := again.Decode(b); err != nil {
				t.Fatalf("decode re-encoded NegTokenResp: %v", err)
			}
			if diff := cmp.Diff(r, again); diff != "" {
				t.Fatalf("NegTokenResp round trip (-first +second):\n%s", diff)
			}
		}

		_, _ = ParseNegTokenInit(data)

		s := NewSPNEGO(newFuzzNTLM(t))
		s.state = spnegoStarted
		s.mechTypes = []byte{0x30, 0x00}
		_, _ = s.Step(data)

		s = NewSPNEGO(newFuzzNTLMRaw(t))
		if _, err := s.Start(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Step(validStep); err != nil {
			t.Fatal(err)
		}
		_ = s.Finish(data)
	})
}

// newFuzzNTLM returns a deterministic client that has sent its NEGOTIATE.
func newFuzzNTLM(t *testing.T) *NTLM {
	n := newFuzzNTLMRaw(t)
	if _, err := n.Start(); err != nil {
		t.Fatal(err)
	}
	return n
}

func newFuzzNTLMRaw(t *testing.T) *NTLM {
	n, err := NewNTLM(NTLMConfig{User: "u", Password: "p",
		Rand: bytes.NewReader(bytes.Repeat([]byte{7}, 24)),
		Now:  func() time.Time { return time.Unix(1700000000, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
