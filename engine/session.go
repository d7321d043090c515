package engine

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/gosmb/gosmb/auth"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/internal/smbcrypto"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// signer signs and verifies whole SMB2 messages (header and body).
type signer interface {
	Sign(msg []byte) error
	Verify(msg []byte) error
}

// sealer wraps a message (or compound chain) in a TRANSFORM header.
type sealer interface {
	Seal(dst []byte, sessionID uint64, msg []byte) ([]byte, error)
}

// opener unwraps a TRANSFORM frame.
type opener interface {
	Open(dst, frame []byte) (plain []byte, sessionID uint64, err error)
}

// Authenticator produces the security tokens of SESSION_SETUP. auth.SPNEGO
// implements it.
type Authenticator interface {
	Start() ([]byte, error)
	Step(serverToken []byte) ([]byte, error)
	Finish(serverToken []byte) error
	SessionKey() []byte
}

// SigningPolicy says when a session signs its messages, like pysmb's
// sign_options.
type SigningPolicy int

const (
	// SignWhenRequired signs when either side requires it (the default).
	SignWhenRequired SigningPolicy = iota
	// SignWhenSupported signs whenever the session has a key.
	SignWhenSupported
	// SignNever refuses to sign; a server that requires signing then
	// fails the session with ErrSigningRequired.
	SignNever
	// SignRequired demands signing; a session without keys (guest,
	// anonymous) fails with ErrSigningUnavailable.
	SignRequired
)

// Session errors.
var (
	ErrSigningRequired       = errors.New("gosmb: the server requires signing but the client was told never to sign")
	ErrSigningUnavailable    = errors.New("gosmb: signing is required but the session has no key (guest or anonymous logon)")
	ErrEncryptionUnavailable = errors.New("gosmb: encryption is required but not possible on this session")
	ErrGuestRefused          = errors.New("gosmb: the server made the logon a guest session, and guest sessions are refused")
	// ErrUnexpectedNullSession: the server answered a logon with
	// credentials with an anonymous (null) session.
	ErrUnexpectedNullSession = errors.New("gosmb: the server made a logon with credentials an anonymous session")
)

// SessionOptions configures SESSION_SETUP.
type SessionOptions struct {
	Auth    Authenticator
	Signing SigningPolicy
	// Encrypt asks for encryption of everything on the session (3.x).
	Encrypt bool
	// Anonymous records that Auth performs a null-session logon; some
	// servers (Samba 4.17) do not set SMB2_SESSION_FLAG_IS_NULL for it.
	Anonymous bool
	// RefuseGuest fails a logon the server turns into a guest session
	// (SMB2_SESSION_FLAG_IS_GUEST) with ErrGuestRefused.
	RefuseGuest bool
}

// Session is an authenticated SMB2 session on a Conn. Its signing and
// encryption state is fixed once session setup completes; requests read it
// without locks.
type Session struct {
	ID   uint64
	conn *Conn

	validated atomic.Bool // FSCTL_VALIDATE_NEGOTIATE_INFO done (3.0/3.0.2)

	Flags     uint16 // SessionFlags from the final SESSION_SETUP response
	dialect   smb2.Dialect
	anonymous bool

	signer       signer // nil: no signing key (anonymous, guest)
	signRequests bool   // sign every request; require signed responses
	signingAlg   uint16
	sealer       sealer // nil: no encryption keys
	opener       opener
	encryptAll   bool // session-wide encryption (server or user asked)
	cipher       uint16
}

// Session flags. See [MS-SMB2] 2.2.6.
const (
	SessionFlagIsGuest     = 0x0001
	SessionFlagIsNull      = 0x0002
	SessionFlagEncryptData = 0x0004
)

// mustSign reports whether a command is signed even when the session does
// not sign everything: [MS-SMB2] 3.2.4.1.1, 3.1.1 TREE_CONNECT requests
// are signed whenever the session has a key.
func (s *Session) mustSign(cmd smb2.Command) bool {
	return cmd == smb2.CommandTreeConnect && s.dialect == smb2.Dialect311
}

// Conn returns the connection the session lives on.
func (s *Session) Conn() *Conn { return s.conn }

// IsGuest reports whether the server logged the user on as guest.
func (s *Session) IsGuest() bool { return s.Flags&SessionFlagIsGuest != 0 }

// IsAnonymous reports whether this is a null session: the client logged on
// anonymously or the server says so.
func (s *Session) IsAnonymous() bool { return s.anonymous || s.Flags&SessionFlagIsNull != 0 }

// Signed reports whether requests and responses on the session are signed.
func (s *Session) Signed() bool { return s.signRequests }

// SigningAlgorithm returns the signing algorithm id (smb2.SigningHMACSHA256,
// ...), meaningful when Signed.
func (s *Session) SigningAlgorithm() uint16 { return s.signingAlg }

