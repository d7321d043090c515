package netbios

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// NBFlags is the NB_FLAGS field of an address entry in a name query
// response. See RFC 1002 4.2.1.3.
type NBFlags uint16

// NB_FLAGS bits.
const (
	NBGroup     NBFlags = 0x8000 // G: a group name
	NBOwnerMask NBFlags = 0x6000 // ONT: the owner node type
)

// Group reports whether the G bit is set.
func (f NBFlags) Group() bool { return f&NBGroup != 0 }

// OwnerType returns the ONT field.
func (f NBFlags) OwnerType() OwnerType { return OwnerType(f & NBOwnerMask >> 13) }

// OwnerType is the owner node type (ONT) of a name. See RFC 1002 4.2.1.3;
// [MS-NBTE] 2.2.1 names the fourth value.
type OwnerType uint8

// Owner node types.
const (
	OwnerBNode OwnerType = 0
	OwnerPNode OwnerType = 1
	OwnerMNode OwnerType = 2
	OwnerHNode OwnerType = 3
)

// String returns "B", "P", "M" or "H".
func (t OwnerType) String() string { return string("BPMH"[t&3]) }

// NBEntry is one address entry of a name query response.
type NBEntry struct {
	Flags NBFlags
	IP    netip.Addr // IPv4
}

// nbEntryLen is the encoded length of an NBEntry.
const nbEntryLen = 6

// NameQueryRequest is a NAME QUERY REQUEST. See RFC 1002 4.2.12.
type NameQueryRequest struct {
	ID        uint16
	Broadcast bool // the B flag: sent to a broadcast address
	Name      string
	Suffix    byte
	Scope     string
}

// Size returns the encoded size.
func (m *NameQueryRequest) Size() int { return NSHeaderLen + questionSize(m.Scope) }

// Append appends the encoded request to dst. Per RFC 1002 4.2.12 it sets RD,
// and B when Broadcast.
func (m *NameQueryRequest) Append(dst []byte) ([]byte, error) {
	flags := FlagRecursionDesired
	if m.Broadcast {
		flags |= FlagBroadcast
	}
	return appendQueryRequest(dst, "NAME QUERY REQUEST", m.ID, flags, m.Name, m.Suffix, m.Scope, typeNB)
}

// Decode decodes a NAME QUERY REQUEST.
func (m *NameQueryRequest) Decode(src []byte) error {
	h, name, suffix, scope, err := decodeQueryRequest(src, "NAME QUERY REQUEST", typeNB)
	if err != nil {
		return err
	}
	*m = NameQueryRequest{ID: h.ID, Broadcast: h.Flags&FlagBroadcast != 0, Name: name, Suffix: suffix, Scope: scope}
	return nil
}

// appendQueryRequest appends a request of opcode QUERY with one question
// of type qtype: NAME QUERY (NB) and NODE STATUS (NBSTAT) requests differ
// only in that type and in the flags.
func appendQueryRequest(dst []byte, msg string, id uint16, flags NMFlags, name string, suffix byte, scope string, qtype uint16) ([]byte, error) {
	h := NSHeader{ID: id, Opcode: OpcodeQuery, Flags: flags, QDCount: 1}
	out, err := appendQuestion(h.Append(dst), name, suffix, scope, qtype)
	if err != nil {
		return dst, fmt.Errorf("netbios: %s: %w", msg, err)
	}
	return out, nil
}

// decodeQueryRequest decodes the header and the question of type qtype of
// a request of opcode QUERY.
func decodeQueryRequest(src []byte, msg string, qtype uint16) (h NSHeader, name string, suffix byte, scope string, err error) {
	if err = h.Decode(src); err != nil {
		return
	}
	if h.Response || h.Opcode != OpcodeQuery || h.QDCount < 1 {
		err = fmt.Errorf("%w: %s: R=%t opcode %v QDCOUNT %d", ErrMalformedPacket, msg, h.Response, h.Opcode, h.QDCount)
		return
	}
	r := nsReader{msg: src, off: NSHeaderLen, ctx: msg}
	name, suffix, scope, err = r.question(qtype)
	return
}

