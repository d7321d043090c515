package netbios

import (
	"encoding/binary"
	"fmt"
	"net"
	"strings"
)

// NameFlags is the NAME_FLAGS field of a node status name entry. See
// RFC 1002 4.2.18.
type NameFlags uint16

// NAME_FLAGS bits.
const (
	NameGroup         NameFlags = 0x8000 // G: a group name
	NameOwnerMask     NameFlags = 0x6000 // ONT: the owner node type
	NameDeregistering NameFlags = 0x1000 // DRG: being deleted
	NameConflict      NameFlags = 0x0800 // CNF: in conflict
	NameActive        NameFlags = 0x0400 // ACT: active (always set)
	NamePermanent     NameFlags = 0x0200 // PRM: the permanent node name
)

// Group reports whether the G bit is set.
func (f NameFlags) Group() bool { return f&NameGroup != 0 }

// OwnerType returns the ONT field.
func (f NameFlags) OwnerType() OwnerType { return OwnerType(f & NameOwnerMask >> 13) }

// NodeName is one entry of a node status response: a name registered by
// the node, its suffix (the service: 0x00 workstation, 0x20 file server,
// 0x1d master browser, ...) and its flags.
type NodeName struct {
	Name   string // without padding
	Suffix byte
	Flags  NameFlags
}

// Group reports whether the name is a group name rather than a unique one.
func (n NodeName) Group() bool { return n.Flags.Group() }

// String formats the entry as nmblookup does, for example
// "SERVER          <20> - B <ACTIVE>".
func (n NodeName) String() string {
	kind := "-"
	if n.Group() {
		kind = "<GROUP>"
	}
	var state []string
	if n.Flags&NameActive != 0 {
		state = append(state, "<ACTIVE>")
	}
	if n.Flags&NameConflict != 0 {
		state = append(state, "<CONFLICT>")
	}
	if n.Flags&NameDeregistering != 0 {
		state = append(state, "<DEREGISTERING>")
	}
	if n.Flags&NamePermanent != 0 {
		state = append(state, "<PERMANENT>")
	}
	return fmt.Sprintf("%-15s <%02x> %s %v %s", n.Name, n.Suffix, kind, n.Flags.OwnerType(), strings.Join(state, " "))
}

// nodeNameLen is the encoded length of a NodeName: 16 raw name bytes and
// NAME_FLAGS.
const nodeNameLen = NameLen + 2

// NodeStatusRequest is a NODE STATUS REQUEST. See RFC 1002 4.2.17. To ask a
// host for all its names, send it to the host with Name set to
// WildcardName and Suffix 0.
type NodeStatusRequest struct {
	ID        uint16
	Broadcast bool // the B flag
	Name      string
	Suffix    byte
	Scope     string
}

// Size returns the encoded size.
func (m *NodeStatusRequest) Size() int { return NSHeaderLen + questionSize(m.Scope) }

// Append appends the encoded request to dst.
func (m *NodeStatusRequest) Append(dst []byte) ([]byte, error) {
	var flags NMFlags
	if m.Broadcast {
		flags = FlagBroadcast
	}
	return appendQueryRequest(dst, "NODE STATUS REQUEST", m.ID, flags, m.Name, m.Suffix, m.Scope, typeNBSTAT)
}

// Decode decodes a NODE STATUS REQUEST.
func (m *NodeStatusRequest) Decode(src []byte) error {
	h, name, suffix, scope, err := decodeQueryRequest(src, "NODE STATUS REQUEST", typeNBSTAT)
	if err != nil {
		return err
	}
	*m = NodeStatusRequest{ID: h.ID, Broadcast: h.Flags&FlagBroadcast != 0, Name: name, Suffix: suffix, Scope: scope}
	return nil
}

// NodeStatusResponse is a NODE STATUS RESPONSE. See RFC 1002 4.2.18.
type NodeStatusResponse struct {
	ID     uint16
	Flags  NMFlags // AA as the responder set it
	RCode  RCode   // zero in every response RFC 1002 defines
	Name   string  // the name asked about, normally WildcardName
	Suffix byte
	Scope  string
	Names  []NodeName
	// Statistics is whatever follows the name array: the 46-byte
	// STATISTICS block of RFC 1002 4.2.18 when the responder sends it all.
	// It is kept as received.
	Statistics []byte
}

