package dtyp

import (
	"encoding/binary"
	"errors"
	"strconv"
)

// ACL revisions ([MS-DTYP] 2.4.5).
const (
	ACLRevision   = 0x02 // ACL_REVISION: no object ACEs
	ACLRevisionDS = 0x04 // ACL_REVISION_DS: may hold object ACEs
)

// aclHeaderSize is the size of the ACL header: AclRevision, Sbz1, AclSize,
// AceCount, Sbz2.
const aclHeaderSize = 8

// ACL is an access control list: a DACL or a SACL. See [MS-DTYP] 2.4.5.
type ACL struct {
	// Revision is ACLRevision or ACLRevisionDS. Decoding keeps whatever the
	// peer sent; Append writes 0 as ACLRevisionDS when an ACE is an object
	// ACE and ACLRevision otherwise.
	Revision uint8
	ACEs     []ACE
}

// revision returns the AclRevision Append writes.
func (a *ACL) revision() uint8 {
	if a.Revision != 0 {
		return a.Revision
	}
	for i := range a.ACEs {
		if a.ACEs[i].Type.IsObject() {
			return ACLRevisionDS
		}
	}
	return ACLRevision
}

// Size returns the AclSize Append writes: the header plus every ACE.
func (a *ACL) Size() int {
	n := aclHeaderSize
	for i := range a.ACEs {
		n += a.ACEs[i].Size()
	}
	return n
}

// Append appends the wire form of the ACL to dst. It fails when the ACL
// would exceed 65535 bytes or 65535 ACEs, or an ACE cannot be encoded.
func (a *ACL) Append(dst []byte) ([]byte, error) { return a.appendTo(dst, "ACL") }

// appendTo is Append with where naming the ACL ("DACL", "SACL") in errors.
func (a *ACL) appendTo(dst []byte, where string) ([]byte, error) {
	size := a.Size()
	if size > 0xFFFF {
		return dst, malformedf(where, "%d bytes, AclSize is at most 65535", size)
	}
	if len(a.ACEs) > 0xFFFF {
		return dst, malformedf(where, "%d ACEs, AceCount is at most 65535", len(a.ACEs))
	}
	start := len(dst)
	dst = append(dst, a.revision(), 0)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(size))
	dst = binary.LittleEndian.AppendUint16(dst, uint16(len(a.ACEs)))
	dst = append(dst, 0, 0)
	for i := range a.ACEs {
		var err error
		if dst, err = a.ACEs[i].appendTo(dst, where+": ACE "+strconv.Itoa(i)); err != nil {
			return dst[:start], err
		}
	}
	return dst, nil
}

// DecodeACL decodes the ACL at the start of b and returns it with its
// AclSize, the number of bytes it occupies; bytes after it are ignored, and
// so are bytes inside AclSize after the last ACE (free space a server may
// leave). Each ACE's AceSize, checked to lie within AclSize, steps to the
// next.
func DecodeACL(b []byte) (*ACL, int, error) { return decodeACL(b, "ACL") }

// decodeACL is DecodeACL with where naming the ACL ("DACL", "SACL") in
// errors.
func decodeACL(b []byte, where string) (*ACL, int, error) {
	if len(b) < aclHeaderSize {
		return nil, 0, shortf(where, "header needs %d bytes, have %d", aclHeaderSize, len(b))
	}
	size := int(binary.LittleEndian.Uint16(b[2:4]))
	count := int(binary.LittleEndian.Uint16(b[4:6]))
	// [MS-DTYP] 2.4.5 AclSize: "the size of the complete ACL, including all
	// ACEs".
	if size < aclHeaderSize {
		return nil, 0, malformedf(where, "AclSize %d below the %d-byte header", size, aclHeaderSize)
	}
	if size > len(b) {
		return nil, 0, shortf(where, "AclSize %d beyond the %d bytes available", size, len(b))
	}
	// Check the count against the space before allocating for it.
	if count > (size-aclHeaderSize)/minACESize {
		return nil, 0, malformedf(where, "AceCount %d cannot fit in AclSize %d", count, size)
	}
	a := &ACL{Revision: b[0]}
	if count > 0 {
		a.ACEs = make([]ACE, 0, count)
	}
	off := aclHeaderSize
	for i := 0; i < count; i++ {
		loc := aceLoc{acl: where, index: i}
		ace, n, err := decodeACE(b[off:size], loc)
		if err != nil {
			if errors.Is(err, ErrShort) {
				// The ACL itself is complete; the ACE overruns it.
				return nil, 0, malformedf(loc.String(), "runs past AclSize %d (%d bytes left)", size, size-off)
			}
			return nil, 0, err
		}
		a.ACEs = append(a.ACEs, ace)
		off += n
	}
	return a, size, nil
}

// Decode sets a from the ACL at the start of b; see DecodeACL.
func (a *ACL) Decode(b []byte) error {
	v, _, err := DecodeACL(b)
	if err != nil {
		return err
	}
	*a = *v
	return nil
}
