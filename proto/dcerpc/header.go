package dcerpc

import (
	"fmt"
	"strings"
)

// PacketType is the PTYPE of a PDU. See [C706] 12.6.4 and [MS-RPCE] 2.2.2.1.
type PacketType uint8

// Packet types. Only the connection-oriented ones are listed; this package
// encodes and decodes PacketRequest through PacketBindNak.
const (
	PacketRequest          PacketType = 0  // request
	PacketResponse         PacketType = 2  // response
	PacketFault            PacketType = 3  // fault
	PacketBind             PacketType = 11 // bind
	PacketBindAck          PacketType = 12 // bind_ack
	PacketBindNak          PacketType = 13 // bind_nak
	PacketAlterContext     PacketType = 14 // alter_context
	PacketAlterContextResp PacketType = 15 // alter_context_resp
	PacketAuth3            PacketType = 16 // rpc_auth_3 ([MS-RPCE] 2.2.2.1)
	PacketShutdown         PacketType = 17 // shutdown
	PacketCoCancel         PacketType = 18 // co_cancel
	PacketOrphaned         PacketType = 19 // orphaned
)

var packetTypeNames = [...]string{
	"request", "ping", "response", "fault", "working", "nocall", "reject", "ack",
	"cl_cancel", "fack", "cancel_ack", "bind", "bind_ack", "bind_nak",
	"alter_context", "alter_context_resp", "rpc_auth_3", "shutdown", "co_cancel",
	"orphaned",
}

// String returns the spec name of t, for example "bind_ack".
func (t PacketType) String() string {
	if int(t) < len(packetTypeNames) {
		return packetTypeNames[t]
	}
	return fmt.Sprintf("PTYPE(%d)", uint8(t))
}

// PFCFlags is the pfc_flags field of the common header. See [C706] 12.6.3.1
// and [MS-RPCE] 2.2.2.3.
type PFCFlags uint8

// pfc_flags bits.
const (
	PFCFirstFrag     PFCFlags = 0x01 // PFC_FIRST_FRAG
	PFCLastFrag      PFCFlags = 0x02 // PFC_LAST_FRAG
	PFCPendingCancel PFCFlags = 0x04 // PFC_PENDING_CANCEL; PFC_SUPPORT_HEADER_SIGN in bind ([MS-RPCE] 2.2.2.3)
	PFCReserved1     PFCFlags = 0x08 // PFC_RESERVED_1
	PFCConcMpx       PFCFlags = 0x10 // PFC_CONC_MPX
	PFCDidNotExecute PFCFlags = 0x20 // PFC_DID_NOT_EXECUTE
	PFCMaybe         PFCFlags = 0x40 // PFC_MAYBE
	PFCObjectUUID    PFCFlags = 0x80 // PFC_OBJECT_UUID

	// PFCFirstLast marks a PDU that is a whole call in one fragment.
	PFCFirstLast = PFCFirstFrag | PFCLastFrag
)

var pfcNames = [8]string{
	"PFC_FIRST_FRAG", "PFC_LAST_FRAG", "PFC_PENDING_CANCEL", "PFC_RESERVED_1",
	"PFC_CONC_MPX", "PFC_DID_NOT_EXECUTE", "PFC_MAYBE", "PFC_OBJECT_UUID",
}

