package gosmb

import (
	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/ops"
)

// Error types. Every error a Client returns is one of these, a context
// error, or a dial error from the net package.
type (
	// StatusError is an operation the server refused, with the NTSTATUS.
	// It matches fs.ErrNotExist, fs.ErrExist, fs.ErrPermission and
	// fs.ErrInvalid where the status means that.
	StatusError = engine.StatusError
	// AuthError is a failed logon, with the NTSTATUS the server gave.
	AuthError = engine.AuthError
	// ConnError is a dead connection; it matches net.ErrClosed.
	ConnError = engine.ConnError
	// SignatureError is a response that failed signature verification.
	SignatureError = engine.SignatureError
	// ProtocolError is a response gosmb cannot make sense of.
	ProtocolError = engine.ProtocolError
)

// Sentinel errors.
var (
	ErrBadSignature          = engine.ErrBadSignature
	ErrNoCommonDialect       = engine.ErrNoCommonDialect
	ErrSigningRequired       = engine.ErrSigningRequired
	ErrSigningUnavailable    = engine.ErrSigningUnavailable
	ErrEncryptionUnavailable = engine.ErrEncryptionUnavailable
	ErrGuestRefused          = engine.ErrGuestRefused
	ErrUnexpectedNullSession = engine.ErrUnexpectedNullSession
	// ErrFileReplaced: a download larger than its first READ found another
	// file under the name when it opened it again for the rest (see
	// Client.RetrieveFile).
	ErrFileReplaced = ops.ErrFileReplaced
)
