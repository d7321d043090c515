package netbios

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Name suffixes used on the session service. See [MS-NBTE] and RFC 1001 14.
const (
	SuffixWorkstation byte = 0x00 // the calling name of a client
	SuffixServer      byte = 0x20 // the File Server Service, the called name
)

// DefaultCalledName is the called name SessionRequest uses when none is
// given. Samba and Windows accept it in place of their own NetBIOS name.
const DefaultCalledName = "*SMBSERVER"

// fallbackCallingName is the calling name used when none is given and the
// host name does not provide one.
const fallbackCallingName = "GOSMB"

// Error codes of a NEGATIVE SESSION RESPONSE. See RFC 1002 4.3.4.
const (
	CodeNotListeningOnCalledName   byte = 0x80
	CodeNotListeningForCallingName byte = 0x81
	CodeCalledNameNotPresent       byte = 0x82
	CodeInsufficientResources      byte = 0x83
	CodeUnspecifiedError           byte = 0x8F
)

// SessionError is a NEGATIVE SESSION RESPONSE: the server refused the
// session. See RFC 1002 4.3.4.
type SessionError struct {
	Code byte // the ERROR_CODE field, one of the Code constants
}

// Error returns the RFC 1002 name of the error code.
func (e *SessionError) Error() string {
	var s string
	switch e.Code {
	case CodeNotListeningOnCalledName:
		s = "Not listening on called name"
	case CodeNotListeningForCallingName:
		s = "Not listening for calling name"
	case CodeCalledNameNotPresent:
		s = "Called name not present"
	case CodeInsufficientResources:
		s = "Insufficient resources"
	case CodeUnspecifiedError:
		s = "Unspecified error"
	default:
		s = "unknown error"
	}
	return fmt.Sprintf("netbios: negative session response: %s (0x%02x)", s, e.Code)
}

// RetargetError is a RETARGET SESSION RESPONSE: the server asks the client
// to open a new connection to another address and send its SESSION REQUEST
// there. See RFC 1002 4.3.5.
type RetargetError struct {
	IP   net.IP
	Port int
}

// Error reports the new address.
func (e *RetargetError) Error() string {
	return "netbios: session retargeted to " + e.Addr()
}

// Addr returns the new address in host:port form, ready for net.Dial.
func (e *RetargetError) Addr() string {
	return net.JoinHostPort(e.IP.String(), strconv.Itoa(e.Port))
}

// sessionRequestLen is the payload length of a SESSION REQUEST with two
// scope-less names.
const sessionRequestLen = 2 * (1 + EncodedNameLen + 1)

// maxSessionReplyLen bounds the payload of a reply to a SESSION REQUEST;
// the longest, RETARGET SESSION RESPONSE, has 6 bytes.
const maxSessionReplyLen = 6