// Encrypted reports whether everything on the session is encrypted.
func (s *Session) Encrypted() bool { return s.encryptAll }

// Cipher returns the cipher id, or 0 when the session cannot encrypt.
func (s *Session) Cipher() uint16 { return s.cipher }

// SessionSetup authenticates a new session. Negotiate must have completed.
func (c *Conn) SessionSetup(ctx context.Context, opts SessionOptions) (*Session, error) {
	n := c.neg.Load()
	if n == nil {
		return nil, errors.New("gosmb: SessionSetup before Negotiate")
	}
	if opts.Signing == SignNever && n.SigningRequired {
		return nil, ErrSigningRequired
	}
	preauth := n.preauth
	is311 := n.Dialect == smb2.Dialect311
	secMode := uint8(smb2.SigningEnabled)
	if opts.Signing == SignRequired {
		secMode |= smb2.SigningRequired
	}
	tok, err := opts.Auth.Start()
	if err != nil {
		return nil, &AuthError{Err: err}
	}
	var sid uint64
	var resp *Response
	var ssr smb2.SessionSetupResponse
	for round := 0; ; round++ {
		if round > 8 {
			return nil, &ProtocolError{Msg: "SESSION_SETUP did not finish in 8 rounds"}
		}
		req := smb2.SessionSetupRequest{SecurityMode: secMode, SecurityBuffer: tok}
		body, err := req.Append(nil)
		if err != nil {
			return nil, err
		}
		r := &Request{
			Header:   smb2.Header{Command: smb2.CommandSessionSetup, SessionID: sid},
			Body:     body,
			NoVerify: true,
		}
		if is311 {
			r.OnSent = func(msg []byte) { preauth = preauth.Update(msg) }
		}
		resp, err = c.Send(ctx, r).Wait(ctx)
		if err != nil {
			return nil, err
		}
		sid = resp.Header.SessionID
		st := resp.Status()
		if st != ntstatus.Success && st != ntstatus.MoreProcessingRequired {
			return nil, &AuthError{Status: st}
		}
		if err := ssr.Decode(resp.Body); err != nil {
			return nil, &ProtocolError{Msg: "SESSION_SETUP response", Err: err}
		}
		if st == ntstatus.Success {
			break
		}
		if is311 {
			preauth = preauth.Update(resp.Raw)
		}
		tok, err = opts.Auth.Step(ssr.SecurityBuffer)
		if err != nil {
			return nil, &AuthError{Err: err}
		}
	}
	if err := opts.Auth.Finish(ssr.SecurityBuffer); err != nil {
		return nil, &AuthError{Err: err}
	}
	s := &Session{ID: sid, conn: c, Flags: ssr.SessionFlags, cipher: n.Cipher, dialect: n.Dialect, anonymous: opts.Anonymous}
	if err := s.installKeys(n, opts, opts.Auth.SessionKey(), preauth[:], resp); err != nil {
		// The server thinks we are logged on; say goodbye before failing.
		c.logoffBestEffort(sid)
		return nil, err
	}
	c.mu.Lock()
	c.sessions[sid] = s
	c.mu.Unlock()
	c.log.Debug("session established", zap.Uint64("session", sid), zap.Stringer("dialect", n.Dialect),
		zap.Bool("signed", s.signRequests), zap.Bool("encrypted", s.encryptAll), zap.Bool("guest", s.IsGuest()))
	return s, nil
}

