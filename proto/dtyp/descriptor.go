package dtyp

import "encoding/binary"

// SDControl is the Control field of a SECURITY_DESCRIPTOR. See [MS-DTYP]
// 2.4.6.
type SDControl uint16

// Security descriptor control flags.
const (
	SEOwnerDefaulted     SDControl = 0x0001 // SE_OWNER_DEFAULTED (OD)
	SEGroupDefaulted     SDControl = 0x0002 // SE_GROUP_DEFAULTED (GD)
	SEDACLPresent        SDControl = 0x0004 // SE_DACL_PRESENT (DP)
	SEDACLDefaulted      SDControl = 0x0008 // SE_DACL_DEFAULTED (DD)
	SESACLPresent        SDControl = 0x0010 // SE_SACL_PRESENT (SP)
	SESACLDefaulted      SDControl = 0x0020 // SE_SACL_DEFAULTED (SD)
	SEDACLTrusted        SDControl = 0x0040 // SE_DACL_TRUSTED (DT); winnt.h calls this bit SE_DACL_UNTRUSTED
	SEServerSecurity     SDControl = 0x0080 // SE_SERVER_SECURITY (SS)
	SEDACLAutoInheritReq SDControl = 0x0100 // SE_DACL_AUTO_INHERIT_REQ (DC, DACL computed inheritance required)
	SESACLAutoInheritReq SDControl = 0x0200 // SE_SACL_AUTO_INHERIT_REQ (SC, SACL computed inheritance required)
	SEDACLAutoInherited  SDControl = 0x0400 // SE_DACL_AUTO_INHERITED (DI)
	SESACLAutoInherited  SDControl = 0x0800 // SE_SACL_AUTO_INHERITED (SI)
	SEDACLProtected      SDControl = 0x1000 // SE_DACL_PROTECTED (PD)
	SESACLProtected      SDControl = 0x2000 // SE_SACL_PROTECTED (PS)
	SERMControlValid     SDControl = 0x4000 // SE_RM_CONTROL_VALID (RM)
	SESelfRelative       SDControl = 0x8000 // SE_SELF_RELATIVE (SR)
)

var sdControlNames = []flagName{
	{uint64(SEOwnerDefaulted), "SE_OWNER_DEFAULTED"},
	{uint64(SEGroupDefaulted), "SE_GROUP_DEFAULTED"},
	{uint64(SEDACLPresent), "SE_DACL_PRESENT"},
	{uint64(SEDACLDefaulted), "SE_DACL_DEFAULTED"},
	{uint64(SESACLPresent), "SE_SACL_PRESENT"},
	{uint64(SESACLDefaulted), "SE_SACL_DEFAULTED"},
	{uint64(SEDACLTrusted), "SE_DACL_TRUSTED"},
	{uint64(SEServerSecurity), "SE_SERVER_SECURITY"},
	{uint64(SEDACLAutoInheritReq), "SE_DACL_AUTO_INHERIT_REQ"},
	{uint64(SESACLAutoInheritReq), "SE_SACL_AUTO_INHERIT_REQ"},
	{uint64(SEDACLAutoInherited), "SE_DACL_AUTO_INHERITED"},
	{uint64(SESACLAutoInherited), "SE_SACL_AUTO_INHERITED"},
	{uint64(SEDACLProtected), "SE_DACL_PROTECTED"},
	{uint64(SESACLProtected), "SE_SACL_PROTECTED"},
	{uint64(SERMControlValid), "SE_RM_CONTROL_VALID"},
	{uint64(SESelfRelative), "SE_SELF_RELATIVE"},
}

// String returns the names of the set flags joined by '|'.
func (c SDControl) String() string { return flagString(uint64(c), sdControlNames) }

// SecurityDescriptorRevision is the only revision of the SECURITY_DESCRIPTOR
// structure ([MS-DTYP] 2.4.6).
const SecurityDescriptorRevision = 1

// sdHeaderSize is the size of the fixed part of a self-relative security
// descriptor: Revision, Sbz1, Control and four 32-bit offsets.
const sdHeaderSize = 20

// SecurityDescriptor is a security descriptor in self-relative form, as SMB
// carries it. See [MS-DTYP] 2.4.6.
//
// Owner, Group, SACL and DACL are nil when their offset is zero. A nil DACL
// means two different things depending on Control: with SE_DACL_PRESENT it
// is a NULL DACL, which grants everyone full access; without it the
// descriptor carries no DACL at all (for example because
// DACL_SECURITY_INFORMATION was not requested). A non-nil DACL with no ACEs
// denies everyone. The same holds for the SACL and SE_SACL_PRESENT.
type SecurityDescriptor struct {
	// Revision is 1; Append writes 0 as 1.
	Revision uint8
	// RMControl is the Sbz1 byte, the resource manager control bits when
	// SE_RM_CONTROL_VALID is set. It is kept and written back as is.
	RMControl uint8
	// Control is the control flags. Append always sets SE_SELF_RELATIVE,
	// and SE_DACL_PRESENT and SE_SACL_PRESENT when DACL and SACL are
	// non-nil.
	Control SDControl
	Owner   *SID
	Group   *SID
	SACL    *ACL
	DACL    *ACL
}

// HasDACL reports whether SE_DACL_PRESENT is set. With a nil DACL that is a
// NULL DACL.
func (sd *SecurityDescriptor) HasDACL() bool { return sd.Control&SEDACLPresent != 0 }

// HasSACL reports whether SE_SACL_PRESENT is set.
func (sd *SecurityDescriptor) HasSACL() bool { return sd.Control&SESACLPresent != 0 }

