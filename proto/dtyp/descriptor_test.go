package dtyp

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pysmb python3/tests/test_security_descriptors.py
// test_descriptor_binary_parsing: owner at 0x14, group at 0x30, no SACL,
// DACL at 0x4c (the ACL of pysmbRawACL).
const pysmbRawDescriptor = `
	01 00 04 84 14 00 00 00  30 00 00 00 00 00 00 00
	4c 00 00 00 01 05 00 00  00 00 00 05 15 00 00 00
	de 53 c1 2a 2a 4f da ca  c1 79 a6 32 b1 04 00 00
	01 05 00 00 00 00 00 05  15 00 00 00 de 53 c1 2a
	2a 4f da ca c1 79 a6 32  01 02 00 00 02 00 70 00
	04 00 00 00 00 10 18 00  89 00 10 00 01 02 00 00
	00 00 00 05 20 00 00 00  21 02 00 00 00 10 14 00
	ff 01 1f 00 01 01 00 00  00 00 00 05 12 00 00 00
	00 10 18 00 ff 01 1f 00  01 02 00 00 00 00 00 05
	20 00 00 00 20 02 00 00  00 10 24 00 ff 01 1f 00
	01 05 00 00 00 00 00 05  15 00 00 00 de 53 c1 2a
	2a 4f da ca c1 79 a6 32  b1 04 00 00`

func sidPtr(s SID) *SID { return &s }

