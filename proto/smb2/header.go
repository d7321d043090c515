// Package smb2 holds the SMB2/SMB3 wire codec: one file per message, each
// with Size, Append and Decode. It does no I/O. Message bodies are encoded
// and decoded without their 64-byte header; every Offset field in a body is
// relative to the start of the header, so codecs add or subtract HeaderSize.
package smb2

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/gosmb/gosmb/proto/ntstatus"
)

// HeaderSize is the size of the SMB2 packet header. See [MS-SMB2] 2.2.1.
const HeaderSize = 64

// ProtocolID is the first four bytes of every SMB2 header, 0xFE 'S' 'M' 'B'.
var ProtocolID = [4]byte{0xFE, 'S', 'M', 'B'}

// TransformProtocolID starts an SMB2 TRANSFORM_HEADER. See [MS-SMB2] 2.2.41.
var TransformProtocolID = [4]byte{0xFD, 'S', 'M', 'B'}

// HeaderFlags is the Flags field of the SMB2 header. See [MS-SMB2] 2.2.1.2.
type HeaderFlags uint32

// Header flags.
const (
	FlagServerToRedir     HeaderFlags = 0x00000001
	FlagAsyncCommand      HeaderFlags = 0x00000002
	FlagRelatedOperations HeaderFlags = 0x00000004
	FlagSigned            HeaderFlags = 0x00000008
	FlagPriorityMask      HeaderFlags = 0x00000070
	FlagDFSOperations     HeaderFlags = 0x10000000
	FlagReplayOperation   HeaderFlags = 0x20000000
)

// ErrShort is wrapped by every decode error caused by a truncated buffer.
var ErrShort = errors.New("smb2: message too short")

// Header is the SMB2 packet header, sync or async form. See [MS-SMB2] 2.2.1.
//
// For requests, Status carries ChannelSequence/Reserved on the wire; the codec
// treats the field as an opaque 32-bit value either way.
type Header struct {
	CreditCharge uint16
	Status       ntstatus.Status // response status; ChannelSequence in 3.x requests
	Command      Command
	Credits      uint16 // CreditRequest in requests, CreditResponse in responses
	Flags        HeaderFlags
	NextCommand  uint32
	MessageID    uint64
	AsyncID      uint64 // valid when Flags has FlagAsyncCommand
	ProcessID    uint32 // sync form only (Reserved)
	TreeID       uint32 // sync form only
	SessionID    uint64
	Signature    [16]byte
}

// IsAsync reports whether the header uses the async form.
func (h *Header) IsAsync() bool { return h.Flags&FlagAsyncCommand != 0 }

// IsResponse reports whether the header is a server-to-client message.
func (h *Header) IsResponse() bool { return h.Flags&FlagServerToRedir != 0 }

// Size returns HeaderSize.
func (h *Header) Size() int { return HeaderSize }

// Append appends the 64-byte encoded header to dst.
func (h *Header) Append(dst []byte) []byte {
	var b [HeaderSize]byte
	h.Put(b[:])
	return append(dst, b[:]...)
}

// Put encodes the header into b[:HeaderSize]. It panics if b is short, like
// the encoding/binary Put functions; it is meant for buffers the caller sized.
func (h *Header) Put(b []byte) {
	_ = b[HeaderSize-1]
	copy(b[0:4], ProtocolID[:])
	binary.LittleEndian.PutUint16(b[4:], HeaderSize) // StructureSize
	binary.LittleEndian.PutUint16(b[6:], h.CreditCharge)
	binary.LittleEndian.PutUint32(b[8:], uint32(h.Status))
	binary.LittleEndian.PutUint16(b[12:], uint16(h.Command))
	binary.LittleEndian.PutUint16(b[14:], h.Credits)
	binary.LittleEndian.PutUint32(b[16:], uint32(h.Flags))
	binary.LittleEndian.PutUint32(b[20:], h.NextCommand)
	binary.LittleEndian.PutUint64(b[24:], h.MessageID)
	if h.IsAsync() {
		binary.LittleEndian.PutUint64(b[32:], h.AsyncID)
	} else {
		binary.LittleEndian.PutUint32(b[32:], h.ProcessID)
		binary.LittleEndian.PutUint32(b[36:], h.TreeID)
	}
	binary.LittleEndian.PutUint64(b[40:], h.SessionID)
	copy(b[48:64], h.Signature[:])
}

// Decode decodes the header from the first HeaderSize bytes of src.
func (h *Header) Decode(src []byte) error {
	if len(src) < HeaderSize {
		return shortf("header", "needs %d bytes, have %d", HeaderSize, len(src))
	}
	if [4]byte(src[0:4]) != ProtocolID {
		return fmt.Errorf("smb2: header: bad protocol id % x", src[0:4])
	}
	// [MS-SMB2] 2.2.1: StructureSize "MUST be set to 64".
	if ss := binary.LittleEndian.Uint16(src[4:]); ss != HeaderSize {
		return fmt.Errorf("smb2: header: StructureSize %d, want 64", ss)
	}
	h.CreditCharge = binary.LittleEndian.Uint16(src[6:])
	h.Status = ntstatus.Status(binary.LittleEndian.Uint32(src[8:]))
	h.Command = Command(binary.LittleEndian.Uint16(src[12:]))
	h.Credits = binary.LittleEndian.Uint16(src[14:])
	h.Flags = HeaderFlags(binary.LittleEndian.Uint32(src[16:]))
	h.NextCommand = binary.LittleEndian.Uint32(src[20:])
	h.MessageID = binary.LittleEndian.Uint64(src[24:])
	if h.IsAsync() {
		h.AsyncID = binary.LittleEndian.Uint64(src[32:])
		h.ProcessID, h.TreeID = 0, 0
	} else {
		h.AsyncID = 0
		h.ProcessID = binary.LittleEndian.Uint32(src[32:])
		h.TreeID = binary.LittleEndian.Uint32(src[36:])
	}
	h.SessionID = binary.LittleEndian.Uint64(src[40:])
	copy(h.Signature[:], src[48:64])
	return nil
}

// SignatureOffset is where the 16-byte signature sits in the header.
const SignatureOffset = 48
