package dtyp

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pysmb python3/tests/test_security_descriptors.py test_acl_binary_parsing;
// also the DACL of its descriptor vector.
const pysmbRawACL = `
	02 00 70 00 04 00 00 00  00 10 18 00 89 00 10 00
	01 02 00 00 00 00 00 05  20 00 00 00 21 02 00 00
	00 10 14 00 ff 01 1f 00  01 01 00 00 00 00 00 05
	12 00 00 00 00 10 18 00  ff 01 1f 00 01 02 00 00
	00 00 00 05 20 00 00 00  20 02 00 00 00 10 24 00
	ff 01 1f 00 01 05 00 00  00 00 00 05 15 00 00 00
	de 53 c1 2a 2a 4f da ca  c1 79 a6 32 b1 04 00 00`

// pysmbACL is what pysmbRawACL decodes to; pysmb asserts the revision, the
// count, and the type, SID, flags and mask of ACEs 0 and 3.
func pysmbACL() *ACL {
	return &ACL{Revision: 2, ACEs: []ACE{
		{Type: ACETypeAccessAllowed, Flags: ACEFlagInherited,
			Mask: Synchronize | FileReadData | FileReadEA | FileReadAttributes,
			SID:  MustParseSID(SIDBuiltinUsers)},
		{Type: ACETypeAccessAllowed, Flags: ACEFlagInherited, Mask: FileAllAccess,
			SID: MustParseSID(SIDLocalSystem)},
		{Type: ACETypeAccessAllowed, Flags: ACEFlagInherited, Mask: FileAllAccess,
			SID: MustParseSID(SIDBuiltinAdministrators)},
		{Type: ACETypeAccessAllowed, Flags: ACEFlagInherited,
			Mask: Synchronize | WriteOwner | WriteDAC | ReadControl | Delete | FileReadData |
				FileWriteData | FileAppendData | FileReadEA | FileWriteEA | FileExecute |
				FileDeleteChild | FileReadAttributes | FileWriteAttributes,
			SID: domainSID(1201)},
	}}
}