func TestSecurityDescriptorPysmb(t *testing.T) {
	raw := unhex(t, pysmbRawDescriptor)
	sd, err := DecodeSecurityDescriptor(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := &SecurityDescriptor{
		Revision: 1,
		Control:  SESelfRelative | SEDACLPresent | SEDACLAutoInherited,
		Owner:    sidPtr(domainSID(1201)),
		Group:    sidPtr(domainSID(513)),
		DACL:     pysmbACL(),
	}
	if diff := cmp.Diff(want, sd); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The assertions of pysmb's test, one by one.
	if sd.SACL != nil || sd.DACL == nil || !sd.HasDACL() || sd.HasSACL() || sd.IsNullDACL() {
		t.Error("SACL/DACL presence")
	}
	if sd.Owner.String() != "S-1-5-21-717312990-3403304746-849770945-1201" ||
		sd.Group.String() != "S-1-5-21-717312990-3403304746-849770945-513" {
		t.Errorf("owner %v group %v", sd.Owner, sd.Group)
	}
	if WellKnownName(*sd.Group) != "DOMAIN_USERS" {
		t.Errorf("group name %q", WellKnownName(*sd.Group))
	}
	for i, s := range []string{SIDBuiltinUsers, SIDLocalSystem, SIDBuiltinAdministrators, "S-1-5-21-717312990-3403304746-849770945-1201"} {
		if got := sd.DACL.ACEs[i].SID.String(); got != s {
			t.Errorf("ACE %d SID %s, want %s", i, got, s)
		}
	}
	if got := sd.Control.String(); got != "SE_DACL_PRESENT|SE_DACL_AUTO_INHERITED|SE_SELF_RELATIVE" {
		t.Errorf("Control = %q", got)
	}
	// Append reproduces the bytes exactly (same part order as the vector).
	checkSDEncoding(t, sd, raw)
	checkPrefixes(t, raw)
}

// checkSDEncoding checks Append (with and without a dst prefix), Size and
// Decode against want.
func checkSDEncoding(t *testing.T, sd *SecurityDescriptor, want []byte) {
	t.Helper()
	b, err := sd.Append([]byte{0xEE, 0xFF})
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	if !bytes.Equal(b[:2], []byte{0xEE, 0xFF}) || !bytes.Equal(b[2:], want) {
		t.Errorf("Append =\n% x\nwant\n% x", b[2:], want)
	}
	if sd.Size() != len(want) {
		t.Errorf("Size = %d, want %d", sd.Size(), len(want))
	}
	var d SecurityDescriptor
	if err := d.Decode(want); err != nil {
		t.Fatalf("Decode: %v", err)
	}
}

// checkPrefixes decodes every proper prefix of b: each must fail with a
// dtyp error or give a descriptor that encodes and decodes again. Nothing may
// panic.
func checkPrefixes(t *testing.T, b []byte) {
	t.Helper()
	for i := range b {
		sd, err := DecodeSecurityDescriptor(b[:i])
		if err != nil {
			if !errors.Is(err, ErrShort) && !errors.Is(err, ErrMalformed) {
				t.Errorf("%d-byte prefix: %v wraps neither ErrShort nor ErrMalformed", i, err)
			}
			if !strings.HasPrefix(err.Error(), "dtyp: ") {
				t.Errorf("%d-byte prefix: %q lacks the prefix", i, err)
			}
			continue
		}
		enc, err := sd.Append(nil)
		if err != nil {
			t.Errorf("%d-byte prefix decoded but does not encode: %v", i, err)
			continue
		}
		if _, err := DecodeSecurityDescriptor(enc); err != nil {
			t.Errorf("%d-byte prefix: re-decode: %v", i, err)
		}
	}
}

func TestSecurityDescriptorPysmbPrefixesAllShort(t *testing.T) {
	// The DACL ends the vector, so every proper prefix is short.
	raw := unhex(t, pysmbRawDescriptor)
	for i := range raw {
		_, err := DecodeSecurityDescriptor(raw[:i])
		checkErr(t, err, ErrShort, fmt.Sprintf("%d-byte prefix", i))
	}
}

// richDescriptor has every part and a mix of ACE kinds.
func richDescriptor() *SecurityDescriptor {
	guid := GUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	return &SecurityDescriptor{
		Revision:  1,
		RMControl: 0x5A,
		Control: SESelfRelative | SEDACLPresent | SESACLPresent | SEDACLProtected |
			SEOwnerDefaulted | SERMControlValid,
		Owner: sidPtr(MustParseSID(SIDBuiltinAdministrators)),
		Group: sidPtr(MustParseSID("S-1-0x000100000000-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15")),
		SACL: &ACL{Revision: ACLRevisionDS, ACEs: []ACE{
			{Type: ACETypeSystemAudit, Flags: ACEFlagSuccessfulAccess | ACEFlagFailedAccess, Mask: Delete, SID: MustParseSID(SIDEveryone)},
			{Type: ACETypeSystemMandatoryLabel, Mask: 1, SID: MustParseSID(SIDMLHigh)},
			{Type: ACETypeSystemResourceAttribute, SID: MustParseSID(SIDEveryone), AdditionalData: []byte{1, 2, 3, 4, 5, 6, 7, 8}},
			{Type: ACETypeSystemAuditObject, Mask: 0x10, ObjectFlags: ACEObjectTypePresent, ObjectType: guid, SID: MustParseSID(SIDAuthenticatedUsers), AdditionalData: []byte("appdata!")},
		}},
		DACL: &ACL{Revision: ACLRevisionDS, ACEs: []ACE{
			{Type: ACETypeAccessDenied, Flags: ACEFlagObjectInherit | ACEFlagInheritOnly, Mask: FileWriteData, SID: MustParseSID(SIDBuiltinGuests)},
			{Type: ACETypeAccessAllowed, Mask: FileAllAccess, SID: MustParseSID(SIDLocalSystem)},
			{Type: ACETypeAccessAllowedObject, Mask: GenericRead, ObjectFlags: ACEObjectTypePresent | ACEInheritedObjectTypePresent, ObjectType: guid, InheritedObjectType: guid, SID: MustParseSID(SIDCreatorOwner)},
			{Type: ACETypeAccessAllowedCallback, Mask: FileGenericExecute, SID: MustParseSID(SIDUserModeDrivers), AdditionalData: []byte("artx\x00\x00\x00\x00")},
			{Type: 0x42, Flags: ACEFlagInherited, AdditionalData: []byte{9, 9, 9, 9}},
			{Type: ACETypeAccessAllowedCompound, AdditionalData: make([]byte, 20)},
		}},
	}
}

func TestSecurityDescriptorRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		sd   *SecurityDescriptor
	}{
		{"rich", richDescriptor()},
		{"header only", &SecurityDescriptor{Revision: 1, Control: SESelfRelative}},
		{"owner only", &SecurityDescriptor{Revision: 1, Control: SESelfRelative, Owner: sidPtr(NewSID(0))}},
		{"NULL DACL", &SecurityDescriptor{Revision: 1, Control: SESelfRelative | SEDACLPresent}},
		{"empty DACL", &SecurityDescriptor{Revision: 1, Control: SESelfRelative | SEDACLPresent, DACL: &ACL{Revision: ACLRevision}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.sd.Append(nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != tc.sd.Size() {
				t.Errorf("len(Append) = %d, Size = %d", len(b), tc.sd.Size())
			}
			got, err := DecodeSecurityDescriptor(b)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.sd, got, equateEmpty); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			checkSDEncoding(t, got, b)
			checkPrefixes(t, b)
		})
	}
}

