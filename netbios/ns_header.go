package netbios

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// NameServicePort is the UDP port of the NetBIOS name service. See RFC 1002
// 6 (NAME_SERVICE_UDP_PORT).
const NameServicePort = 137

// NSHeaderLen is the length of a name service packet header. See RFC 1002
// 4.2.1.1.
const NSHeaderLen = 12

// ErrShortPacket is wrapped by every name service decode error caused by a
// truncated packet.
var ErrShortPacket = errors.New("netbios: name service packet too short")

// ErrMalformedPacket is wrapped by name service decode errors other than
// truncation: wrong opcode or type, bad name, inconsistent counts.
var ErrMalformedPacket = errors.New("netbios: malformed name service packet")

// Opcode is the OPCODE field of a name service packet, without the R bit.
// See RFC 1002 4.2.1.1.
type Opcode uint8

// Name service opcodes. See RFC 1002 4.2.1.1.
const (
	OpcodeQuery        Opcode = 0x0
	OpcodeRegistration Opcode = 0x5
	OpcodeRelease      Opcode = 0x6
	OpcodeWACK         Opcode = 0x7
	OpcodeRefresh      Opcode = 0x8
)

// String returns the RFC 1002 name of o.
func (o Opcode) String() string {
	switch o {
	case OpcodeQuery:
		return "QUERY"
	case OpcodeRegistration:
		return "REGISTRATION"
	case OpcodeRelease:
		return "RELEASE"
	case OpcodeWACK:
		return "WACK"
	case OpcodeRefresh:
		return "REFRESH"
	}
	return fmt.Sprintf("Opcode(0x%x)", uint8(o))
}

// NMFlags is the 7-bit NM_FLAGS field of a name service packet. See RFC 1002
// 4.2.1.1.
type NMFlags uint8

// NM_FLAGS bits.
const (
	FlagAuthoritative      NMFlags = 0x40 // AA
	FlagTruncated          NMFlags = 0x20 // TC
	FlagRecursionDesired   NMFlags = 0x10 // RD
	FlagRecursionAvailable NMFlags = 0x08 // RA
	FlagBroadcast          NMFlags = 0x01 // B
)

// String lists the flags by their RFC 1002 names, such as "AA|RD".
func (f NMFlags) String() string {
	var parts []string
	for _, b := range []struct {
		f    NMFlags
		name string
	}{{FlagAuthoritative, "AA"}, {FlagTruncated, "TC"}, {FlagRecursionDesired, "RD"}, {FlagRecursionAvailable, "RA"}, {FlagBroadcast, "B"}} {
		if f&b.f != 0 {
			parts = append(parts, b.name)
			f &^= b.f
		}
	}
	if f != 0 {
		parts = append(parts, fmt.Sprintf("0x%02x", uint8(f)))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, "|")
}

// RCode is the RCODE field of a name service response. See RFC 1002 4.2.6
// and 4.2.14.
type RCode uint8

// Response codes.
const (
	RCodeOK             RCode = 0x0
	RCodeFormatError    RCode = 0x1 // FMT_ERR
	RCodeServerFailure  RCode = 0x2 // SRV_ERR
	RCodeNameError      RCode = 0x3 // NAM_ERR: the name does not exist
	RCodeNotImplemented RCode = 0x4 // IMP_ERR
	RCodeRefused        RCode = 0x5 // RFS_ERR
	RCodeActive         RCode = 0x6 // ACT_ERR
	RCodeConflict       RCode = 0x7 // CFT_ERR
)

// String returns the RFC 1002 name of c.
func (c RCode) String() string {
	switch c {
	case RCodeOK:
		return "OK"
	case RCodeFormatError:
		return "FMT_ERR"
	case RCodeServerFailure:
		return "SRV_ERR"
	case RCodeNameError:
		return "NAM_ERR"
	case RCodeNotImplemented:
		return "IMP_ERR"
	case RCodeRefused:
		return "RFS_ERR"
	case RCodeActive:
		return "ACT_ERR"
	case RCodeConflict:
		return "CFT_ERR"
	}
	return fmt.Sprintf("RCode(0x%x)", uint8(c))
}

// Question and resource record types and class. See RFC 1002 4.2.1.2 and
// 4.2.1.3.
const (
	typeNULL   = 0x000A
	typeNB     = 0x0020
	typeNBSTAT = 0x0021
	classIN    = 0x0001
)

// NSHeader is the header of a name service packet. See RFC 1002 4.2.1.1.
type NSHeader struct {
	ID       uint16 // NAME_TRN_ID
	Response bool   // the R bit
	Opcode   Opcode
	Flags    NMFlags
	RCode    RCode
	QDCount  uint16
	ANCount  uint16
	NSCount  uint16
	ARCount  uint16
}

// Size returns NSHeaderLen.
func (h *NSHeader) Size() int { return NSHeaderLen }

