package auth

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The ASN.1 of [RFC 4178] 4.2, as encoding/asn1 structs. encoding/asn1
// cannot express the GSS-API [APPLICATION 0] IMPLICIT SEQUENCE with its
// ANY body, so the tests peel that layer with asn1.RawValue.
type asn1NegTokenInit struct {
	MechTypes   []asn1.ObjectIdentifier `asn1:"explicit,tag:0"`
	ReqFlags    asn1.BitString          `asn1:"explicit,optional,tag:1"`
	MechToken   []byte                  `asn1:"explicit,optional,tag:2"`
	MechListMIC []byte                  `asn1:"explicit,optional,tag:3"`
}

type asn1NegTokenResp struct {
	NegState      asn1.RawValue         `asn1:"explicit,optional,tag:0"`
	SupportedMech asn1.ObjectIdentifier `asn1:"explicit,optional,tag:1"`
	ResponseToken []byte                `asn1:"explicit,optional,tag:2"`
	MechListMIC   []byte                `asn1:"explicit,optional,tag:3"`
}

func decodeGSSNegTokenInit(t *testing.T, b []byte) asn1NegTokenInit {
	t.Helper()
	var outer asn1.RawValue
	if rest, err := asn1.Unmarshal(b, &outer); err != nil || len(rest) != 0 {
		t.Fatalf("InitialContextToken: %v, %d trailing", err, len(rest))
	}
	if outer.Class != asn1.ClassApplication || outer.Tag != 0 || !outer.IsCompound {
		t.Fatalf("InitialContextToken tag: class %d tag %d", outer.Class, outer.Tag)
	}
	var mech asn1.ObjectIdentifier
	rest, err := asn1.Unmarshal(outer.Bytes, &mech)
	if err != nil || !mech.Equal(OIDSPNEGO) {
		t.Fatalf("thisMech = %v, %v", mech, err)
	}
	var choice asn1.RawValue
	if rest, err := asn1.Unmarshal(rest, &choice); err != nil || len(rest) != 0 {
		t.Fatalf("innerContextToken: %v", err)
	}
	if choice.Class != asn1.ClassContextSpecific || choice.Tag != 0 {
		t.Fatalf("NegotiationToken choice [%d], want negTokenInit [0]", choice.Tag)
	}
	var init asn1NegTokenInit
	if rest, err := asn1.Unmarshal(choice.Bytes, &init); err != nil || len(rest) != 0 {
		t.Fatalf("NegTokenInit: %v", err)
	}
	return init
}

func decodeASN1NegTokenResp(t *testing.T, b []byte) asn1NegTokenResp {
	t.Helper()
	var choice asn1.RawValue
	if rest, err := asn1.Unmarshal(b, &choice); err != nil || len(rest) != 0 {
		t.Fatalf("NegotiationToken: %v", err)
	}
	if choice.Class != asn1.ClassContextSpecific || choice.Tag != 1 {
		t.Fatalf("NegotiationToken choice [%d], want negTokenResp [1]", choice.Tag)
	}
	var resp asn1NegTokenResp
	if rest, err := asn1.Unmarshal(choice.Bytes, &resp); err != nil || len(rest) != 0 {
		t.Fatalf("NegTokenResp: %v", err)
	}
	return resp
}

func TestSPNEGOStartToken(t *testing.T) {
	n := specNTLM(t, nil)
	s := NewSPNEGO(n)
	tok, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	neg := n.negotiate
	// Hand-written DER of [RFC 2743] 3.1 / [RFC 4178] 4.2.1.
	want := append(unhex(t, `
		60 48                                  -- [APPLICATION 0], 72 bytes
		   06 06 2b 06 01 05 05 02             -- thisMech 1.3.6.1.5.5.2
		   a0 3e                               -- negTokenInit [0]
		      30 3c                            -- SEQUENCE
		         a0 0e                         -- mechTypes [0]
		            30 0c                      -- SEQUENCE OF MechType
		               06 0a 2b 06 01 04 01 82 37 02 02 0a  -- NTLMSSP
		         a2 2a                         -- mechToken [2]
		            04 28                      -- OCTET STRING, 40 bytes`), neg...)
	if !bytes.Equal(tok, want) {
		t.Fatalf("NegTokenInit\n got %x\nwant %x", tok, want)
	}
	init := decodeGSSNegTokenInit(t, tok)
	if len(init.MechTypes) != 1 || !init.MechTypes[0].Equal(OIDNTLMSSP) || !bytes.Equal(init.MechToken, neg) {
		t.Fatalf("decoded %+v", init)
	}
	checkHex(t, "mechTypes DER for the mechListMIC", s.mechTypes, "300c060a2b06010401823702020a")
	mt, err := ParseNegTokenInit(tok)
	if err != nil || len(mt) != 1 || !mt[0].Equal(OIDNTLMSSP) {
		t.Fatalf("ParseNegTokenInit(own token) = %v, %v", mt, err)
	}
}