// SessionRequest performs the NetBIOS session service handshake of RFC 1002
// 4.3.2 on conn, which must be a new connection to port 139. It sends a
// SESSION REQUEST with called (suffix 0x20; "" means "*SMBSERVER") and
// calling (suffix 0x00; "" means the first label of the host name, or
// "GOSMB") and waits for the reply, skipping keep-alives.
//
// It returns nil for a POSITIVE SESSION RESPONSE, after which conn carries
// SESSION MESSAGE frames (see FrameReader); a *SessionError for a NEGATIVE
// SESSION RESPONSE; and a *RetargetError for a RETARGET SESSION RESPONSE,
// after which the caller closes conn and may repeat the handshake at the new
// address.
//
// ctx bounds the whole exchange: its deadline is set on conn, and cancelling
// it sets a deadline in the past to interrupt a blocked read or write. Either
// way the returned error satisfies errors.Is with ctx.Err(). The deadline of
// conn is cleared before SessionRequest returns, whatever the outcome.
func SessionRequest(ctx context.Context, conn net.Conn, called, calling string) error {
	if called == "" {
		called = DefaultCalledName
	}
	if calling == "" {
		calling = defaultCallingName()
	}
	var buf [HeaderLen + sessionRequestLen]byte
	putHeader(buf[:], TypeSessionRequest, sessionRequestLen)
	b, err := AppendEncodedName(buf[:HeaderLen], called, SuffixServer, "")
	if err != nil {
		return fmt.Errorf("netbios: session request: called name: %w", err)
	}
	b, err = AppendEncodedName(b, calling, SuffixWorkstation, "")
	if err != nil {
		return fmt.Errorf("netbios: session request: calling name: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("netbios: session request: %w", err)
	}

	release := bindContext(ctx, conn)
	err = exchangeSessionRequest(conn, b)
	release()
	if err != nil {
		var se *SessionError
		var re *RetargetError
		if errors.As(err, &se) || errors.As(err, &re) {
			return err
		}
		if cerr := contextError(ctx, err); cerr != nil {
			return fmt.Errorf("netbios: session request: %w", cerr)
		}
		return fmt.Errorf("netbios: session request: %w", err)
	}
	return nil
}

// exchangeSessionRequest writes req and reads the reply.
func exchangeSessionRequest(conn net.Conn, req []byte) error {
	if _, err := conn.Write(req); err != nil {
		return err
	}
	var hdr [HeaderLen]byte
	var body [maxSessionReplyLen]byte
	for {
		if _, err := io.ReadFull(conn, hdr[:]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF // the server hung up without a reply
			}
			return err
		}
		t, n := parseHeader(&hdr)
		var want int
		switch t {
		case TypeSessionKeepAlive, TypePositiveSessionResponse:
			want = 0
		case TypeNegativeSessionResponse:
			want = 1
		case TypeRetargetSessionResponse:
			want = 6
		default:
			return fmt.Errorf("%w: %v in reply to SESSION REQUEST", ErrUnexpectedPacket, t)
		}
		if n != want {
			return fmt.Errorf("%w: %v with length %d, want %d", ErrUnexpectedPacket, t, n, want)
		}
		if _, err := io.ReadFull(conn, body[:n]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		switch t {
		case TypePositiveSessionResponse:
			return nil
		case TypeNegativeSessionResponse:
			return &SessionError{Code: body[0]}
		case TypeRetargetSessionResponse:
			return &RetargetError{
				IP:   net.IPv4(body[0], body[1], body[2], body[3]).To4(),
				Port: int(binary.BigEndian.Uint16(body[4:6])),
			}
		}
		// SESSION KEEP ALIVE: wait for the real reply.
	}
}

// CallingName makes a host or workstation name fit a NetBIOS calling
// name: a DNS name is cut at its first dot, and what is left at 15 bytes
// (the 16th is the suffix). A calling name only tells the server who
// calls.
func CallingName(h string) string {
	h, _, _ = strings.Cut(h, ".")
	if len(h) > NameLen-1 {
		h = h[:NameLen-1]
	}
	return h
}

// defaultCallingName derives a calling name from the host name, as smbclient
// does: its first label, truncated to 15 bytes.
func defaultCallingName() string {
	h, err := os.Hostname()
	if err != nil {
		return fallbackCallingName
	}
	h = CallingName(h)
	if h == "" || h == WildcardName {
		return fallbackCallingName
	}
	return strings.ToUpper(h)
}

// deadliner is the part of net.Conn and net.PacketConn that bindContext
// needs.
type deadliner interface {
	SetDeadline(t time.Time) error
}

// aLongTimeAgo is a deadline in the past, which makes blocked and future I/O
// on a connection fail at once.
var aLongTimeAgo = time.Unix(1, 0)

// bindContext sets ctx's deadline on c and arranges for the cancellation of
// ctx to interrupt I/O on c by setting a deadline in the past. The returned
// function undoes both: it waits for a cancellation already under way, so
// that its own clearing of the deadline comes last.
func bindContext(ctx context.Context, c deadliner) (release func()) {
	if d, ok := ctx.Deadline(); ok {
		c.SetDeadline(d)
	}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		c.SetDeadline(aLongTimeAgo)
		close(fired)
	})
	return func() {
		if !stop() {
			<-fired
		}
		c.SetDeadline(time.Time{})
	}
}

// contextError returns the context error that explains the I/O error err,
// or nil if ctx had nothing to do with it. A deadline taken from ctx can fire
// on the connection just before ctx itself reports it, so a timeout at or
// after ctx's deadline counts as context.DeadlineExceeded.
func contextError(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if d, ok := ctx.Deadline(); ok && errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}
