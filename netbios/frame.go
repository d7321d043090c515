package netbios

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// HeaderLen is the length of a session packet header: the direct TCP
// transport header of [MS-SMB2] 2.1 and the NetBIOS session service header of
// RFC 1002 4.3.1 have the same size.
const HeaderLen = 4

// MaxPayloadLen is the largest payload a 24-bit length field can describe.
// The NetBIOS session service proper allows only 1<<17 - 1; Windows and Samba
// use the 24-bit direct TCP form on both ports.
const MaxPayloadLen = 1<<24 - 1

// ErrFrameTooLarge is wrapped by the error FrameReader.Next returns for a
// frame longer than the reader's limit, and by PutHeader for a payload that
// does not fit the 24-bit length field.
var ErrFrameTooLarge = errors.New("netbios: frame too large")

// ErrUnexpectedPacket is wrapped by the errors returned for a session packet
// whose type is not valid where it appears.
var ErrUnexpectedPacket = errors.New("netbios: unexpected session packet")

// PacketType is the TYPE field of a session service packet. See RFC 1002
// 4.3.1.
type PacketType uint8

// Session service packet types. See RFC 1002 4.3.1.
const (
	TypeSessionMessage          PacketType = 0x00
	TypeSessionRequest          PacketType = 0x81
	TypePositiveSessionResponse PacketType = 0x82
	TypeNegativeSessionResponse PacketType = 0x83
	TypeRetargetSessionResponse PacketType = 0x84
	TypeSessionKeepAlive        PacketType = 0x85
)

// String returns the RFC 1002 name of t.
func (t PacketType) String() string {
	switch t {
	case TypeSessionMessage:
		return "SESSION MESSAGE"
	case TypeSessionRequest:
		return "SESSION REQUEST"
	case TypePositiveSessionResponse:
		return "POSITIVE SESSION RESPONSE"
	case TypeNegativeSessionResponse:
		return "NEGATIVE SESSION RESPONSE"
	case TypeRetargetSessionResponse:
		return "RETARGET SESSION RESPONSE"
	case TypeSessionKeepAlive:
		return "SESSION KEEP ALIVE"
	}
	return fmt.Sprintf("PacketType(0x%02x)", uint8(t))
}

// PutHeader writes into b[:HeaderLen] the header of a SESSION MESSAGE
// carrying n bytes of payload, in the 24-bit form of [MS-SMB2] 2.1 (which is
// also a valid RFC 1002 4.3.1 header when n < 1<<17). It returns an error if
// b is shorter than HeaderLen or n is negative or larger than MaxPayloadLen.
func PutHeader(b []byte, n int) error {
	if len(b) < HeaderLen {
		return fmt.Errorf("netbios: header buffer of %d bytes, need %d", len(b), HeaderLen)
	}
	if n < 0 {
		return fmt.Errorf("netbios: negative payload length %d", n)
	}
	if n > MaxPayloadLen {
		return fmt.Errorf("%w: payload of %d bytes exceeds the 24-bit length field (max %d)", ErrFrameTooLarge, n, MaxPayloadLen)
	}
	putHeader(b, TypeSessionMessage, n)
	return nil
}

// putHeader writes a header of type t with a 24-bit length; the caller has
// checked len(b) and n.
func putHeader(b []byte, t PacketType, n int) {
	b[0] = byte(t)
	b[1] = byte(n >> 16)
	b[2] = byte(n >> 8)
	b[3] = byte(n)
}

// parseHeader splits a header into its type and length. For a SESSION
// MESSAGE the length is the 24-bit direct TCP length, which equals the
// RFC 1002 17-bit length (flags low bit, then 16 bits) whenever the reserved
// flag bits are zero. For the other types RFC 1002 4.3.1 applies: the flags
// byte contributes only its extension bit.
func parseHeader(h *[HeaderLen]byte) (PacketType, int) {
	t := PacketType(h[0])
	if t == TypeSessionMessage {
		return t, int(h[1])<<16 | int(binary.BigEndian.Uint16(h[2:4]))
	}
	return t, int(h[1]&0x01)<<16 | int(binary.BigEndian.Uint16(h[2:4]))
}

