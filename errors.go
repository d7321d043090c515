package gosmb

import (
	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/ops"
)

// Error types. Errors from a Client are most often one of these (possibly
// wrapped: use errors.As and errors.Is), a context error, or a dial error
// from the net package; others are an *fs.PathError (a File used after its
// Close, the io/fs view), ErrWriteAtInAppendMode, errors.Join of several
// (DeleteFiles, ResetFileAttributes) and an auth.ErrConfig (bad
// credentials in Options).
type (
	// StatusError is an operation the server refused, with the NTSTATUS.
	// It matches its Status (errors.Is(err, ntstatus.AccessDenied)), and
	// fs.ErrNotExist, fs.ErrExist, fs.ErrPermission and fs.ErrInvalid
	// where the status means that.
	StatusError = engine.StatusError
	// AuthError is a failed logon, with the NTSTATUS the server gave. It
	// matches that Status, or when Err is set (Status is then 0) Err:
	// ErrGuestRefused, ErrUnexpectedNullSession, ErrSigningUnavailable or
	// an auth package error.
	AuthError = engine.AuthError
	// ConnError is a dead or closed connection, or a closed Client; it
	// matches net.ErrClosed and unwraps to the cause (io.ErrUnexpectedEOF
	// when the peer hung up).
	ConnError = engine.ConnError
	// SignatureError is a response that failed signature verification
	// (or was not signed or encrypted though it had to be); it matches
	// ErrBadSignature. The connection stays usable.
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
	// ErrDowngrade: validate-negotiate (on the first tree connect) found
	// the NEGOTIATE tampered with; the connection is closed.
	ErrDowngrade = engine.ErrDowngrade
	// ErrNotSent matches the error of a request that never reached the
	// server (its context ended, or the connection closed, before it was
	// sent): it had no effect there. The error also matches its cause.
	ErrNotSent = engine.ErrNotSent
	// ErrNoCredits: a request needs more credits than the server will
	// ever grant on this connection.
	ErrNoCredits = engine.ErrNoCredits
	// ErrFileReplaced: a download larger than its first READ found another
	// file under the name when it opened it again for the rest (see
	// Client.RetrieveFile).
	ErrFileReplaced = ops.ErrFileReplaced
)
