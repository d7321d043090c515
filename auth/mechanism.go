package auth

import "encoding/asn1"

// Mechanism is a GSS-style client security mechanism; SPNEGO wraps one.
// NTLM implements it; Kerberos can later.
type Mechanism interface {
	// OID identifies the mechanism in SPNEGO mechTypes.
	OID() asn1.ObjectIdentifier
	// Start returns the first token for the server.
	Start() ([]byte, error)
	// Step consumes the server's token and returns the next token (nil if
	// none).
	Step(serverToken []byte) ([]byte, error)
	// SessionKey is the exported session key once the mechanism has
	// produced it (nil for anonymous).
	SessionKey() []byte
	// MIC and VerifyMIC compute and check an integrity checksum over data
	// with the mechanism's keys (for the SPNEGO mechListMIC).
	MIC(data []byte) ([]byte, error)
	VerifyMIC(data, mic []byte) error
}

// Completer is implemented by a Mechanism that can say whether it has
// finished its exchange. SPNEGO's Finish refuses a server's success while
// such a mechanism is not done: a success before the client has proved
// anything (an impostor answering the first SESSION_SETUP) must not make
// a session. NTLM implements it.
type Completer interface {
	Done() bool
}

// Mechanism OIDs.
var (
	OIDSPNEGO     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 2}
	OIDNTLMSSP    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 2, 10}
	OIDKerberos5  = asn1.ObjectIdentifier{1, 2, 840, 113554, 1, 2, 2}
	OIDMSKerberos = asn1.ObjectIdentifier{1, 2, 840, 48018, 1, 2, 2} // Microsoft's legacy Kerberos OID
)