// UnitID returns the first six bytes of Statistics, the UNIT_ID field,
// which Windows fills with the MAC address of the adapter (Samba sends
// zeros). It returns nil when Statistics is shorter.
func (m *NodeStatusResponse) UnitID() net.HardwareAddr {
	if len(m.Statistics) < 6 {
		return nil
	}
	return net.HardwareAddr(m.Statistics[:6:6])
}

// Size returns the encoded size.
func (m *NodeStatusResponse) Size() int {
	return NSHeaderLen + recordHeaderSize(m.Scope) + 1 + nodeNameLen*len(m.Names) + len(m.Statistics)
}

// Append appends the encoded response to dst. Names longer than 15 bytes
// are an error; shorter ones are padded with spaces.
func (m *NodeStatusResponse) Append(dst []byte) ([]byte, error) {
	const msg = "netbios: NODE STATUS RESPONSE"
	if len(m.Names) > 0xff {
		return dst, fmt.Errorf("%s: %d names, at most 255 fit NUM_NAMES", msg, len(m.Names))
	}
	h := NSHeader{ID: m.ID, Response: true, Opcode: OpcodeQuery, Flags: m.Flags, RCode: m.RCode, ANCount: 1}
	rdlen := 1 + nodeNameLen*len(m.Names) + len(m.Statistics)
	out, err := appendRecordHeader(h.Append(dst), m.Name, m.Suffix, m.Scope, typeNBSTAT, 0, rdlen)
	if err != nil {
		return dst, fmt.Errorf("%s: %w", msg, err)
	}
	out = append(out, byte(len(m.Names)))
	for _, n := range m.Names {
		if len(n.Name) > NameLen-1 {
			return dst, fmt.Errorf("%s: %w: %q is longer than %d bytes", msg, ErrInvalidName, n.Name, NameLen-1)
		}
		out = append(out, n.Name...)
		for range NameLen - 1 - len(n.Name) {
			out = append(out, ' ')
		}
		out = append(out, n.Suffix)
		out = binary.BigEndian.AppendUint16(out, uint16(n.Flags))
	}
	return append(out, m.Statistics...), nil
}

// Decode decodes a NODE STATUS RESPONSE. It reads the first answer record;
// questions echoed by some servers are skipped.
func (m *NodeStatusResponse) Decode(src []byte) error {
	const msg = "NODE STATUS RESPONSE"
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
	if rr.rrType != typeNBSTAT || rr.class != classIN {
		return fmt.Errorf("%w: %s: record type 0x%04x class 0x%04x, want NBSTAT IN", ErrMalformedPacket, msg, rr.rrType, rr.class)
	}
	if len(rr.rdata) < 1 {
		return fmt.Errorf("%w: %s: RDATA has no NUM_NAMES", ErrShortPacket, msg)
	}
	n := int(rr.rdata[0])
	rest := rr.rdata[1:]
	if len(rest) < n*nodeNameLen {
		return fmt.Errorf("%w: %s: %d names need %d bytes, RDATA has %d", ErrShortPacket, msg, n, n*nodeNameLen, len(rest))
	}
	out := NodeStatusResponse{ID: h.ID, Flags: h.Flags, RCode: h.RCode, Name: rr.name, Suffix: rr.suffix, Scope: rr.scope}
	if n > 0 {
		out.Names = make([]NodeName, n)
	}
	for i := range out.Names {
		e := rest[i*nodeNameLen : (i+1)*nodeNameLen]
		out.Names[i] = NodeName{
			Name:   trimName(e[:NameLen-1]),
			Suffix: e[NameLen-1],
			Flags:  NameFlags(binary.BigEndian.Uint16(e[NameLen:])),
		}
	}
	if stats := rest[n*nodeNameLen:]; len(stats) > 0 {
		out.Statistics = append([]byte(nil), stats...)
	}
	*m = out
	return nil
}
