package dtyp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ACEType is the AceType of an ACE_HEADER. See [MS-DTYP] 2.4.4.1.
type ACEType uint8

// ACE types.
const (
	ACETypeAccessAllowed               ACEType = 0x00
	ACETypeAccessDenied                ACEType = 0x01
	ACETypeSystemAudit                 ACEType = 0x02
	ACETypeSystemAlarm                 ACEType = 0x03 // reserved
	ACETypeAccessAllowedCompound       ACEType = 0x04 // reserved; kept as raw bytes
	ACETypeAccessAllowedObject         ACEType = 0x05
	ACETypeAccessDeniedObject          ACEType = 0x06
	ACETypeSystemAuditObject           ACEType = 0x07
	ACETypeSystemAlarmObject           ACEType = 0x08 // reserved
	ACETypeAccessAllowedCallback       ACEType = 0x09
	ACETypeAccessDeniedCallback        ACEType = 0x0A
	ACETypeAccessAllowedCallbackObject ACEType = 0x0B
	ACETypeAccessDeniedCallbackObject  ACEType = 0x0C
	ACETypeSystemAuditCallback         ACEType = 0x0D
	ACETypeSystemAlarmCallback         ACEType = 0x0E // reserved
	ACETypeSystemAuditCallbackObject   ACEType = 0x0F
	ACETypeSystemAlarmCallbackObject   ACEType = 0x10 // reserved
	ACETypeSystemMandatoryLabel        ACEType = 0x11
	ACETypeSystemResourceAttribute     ACEType = 0x12
	ACETypeSystemScopedPolicyID        ACEType = 0x13
)

var aceTypeNames = [...]string{
	"ACCESS_ALLOWED_ACE_TYPE",
	"ACCESS_DENIED_ACE_TYPE",
	"SYSTEM_AUDIT_ACE_TYPE",
	"SYSTEM_ALARM_ACE_TYPE",
	"ACCESS_ALLOWED_COMPOUND_ACE_TYPE",
	"ACCESS_ALLOWED_OBJECT_ACE_TYPE",
	"ACCESS_DENIED_OBJECT_ACE_TYPE",
	"SYSTEM_AUDIT_OBJECT_ACE_TYPE",
	"SYSTEM_ALARM_OBJECT_ACE_TYPE",
	"ACCESS_ALLOWED_CALLBACK_ACE_TYPE",
	"ACCESS_DENIED_CALLBACK_ACE_TYPE",
	"ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE",
	"ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE",
	"SYSTEM_AUDIT_CALLBACK_ACE_TYPE",
	"SYSTEM_ALARM_CALLBACK_ACE_TYPE",
	"SYSTEM_AUDIT_CALLBACK_OBJECT_ACE_TYPE",
	"SYSTEM_ALARM_CALLBACK_OBJECT_ACE_TYPE",
	"SYSTEM_MANDATORY_LABEL_ACE_TYPE",
	"SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE",
	"SYSTEM_SCOPED_POLICY_ID_ACE_TYPE",
}

// String returns the spec name, for example "ACCESS_ALLOWED_ACE_TYPE", or
// "ACE_TYPE(0x14)" for a type without one.
func (t ACEType) String() string {
	if int(t) < len(aceTypeNames) {
		return aceTypeNames[t]
	}
	return fmt.Sprintf("ACE_TYPE(0x%02X)", uint8(t))
}

// Known reports whether this package decodes the body of ACEs of type t:
// every type of [MS-DTYP] 2.4.4.1 except ACCESS_ALLOWED_COMPOUND_ACE_TYPE,
// whose layout differs and which the spec reserves. ACEs of other types are
// kept as raw bytes in AdditionalData.
func (t ACEType) Known() bool {
	return t <= ACETypeSystemScopedPolicyID && t != ACETypeAccessAllowedCompound
}

// IsObject reports whether t is an object ACE type, with object flags and
// optional ObjectType and InheritedObjectType GUIDs before the SID.
func (t ACEType) IsObject() bool {
	switch t {
	case ACETypeAccessAllowedObject, ACETypeAccessDeniedObject,
		ACETypeSystemAuditObject, ACETypeSystemAlarmObject,
		ACETypeAccessAllowedCallbackObject, ACETypeAccessDeniedCallbackObject,
		ACETypeSystemAuditCallbackObject, ACETypeSystemAlarmCallbackObject:
		return true
	}
	return false
}