// Append appends the encoded header to dst. Opcode, Flags and RCode are
// truncated to their 4, 7 and 4 bits.
func (h *NSHeader) Append(dst []byte) []byte {
	w := uint16(h.Opcode&0x0f)<<11 | uint16(h.Flags&0x7f)<<4 | uint16(h.RCode&0x0f)
	if h.Response {
		w |= 0x8000
	}
	dst = binary.BigEndian.AppendUint16(dst, h.ID)
	dst = binary.BigEndian.AppendUint16(dst, w)
	dst = binary.BigEndian.AppendUint16(dst, h.QDCount)
	dst = binary.BigEndian.AppendUint16(dst, h.ANCount)
	dst = binary.BigEndian.AppendUint16(dst, h.NSCount)
	return binary.BigEndian.AppendUint16(dst, h.ARCount)
}

// Decode decodes the header at the start of src.
func (h *NSHeader) Decode(src []byte) error {
	if len(src) < NSHeaderLen {
		return fmt.Errorf("%w: header needs %d bytes, have %d", ErrShortPacket, NSHeaderLen, len(src))
	}
	w := binary.BigEndian.Uint16(src[2:4])
	*h = NSHeader{
		ID:       binary.BigEndian.Uint16(src[0:2]),
		Response: w&0x8000 != 0,
		Opcode:   Opcode(w >> 11 & 0x0f),
		Flags:    NMFlags(w >> 4 & 0x7f),
		RCode:    RCode(w & 0x0f),
		QDCount:  binary.BigEndian.Uint16(src[4:6]),
		ANCount:  binary.BigEndian.Uint16(src[6:8]),
		NSCount:  binary.BigEndian.Uint16(src[8:10]),
		ARCount:  binary.BigEndian.Uint16(src[10:12]),
	}
	return nil
}

// nsReader walks a name service packet. Every method checks bounds and
// returns an error rather than panicking; msg is the whole packet, which
// label string pointers index.
type nsReader struct {
	msg []byte
	off int
	ctx string // the message being decoded, for errors
}

func (r *nsReader) short(field string, n int) error {
	return fmt.Errorf("%w: %s: %s needs %d bytes at offset %d, have %d", ErrShortPacket, r.ctx, field, n, r.off, len(r.msg)-r.off)
}

func (r *nsReader) bytes(field string, n int) ([]byte, error) {
	if n < 0 || n > len(r.msg)-r.off {
		return nil, r.short(field, n)
	}
	b := r.msg[r.off : r.off+n]
	r.off += n
	return b, nil
}

func (r *nsReader) u16(field string) (uint16, error) {
	b, err := r.bytes(field, 2)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint16(b), nil
}

func (r *nsReader) u32(field string) (uint32, error) {
	b, err := r.bytes(field, 4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b), nil
}

// maxPointers bounds the label string pointers followed in one name. With
// the 255-byte length limit and pointers required to point backwards this
// is only a second line of defence against loops.
const maxPointers = 16

// name reads a second-level encoded NetBIOS name (RFC 1002 4.1), following
// label string pointers (two high bits set, 14-bit offset into the packet).
// The first label must be a 32-byte first-level encoded name; the others
// form the scope, joined with dots.
func (r *nsReader) name(field string) (name string, suffix byte, scope string, err error) {
	pos := r.off
	next := -1 // where reading resumes after the name: past the first pointer
	total := 0 // encoded length, label length bytes and terminator included
	var first []byte
	var sc []byte
	for jumps := 0; ; {
		if pos >= len(r.msg) {
			return "", 0, "", fmt.Errorf("%w: %s: %s runs past the end of the packet", ErrShortPacket, r.ctx, field)
		}
		l := int(r.msg[pos])
		switch l & 0xc0 {
		case 0xc0:
			if pos+1 >= len(r.msg) {
				return "", 0, "", fmt.Errorf("%w: %s: %s: pointer cut short", ErrShortPacket, r.ctx, field)
			}
			ptr := (l&0x3f)<<8 | int(r.msg[pos+1])
			// Pointers must refer to an earlier occurrence of the name.
			if ptr >= pos || jumps >= maxPointers {
				return "", 0, "", fmt.Errorf("%w: %s: %s: bad label pointer %d at offset %d", ErrMalformedPacket, r.ctx, field, ptr, pos)
			}
			if next < 0 {
				next = pos + 2
			}
			jumps++
			pos = ptr
			continue
		case 0x00:
		default:
			return "", 0, "", fmt.Errorf("%w: %s: %s: reserved label type 0x%02x at offset %d", ErrMalformedPacket, r.ctx, field, l, pos)
		}
		total += 1 + l
		if total > maxScopeLen {
			return "", 0, "", fmt.Errorf("%w: %s: %s longer than %d bytes", ErrMalformedPacket, r.ctx, field, maxScopeLen)
		}
		if l == 0 {
			pos++
			break
		}
		if l > len(r.msg)-pos-1 {
			return "", 0, "", fmt.Errorf("%w: %s: %s: %d-byte label at offset %d", ErrShortPacket, r.ctx, field, l, pos)
		}
		label := r.msg[pos+1 : pos+1+l]
		pos += 1 + l
		if first == nil {
			first = label
			continue
		}
		if len(sc) > 0 {
			sc = append(sc, '.')
		}
		sc = append(sc, label...)
	}
	if first == nil {
		return "", 0, "", fmt.Errorf("%w: %s: %s is empty", ErrMalformedPacket, r.ctx, field)
	}
	raw, err := decodeHalfASCII(first)
	if err != nil {
		return "", 0, "", fmt.Errorf("%w: %s: %s: %w", ErrMalformedPacket, r.ctx, field, err)
	}
	if next < 0 {
		next = pos
	}
	r.off = next
	return trimName(raw[:NameLen-1]), raw[NameLen-1], string(sc), nil
}

