package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"net"

	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// ConnError reports that the connection is no longer usable. It matches
// net.ErrClosed under errors.Is and unwraps to the underlying cause: nil-ish
// net.ErrClosed when the user closed it, io.ErrUnexpectedEOF when the peer
// hung up, or the I/O or protocol error that ended it.
type ConnError struct {
	Err error
}

func (e *ConnError) Error() string {
	if e.Err == nil || errors.Is(e.Err, net.ErrClosed) && e.Err == net.ErrClosed {
		return "gosmb: connection closed"
	}
	return "gosmb: connection closed: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *ConnError) Unwrap() error { return e.Err }

// Is makes every ConnError match net.ErrClosed.
func (e *ConnError) Is(target error) bool { return target == net.ErrClosed }

// StatusError is a request that the server answered with an error NTSTATUS.
// It matches fs.ErrNotExist, fs.ErrExist, fs.ErrPermission and
// fs.ErrInvalid where the status means that, and the Status itself under
// errors.Is.
type StatusError struct {
	Op     string // operation, e.g. "tree connect", "open"
	Path   string // share or file path, when there is one
	Status ntstatus.Status
}

func (e *StatusError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("gosmb: %s %s: %s (0x%08X)", e.Op, e.Path, e.Status.String(), uint32(e.Status))
	}
	return fmt.Sprintf("gosmb: %s: %s (0x%08X)", e.Op, e.Status.String(), uint32(e.Status))
}

// Unwrap returns the Status, so errors.Is(err, ntstatus.AccessDenied) works.
func (e *StatusError) Unwrap() error { return e.Status }

// Is maps statuses onto the io/fs sentinel errors.
func (e *StatusError) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		switch e.Status {
		case ntstatus.ObjectNameNotFound, ntstatus.ObjectPathNotFound, ntstatus.NoSuchFile,
			ntstatus.BadNetworkName, ntstatus.NotFound, ntstatus.NoSuchDevice:
			return true
		}
	case fs.ErrExist:
		return e.Status == ntstatus.ObjectNameCollision
	case fs.ErrInvalid:
		// A name the server cannot take (io/fs allows "*", "?", ":").
		return e.Status == ntstatus.ObjectNameInvalid
	case fs.ErrPermission:
		switch e.Status {
		case ntstatus.AccessDenied, ntstatus.NetworkAccessDenied, ntstatus.PrivilegeNotHeld,
			ntstatus.CannotDelete, ntstatus.MediaWriteProtected:
			return true
		}
	}
	return false
}

// AuthError reports a failed logon: the server rejected the credentials or
// the account (STATUS_LOGON_FAILURE, STATUS_ACCOUNT_RESTRICTION,
// STATUS_PASSWORD_EXPIRED, ...), or the authentication exchange itself
// failed on our side (Status is then 0 and Err says why).
type AuthError struct {
	Status ntstatus.Status
	Err    error
}

func (e *AuthError) Error() string {
	if e.Err != nil {
		return "gosmb: authentication failed: " + e.Err.Error()
	}
	return fmt.Sprintf("gosmb: authentication failed: %s (0x%08X)", e.Status.String(), uint32(e.Status))
}

// Unwrap returns Err, or the Status when there is no Err.
func (e *AuthError) Unwrap() error {
	if e.Err != nil {
		return e.Err
	}
	return e.Status
}

// ErrBadSignature is matched (errors.Is) by every SignatureError.
var ErrBadSignature = errors.New("gosmb: message signature is invalid")

// SignatureError reports a response that failed signature verification, or
// that should have been signed and was not. The request it answered fails
// with this error; the response's content is discarded. The connection
// stays usable.
type SignatureError struct {
	Command   smb2.Command
	MessageID uint64
	Unsigned  bool // the message carried no signature at all
	// Unencrypted: the reply to an encrypted request came in the clear
	// (or encrypted for another session).
	Unencrypted bool
}

func (e *SignatureError) Error() string {
	if e.Unencrypted {
		return fmt.Sprintf("gosmb: %s response (message %d) is not encrypted for this session, but the request was", e.Command, e.MessageID)
	}
	if e.Unsigned {
		return fmt.Sprintf("gosmb: %s response (message %d) is not signed but the session requires signing", e.Command, e.MessageID)
	}
	return fmt.Sprintf("gosmb: %s response (message %d) has an invalid signature", e.Command, e.MessageID)
}

// Is matches ErrBadSignature.
func (e *SignatureError) Is(target error) bool { return target == ErrBadSignature }

// ProtocolError is a response the engine cannot make sense of: malformed,
// unexpected or violating the specification.
type ProtocolError struct {
	Msg string
	Err error
}

func (e *ProtocolError) Error() string {
	if e.Err != nil {
		return "gosmb: protocol error: " + e.Msg + ": " + e.Err.Error()
	}
	return "gosmb: protocol error: " + e.Msg
}

// Unwrap returns the underlying decode error, if any.
func (e *ProtocolError) Unwrap() error { return e.Err }

// ErrNoCredits is returned when a request needs more credits than the
// server can ever grant on this connection (nothing is in flight and the
// balance is too small).
var ErrNoCredits = errors.New("gosmb: not enough SMB2 credits for this request")

// ErrNotSent matches, under errors.Is, the error of a request that failed
// before it was given its MessageIds (its context ended first, credits
// could not be had, the connection was closed): it never reaches the
// server. A request that failed after that may still go out, and run
// there, whatever its Future says. The error also matches its cause.
var ErrNotSent = errors.New("gosmb: request not sent")

// notSentError is a cause that also matches ErrNotSent.
type notSentError struct{ err error }

func (e *notSentError) Error() string   { return e.err.Error() }
func (e *notSentError) Unwrap() []error { return []error{e.err, ErrNotSent} }

// notSent marks err as the error of a request that never went out.
func notSent(err error) error {
	if err == nil || errors.Is(err, ErrNotSent) {
		return err
	}
	return &notSentError{err}
}