// IsCallback reports whether t is a callback ACE type, whose bytes after the
// SID are application data.
func (t ACEType) IsCallback() bool {
	return t >= ACETypeAccessAllowedCallback && t <= ACETypeSystemAlarmCallbackObject
}

// ACEFlags is the AceFlags of an ACE_HEADER. See [MS-DTYP] 2.4.4.1.
type ACEFlags uint8

// ACE flags.
const (
	ACEFlagObjectInherit      ACEFlags = 0x01 // OBJECT_INHERIT_ACE
	ACEFlagContainerInherit   ACEFlags = 0x02 // CONTAINER_INHERIT_ACE
	ACEFlagNoPropagateInherit ACEFlags = 0x04 // NO_PROPAGATE_INHERIT_ACE
	ACEFlagInheritOnly        ACEFlags = 0x08 // INHERIT_ONLY_ACE
	ACEFlagInherited          ACEFlags = 0x10 // INHERITED_ACE
	ACEFlagCritical           ACEFlags = 0x20 // CRITICAL_ACE_FLAG (winnt.h)
	ACEFlagSuccessfulAccess   ACEFlags = 0x40 // SUCCESSFUL_ACCESS_ACE_FLAG
	ACEFlagFailedAccess       ACEFlags = 0x80 // FAILED_ACCESS_ACE_FLAG
)

var aceFlagNames = []flagName{
	{uint64(ACEFlagObjectInherit), "OBJECT_INHERIT_ACE"},
	{uint64(ACEFlagContainerInherit), "CONTAINER_INHERIT_ACE"},
	{uint64(ACEFlagNoPropagateInherit), "NO_PROPAGATE_INHERIT_ACE"},
	{uint64(ACEFlagInheritOnly), "INHERIT_ONLY_ACE"},
	{uint64(ACEFlagInherited), "INHERITED_ACE"},
	{uint64(ACEFlagCritical), "CRITICAL_ACE_FLAG"},
	{uint64(ACEFlagSuccessfulAccess), "SUCCESSFUL_ACCESS_ACE_FLAG"},
	{uint64(ACEFlagFailedAccess), "FAILED_ACCESS_ACE_FLAG"},
}

// String returns the spec names of the set flags joined by '|'.
func (f ACEFlags) String() string { return flagString(uint64(f), aceFlagNames) }

// ObjectACEFlags is the Flags field of an object ACE; it says which of the
// ObjectType and InheritedObjectType GUIDs are present on the wire. See
// [MS-DTYP] 2.4.4.3.
type ObjectACEFlags uint32

// Object ACE flags.
const (
	ACEObjectTypePresent          ObjectACEFlags = 0x1 // ACE_OBJECT_TYPE_PRESENT
	ACEInheritedObjectTypePresent ObjectACEFlags = 0x2 // ACE_INHERITED_OBJECT_TYPE_PRESENT
)

var objectACEFlagNames = []flagName{
	{uint64(ACEObjectTypePresent), "ACE_OBJECT_TYPE_PRESENT"},
	{uint64(ACEInheritedObjectTypePresent), "ACE_INHERITED_OBJECT_TYPE_PRESENT"},
}

// String returns the spec names of the set flags joined by '|'.
func (f ObjectACEFlags) String() string { return flagString(uint64(f), objectACEFlagNames) }

// GUID is a GUID in its wire form ([MS-DTYP] 2.3.4.2): Data1, Data2 and
// Data3 little-endian, then the 8 bytes of Data4.
type GUID [16]byte

// String returns the GUID as "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in lower
// case ([MS-DTYP] 2.3.4.3).
func (g GUID) String() string {
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x",
		binary.LittleEndian.Uint32(g[0:4]), binary.LittleEndian.Uint16(g[4:6]),
		binary.LittleEndian.Uint16(g[6:8]), g[8:10], g[10:16])
}

