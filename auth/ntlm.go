package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/asn1"
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// NTLMConfig configures an NTLM client.
type NTLMConfig struct {
	User, Domain, Workstation string

	// The secret: exactly one of Password (possibly empty),
	// PasswordFunc, or NTHash. PasswordFunc, when set, is called once,
	// when the CHALLENGE arrives.
	Password     string
	PasswordFunc func() (string, error)
	NTHash       []byte // 16 bytes, MD4(UTF-16LE(password)): pass-the-hash

	// Anonymous requests a null session: empty user, empty LM/NT
	// responses, NTLMSSP_NEGOTIATE_ANONYMOUS. User and secrets must be
	// empty.
	Anonymous bool

	// NTLMv1 opts into NTLMv1, always with extended session security
	// (pysmb's use_ntlm_v2=False). The default is NTLMv2.
	NTLMv1 bool

	// Rand supplies the client challenge and the exported session key;
	// nil means crypto/rand.
	Rand io.Reader
	// Now is the clock for the NTLMv2 timestamp, used only when the
	// server's CHALLENGE has no MsvAvTimestamp; nil means time.Now.
	Now func() time.Time
}

// ServerInfo is what the server told about itself in its CHALLENGE.
type ServerInfo struct {
	// TargetName is the CHALLENGE TargetName: the server's domain, or
	// its computer name for a standalone server.
	TargetName string
	// From the target info AV pairs; empty when absent.
	NetBIOSComputerName string
	NetBIOSDomainName   string
	DNSComputerName     string
	DNSDomainName       string
	DNSTreeName         string
	// Timestamp is MsvAvTimestamp, the zero Time when absent.
	Timestamp time.Time
	// Flags are the server's NegotiateFlags as sent.
	Flags NegotiateFlags
	// Version is the server's VERSION, zero when absent.
	Version Version
}

type ntlmState int

const (
	ntlmInitial ntlmState = iota
	ntlmSentNegotiate
	ntlmDone
	ntlmFailed
)

// NTLM is an NTLMSSP client ([MS-NLMP]). It implements Mechanism.
type NTLM struct {
	cfg     NTLMConfig
	rand    io.Reader
	now     func() time.Time
	version Version // sent in NEGOTIATE and AUTHENTICATE

	state     ntlmState
	negotiate []byte         // the NEGOTIATE_MESSAGE as sent, for the MIC
	flags     NegotiateFlags // negotiated, as sent in AUTHENTICATE
	info      ServerInfo
	key       []byte // exported session key; nil for anonymous
	sec       *sessionSecurity
}

var _ Mechanism = (*NTLM)(nil)

// NewNTLM returns an NTLM client for cfg.
func NewNTLM(cfg NTLMConfig) (*NTLM, error) {
	if cfg.Anonymous {
		if cfg.User != "" || cfg.Domain != "" || cfg.Password != "" || cfg.PasswordFunc != nil || cfg.NTHash != nil {
			return nil, fmt.Errorf("%w: Anonymous with a user or secret", ErrConfig)
		}
	} else {
		if cfg.User == "" {
			return nil, fmt.Errorf("%w: empty User (set Anonymous for a null session)", ErrConfig)
		}
		if cfg.NTHash != nil && len(cfg.NTHash) != 16 {
			return nil, fmt.Errorf("%w: NTHash is %d bytes, want 16", ErrConfig, len(cfg.NTHash))
		}
		n := 0
		for _, set := range []bool{cfg.Password != "", cfg.PasswordFunc != nil, cfg.NTHash != nil} {
			if set {
				n++
			}
		}
		if n > 1 {
			return nil, fmt.Errorf("%w: more than one of Password, PasswordFunc, NTHash", ErrConfig)
		}
	}
	cfg.NTHash = bytes.Clone(cfg.NTHash)
	n := &NTLM{cfg: cfg, rand: cfg.Rand, now: cfg.Now, version: clientVersion}
	if n.rand == nil {
		n.rand = rand.Reader
	}
	if n.now == nil {
		n.now = time.Now
	}
	return n, nil
}

// OID returns the NTLMSSP mechanism OID 1.3.6.1.4.1.311.2.2.10.
func (n *NTLM) OID() asn1.ObjectIdentifier { return OIDNTLMSSP }

// Start returns the NEGOTIATE_MESSAGE.
func (n *NTLM) Start() ([]byte, error) {
	if n.state != ntlmInitial {
		return nil, fmt.Errorf("%w: NTLM Start called twice", ErrState)
	}
	flags := clientFlags
	if n.cfg.Anonymous {
		flags |= FlagAnonymous
	}
	m := NegotiateMessage{Flags: flags, Version: n.version}
	b, err := m.Append(nil)
	if err != nil {
		n.state = ntlmFailed
		return nil, err
	}
	n.negotiate = b
	n.state = ntlmSentNegotiate
	return bytes.Clone(b), nil
}

