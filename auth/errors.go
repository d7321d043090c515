package auth

import "errors"

// Sentinel errors. Errors returned by this package start with "auth: " and
// match one of these with errors.Is where one applies.
var (
	// ErrBadMIC means an integrity checksum did not verify: the SPNEGO
	// mechListMIC from the server, or a signature given to VerifyMIC.
	ErrBadMIC = errors.New("auth: message integrity check failed")

	// ErrMalformedToken means a token from the server could not be decoded.
	// The error is a *TokenError that says which token and field.
	ErrMalformedToken = errors.New("auth: malformed token")

	// ErrRejected means the server's SPNEGO negState was reject.
	ErrRejected = errors.New("auth: server rejected the authentication")

	// ErrNegotiation means the server did not agree to a capability this
	// client requires (Unicode, or extended session security for a
	// non-anonymous logon).
	ErrNegotiation = errors.New("auth: server refused a required NTLM capability")

	// ErrNoSessionKey means the call needs a session key and there is none:
	// the exchange has not finished, or the logon is anonymous.
	ErrNoSessionKey = errors.New("auth: no session key")

	// ErrState means a method was called out of order (Step before Start,
	// Step twice on NTLM, and so on).
	ErrState = errors.New("auth: call out of sequence")

	// ErrIncomplete means the server reported a successful logon before
	// the client's side of the exchange was over: no proof of either
	// side's identity was exchanged, as when an impostor answers.
	ErrIncomplete = errors.New("auth: the server reported success before authentication finished")

	// ErrConfig means an NTLMConfig is inconsistent.
	ErrConfig = errors.New("auth: invalid configuration")
)

// Causes carried by TokenError.
var (
	errTruncated   = errors.New("truncated")
	errOutOfRange  = errors.New("offset or length out of range")
	errSignature   = errors.New("bad signature")
	errMessageType = errors.New("unexpected message type")
	errDER         = errors.New("malformed DER")
	errTrailing    = errors.New("trailing data")
)

// TokenError reports a token from the server that could not be decoded, or
// that decoded to something this client cannot accept. It matches
// ErrMalformedToken with errors.Is and unwraps to the cause.
type TokenError struct {
	Token string // which token: "CHALLENGE_MESSAGE", "NegTokenResp", ...
	Field string // which field, when known
	Err   error  // the cause
}

func (e *TokenError) Error() string {
	s := "auth: " + e.Token
	if e.Field != "" {
		s += " " + e.Field
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *TokenError) Unwrap() error { return e.Err }

// Is reports whether target is ErrMalformedToken.
func (e *TokenError) Is(target error) bool { return target == ErrMalformedToken }

func tokenErr(token, field string, err error) error {
	return &TokenError{Token: token, Field: field, Err: err}
}