func TestSecurityDescriptorDACLStates(t *testing.T) {
	// Absent: no flag, offset 0.
	absent, err := DecodeSecurityDescriptor(unhex(t, `01 00 00 80 00000000 00000000 00000000 00000000`))
	if err != nil || absent.HasDACL() || absent.DACL != nil || absent.IsNullDACL() {
		t.Errorf("absent: %+v, %v", absent, err)
	}
	// NULL DACL: flag set, offset 0: everyone has full access.
	null, err := DecodeSecurityDescriptor(unhex(t, `01 00 04 80 00000000 00000000 00000000 00000000`))
	if err != nil || !null.HasDACL() || null.DACL != nil || !null.IsNullDACL() {
		t.Errorf("NULL: %+v, %v", null, err)
	}
	// Empty DACL: flag set, an ACL with no ACEs: nobody has access.
	empty, err := DecodeSecurityDescriptor(unhex(t, `01 00 04 80 00000000 00000000 00000000 14000000 02 00 08 00 00 00 00 00`))
	if err != nil || !empty.HasDACL() || empty.DACL == nil || len(empty.DACL.ACEs) != 0 || empty.IsNullDACL() {
		t.Errorf("empty: %+v, %v", empty, err)
	}
	// Append sets SE_DACL_PRESENT and SE_SACL_PRESENT for non-nil ACLs and
	// always SE_SELF_RELATIVE, and writes revision 0 as 1.
	b, err := (&SecurityDescriptor{DACL: &ACL{}, SACL: &ACL{}}).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, `01 00 14 80 00000000 00000000 14000000 1c000000 02 00 08 00 00 00 00 00 02 00 08 00 00 00 00 00`)
	if !bytes.Equal(b, want) {
		t.Errorf("Append =\n% x\nwant\n% x", b, want)
	}
}

func TestSecurityDescriptorOffsetsAnyOrder(t *testing.T) {
	// Windows puts the ACLs before the SIDs; offsets may point anywhere
	// after the header, and bytes no part covers are ignored.
	raw := unhex(t, `
		01 00 04 80 24000000 30000000 00000000 18000000 // owner 0x24, group 0x30, DACL 0x18
		ffffffff                                  // unused gap
		02 00 0c 00 00 00 00 00 aa bb cc dd       // DACL with 4 bytes of free space
		01 01 00 00 00 00 00 05 12 00 00 00       // owner S-1-5-18
		01 01 00 00 00 00 00 01 00 00 00 00       // group S-1-1-0
		`)
	sd, err := DecodeSecurityDescriptor(raw)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Owner.String() != SIDLocalSystem || sd.Group.String() != SIDEveryone || sd.DACL == nil || len(sd.DACL.ACEs) != 0 {
		t.Errorf("decoded %+v", sd)
	}
	checkPrefixes(t, raw)
}

func TestDecodeSecurityDescriptorErrors(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		kind      error
		msg       string
	}{
		{"empty", ``, ErrShort, "dtyp: security descriptor: header needs 20 bytes, have 0"},
		{"revision 2", `02 00 04 80 00000000 00000000 00000000 00000000`, ErrMalformed, "dtyp: security descriptor: Revision 2, want 1"},
		{"absolute form", `01 00 04 00 00000000 00000000 00000000 00000000`, ErrMalformed, "dtyp: security descriptor: SE_SELF_RELATIVE not set in Control SE_DACL_PRESENT"},
		{"owner inside header", `01 00 00 80 04000000 00000000 00000000 00000000`, ErrMalformed, "dtyp: security descriptor: owner offset 4 inside the 20-byte header"},
		{"DACL at 0xffffffff", `01 00 04 80 00000000 00000000 00000000 ffffffff`, ErrShort, "dtyp: security descriptor: DACL offset 4294967295 beyond the 20 bytes available"},
		{"SACL at end", `01 00 10 80 00000000 00000000 14000000 00000000`, ErrShort, "dtyp: security descriptor: SACL offset 20 beyond the 20 bytes available"},
		{"group SID with 16 sub-authorities", `01 00 00 80 00000000 14000000 00000000 00000000 01 10 00 00 00 00 00 05` + zeros(64), ErrMalformed, "dtyp: group SID: SubAuthorityCount 16 above 15"},
		{"owner SID short", `01 00 00 80 14000000 00000000 00000000 00000000 01 02 00 00 00 00 00 05 20 00 00 00`, ErrShort, "dtyp: owner SID: 2 sub-authorities need 16 bytes, have 12"},
		{"DACL ACE SID overruns", `01 00 04 80 00000000 00000000 00000000 14000000
			02 00 20 00 02 00 00 00
			00 00 0c 00 ff 01 1f 00 01 00 00 00
			00 00 0c 00 ff 01 1f 00 01 00 00 00`, ErrMalformed, "dtyp: DACL: ACE 0: AceSize 12 below the 16 bytes of a ACCESS_ALLOWED_ACE_TYPE"},
		{"SACL ACE SID overruns", `01 00 10 80 00000000 00000000 14000000 00000000
			02 00 18 00 01 00 00 00
			02 00 10 00 ff 01 1f 00 01 02 00 00 00 00 00 05`, ErrMalformed, "dtyp: SACL: ACE 0: SID runs past AceSize 16"},
		{"SACL ACE SID count bad", `01 00 10 80 00000000 00000000 14000000 00000000
			02 00 18 00 01 00 00 00
			02 00 10 00 ff 01 1f 00 01 20 00 00 00 00 00 05`, ErrMalformed, "dtyp: SACL: ACE 0: SID: SubAuthorityCount 32 above 15"},
	} {
		_, err := DecodeSecurityDescriptor(unhex(t, tc.raw))
		checkErr(t, err, tc.kind, tc.name)
		if err != nil && err.Error() != tc.msg {
			t.Errorf("%s: error\n%q\nwant\n%q", tc.name, err, tc.msg)
		}
	}
}