// String returns the set bits' spec names joined by "|", or "0".
func (f PFCFlags) String() string {
	if f == 0 {
		return "0"
	}
	var names []string
	for i, name := range pfcNames {
		if f&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	return strings.Join(names, "|")
}

// Common header constants. See [C706] 12.6.3.1.
const (
	HeaderSize      = 16 // size of the common header
	RPCVersion      = 5  // rpc_vers
	RPCVersionMinor = 0  // rpc_vers_minor we send; 0 and 1 are accepted
)

// DataRepLittleEndian is the packed_drep this package sends and the only
// integer representation it decodes: little-endian integers, ASCII
// characters, IEEE floating point. See [C706] 14.1.
var DataRepLittleEndian = [4]byte{0x10, 0, 0, 0}

// Header is the common header that starts every connection-oriented PDU.
// See [C706] 12.6.3.1.
type Header struct {
	Version      uint8 // rpc_vers, 5
	VersionMinor uint8 // rpc_vers_minor, 0 or 1
	Type         PacketType
	Flags        PFCFlags
	DataRep      [4]byte // packed_drep
	FragLength   uint16  // whole PDU, header included
	AuthLength   uint16  // auth_value length, 0 without authentication
	CallID       uint32
}

// Size returns HeaderSize.
func (h *Header) Size() int { return HeaderSize }

// Append appends the encoded header to dst.
func (h *Header) Append(dst []byte) ([]byte, error) {
	dst = append(dst, h.Version, h.VersionMinor, byte(h.Type), byte(h.Flags))
	dst = append(dst, h.DataRep[:]...)
	dst = le.AppendUint16(dst, h.FragLength)
	dst = le.AppendUint16(dst, h.AuthLength)
	return le.AppendUint32(dst, h.CallID), nil
}

// Decode decodes the common header at the start of pdu and checks it: the
// version is 5.0 or 5.1, integers are little-endian, and frag_length is at
// least HeaderSize and at most len(pdu).
func (h *Header) Decode(pdu []byte) error {
	v, err := peekHeader(pdu)
	if err != nil {
		return err
	}
	if int(v.FragLength) > len(pdu) {
		return shortf("header", "frag_length %d beyond %d-byte buffer", v.FragLength, len(pdu))
	}
	*h = v
	return nil
}

// FragLength returns the frag_length of the PDU whose first HeaderSize bytes
// are hdr, after the checks Header.Decode makes on the header alone. A
// reader of a byte stream uses it to learn how much of the PDU is left.
func FragLength(hdr []byte) (int, error) {
	h, err := peekHeader(hdr)
	if err != nil {
		return 0, err
	}
	return int(h.FragLength), nil
}

// peekHeader decodes and checks the 16-byte header without comparing
// frag_length with len(b).
func peekHeader(b []byte) (Header, error) {
	const msg = "header"
	if err := need(b, msg, HeaderSize); err != nil {
		return Header{}, err
	}
	h := Header{
		Version:      b[0],
		VersionMinor: b[1],
		Type:         PacketType(b[2]),
		Flags:        PFCFlags(b[3]),
		DataRep:      [4]byte(b[4:8]),
		FragLength:   le.Uint16(b[8:]),
		AuthLength:   le.Uint16(b[10:]),
		CallID:       le.Uint32(b[12:]),
	}
	// [C706] 12.6.3.1: rpc_vers is 5; rpc_vers_minor is 0 or 1.
	if h.Version != RPCVersion || h.VersionMinor > 1 {
		return Header{}, errorf(msg, "unsupported RPC version %d.%d", h.Version, h.VersionMinor)
	}
	// [C706] 14.1: the high nibble of the first drep byte is the integer
	// representation, 1 for little-endian. Big-endian peers are legal but
	// not supported.
	if h.DataRep[0]>>4 != 1 {
		return Header{}, errorf(msg, "unsupported data representation % x (only little-endian integers)", h.DataRep[:])
	}
	if h.FragLength < HeaderSize {
		return Header{}, errorf(msg, "frag_length %d below the %d-byte header", h.FragLength, HeaderSize)
	}
	return h, nil
}

// newHeader returns the header this package writes: version 5.0,
// little-endian, no authentication.
func newHeader(t PacketType, flags PFCFlags, size int, callID uint32) Header {
	return Header{
		Version:      RPCVersion,
		VersionMinor: RPCVersionMinor,
		Type:         t,
		Flags:        flags,
		DataRep:      DataRepLittleEndian,
		FragLength:   uint16(size),
		CallID:       callID,
	}
}

// appendHeader appends the header of a PDU of size bytes, which the caller
// has checked to fit frag_length.
func appendHeader(dst []byte, t PacketType, flags PFCFlags, size int, callID uint32) []byte {
	h := newHeader(t, flags, size, callID)
	dst, _ = h.Append(dst)
	return dst
}

// checkFragSize returns an error when size does not fit frag_length.
func checkFragSize(msg string, size int) error {
	if size > maxFragLength {
		return errorf(msg, "PDU of %d bytes exceeds the %d-byte frag_length limit", size, maxFragLength)
	}
	return nil
}

const maxFragLength = 0xFFFF

// decodePDU decodes the header of pdu, checks that it is of type want
// without an authentication verifier, and returns the header and the body:
// the bytes after the header up to frag_length, at least minBody of them.
func decodePDU(pdu []byte, want PacketType, minBody int) (Header, []byte, error) {
	msg := want.String()
	var h Header
	if err := h.Decode(pdu); err != nil {
		return Header{}, nil, err
	}
	if h.Type != want {
		return Header{}, nil, errorf(msg, "PTYPE is %s", h.Type)
	}
	if h.AuthLength != 0 {
		return Header{}, nil, errorf(msg, "authenticated PDU (auth_length %d) not supported", h.AuthLength)
	}
	body := pdu[HeaderSize:h.FragLength]
	if len(body) < minBody {
		return Header{}, nil, shortf(msg, "frag_length %d leaves %d body bytes, need %d", h.FragLength, len(body), minBody)
	}
	return h, body, nil
}