// Step consumes the CHALLENGE_MESSAGE and returns the
// AUTHENTICATE_MESSAGE. See [MS-NLMP] 3.1.5.1.2.
func (n *NTLM) Step(serverToken []byte) ([]byte, error) {
	if n.state != ntlmSentNegotiate {
		return nil, fmt.Errorf("%w: NTLM Step without a pending NEGOTIATE", ErrState)
	}
	out, err := n.authenticate(serverToken)
	if err != nil {
		n.state = ntlmFailed
		n.key, n.sec = nil, nil
		return nil, err
	}
	n.state = ntlmDone
	return out, nil
}

// Done reports whether the AUTHENTICATE_MESSAGE has been produced: the
// exchange is over on the client's side (Completer).
func (n *NTLM) Done() bool { return n.state == ntlmDone }

func (n *NTLM) authenticate(challenge []byte) ([]byte, error) {
	var ch ChallengeMessage
	if err := ch.Decode(challenge); err != nil {
		return nil, err
	}
	var pairs []AVPair
	if len(ch.TargetInfo) > 0 {
		var err error
		if pairs, err = ParseAVPairs(ch.TargetInfo); err != nil {
			return nil, err
		}
	}
	n.info = serverInfo(&ch, pairs)

	// The negotiated flags are what we asked for and the server agreed
	// to; REQUEST_TARGET and ANONYMOUS are requests, kept as sent.
	ours := clientFlags
	if n.cfg.Anonymous {
		ours |= FlagAnonymous
	}
	n.flags = ours & (ch.Flags | FlagRequestTarget | FlagAnonymous)
	if n.flags&FlagUnicode == 0 {
		return nil, fmt.Errorf("%w: NTLMSSP_NEGOTIATE_UNICODE", ErrNegotiation)
	}
	if !n.cfg.Anonymous && n.flags&FlagExtendedSessionSecurity == 0 {
		// NTLMv1 without it is the DES-on-the-server-challenge variant;
		// NTLMv2 without it has no HMAC-based session security.
		return nil, fmt.Errorf("%w: NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY", ErrNegotiation)
	}

	auth := AuthenticateMessage{
		Flags:       n.flags,
		DomainName:  utf16le(n.cfg.Domain),
		UserName:    utf16le(n.cfg.User),
		Workstation: utf16le(n.cfg.Workstation),
		Version:     n.version,
	}
	var keyExchangeKey []byte
	useMIC := false
	switch {
	case n.cfg.Anonymous:
		// [MS-NLMP] 3.3.1/3.3.2: for anonymous authentication the
		// NtChallengeResponse is empty and LmChallengeResponse is Z(1).
		auth.LmChallengeResponse = []byte{0}
		// There is no password-derived key. Like Samba's client we still
		// run key exchange (under Z(16)) when KEY_EXCH was negotiated, so
		// servers find the 16-byte EncryptedRandomSessionKey they expect;
		// the resulting key is not exported.
		keyExchangeKey = make([]byte, 16)
	case n.cfg.NTLMv1:
		ntHash, err := n.ntHash()
		if err != nil {
			return nil, err
		}
		cc, err := n.random(8)
		if err != nil {
			return nil, err
		}
		auth.LmChallengeResponse, auth.NtChallengeResponse, keyExchangeKey =
			ntlmv1ESS(ntHash, ch.ServerChallenge[:], cc)
	default:
		ntHash, err := n.ntHash()
		if err != nil {
			return nil, err
		}
		cc, err := n.random(8)
		if err != nil {
			return nil, err
		}
		// "If the CHALLENGE_MESSAGE TargetInfo field (section 2.2.1.2) has
		// an MsvAvTimestamp present, the client SHOULD provide a MIC", and
		// Time is that timestamp, else the current time. [MS-NLMP] 3.1.5.
		var ts uint64
		if v, ok := findAV(pairs, AvTimestamp); ok {
			ts = binary.LittleEndian.Uint64(v)
			useMIC = true
			pairs = withMICFlag(pairs)
		} else {
			ts = toFiletime(n.now())
		}
		temp := ntlmv2Temp(ts, cc, AppendAVPairs(nil, pairs))
		nt, lm, sessionBaseKey := ntlmv2(ntowfv2(ntHash, n.cfg.User, n.cfg.Domain), ch.ServerChallenge[:], cc, temp)
		auth.NtChallengeResponse = nt
		if useMIC {
			// [MS-NLMP] 3.3.2: with an MsvAvTimestamp from the server the
			// client sends Z(24) in place of the LMv2 response (which the
			// MIC-less 4.2.4 example still carries).
			auth.LmChallengeResponse = make([]byte, 24)
		} else {
			auth.LmChallengeResponse = lm
		}
		keyExchangeKey = sessionBaseKey // KXKEY for NTLMv2, [MS-NLMP] 3.4.5.1
	}

	exported := keyExchangeKey
	if n.flags&FlagKeyExch != 0 {
		var err error
		if exported, err = n.random(16); err != nil {
			return nil, err
		}
		auth.EncryptedRandomSessionKey = rc4K(keyExchangeKey, exported)
	}
	if useMIC {
		auth.MIC = make([]byte, 16)
	}
	out, err := auth.Append(nil)
	if err != nil {
		return nil, err
	}
	if useMIC {
		// MIC = HMAC_MD5(ExportedSessionKey, ConcatenationOf(
		// NEGOTIATE_MESSAGE, CHALLENGE_MESSAGE, AUTHENTICATE_MESSAGE)) with
		// the MIC field zero. [MS-NLMP] 3.1.5.1.2.
		copy(out[micOffset:], hmacMD5(exported, n.negotiate, challenge, out))
	}
	if !n.cfg.Anonymous {
		n.key = exported
		n.sec = newSessionSecurity(n.flags, exported)
	}
	return out, nil
}