func TestSecurityDescriptorAppendErrors(t *testing.T) {
	for _, tc := range []struct {
		mod  func(*SecurityDescriptor)
		want string
	}{
		{func(sd *SecurityDescriptor) { sd.DACL.ACEs[2].SID.SubAuthorities = make([]uint32, 16) },
			"dtyp: DACL: ACE 2: SID: 16 sub-authorities, at most 15 allowed"},
		{func(sd *SecurityDescriptor) { sd.SACL.ACEs[0].AdditionalData = make([]byte, 0x10000) },
			"dtyp: SACL: 65660 bytes, AclSize is at most 65535"},
		{func(sd *SecurityDescriptor) { sd.Owner.SubAuthorities = make([]uint32, 16) },
			"dtyp: owner: SID: 16 sub-authorities, at most 15 allowed"},
	} {
		sd := richDescriptor()
		tc.mod(sd)
		_, err := sd.Append(nil)
		checkErr(t, err, ErrMalformed, tc.want)
		if err != nil && err.Error() != tc.want {
			t.Errorf("error %q, want %q", err, tc.want)
		}
	}

	sd := richDescriptor()
	sd.Group = sidPtr(NewSID(1, make([]uint32, 16)...))
	b, err := sd.Append([]byte{1, 2, 3})
	checkErr(t, err, ErrMalformed, "group with 16 sub-authorities")
	if !bytes.Equal(b, []byte{1, 2, 3}) {
		t.Errorf("dst changed: % x", b)
	}
	if err != nil && !strings.HasPrefix(err.Error(), "dtyp: group: SID:") {
		t.Errorf("error %q does not name the group", err)
	}
}

func TestSDControlAndSecurityInformationNames(t *testing.T) {
	if got := SDControl(0xFFFF).String(); got != "SE_OWNER_DEFAULTED|SE_GROUP_DEFAULTED|SE_DACL_PRESENT|SE_DACL_DEFAULTED|SE_SACL_PRESENT|SE_SACL_DEFAULTED|SE_DACL_TRUSTED|SE_SERVER_SECURITY|SE_DACL_AUTO_INHERIT_REQ|SE_SACL_AUTO_INHERIT_REQ|SE_DACL_AUTO_INHERITED|SE_SACL_AUTO_INHERITED|SE_DACL_PROTECTED|SE_SACL_PROTECTED|SE_RM_CONTROL_VALID|SE_SELF_RELATIVE" {
		t.Errorf("SDControl(0xFFFF) = %q", got)
	}
	info := OwnerSecurityInformation | GroupSecurityInformation | DACLSecurityInformation | SACLSecurityInformation
	if info != 0xF || info.String() != "OWNER_SECURITY_INFORMATION|GROUP_SECURITY_INFORMATION|DACL_SECURITY_INFORMATION|SACL_SECURITY_INFORMATION" {
		t.Errorf("info %#x %q", uint32(info), info)
	}
	for _, tc := range []struct {
		v    SecurityInformation
		want uint32
		name string
	}{
		{LabelSecurityInformation, 0x10, "LABEL_SECURITY_INFORMATION"},
		{AttributeSecurityInformation, 0x20, "ATTRIBUTE_SECURITY_INFORMATION"},
		{ScopeSecurityInformation, 0x40, "SCOPE_SECURITY_INFORMATION"},
		{BackupSecurityInformation, 0x10000, "BACKUP_SECURITY_INFORMATION"},
		{ProtectedDACLSecurityInformation, 0x80000000, "PROTECTED_DACL_SECURITY_INFORMATION"},
		{0x200, 0x200, "0x200"},
	} {
		if uint32(tc.v) != tc.want || tc.v.String() != tc.name {
			t.Errorf("%#x %q, want %#x %q", uint32(tc.v), tc.v, tc.want, tc.name)
		}
	}
}
