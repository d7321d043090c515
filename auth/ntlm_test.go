package auth

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The [MS-NLMP] 4.2.4.3 CHALLENGE_MESSAGE.
const specChallengeV2 = "4e544c4d53535000020000000c000c003800000033828ae2" +
	"0123456789abcdef00000000000000002400240044000000" +
	"060070170000000f530065007200760065007200" +
	"02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000"

// The [MS-NLMP] 4.2.4.3 AUTHENTICATE_MESSAGE.
const specAuthenticateV2 = "4e544c4d5353500003000000180018006c00000054005400840000000c000c00" +
	"480000000800080054000000100010005c00000010001000d8000000358288e2" +
	"0501280a0000000f44006f006d00610069006e00550073006500720043004f00" +
	"4d005000550054004500520086c35097ac9cec102554764a57cccc19aaaaaaaa" +
	"aaaaaaaa68cd0ab851e51c96aabc927bebef6a1c010100000000000000000000" +
	"00000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e00" +
	"01000c005300650072007600650072000000000000000000c5dad2544fc97990" +
	"94ce1ce90bc9d03e"

// specNTLM returns a client with the 4.2.1 inputs: the client challenge
// and then the random session key come from Rand, the clock reads
// FILETIME 0.
func specNTLM(t *testing.T, mod func(*NTLMConfig)) *NTLM {
	t.Helper()
	cfg := NTLMConfig{
		User: "User", Domain: "Domain", Password: "Password", Workstation: "COMPUTER",
		Rand: bytes.NewReader(append(bytes.Clone(specClientChallenge), specRandomSessionKey...)),
		Now:  func() time.Time { return fromFiletime(0) },
	}
	if mod != nil {
		mod(&cfg)
	}
	n, err := NewNTLM(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The whole 4.2.4 exchange, byte for byte: with the spec's CHALLENGE (no
// MsvAvTimestamp, so no MIC and a real LMv2 response), the spec's Version,
// and the payload order of the example.
func TestNTLMv2SpecAuthenticateMessage(t *testing.T) {
	n := specNTLM(t, nil)
	n.version = Version{Major: 5, Minor: 1, Build: 2600, NTLMRevision: 15}
	neg, err := n.Start()
	if err != nil {
		t.Fatal(err)
	}
	var nm NegotiateMessage
	if err := nm.Decode(neg); err != nil {
		t.Fatal(err)
	}
	if nm.Flags != clientFlags {
		t.Errorf("NEGOTIATE flags = %v, want %v", nm.Flags, clientFlags)
	}
	auth, err := n.Step(unhex(t, specChallengeV2))
	if err != nil {
		t.Fatal(err)
	}
	if want := unhex(t, specAuthenticateV2); !bytes.Equal(auth, want) {
		var got, exp AuthenticateMessage
		_ = got.Decode(auth)
		_ = exp.Decode(want)
		t.Fatalf("AUTHENTICATE differs from 4.2.4.3 (-want +got):\n%s", cmp.Diff(exp, got))
	}
	checkHex(t, "exported session key", n.SessionKey(), "55555555555555555555555555555555")
	want := ServerInfo{
		TargetName:          "Server",
		NetBIOSComputerName: "Server",
		NetBIOSDomainName:   "Domain",
		Flags:               0xe28a8233,
		Version:             Version{Major: 6, Minor: 0, Build: 6000, NTLMRevision: 15},
	}
	if diff := cmp.Diff(want, n.ServerInfo()); diff != "" {
		t.Errorf("ServerInfo (-want +got):\n%s", diff)
	}
	if _, err := n.Step(unhex(t, specChallengeV2)); !errors.Is(err, ErrState) {
		t.Errorf("second Step: %v, want ErrState", err)
	}
}

// testServer is a minimal NTLM acceptor for the tests: it checks an
// AUTHENTICATE the way a server does ([MS-NLMP] 3.2.5.1.2) using only the
// password, and keeps the server side of session security.
type testServer struct {
	t         *testing.T
	password  string
	challenge ChallengeMessage
	negotiate []byte
	chalBytes []byte
	sec       *sessionSecurity // directions mirrored: sign = server-to-client
	auth      AuthenticateMessage
	blobPairs []AVPair
}

var testTimestamp = binary.LittleEndian.AppendUint64(nil, 133500000000000000) // 2024-01-18

func newTestServer(t *testing.T, withTimestamp bool) *testServer {
	pairs := []AVPair{
		{AvNbDomainName, utf16le("WORKGROUP")},
		{AvNbComputerName, utf16le("SRV")},
		{AvDNSDomainName, utf16le("example.test")},
		{AvDNSComputerName, utf16le("srv.example.test")},
	}
	if withTimestamp {
		pairs = append(pairs, AVPair{AvTimestamp, testTimestamp})
	}
	s := &testServer{t: t, password: "Password"}
	s.challenge = ChallengeMessage{
		TargetName: utf16le("WORKGROUP"),
		Flags: FlagUnicode | FlagRequestTarget | FlagSign | FlagSeal | FlagNTLM | FlagAlwaysSign |
			FlagTargetTypeServer | FlagExtendedSessionSecurity | FlagTargetInfo | FlagVersion |
			Flag128 | FlagKeyExch | Flag56,
		ServerChallenge: [8]byte{1, 2, 3, 4, 5, 6, 7, 8},
		TargetInfo:      AppendAVPairs(nil, pairs),
		Version:         Version{10, 0, 20348, 15},
	}
	return s
}

func (s *testServer) challengeFor(negotiate []byte) []byte {
	s.t.Helper()
	var nm NegotiateMessage
	if err := nm.Decode(negotiate); err != nil {
		s.t.Fatalf("server: %v", err)
	}
	s.negotiate = bytes.Clone(negotiate)
	b, err := s.challenge.Append(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	s.chalBytes = b
	return b
}

// accept verifies an NTLMv2 AUTHENTICATE and returns the exported key.
func (s *testServer) accept(authBytes []byte, user, domain string) []byte {
	t := s.t
	t.Helper()
	a := &s.auth
	if err := a.Decode(authBytes); err != nil {
		t.Fatalf("server: %v", err)
	}
	if got := fromUTF16le(a.UserName); got != user {
		t.Fatalf("server: user %q", got)
	}
	nt := a.NtChallengeResponse
	if len(nt) < 16+28+4 {
		t.Fatalf("server: NT response is %d bytes", len(nt))
	}
	respKey := ntowfv2(ntowfv1(s.password), user, domain)
	blob := nt[16:]
	if proof := hmacMD5(respKey, s.challenge.ServerChallenge[:], blob); !bytes.Equal(proof, nt[:16]) {
		t.Fatal("server: NTProofStr does not verify")
	}
	pairs, err := ParseAVPairs(blob[28:])
	if err != nil {
		t.Fatalf("server: blob AV pairs: %v", err)
	}
	s.blobPairs = pairs
	if !bytes.Equal(blob[len(blob)-4:], []byte{0, 0, 0, 0}) || !bytes.Equal(blob[24:28], []byte{0, 0, 0, 0}) {
		t.Fatal("server: blob lacks its Z(4) fields")
	}
	sbk := hmacMD5(respKey, nt[:16])
	exported := sbk
	if a.Flags&FlagKeyExch != 0 {
		exported = rc4K(sbk, a.EncryptedRandomSessionKey)
	}
	if a.MIC != nil {
		zeroed := bytes.Clone(authBytes)
		copy(zeroed[micOffset:micOffset+16], make([]byte, 16))
		if want := hmacMD5(exported, s.negotiate, s.chalBytes, zeroed); !bytes.Equal(want, a.MIC) {
			t.Fatal("server: MIC does not verify")
		}
	}
	c := newSessionSecurity(a.Flags, exported)
	s.sec = &sessionSecurity{keyExch: c.keyExch,
		clientSignKey: c.serverSignKey, serverSignKey: c.clientSignKey,
		clientSeal: c.serverSeal, serverSeal: c.clientSeal}
	return exported
}

func TestNTLMv2ExchangeWithMIC(t *testing.T) {
	srv := newTestServer(t, true)
	key := bytes.Repeat([]byte{0x42}, 16)
	n, err := NewNTLM(NTLMConfig{User: "alice", Domain: "WORKGROUP", Password: "Password", Workstation: "CLIENT",
		Rand: bytes.NewReader(append(bytes.Repeat([]byte{0xcc}, 8), key...))})
	if err != nil {
		t.Fatal(err)
	}
	neg, err := n.Start()
	if err != nil {
		t.Fatal(err)
	}
	authBytes, err := n.Step(srv.challengeFor(neg))
	if err != nil {
		t.Fatal(err)
	}
	exported := srv.accept(authBytes, "alice", "WORKGROUP")
	if !bytes.Equal(exported, key) || !bytes.Equal(n.SessionKey(), key) {
		t.Fatalf("exported key: server %x client %x, want %x", exported, n.SessionKey(), key)
	}
	a := srv.auth
	if a.MIC == nil {
		t.Fatal("no MIC although the server sent MsvAvTimestamp")
	}
	if !bytes.Equal(a.LmChallengeResponse, make([]byte, 24)) {
		t.Errorf("LmChallengeResponse = %x, want Z(24) when a MIC is sent", a.LmChallengeResponse)
	}
	// The blob echoes the server's pairs, its timestamp, and MsvAvFlags
	// with the MIC bit.
	if ts, _ := findAV(srv.blobPairs, AvTimestamp); !bytes.Equal(ts, testTimestamp) {
		t.Errorf("blob timestamp %x, want the server's %x", ts, testTimestamp)
	}
	if !bytes.Equal(a.NtChallengeResponse[24:32], testTimestamp) { // NTProofStr(16), 0x0101, Z(6), Time
		t.Errorf("temp.Time is not the server's timestamp")
	}
	if f, ok := findAV(srv.blobPairs, AvFlags); !ok || binary.LittleEndian.Uint32(f)&AvFlagMICPresent == 0 {
		t.Errorf("MsvAvFlags = %x, %v; want the MIC-present bit", f, ok)
	}
	if name, _ := findAV(srv.blobPairs, AvDNSComputerName); fromUTF16le(name) != "srv.example.test" {
		t.Errorf("blob lost server AV pairs: %v", srv.blobPairs)
	}
	if got := n.ServerInfo(); got.DNSComputerName != "srv.example.test" || got.Timestamp.Year() != 2024 || got.TargetName != "WORKGROUP" {
		t.Errorf("ServerInfo = %+v", got)
	}

	// MIC / VerifyMIC in both directions, with the sequence numbers and
	// RC4 state advancing.
	for i := range 3 {
		msg := []byte{byte(i), 'x'}
		mic, err := n.MIC(msg)
		if err != nil {
			t.Fatal(err)
		}
		if got := binary.LittleEndian.Uint32(mic[12:]); got != uint32(i) {
			t.Errorf("MIC %d SeqNum = %d", i, got)
		}
		if err := srv.sec.verify(msg, mic); err != nil {
			t.Fatalf("server rejects client MIC %d: %v", i, err)
		}
		smic := srv.sec.sign(msg)
		bad := bytes.Clone(smic)
		bad[5] ^= 1
		if err := n.VerifyMIC(msg, bad); !errors.Is(err, ErrBadMIC) {
			t.Fatalf("tampered MIC: %v, want ErrBadMIC", err)
		}
		if err := n.VerifyMIC(msg, smic); err != nil {
			t.Fatalf("server MIC %d after a failed check: %v", i, err)
		}
	}
	if err := n.VerifyMIC([]byte("x"), []byte{1}); !errors.Is(err, ErrBadMIC) {
		t.Errorf("short MIC: %v", err)
	}
}

// Without MsvAvTimestamp the client uses its own clock and sends no MIC.
func TestNTLMv2NoTimestampUsesNow(t *testing.T) {
	srv := newTestServer(t, false)
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	n, err := NewNTLM(NTLMConfig{User: "bob", Password: "Password", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	neg, _ := n.Start()
	authBytes, err := n.Step(srv.challengeFor(neg))
	if err != nil {
		t.Fatal(err)
	}
	srv.accept(authBytes, "bob", "")
	a := srv.auth
	if a.MIC != nil {
		t.Error("MIC sent without a server timestamp")
	}
	if ts := binary.LittleEndian.Uint64(a.NtChallengeResponse[24:]); ts != toFiletime(now) {
		t.Errorf("temp.Time = %d, want %d", ts, toFiletime(now))
	}
	if _, ok := findAV(srv.blobPairs, AvFlags); ok {
		t.Error("MsvAvFlags added without a MIC")
	}
	if len(a.LmChallengeResponse) != 24 || bytes.Equal(a.LmChallengeResponse, make([]byte, 24)) {
		t.Errorf("LmChallengeResponse = %x, want LMv2", a.LmChallengeResponse)
	}
}

func TestNTLMPassTheHashAndPasswordFunc(t *testing.T) {
	for name, cfg := range map[string]NTLMConfig{
		"NTHash":       {User: "u", NTHash: ntowfv1("Password")},
		"PasswordFunc": {User: "u", PasswordFunc: func() (string, error) { return "Password", nil }},
	} {
		t.Run(name, func(t *testing.T) {
			srv := newTestServer(t, true)
			n, err := NewNTLM(cfg)
			if err != nil {
				t.Fatal(err)
			}
			neg, _ := n.Start()
			a, err := n.Step(srv.challengeFor(neg))
			if err != nil {
				t.Fatal(err)
			}
			if key := srv.accept(a, "u", ""); !bytes.Equal(key, n.SessionKey()) {
				t.Fatal("keys differ")
			}
		})
	}
	boom := errors.New("boom")
	n, _ := NewNTLM(NTLMConfig{User: "u", PasswordFunc: func() (string, error) { return "", boom }})
	neg, _ := n.Start()
	if _, err := n.Step(newTestServer(t, true).challengeFor(neg)); !errors.Is(err, boom) {
		t.Fatalf("PasswordFunc error: %v", err)
	}
	if n.SessionKey() != nil {
		t.Fatal("session key after a failed Step")
	}
}

func TestNTLMv1ESSExchange(t *testing.T) {
	srv := newTestServer(t, true)
	cc := bytes.Repeat([]byte{0xaa}, 8)
	n, err := NewNTLM(NTLMConfig{User: "User", Password: "Password", NTLMv1: true,
		Rand: bytes.NewReader(append(bytes.Clone(cc), specRandomSessionKey...))})
	if err != nil {
		t.Fatal(err)
	}
	neg, _ := n.Start()
	srv.challenge.ServerChallenge = [8]byte(specServerChallenge)
	b, err := n.Step(srv.challengeFor(neg))
	if err != nil {
		t.Fatal(err)
	}
	var a AuthenticateMessage
	if err := a.Decode(b); err != nil {
		t.Fatal(err)
	}
	// With the 4.2.1 challenges the responses are those of 4.2.3.
	checkHex(t, "LM", a.LmChallengeResponse, "aaaaaaaaaaaaaaaa00000000000000000000000000000000")
	checkHex(t, "NT", a.NtChallengeResponse, "7537f803ae367128ca458204bde7caf81e97ed2683267232")
	checkHex(t, "EncryptedRandomSessionKey", a.EncryptedRandomSessionKey,
		bytesHex(rc4K(unhex(t, "eb93429a8bd952f8b89c55b87f475edc"), specRandomSessionKey)))
	if a.MIC != nil {
		t.Error("NTLMv1 sent a MIC")
	}
	if !bytes.Equal(n.SessionKey(), specRandomSessionKey) {
		t.Errorf("session key %x", n.SessionKey())
	}
	if _, err := n.MIC([]byte("x")); err != nil {
		t.Error(err)
	}

	// NTLMv1 is only done with extended session security.
	srv = newTestServer(t, true)
	srv.challenge.Flags &^= FlagExtendedSessionSecurity
	n, _ = NewNTLM(NTLMConfig{User: "User", Password: "Password", NTLMv1: true})
	neg, _ = n.Start()
	if _, err := n.Step(srv.challengeFor(neg)); !errors.Is(err, ErrNegotiation) {
		t.Fatalf("without ESS: %v, want ErrNegotiation", err)
	}
}

func bytesHex(b []byte) string { return string(appendHex(nil, b)) }

func appendHex(dst, b []byte) []byte {
	const digits = "0123456789abcdef"
	for _, c := range b {
		dst = append(dst, digits[c>>4], digits[c&15])
	}
	return dst
}

func TestNTLMAnonymous(t *testing.T) {
	srv := newTestServer(t, true)
	n, err := NewNTLM(NTLMConfig{Anonymous: true, Workstation: "CLIENT"})
	if err != nil {
		t.Fatal(err)
	}
	neg, _ := n.Start()
	var nm NegotiateMessage
	if err := nm.Decode(neg); err != nil {
		t.Fatal(err)
	}
	if nm.Flags&FlagAnonymous == 0 {
		t.Error("NEGOTIATE lacks NTLMSSP_NEGOTIATE_ANONYMOUS")
	}
	b, err := n.Step(srv.challengeFor(neg))
	if err != nil {
		t.Fatal(err)
	}
	var a AuthenticateMessage
	if err := a.Decode(b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.LmChallengeResponse, []byte{0}) || len(a.NtChallengeResponse) != 0 {
		t.Errorf("LM %x NT %x, want Z(1) and empty", a.LmChallengeResponse, a.NtChallengeResponse)
	}
	if len(a.UserName) != 0 || len(a.DomainName) != 0 || a.MIC != nil {
		t.Errorf("user %q domain %q MIC %x", a.UserName, a.DomainName, a.MIC)
	}
	if a.Flags&FlagAnonymous == 0 {
		t.Error("AUTHENTICATE lacks NTLMSSP_NEGOTIATE_ANONYMOUS")
	}
	if a.Flags&FlagKeyExch != 0 && len(a.EncryptedRandomSessionKey) != 16 {
		t.Error("KEY_EXCH without a 16-byte EncryptedRandomSessionKey")
	}
	if n.SessionKey() != nil {
		t.Errorf("anonymous session key %x", n.SessionKey())
	}
	if _, err := n.MIC([]byte("x")); !errors.Is(err, ErrNoSessionKey) {
		t.Errorf("anonymous MIC: %v", err)
	}
	if err := n.VerifyMIC([]byte("x"), make([]byte, 16)); !errors.Is(err, ErrNoSessionKey) {
		t.Errorf("anonymous VerifyMIC: %v", err)
	}
}

func TestNTLMConfigErrors(t *testing.T) {
	for name, cfg := range map[string]NTLMConfig{
		"no user":            {Password: "x"},
		"short hash":         {User: "u", NTHash: []byte{1, 2}},
		"hash and password":  {User: "u", Password: "p", NTHash: make([]byte, 16)},
		"func and password":  {User: "u", Password: "p", PasswordFunc: func() (string, error) { return "", nil }},
		"anonymous and user": {Anonymous: true, User: "u"},
		"anonymous and hash": {Anonymous: true, NTHash: make([]byte, 16)},
	} {
		if _, err := NewNTLM(cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		}
	}
	if _, err := NewNTLM(NTLMConfig{User: "u"}); err != nil {
		t.Errorf("empty password: %v", err)
	}
}

func TestNTLMStateErrors(t *testing.T) {
	n := specNTLM(t, nil)
	if _, err := n.Step(unhex(t, specChallengeV2)); !errors.Is(err, ErrState) {
		t.Errorf("Step before Start: %v", err)
	}
	if _, err := n.MIC(nil); !errors.Is(err, ErrNoSessionKey) {
		t.Errorf("MIC before Step: %v", err)
	}
	if n.SessionKey() != nil {
		t.Error("session key before Step")
	}
	n.Start()
	if _, err := n.Start(); !errors.Is(err, ErrState) {
		t.Errorf("Start twice: %v", err)
	}
}

func TestNTLMStepFailures(t *testing.T) {
	noUnicode := newTestServer(t, true)
	noUnicode.challenge.Flags = noUnicode.challenge.Flags&^FlagUnicode | FlagOEM
	for name, tc := range map[string]struct {
		chal []byte
		want error
	}{
		"garbage":    {[]byte("hello"), ErrMalformedToken},
		"negotiate":  {mustAppend(t, &NegotiateMessage{Flags: clientFlags}), ErrMalformedToken},
		"no unicode": {noUnicode.challengeFor(mustAppend(t, &NegotiateMessage{})), ErrNegotiation},
		"bad avpair": {mustAppend(t, &ChallengeMessage{Flags: FlagUnicode | FlagExtendedSessionSecurity | FlagTargetInfo, TargetInfo: []byte{7, 0, 3, 0, 1, 2, 3, 0, 0, 0, 0}}), ErrMalformedToken},
		"no eol":     {mustAppend(t, &ChallengeMessage{Flags: FlagUnicode | FlagExtendedSessionSecurity | FlagTargetInfo, TargetInfo: []byte{1, 0, 2, 0, 'a', 0}}), ErrMalformedToken},
	} {
		n := specNTLM(t, nil)
		n.Start()
		_, err := n.Step(tc.chal)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
		if _, err := n.Step(unhex(t, specChallengeV2)); !errors.Is(err, ErrState) {
			t.Errorf("%s: Step after failure: %v", name, err)
		}
	}
	// A short read from Rand is an error, not a weak key.
	n := specNTLM(t, func(c *NTLMConfig) { c.Rand = bytes.NewReader([]byte{1, 2, 3}) })
	n.Start()
	if _, err := n.Step(unhex(t, specChallengeV2)); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short Rand: %v", err)
	}
}

type appender interface {
	Append([]byte) ([]byte, error)
	Size() int
}

func mustAppend(t *testing.T, m appender) []byte {
	t.Helper()
	b, err := m.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
