package engine

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

// Session is an authenticated SMB2 session on a Conn. Its signing and
// encryption state is fixed once session setup completes; requests read it
// without locks.
type Session struct {
	ID   uint64
	conn *Conn

	signer       signer // nil: no signing key (anonymous, guest)
	signRequests bool   // sign every request; require signed responses
	sealer       sealer // nil: no encryption keys
	opener       opener
	encryptAll   bool // session-wide encryption (server or user asked)
}

// Conn returns the connection the session lives on.
func (s *Session) Conn() *Conn { return s.conn }