// withMICFlag returns pairs with the MIC-present bit set in MsvAvFlags,
// adding the pair when the server sent none. [MS-NLMP] 3.1.5.1.2.
func withMICFlag(pairs []AVPair) []AVPair {
	out := make([]AVPair, 0, len(pairs)+1)
	found := false
	for _, p := range pairs {
		if p.ID == AvFlags && !found {
			v := binary.LittleEndian.Uint32(p.Value) | AvFlagMICPresent
			p.Value = binary.LittleEndian.AppendUint32(nil, v)
			found = true
		}
		out = append(out, p)
	}
	if !found {
		out = append(out, AVPair{ID: AvFlags, Value: binary.LittleEndian.AppendUint32(nil, AvFlagMICPresent)})
	}
	return out
}

func serverInfo(ch *ChallengeMessage, pairs []AVPair) ServerInfo {
	si := ServerInfo{Flags: ch.Flags, Version: ch.Version}
	if ch.Flags&FlagUnicode != 0 {
		si.TargetName = fromUTF16le(ch.TargetName)
	} else {
		si.TargetName = string(ch.TargetName)
	}
	str := func(id AvID) string {
		v, _ := findAV(pairs, id)
		return fromUTF16le(v)
	}
	si.NetBIOSComputerName = str(AvNbComputerName)
	si.NetBIOSDomainName = str(AvNbDomainName)
	si.DNSComputerName = str(AvDNSComputerName)
	si.DNSDomainName = str(AvDNSDomainName)
	si.DNSTreeName = str(AvDNSTreeName)
	if v, ok := findAV(pairs, AvTimestamp); ok {
		si.Timestamp = fromFiletime(binary.LittleEndian.Uint64(v))
	}
	return si
}

// ntHash returns MD4(UTF-16LE(password)) from whichever secret is set.
func (n *NTLM) ntHash() ([]byte, error) {
	switch {
	case n.cfg.NTHash != nil:
		return n.cfg.NTHash, nil
	case n.cfg.PasswordFunc != nil:
		pw, err := n.cfg.PasswordFunc()
		if err != nil {
			return nil, fmt.Errorf("auth: PasswordFunc: %w", err)
		}
		return ntowfv1(pw), nil
	}
	return ntowfv1(n.cfg.Password), nil
}

func (n *NTLM) random(size int) ([]byte, error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(n.rand, b); err != nil {
		return nil, fmt.Errorf("auth: reading random bytes: %w", err)
	}
	return b, nil
}

// ServerInfo returns what the server's CHALLENGE said; the zero value
// before Step.
func (n *NTLM) ServerInfo() ServerInfo { return n.info }

// Flags returns the negotiated flags, as sent in the AUTHENTICATE_MESSAGE.
func (n *NTLM) Flags() NegotiateFlags { return n.flags }

// SessionKey returns a copy of the exported session key after a
// successful Step; nil before, or for an anonymous logon.
func (n *NTLM) SessionKey() []byte {
	if n.state != ntlmDone {
		return nil
	}
	return bytes.Clone(n.key)
}

// MIC returns the NTLMSSP_MESSAGE_SIGNATURE of data in the client-to-server
// direction (GSS_GetMIC, [MS-NLMP] 3.4.4.2). Each call uses and advances
// the sequence number and RC4 state, starting from 0, so the SPNEGO
// mechListMIC, the first call, has SeqNum 0. (SMB uses NTLM signatures for
// nothing else, so the state is never reset after the mechListMIC.)
func (n *NTLM) MIC(data []byte) ([]byte, error) {
	if n.state != ntlmDone || n.sec == nil {
		return nil, ErrNoSessionKey
	}
	return n.sec.sign(data), nil
}

// VerifyMIC checks a server-to-client signature of data (GSS_VerifyMIC).
// The state advances only when the signature verifies.
func (n *NTLM) VerifyMIC(data, mic []byte) error {
	if n.state != ntlmDone || n.sec == nil {
		return ErrNoSessionKey
	}
	return n.sec.verify(data, mic)
}