func TestACLPysmb(t *testing.T) {
	raw := unhex(t, pysmbRawACL)
	got, n, err := DecodeACL(raw)
	if err != nil || n != len(raw) {
		t.Fatalf("DecodeACL = %d, %v", n, err)
	}
	if diff := cmp.Diff(pysmbACL(), got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	checkACLEncoding(t, got, raw)
}

func checkACLEncoding(t *testing.T, a *ACL, want []byte) {
	t.Helper()
	b, err := a.Append([]byte{0xEE})
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	if b[0] != 0xEE || !bytes.Equal(b[1:], want) {
		t.Errorf("Append =\n% x\nwant\n% x", b[1:], want)
	}
	if a.Size() != len(want) {
		t.Errorf("Size = %d, want %d", a.Size(), len(want))
	}
	var d ACL
	if err := d.Decode(want); err != nil {
		t.Errorf("ACL.Decode: %v", err)
	}
	for i := range want {
		_, _, err := DecodeACL(want[:i])
		checkErr(t, err, ErrShort, fmt.Sprintf("%d-byte prefix", i))
	}
}

func TestACLRevisionDefault(t *testing.T) {
	plain := &ACL{ACEs: []ACE{{Type: ACETypeAccessAllowed, SID: NewSID(1, 0)}}}
	obj := &ACL{ACEs: []ACE{{Type: ACETypeAccessAllowed, SID: NewSID(1, 0)}, {Type: ACETypeAccessAllowedObject, SID: NewSID(1, 0)}}}
	kept := &ACL{Revision: 3}
	for _, tc := range []struct {
		acl  *ACL
		want uint8
	}{{plain, ACLRevision}, {obj, ACLRevisionDS}, {kept, 3}, {&ACL{}, ACLRevision}} {
		b, err := tc.acl.Append(nil)
		if err != nil || b[0] != tc.want {
			t.Errorf("revision %d, %v; want %d", b[0], err, tc.want)
		}
		d, _, err := DecodeACL(b)
		if err != nil || d.Revision != tc.want || len(d.ACEs) != len(tc.acl.ACEs) {
			t.Errorf("decode: %+v, %v", d, err)
		}
	}
	// An empty ACL is the 8-byte header with AceCount 0.
	b, _ := (&ACL{}).Append(nil)
	if !bytes.Equal(b, []byte{2, 0, 8, 0, 0, 0, 0, 0}) {
		t.Errorf("empty ACL = % x", b)
	}
}

func TestACLFreeSpaceIgnored(t *testing.T) {
	// AclSize covers 8 bytes of free space after the only ACE; the bytes
	// after AclSize belong to something else.
	raw := unhex(t, `02 00 24 00 01 00 00 00
		00 00 14 00 ff 01 1f 00 01 01 00 00 00 00 00 05 12 00 00 00
		ff ff ff ff ff ff ff ff
		aa bb`)
	a, n, err := DecodeACL(raw)
	if err != nil || n != 0x24 || len(a.ACEs) != 1 || a.ACEs[0].SID.String() != SIDLocalSystem {
		t.Fatalf("DecodeACL = %+v, %d, %v", a, n, err)
	}
}

func TestDecodeACLErrors(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		kind      error
	}{
		{"AclSize below header", `02 00 07 00 00 00 00 00`, ErrMalformed},
		{"AclSize 0", `02 00 00 00 00 00 00 00`, ErrMalformed},
		{"AclSize past buffer", `02 00 09 00 00 00 00 00`, ErrShort},
		// A hostile AceCount is rejected before anything is allocated for
		// it: 65535 ACEs cannot fit in 8 bytes of header.
		{"AceCount 65535 in empty ACL", `02 00 08 00 ff ff 00 00`, ErrMalformed},
		{"AceCount 2 with room for 1", `02 00 10 00 02 00 00 00 ff 00 08 00 00 00 00 00`, ErrMalformed},
		{"ACE runs past AclSize", `02 00 18 00 01 00 00 00
			00 00 14 00 ff 01 1f 00 01 01 00 00 00 00 00 05 12 00 00 00`, ErrMalformed},
		{"second ACE missing", `02 00 18 00 02 00 00 00 ff 00 08 00 00 00 00 00 ff 00 0c 00 00 00 00 00`, ErrMalformed},
		{"ACE too small", `02 00 10 00 01 00 00 00 00 00 04 00 00 00 00 00`, ErrMalformed},
	} {
		_, _, err := DecodeACL(unhex(t, tc.raw))
		checkErr(t, err, tc.kind, tc.name)
	}
	// The error names the ACE.
	_, _, err := DecodeACL(unhex(t, `02 00 18 00 02 00 00 00 ff 00 08 00 00 00 00 00 00 00 04 00 00 00 00 00`))
	if err == nil || err.Error() != "dtyp: ACL: ACE 1: AceSize 4 below the 16 bytes of a ACCESS_ALLOWED_ACE_TYPE" {
		t.Errorf("error = %v", err)
	}
}

func TestHostileAceCountDoesNotAllocate(t *testing.T) {
	// AceCount 65535 with only 512 bytes of AclSize: 65535 ACE structs
	// would be megabytes; the error path allocates only its message.
	raw := make([]byte, 512)
	copy(raw, []byte{2, 0, 0x00, 0x02, 0xff, 0xff, 0, 0})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const runs = 100
	for range runs {
		if _, _, err := DecodeACL(raw); err == nil {
			t.Fatal("no error")
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / runs; per > 1024 {
		t.Errorf("%d bytes allocated per rejected ACL", per)
	}
}

func TestACLAppendErrors(t *testing.T) {
	big := &ACL{ACEs: make([]ACE, 5000)} // 5000 × 16 bytes > 65535
	for i := range big.ACEs {
		big.ACEs[i] = ACE{Type: ACETypeAccessAllowed, SID: NewSID(1, 0)}
	}
	_, err := big.Append(nil)
	checkErr(t, err, ErrMalformed, "oversized ACL")

	bad := &ACL{ACEs: []ACE{{SID: NewSID(1, 0)}, {SID: NewSID(1, make([]uint32, 16)...)}}}
	b, err := bad.Append([]byte{9})
	checkErr(t, err, ErrMalformed, "bad SID in ACE 1")
	if !bytes.Equal(b, []byte{9}) {
		t.Errorf("dst changed: % x", b)
	}
}