// NameQueryResponse is a POSITIVE NAME QUERY RESPONSE (RCode zero; RFC 1002
// 4.2.13) or a NEGATIVE NAME QUERY RESPONSE (RCode non-zero, no entries;
// RFC 1002 4.2.14).
type NameQueryResponse struct {
	ID      uint16
	Flags   NMFlags // AA, RD, RA as the responder set them
	RCode   RCode
	Name    string
	Suffix  byte
	Scope   string
	TTL     uint32
	Entries []NBEntry // positive responses only
}

// Size returns the encoded size.
func (m *NameQueryResponse) Size() int {
	n := NSHeaderLen + recordHeaderSize(m.Scope)
	if m.RCode == RCodeOK {
		n += nbEntryLen * len(m.Entries)
	}
	return n
}

// Append appends the encoded response to dst. A negative response carries
// a NULL record with no RDATA, as RFC 1002 4.2.14 specifies; its Entries
// are ignored.
func (m *NameQueryResponse) Append(dst []byte) ([]byte, error) {
	h := NSHeader{ID: m.ID, Response: true, Opcode: OpcodeQuery, Flags: m.Flags, RCode: m.RCode, ANCount: 1}
	rrType, n := uint16(typeNB), nbEntryLen*len(m.Entries)
	if m.RCode != RCodeOK {
		rrType, n = typeNULL, 0
	}
	out, err := appendRecordHeader(h.Append(dst), m.Name, m.Suffix, m.Scope, rrType, m.TTL, n)
	if err != nil {
		return dst, fmt.Errorf("netbios: NAME QUERY RESPONSE: %w", err)
	}
	if m.RCode != RCodeOK {
		return out, nil
	}
	for _, e := range m.Entries {
		if !e.IP.Is4() {
			return dst, fmt.Errorf("netbios: NAME QUERY RESPONSE: address %v is not IPv4", e.IP)
		}
		a := e.IP.As4()
		out = binary.BigEndian.AppendUint16(out, uint16(e.Flags))
		out = append(out, a[:]...)
	}
	return out, nil
}

// Decode decodes a positive or negative NAME QUERY RESPONSE. It reads the
// first answer record; questions echoed by some servers are skipped.
func (m *NameQueryResponse) Decode(src []byte) error {
	const msg = "NAME QUERY RESPONSE"
	var h NSHeader
	if err := h.Decode(src); err != nil {
		return err
	}
	if !h.Response || h.Opcode != OpcodeQuery || h.ANCount < 1 {
		return fmt.Errorf("%w: %s: R=%t opcode %v ANCOUNT %d", ErrMalformedPacket, msg, h.Response, h.Opcode, h.ANCount)
	}
	r := nsReader{msg: src, off: NSHeaderLen, ctx: msg}
	if err := r.skipQuestions(h.QDCount); err != nil {
		return err
	}
	rr, err := r.record()
	if err != nil {
		return err
	}
	out := NameQueryResponse{ID: h.ID, Flags: h.Flags, RCode: h.RCode, Name: rr.name, Suffix: rr.suffix, Scope: rr.scope, TTL: rr.ttl}
	if h.RCode != RCodeOK {
		// RFC 1002 4.2.14 gives a NULL record; NB is accepted too, and
		// any RDATA is ignored.
		if (rr.rrType != typeNULL && rr.rrType != typeNB) || rr.class != classIN {
			return fmt.Errorf("%w: %s: negative response record type 0x%04x class 0x%04x", ErrMalformedPacket, msg, rr.rrType, rr.class)
		}
		*m = out
		return nil
	}
	if rr.rrType != typeNB || rr.class != classIN {
		return fmt.Errorf("%w: %s: record type 0x%04x class 0x%04x, want NB IN", ErrMalformedPacket, msg, rr.rrType, rr.class)
	}
	if len(rr.rdata)%nbEntryLen != 0 {
		return fmt.Errorf("%w: %s: RDLENGTH %d is not a multiple of %d", ErrMalformedPacket, msg, len(rr.rdata), nbEntryLen)
	}
	if len(rr.rdata) > 0 {
		out.Entries = make([]NBEntry, 0, len(rr.rdata)/nbEntryLen)
	}
	for b := rr.rdata; len(b) > 0; b = b[nbEntryLen:] {
		out.Entries = append(out.Entries, NBEntry{
			Flags: NBFlags(binary.BigEndian.Uint16(b)),
			IP:    netip.AddrFrom4([4]byte(b[2:6])),
		})
	}
	*m = out
	return nil
}