// question reads a question entry (RFC 1002 4.2.1.2) and checks its type
// and class.
func (r *nsReader) question(wantType uint16) (name string, suffix byte, scope string, err error) {
	name, suffix, scope, err = r.name("QUESTION_NAME")
	if err != nil {
		return "", 0, "", err
	}
	qtype, err := r.u16("QUESTION_TYPE")
	if err != nil {
		return "", 0, "", err
	}
	qclass, err := r.u16("QUESTION_CLASS")
	if err != nil {
		return "", 0, "", err
	}
	if qtype != wantType || qclass != classIN {
		return "", 0, "", fmt.Errorf("%w: %s: question type 0x%04x class 0x%04x, want 0x%04x class IN", ErrMalformedPacket, r.ctx, qtype, qclass, wantType)
	}
	return name, suffix, scope, nil
}

// rrHeader is the fixed part of a resource record after its name. See
// RFC 1002 4.2.1.3.
type rrHeader struct {
	name, scope string
	suffix      byte
	rrType      uint16
	class       uint16
	ttl         uint32
	rdata       []byte
}

// record reads a resource record, RDATA included.
func (r *nsReader) record() (rrHeader, error) {
	var rr rrHeader
	var err error
	if rr.name, rr.suffix, rr.scope, err = r.name("RR_NAME"); err != nil {
		return rr, err
	}
	if rr.rrType, err = r.u16("RR_TYPE"); err != nil {
		return rr, err
	}
	if rr.class, err = r.u16("RR_CLASS"); err != nil {
		return rr, err
	}
	if rr.ttl, err = r.u32("TTL"); err != nil {
		return rr, err
	}
	n, err := r.u16("RDLENGTH")
	if err != nil {
		return rr, err
	}
	if rr.rdata, err = r.bytes("RDATA", int(n)); err != nil {
		return rr, err
	}
	return rr, nil
}

// skipQuestions skips n question entries, which some servers echo in
// responses that RFC 1002 gives QDCOUNT 0.
func (r *nsReader) skipQuestions(n uint16) error {
	for range n {
		if _, _, _, err := r.name("QUESTION_NAME"); err != nil {
			return err
		}
		if _, err := r.bytes("QUESTION_TYPE/CLASS", 4); err != nil {
			return err
		}
	}
	return nil
}

// appendQuestion appends a question entry.
func appendQuestion(dst []byte, name string, suffix byte, scope string, qtype uint16) ([]byte, error) {
	dst, err := AppendEncodedName(dst, name, suffix, scope)
	if err != nil {
		return dst, err
	}
	dst = binary.BigEndian.AppendUint16(dst, qtype)
	return binary.BigEndian.AppendUint16(dst, classIN), nil
}

// appendRecordHeader appends a resource record up to and including
// RDLENGTH.
func appendRecordHeader(dst []byte, name string, suffix byte, scope string, rrType uint16, ttl uint32, rdlen int) ([]byte, error) {
	if rdlen > 0xffff {
		return dst, fmt.Errorf("%w: RDATA of %d bytes", ErrMalformedPacket, rdlen)
	}
	dst, err := AppendEncodedName(dst, name, suffix, scope)
	if err != nil {
		return dst, err
	}
	dst = binary.BigEndian.AppendUint16(dst, rrType)
	dst = binary.BigEndian.AppendUint16(dst, classIN)
	dst = binary.BigEndian.AppendUint32(dst, ttl)
	return binary.BigEndian.AppendUint16(dst, uint16(rdlen)), nil
}

// questionSize is the encoded size of a question for a name in scope.
func questionSize(scope string) int { return encodedNameSize(scope) + 4 }

// recordHeaderSize is the encoded size of a resource record without RDATA.
func recordHeaderSize(scope string) int { return encodedNameSize(scope) + 10 }