// A NegTokenInit2 hint as Samba sends it in the NEGOTIATE response:
// mechTypes (MS Kerberos, Kerberos, NTLMSSP) and negHints with hintName.
func TestParseNegTokenInitHint(t *testing.T) {
	hint := unhex(t, `
		60 5e 06 06 2b 06 01 05 05 02 a0 54 30 52
		   a0 24 30 22
		      06 09 2a 86 48 82 f7 12 01 02 02
		      06 09 2a 86 48 86 f7 12 01 02 02
		      06 0a 2b 06 01 04 01 82 37 02 02 0a
		   a3 2a 30 28 a0 26 1b 24`)
	hint = append(hint, "not_defined_in_RFC4178@please_ignore"...)
	got, err := ParseNegTokenInit(hint)
	if err != nil {
		t.Fatal(err)
	}
	want := []asn1.ObjectIdentifier{OIDMSKerberos, OIDKerberos5, OIDNTLMSSP}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("mechTypes (-want +got):\n%s", diff)
	}
	if got, err := ParseNegTokenInit(nil); got != nil || err != nil {
		t.Fatalf("empty hint = %v, %v", got, err)
	}
	for i := 1; i < len(hint); i++ {
		if _, err := ParseNegTokenInit(hint[:i]); !errors.Is(err, ErrMalformedToken) {
			t.Fatalf("prefix %d: %v", i, err)
		}
	}
	// A GSS token for another mechanism is not a SPNEGO hint.
	bad := bytes.Clone(hint)
	bad[9] = 3
	if _, err := ParseNegTokenInit(bad); !errors.Is(err, ErrMalformedToken) {
		t.Fatalf("non-SPNEGO thisMech: %v", err)
	}
}

// serverResp builds a server NegTokenResp.
func serverResp(t *testing.T, r NegTokenResp) []byte {
	t.Helper()
	return mustAppend(t, &r)
}

// The full SPNEGO/NTLMv2 exchange against the test acceptor, with MICs in
// both directions.
func TestSPNEGOExchange(t *testing.T) {
	srv := newTestServer(t, true)
	n, err := NewNTLM(NTLMConfig{User: "alice", Domain: "WORKGROUP", Password: "Password"})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSPNEGO(n)
	tok, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	init := decodeGSSNegTokenInit(t, tok)
	chal := srv.challengeFor(init.MechToken)

	tok, err = s.Step(serverResp(t, NegTokenResp{NegState: NegStateAcceptIncomplete, SupportedMech: OIDNTLMSSP, ResponseToken: chal}))
	if err != nil {
		t.Fatal(err)
	}
	resp := decodeASN1NegTokenResp(t, tok)
	if len(resp.NegState.FullBytes) != 0 || resp.SupportedMech != nil {
		t.Errorf("client NegTokenResp has negState %x / supportedMech %v", resp.NegState.FullBytes, resp.SupportedMech)
	}
	key := srv.accept(resp.ResponseToken, "alice", "WORKGROUP")
	mechTypes := unhex(t, "300c060a2b06010401823702020a")
	if err := srv.sec.verify(mechTypes, resp.MechListMIC); err != nil {
		t.Fatalf("server rejects the client's mechListMIC: %v", err)
	}
	final := serverResp(t, NegTokenResp{NegState: NegStateAcceptCompleted, MechListMIC: srv.sec.sign(mechTypes)})
	if err := s.Finish(final); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.SessionKey(), key) {
		t.Fatal("session keys differ")
	}
	if err := s.Finish(final); !errors.Is(err, ErrState) {
		t.Errorf("Finish twice: %v", err)
	}
}