// IsNullDACL reports whether the descriptor has a NULL DACL: SE_DACL_PRESENT
// set and no ACL, which grants full access to everyone.
func (sd *SecurityDescriptor) IsNullDACL() bool { return sd.HasDACL() && sd.DACL == nil }

// Size returns the length Append writes.
func (sd *SecurityDescriptor) Size() int {
	n := sdHeaderSize
	if sd.Owner != nil {
		n += sd.Owner.Size()
	}
	if sd.Group != nil {
		n += sd.Group.Size()
	}
	if sd.SACL != nil {
		n += sd.SACL.Size()
	}
	if sd.DACL != nil {
		n += sd.DACL.Size()
	}
	return n
}

// Append appends the self-relative wire form to dst: the header, then the
// owner SID, the group SID, the SACL and the DACL, each present one at the
// next offset (the order Samba uses).
func (sd *SecurityDescriptor) Append(dst []byte) ([]byte, error) {
	start := len(dst)
	rev := sd.Revision
	if rev == 0 {
		rev = SecurityDescriptorRevision
	}
	ctl := sd.Control | SESelfRelative
	if sd.DACL != nil {
		ctl |= SEDACLPresent
	}
	if sd.SACL != nil {
		ctl |= SESACLPresent
	}
	// Each part's offset is the header plus the sizes of the parts before
	// it. Parts too large for their own size fields fail in their Append
	// below, long before an offset could overflow.
	type part struct {
		where string // prefix for errors; "" when app names the part itself
		size  int
		app   func([]byte) ([]byte, error)
	}
	var parts [4]*part // owner, group, SACL, DACL: the order of the offsets
	if sd.Owner != nil {
		parts[0] = &part{"owner", sd.Owner.Size(), sd.Owner.Append}
	}
	if sd.Group != nil {
		parts[1] = &part{"group", sd.Group.Size(), sd.Group.Append}
	}
	if sd.SACL != nil {
		parts[2] = &part{"", sd.SACL.Size(), func(b []byte) ([]byte, error) { return sd.SACL.appendTo(b, "SACL") }}
	}
	if sd.DACL != nil {
		parts[3] = &part{"", sd.DACL.Size(), func(b []byte) ([]byte, error) { return sd.DACL.appendTo(b, "DACL") }}
	}
	dst = append(dst, rev, sd.RMControl)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(ctl))
	off := sdHeaderSize
	for _, p := range parts {
		if p == nil {
			dst = binary.LittleEndian.AppendUint32(dst, 0)
			continue
		}
		dst = binary.LittleEndian.AppendUint32(dst, uint32(off))
		off += p.size
	}
	for _, p := range parts {
		if p == nil {
			continue
		}
		var err error
		if dst, err = p.app(dst); err != nil {
			if p.where != "" {
				err = within(p.where, err)
			}
			return dst[:start], err
		}
	}
	return dst, nil
}

// DecodeSecurityDescriptor decodes a self-relative security descriptor. Bytes
// not covered by any part are ignored.
func DecodeSecurityDescriptor(b []byte) (*SecurityDescriptor, error) {
	const where = "security descriptor"
	if len(b) < sdHeaderSize {
		return nil, shortf(where, "header needs %d bytes, have %d", sdHeaderSize, len(b))
	}
	sd := &SecurityDescriptor{
		Revision:  b[0],
		RMControl: b[1],
		Control:   SDControl(binary.LittleEndian.Uint16(b[2:4])),
	}
	// [MS-DTYP] 2.4.6 Revision: "This field MUST be set to one."
	if sd.Revision != SecurityDescriptorRevision {
		return nil, malformedf(where, "Revision %d, want %d", sd.Revision, SecurityDescriptorRevision)
	}
	// Only the self-relative form, with offsets, can travel on the wire.
	if sd.Control&SESelfRelative == 0 {
		return nil, malformedf(where, "SE_SELF_RELATIVE not set in Control %v", sd.Control)
	}
	// part returns b[offset:] for the offset at header position pos, or nil
	// when the offset is zero (the part is absent).
	part := func(pos int, name string) ([]byte, error) {
		off := uint64(binary.LittleEndian.Uint32(b[pos:]))
		switch {
		case off == 0:
			return nil, nil
		case off < sdHeaderSize:
			return nil, malformedf(where, "%s offset %d inside the %d-byte header", name, off, sdHeaderSize)
		case off >= uint64(len(b)):
			return nil, shortf(where, "%s offset %d beyond the %d bytes available", name, off, len(b))
		}
		return b[off:], nil
	}
	if p, err := part(4, "owner"); err != nil {
		return nil, err
	} else if p != nil {
		sid, _, err := decodeSID(p, "owner SID")
		if err != nil {
			return nil, err
		}
		sd.Owner = &sid
	}
	if p, err := part(8, "group"); err != nil {
		return nil, err
	} else if p != nil {
		sid, _, err := decodeSID(p, "group SID")
		if err != nil {
			return nil, err
		}
		sd.Group = &sid
	}
	if p, err := part(12, "SACL"); err != nil {
		return nil, err
	} else if p != nil {
		if sd.SACL, _, err = decodeACL(p, "SACL"); err != nil {
			return nil, err
		}
	}
	if p, err := part(16, "DACL"); err != nil {
		return nil, err
	} else if p != nil {
		if sd.DACL, _, err = decodeACL(p, "DACL"); err != nil {
			return nil, err
		}
	}
	return sd, nil
}

// Decode sets sd from the self-relative security descriptor in b; see
// DecodeSecurityDescriptor.
func (sd *SecurityDescriptor) Decode(b []byte) error {
	v, err := DecodeSecurityDescriptor(b)
	if err != nil {
		return err
	}
	*sd = *v
	return nil
}