// ACE is an access control entry. See [MS-DTYP] 2.4.4.
//
// For the types Known reports, Mask and SID are decoded, and for object
// types also ObjectFlags and the GUIDs it marks present. AdditionalData
// holds the bytes after the SID up to AceSize: the ApplicationData of
// callback ACEs and of SYSTEM_AUDIT_OBJECT_ACE, the attribute data
// (CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1) of SYSTEM_RESOURCE_ATTRIBUTE_ACE,
// and for other types any padding, which the spec says MUST be ignored.
//
// For other types only Type and Flags are decoded and AdditionalData holds
// the whole body after the 4-byte ACE_HEADER, so an unknown ACE survives a
// decode and encode unchanged.
type ACE struct {
	Type  ACEType
	Flags ACEFlags
	Mask  AccessMask

	// Object ACEs only: which GUIDs are present, and the GUIDs. A GUID
	// whose flag is clear is neither read nor written and decodes as zero.
	ObjectFlags         ObjectACEFlags
	ObjectType          GUID
	InheritedObjectType GUID

	SID            SID
	AdditionalData []byte
}

// Minimum AceSize values: every ACE has the 4-byte ACE_HEADER and, in every
// defined type, a 4-byte Mask; decoded types add a SID of at least 8 bytes,
// object types a 4-byte Flags.
const (
	minACESize       = 8
	minKnownACESize  = 4 + 4 + 8
	minObjectACESize = 4 + 4 + 4 + 8
)

func minSizeOf(t ACEType) int {
	switch {
	case !t.Known():
		return minACESize
	case t.IsObject():
		return minObjectACESize
	}
	return minKnownACESize
}

// IsInheritOnly reports whether INHERIT_ONLY_ACE is set: the ACE does not
// control access to the object it is attached to, only to children that
// inherit it (pysmb's isInheritOnly).
func (a ACE) IsInheritOnly() bool { return a.Flags&ACEFlagInheritOnly != 0 }

// IsInherited reports whether INHERITED_ACE is set: the ACE was inherited
// from a parent rather than set on the object.
func (a ACE) IsInherited() bool { return a.Flags&ACEFlagInherited != 0 }

// String describes the ACE for logs and debugging, for example
// "ACCESS_ALLOWED_ACE_TYPE INHERITED_ACE FILE_READ_DATA|SYNCHRONIZE S-1-5-32-545".
func (a ACE) String() string {
	var b strings.Builder
	b.WriteString(a.Type.String())
	b.WriteByte(' ')
	b.WriteString(a.Flags.String())
	if !a.Type.Known() {
		fmt.Fprintf(&b, " %d bytes", len(a.AdditionalData))
		return b.String()
	}
	b.WriteByte(' ')
	b.WriteString(a.Mask.String())
	if a.Type.IsObject() {
		if a.ObjectFlags&ACEObjectTypePresent != 0 {
			b.WriteString(" object=" + a.ObjectType.String())
		}
		if a.ObjectFlags&ACEInheritedObjectTypePresent != 0 {
			b.WriteString(" inherited-object=" + a.InheritedObjectType.String())
		}
	}
	b.WriteByte(' ')
	b.WriteString(a.SID.String())
	if len(a.AdditionalData) > 0 {
		fmt.Fprintf(&b, " +%d bytes", len(a.AdditionalData))
	}
	return b.String()
}

// Size returns the AceSize Append writes: the fields, rounded up to a
// multiple of 4.
func (a ACE) Size() int {
	n := 4 + len(a.AdditionalData)
	if a.Type.Known() {
		n += 4 + a.SID.Size()
		if a.Type.IsObject() {
			n += 4
			if a.ObjectFlags&ACEObjectTypePresent != 0 {
				n += 16
			}
			if a.ObjectFlags&ACEInheritedObjectTypePresent != 0 {
				n += 16
			}
		}
	}
	return (n + 3) &^ 3
}

// Append appends the wire form of the ACE to dst. [MS-DTYP] 2.4.4.1: AceSize
// "MUST be a multiple of 4 to ensure alignment on a DWORD boundary", so zero
// bytes are added after AdditionalData when needed. It fails when the ACE
// would exceed 65535 bytes or its SID has more than 15 sub-authorities.
func (a ACE) Append(dst []byte) ([]byte, error) { return a.appendTo(dst, "ACE") }