// FrameReader reads SESSION MESSAGE frames from a byte stream. It skips
// SESSION KEEP ALIVE packets and treats any other packet type as an error.
//
// Next and ReadPayload are the two halves of reading a frame, so that the
// caller can choose the buffer (for example from a pool) once the length is
// known; ReadFrame combines them. A FrameReader is not safe for concurrent
// use. After any error every later call returns the same error: the stream
// position is no longer known.
type FrameReader struct {
	r   io.Reader
	max int
	hdr [HeaderLen]byte

	remaining int  // payload bytes of the current frame not yet read
	pending   bool // Next returned a frame whose payload has not been read
	err       error

	scratch [512]byte // for discarding unread payloads without allocating
}

// NewFrameReader returns a FrameReader reading from r that rejects frames
// whose payload is longer than max bytes. A max that is not positive, or is
// larger than MaxPayloadLen, means MaxPayloadLen.
func NewFrameReader(r io.Reader, max int) *FrameReader {
	if max <= 0 || max > MaxPayloadLen {
		max = MaxPayloadLen
	}
	return &FrameReader{r: r, max: max}
}

// Max returns the reader's payload limit.
func (f *FrameReader) Max() int { return f.max }

// Next reads headers up to the next SESSION MESSAGE and returns the length of
// its payload, which the caller then reads with ReadPayload. If the payload
// of the previous frame was not read, Next first discards it.
//
// A length above the limit is rejected with an error wrapping
// ErrFrameTooLarge before anything is allocated for it. At a clean end of the
// stream, between frames, Next returns io.EOF; a stream that ends inside a
// header yields io.ErrUnexpectedEOF.
func (f *FrameReader) Next() (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	if f.remaining > 0 {
		if err := f.discard(); err != nil {
			return 0, f.fail(err)
		}
	}
	f.pending = false
	for {
		// io.ReadFull returns io.EOF only when nothing was read, and
		// io.ErrUnexpectedEOF when the header is cut short.
		if _, err := io.ReadFull(f.r, f.hdr[:]); err != nil {
			return 0, f.fail(err)
		}
		t, n := parseHeader(&f.hdr)
		switch t {
		case TypeSessionMessage:
			if n > f.max {
				return 0, f.fail(fmt.Errorf("%w: %d-byte payload exceeds the limit of %d", ErrFrameTooLarge, n, f.max))
			}
			f.remaining = n
			f.pending = true
			return n, nil
		case TypeSessionKeepAlive:
			// RFC 1002 4.3.7: a SESSION KEEP ALIVE has LENGTH 0.
			if n != 0 {
				return 0, f.fail(fmt.Errorf("%w: %v with length %d", ErrUnexpectedPacket, t, n))
			}
		default:
			return 0, f.fail(fmt.Errorf("%w: %v inside an established session", ErrUnexpectedPacket, t))
		}
	}
}

// ReadPayload reads the whole payload of the frame announced by the last call
// to Next into p[:n], where n is the length Next returned. It returns an
// error if p is shorter than n or there is no frame to read, and
// io.ErrUnexpectedEOF if the stream ends inside the payload.
func (f *FrameReader) ReadPayload(p []byte) error {
	if f.err != nil {
		return f.err
	}
	if !f.pending {
		return errors.New("netbios: ReadPayload without a frame from Next")
	}
	n := f.remaining
	if len(p) < n {
		// A caller bug, not a stream error: the frame stays readable.
		return fmt.Errorf("netbios: payload buffer of %d bytes for a %d-byte frame", len(p), n)
	}
	f.pending = false
	if _, err := io.ReadFull(f.r, p[:n]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return f.fail(err)
	}
	f.remaining = 0
	return nil
}

// ReadFrame reads the next frame's payload into buf, which is reused when its
// capacity suffices and replaced by a new slice of exactly the payload length
// otherwise. The returned slice aliases buf in the first case.
func (f *FrameReader) ReadFrame(buf []byte) ([]byte, error) {
	n, err := f.Next()
	if err != nil {
		return nil, err
	}
	if cap(buf) >= n {
		buf = buf[:n]
	} else {
		buf = make([]byte, n)
	}
	if err := f.ReadPayload(buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// discard skips the unread payload of the current frame.
func (f *FrameReader) discard() error {
	for f.remaining > 0 {
		k := min(f.remaining, len(f.scratch))
		if _, err := io.ReadFull(f.r, f.scratch[:k]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		f.remaining -= k
	}
	return nil
}

// fail records err as the reader's sticky error and returns it.
func (f *FrameReader) fail(err error) error {
	f.err = err
	f.pending = false
	return err
}