// spnegoAfterStep runs Start and Step against the test server and returns
// the initiator, the server, and the mechTypes DER.
func spnegoAfterStep(t *testing.T) (*SPNEGO, *testServer) {
	t.Helper()
	srv := newTestServer(t, true)
	n, _ := NewNTLM(NTLMConfig{User: "u", Password: "Password"})
	s := NewSPNEGO(n)
	tok, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	chal := srv.challengeFor(decodeGSSNegTokenInit(t, tok).MechToken)
	tok, err = s.Step(serverResp(t, NegTokenResp{NegState: NegStateAcceptIncomplete, SupportedMech: OIDNTLMSSP, ResponseToken: chal}))
	if err != nil {
		t.Fatal(err)
	}
	resp := decodeASN1NegTokenResp(t, tok)
	srv.accept(resp.ResponseToken, "u", "")
	if err := srv.sec.verify(unhex(t, "300c060a2b06010401823702020a"), resp.MechListMIC); err != nil {
		t.Fatal(err)
	}
	return s, srv
}

func TestSPNEGOFinish(t *testing.T) {
	mechTypes := unhex(t, "300c060a2b06010401823702020a")
	t.Run("empty", func(t *testing.T) {
		s, _ := spnegoAfterStep(t)
		if err := s.Finish(nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("no MIC", func(t *testing.T) {
		s, _ := spnegoAfterStep(t)
		if err := s.Finish(serverResp(t, NegTokenResp{NegState: NegStateAcceptCompleted})); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("bad MIC", func(t *testing.T) {
		s, srv := spnegoAfterStep(t)
		mic := srv.sec.sign(mechTypes)
		mic[4] ^= 0x80
		err := s.Finish(serverResp(t, NegTokenResp{NegState: NegStateAcceptCompleted, MechListMIC: mic}))
		if !errors.Is(err, ErrBadMIC) {
			t.Fatalf("%v, want ErrBadMIC", err)
		}
	})
	t.Run("MIC over other data", func(t *testing.T) {
		s, srv := spnegoAfterStep(t)
		err := s.Finish(serverResp(t, NegTokenResp{NegState: NegStateAcceptCompleted, MechListMIC: srv.sec.sign([]byte("other"))}))
		if !errors.Is(err, ErrBadMIC) {
			t.Fatalf("%v, want ErrBadMIC", err)
		}
	})
	t.Run("reject", func(t *testing.T) {
		s, _ := spnegoAfterStep(t)
		if err := s.Finish(serverResp(t, NegTokenResp{NegState: NegStateReject})); !errors.Is(err, ErrRejected) {
			t.Fatalf("%v, want ErrRejected", err)
		}
	})
	t.Run("incomplete", func(t *testing.T) {
		s, _ := spnegoAfterStep(t)
		if err := s.Finish(serverResp(t, NegTokenResp{NegState: NegStateAcceptIncomplete})); !errors.Is(err, ErrMalformedToken) {
			t.Fatalf("%v, want ErrMalformedToken", err)
		}
	})
	t.Run("garbage", func(t *testing.T) {
		s, _ := spnegoAfterStep(t)
		if err := s.Finish([]byte{0xa1, 0x03, 0x30, 0x01}); !errors.Is(err, ErrMalformedToken) {
			t.Fatalf("%v, want ErrMalformedToken", err)
		}
	})
}

func TestSPNEGOStepErrors(t *testing.T) {
	start := func() *SPNEGO {
		s := NewSPNEGO(specNTLM(t, nil))
		if _, err := s.Start(); err != nil {
			t.Fatal(err)
		}
		return s
	}
	chal := unhex(t, specChallengeV2)
	for name, tc := range map[string]struct {
		tok  []byte
		want error
	}{
		"reject":     {serverResp(t, NegTokenResp{NegState: NegStateReject}), ErrRejected},
		"other mech": {serverResp(t, NegTokenResp{NegState: NegStateAcceptIncomplete, SupportedMech: OIDKerberos5, ResponseToken: chal}), ErrMalformedToken},
		"no token":   {serverResp(t, NegTokenResp{NegState: NegStateAcceptIncomplete, SupportedMech: OIDNTLMSSP}), ErrMalformedToken},
		"completed":  {serverResp(t, NegTokenResp{NegState: NegStateAcceptCompleted}), ErrMalformedToken},
		"bad ntlm":   {serverResp(t, NegTokenResp{NegState: NegStateAcceptIncomplete, ResponseToken: []byte("NTLMSSP")}), ErrMalformedToken},
		"wrapped":    {mustAppend(t, &NegTokenInit{MechTypes: []asn1.ObjectIdentifier{OIDNTLMSSP}}), ErrMalformedToken},
		"empty":      {nil, ErrMalformedToken},
	} {
		if _, err := start().Step(tc.tok); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	if _, err := NewSPNEGO(specNTLM(t, nil)).Step(nil); !errors.Is(err, ErrState) {
		t.Errorf("Step before Start: %v", err)
	}
	s := start()
	if _, err := s.Start(); !errors.Is(err, ErrState) {
		t.Errorf("Start twice: %v", err)
	}
}

func TestSPNEGOAnonymous(t *testing.T) {
	srv := newTestServer(t, true)
	n, _ := NewNTLM(NTLMConfig{Anonymous: true})
	s := NewSPNEGO(n)
	tok, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	chal := srv.challengeFor(decodeGSSNegTokenInit(t, tok).MechToken)
	tok, err = s.Step(serverResp(t, NegTokenResp{NegState: NegStateAcceptIncomplete, SupportedMech: OIDNTLMSSP, ResponseToken: chal}))
	if err != nil {
		t.Fatal(err)
	}
	if resp := decodeASN1NegTokenResp(t, tok); resp.MechListMIC != nil {
		t.Error("anonymous logon sent a mechListMIC")
	}
	if err := s.Finish(serverResp(t, NegTokenResp{NegState: NegStateAcceptCompleted})); err != nil {
		t.Fatal(err)
	}
	if s.SessionKey() != nil {
		t.Error("anonymous session key")
	}
}

func TestNegTokenRespCodec(t *testing.T) {
	for _, r := range []NegTokenResp{
		{NegState: NegStateAbsent},
		{NegState: NegStateAcceptCompleted, MechListMIC: []byte{1, 2, 3}},
		{NegState: NegStateAcceptIncomplete, SupportedMech: OIDNTLMSSP, ResponseToken: bytes.Repeat([]byte{7}, 300)},
		{NegState: NegStateRequestMIC, ResponseToken: []byte{}, MechListMIC: bytes.Repeat([]byte{9}, 70000)},
	} {
		b := mustAppend(t, &r)
		if len(b) != r.Size() {
			t.Errorf("Size %d, Append %d", r.Size(), len(b))
		}
		var got NegTokenResp
		if err := got.Decode(b); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		a := decodeASN1NegTokenResp(t, b)
		if !bytes.Equal(a.ResponseToken, r.ResponseToken) || !bytes.Equal(a.MechListMIC, r.MechListMIC) {
			t.Errorf("encoding/asn1 reads different fields")
		}
		if r.NegState != NegStateAbsent {
			var e asn1.Enumerated
			if _, err := asn1.Unmarshal(a.NegState.Bytes, &e); err != nil || int(e) != int(r.NegState) {
				t.Errorf("negState via encoding/asn1 = %v, %v", e, err)
			}
		}
		for i := range len(b) {
			if err := got.Decode(b[:i]); !errors.Is(err, ErrMalformedToken) {
				t.Fatalf("prefix %d of %d: %v", i, len(b), err)
			}
		}
	}
	// Fields must be in order and unique; negState must be 0..3.
	for name, b := range map[string]string{
		"order":    "a10a3008a2020400a0020a0100",
		"repeat":   "a1083006a2020400a20204 00",
		"negState": "a1073005a0030a0109",
		"unknown":  "a1063004a4020400",
		"trailing": "a1023000 00",
		"indef":    "a180300000000000",
	} {
		var r NegTokenResp
		if err := r.Decode(unhex(t, b)); !errors.Is(err, ErrMalformedToken) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