// appendTo is Append with where naming the ACE in errors.
func (a ACE) appendTo(dst []byte, where string) ([]byte, error) {
	size := a.Size()
	if size > 0xFFFF {
		return dst, malformedf(where, "%d bytes, AceSize is at most 65535", size)
	}
	start := len(dst)
	dst = append(dst, byte(a.Type), byte(a.Flags))
	dst = binary.LittleEndian.AppendUint16(dst, uint16(size))
	if a.Type.Known() {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(a.Mask))
		if a.Type.IsObject() {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(a.ObjectFlags))
			if a.ObjectFlags&ACEObjectTypePresent != 0 {
				dst = append(dst, a.ObjectType[:]...)
			}
			if a.ObjectFlags&ACEInheritedObjectTypePresent != 0 {
				dst = append(dst, a.InheritedObjectType[:]...)
			}
		}
		var err error
		if dst, err = a.SID.Append(dst); err != nil {
			return dst[:start], within(where, err)
		}
	}
	dst = append(dst, a.AdditionalData...)
	for len(dst)-start < size {
		dst = append(dst, 0)
	}
	return dst, nil
}

// DecodeACE decodes the ACE at the start of b and returns it with its
// AceSize, the number of bytes it occupies; bytes after it are ignored.
func DecodeACE(b []byte) (ACE, int, error) { return decodeACE(b, aceLoc{index: -1}) }

// aceLoc says where an ACE is, for errors: "ACE" alone, or "DACL: ACE 3".
// It is turned into a string only when an error needs it.
type aceLoc struct {
	acl   string
	index int
}

func (l aceLoc) String() string {
	if l.acl == "" {
		return "ACE"
	}
	return l.acl + ": ACE " + strconv.Itoa(l.index)
}

// decodeACE is DecodeACE with loc naming the ACE in errors.
func decodeACE(b []byte, loc aceLoc) (ACE, int, error) {
	if len(b) < 4 {
		return ACE{}, 0, shortf(loc.String(), "header needs 4 bytes, have %d", len(b))
	}
	a := ACE{Type: ACEType(b[0]), Flags: ACEFlags(b[1])}
	size := int(binary.LittleEndian.Uint16(b[2:4]))
	if min := minSizeOf(a.Type); size < min {
		return ACE{}, 0, malformedf(loc.String(), "AceSize %d below the %d bytes of a %v", size, min, a.Type)
	}
	if size > len(b) {
		return ACE{}, 0, shortf(loc.String(), "AceSize %d beyond the %d bytes available", size, len(b))
	}
	body := b[4:size]
	if !a.Type.Known() {
		a.AdditionalData = clone(body)
		return a, size, nil
	}
	a.Mask = AccessMask(binary.LittleEndian.Uint32(body))
	p := 4
	if a.Type.IsObject() {
		a.ObjectFlags = ObjectACEFlags(binary.LittleEndian.Uint32(body[4:]))
		p = 8
		// [MS-DTYP] 2.4.4.3: each GUID is present only when its flag is set.
		for _, f := range []struct {
			bit  ObjectACEFlags
			dst  *GUID
			name string
		}{
			{ACEObjectTypePresent, &a.ObjectType, "ObjectType"},
			{ACEInheritedObjectTypePresent, &a.InheritedObjectType, "InheritedObjectType"},
		} {
			if a.ObjectFlags&f.bit == 0 {
				continue
			}
			if len(body)-p < 16 {
				return ACE{}, 0, malformedf(loc.String(), "%s runs past AceSize %d", f.name, size)
			}
			copy(f.dst[:], body[p:p+16])
			p += 16
		}
	}
	sid, n, err := DecodeSID(body[p:])
	if err != nil {
		if errors.Is(err, ErrShort) {
			return ACE{}, 0, malformedf(loc.String(), "SID runs past AceSize %d", size)
		}
		return ACE{}, 0, within(loc.String(), err)
	}
	a.SID = sid
	p += n
	if p < len(body) {
		a.AdditionalData = clone(body[p:])
	}
	return a, size, nil
}

// Decode sets a from the ACE at the start of b; see DecodeACE.
func (a *ACE) Decode(b []byte) error {
	v, _, err := DecodeACE(b)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// clone copies b so decoded values do not alias the caller's buffer; nil for
// an empty b.
func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}