// installKeys derives the session's keys and decides what it signs and
// encrypts; it verifies the final SESSION_SETUP response's signature.
func (s *Session) installKeys(n *Negotiated, opts SessionOptions, authKey, preauth []byte, final *Response) error {
	if opts.RefuseGuest && s.Flags&SessionFlagIsGuest != 0 {
		return &AuthError{Err: ErrGuestRefused}
	}
	if !opts.Anonymous && s.Flags&SessionFlagIsNull != 0 {
		// A logon with credentials is never a null session: this reply
		// (whose flags nothing authenticates) would strip the session of
		// its key, and so of signing and validate-negotiate.
		return &AuthError{Err: ErrUnexpectedNullSession}
	}
	noKey := len(authKey) == 0 || s.Flags&(SessionFlagIsGuest|SessionFlagIsNull) != 0
	if len(authKey) == 0 && !opts.Anonymous && s.Flags&(SessionFlagIsGuest|SessionFlagIsNull) == 0 {
		// A logon that was not anonymous and that the server did not
		// make a guest or null session yields a key; without one,
		// neither side has proved anything, and nothing could be signed.
		return &AuthError{Err: auth.ErrIncomplete}
	}
	if noKey && !opts.Anonymous && n.SigningRequired {
		// The server said it requires signing, and a session without a
		// key cannot sign: either the server is inconsistent or someone
		// on the path turned the logon into a guest session. Windows
		// refuses guest logons to such servers too.
		return &AuthError{Err: fmt.Errorf("%w: the server requires signing, yet made the logon a guest session", ErrSigningUnavailable)}
	}
	wantEncrypt := opts.Encrypt || s.Flags&SessionFlagEncryptData != 0
	if noKey {
		if opts.Signing == SignRequired {
			return ErrSigningUnavailable
		}
		if wantEncrypt {
			return fmt.Errorf("%w: no session key (guest or anonymous)", ErrEncryptionUnavailable)
		}
		return nil
	}
	// [MS-SMB2] 3.2.5.3.1: the session key is the first 16 bytes of the
	// GSS key, zero-padded when shorter. AES-256 ciphers derive from the
	// full key ([MS-SMB2] 3.2.5.3.1, FullSessionKey); NTLM yields 16 bytes.
	cipherKeyLen, keyLen := 16, 16
	if n.Cipher == smb2.CipherAES256CCM || n.Cipher == smb2.CipherAES256GCM {
		cipherKeyLen = 32
		keyLen = max(16, len(authKey))
	}
	key := make([]byte, keyLen)
	copy(key, authKey)
	keys := smbcrypto.DeriveKeys(uint16(n.Dialect), key, preauth, cipherKeyLen)
	sg, err := smbcrypto.NewSigner(smbcrypto.SigningAlgorithm(n.SigningAlg), keys.Signing)
	if err != nil {
		return err
	}
	s.signer, s.signingAlg = sg, n.SigningAlg
	switch opts.Signing {
	case SignNever:
		s.signRequests = false
	case SignWhenRequired:
		s.signRequests = n.SigningRequired
	default:
		s.signRequests = true
	}
	// The final response is signed when the server signs the session
	// (always for 3.1.1): check it now that we hold the key.
	if final.Header.Flags&smb2.FlagSigned != 0 {
		if err := sg.Verify(final.Raw); err != nil {
			return &SignatureError{Command: smb2.CommandSessionSetup, MessageID: final.Header.MessageID}
		}
	} else if s.signRequests || n.Dialect == smb2.Dialect311 {
		// [MS-SMB2] 3.2.5.3.1: on 3.1.1 an unsigned final response MUST
		// fail the session: its signature is what proves the preauth hash.
		return &SignatureError{Command: smb2.CommandSessionSetup, MessageID: final.Header.MessageID, Unsigned: true}
	}
	if n.Dialect.IsSMB3() && n.Cipher != 0 {
		enc, err := smbcrypto.NewEncryptor(smbcrypto.Cipher(n.Cipher), keys.Encryption)
		if err != nil {
			return err
		}
		dec, err := smbcrypto.NewDecryptor(smbcrypto.Cipher(n.Cipher), keys.Decryption)
		if err != nil {
			return err
		}
		s.sealer, s.opener = enc, dec
	}
	if wantEncrypt {
		if s.sealer == nil {
			return fmt.Errorf("%w: dialect %s, cipher %s", ErrEncryptionUnavailable, n.Dialect, smb2.CipherName(n.Cipher))
		}
		s.encryptAll = true
	}
	return nil
}

// Logoff ends the session. The Conn stays open.
func (s *Session) Logoff(ctx context.Context) error {
	body, _ := (&smb2.LogoffRequest{}).Append(nil)
	resp, err := s.conn.Send(ctx, &Request{Header: smb2.Header{Command: smb2.CommandLogoff}, Body: body, Session: s}).Wait(ctx)
	if err != nil {
		// The session may still be live on the server and answer late:
		// keep its keys so those replies can be read.
		return err
	}
	s.conn.mu.Lock()
	delete(s.conn.sessions, s.ID)
	s.conn.mu.Unlock()
	if st := resp.Status(); st != ntstatus.Success {
		return &StatusError{Op: "logoff", Status: st}
	}
	return nil
}

// logoffBestEffort sends LOGOFF for a session that failed after the server
// accepted it, without waiting for the answer.
func (c *Conn) logoffBestEffort(sid uint64) {
	body, _ := (&smb2.LogoffRequest{}).Append(nil)
	c.Send(context.Background(), &Request{Header: smb2.Header{Command: smb2.CommandLogoff, SessionID: sid}, Body: body, NoVerify: true})
}

// Echo sends SMB2 ECHO on the session (signed or encrypted like any other
// request on it).
func (s *Session) Echo(ctx context.Context) *future.Future[*Response] {
	body, _ := (&smb2.EchoRequest{}).Append(nil)
	return s.conn.Send(ctx, &Request{Header: smb2.Header{Command: smb2.CommandEcho}, Body: body, Session: s})
}
