package dtyp

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The three ACEs of pysmb python3/tests/test_security_descriptors.py
// test_ace_binary_parsing, with the values pysmb asserts.
var pysmbACEs = []struct {
	raw  string
	want ACE
}{
	{
		raw: `00 10 24 00 ff 01 1f 00  01 05 00 00 00 00 00 05
		      15 00 00 00 de 53 c1 2a  2a 4f da ca c1 79 a6 32
		      6e 04 00 00`,
		want: ACE{
			Type:  ACETypeAccessAllowed,
			Flags: ACEFlagInherited,
			Mask: Synchronize | WriteOwner | WriteDAC | ReadControl | Delete | FileReadData |
				FileWriteData | FileAppendData | FileReadEA | FileWriteEA | FileExecute |
				FileDeleteChild | FileReadAttributes | FileWriteAttributes,
			SID: domainSID(1134),
		},
	},
	{
		raw: `00 13 18 00 a9 00 12 00  01 02 00 00 00 00 00 05
		      20 00 00 00 21 02 00 00`,
		want: ACE{
			Type:  ACETypeAccessAllowed,
			Flags: ACEFlagInherited | ACEFlagContainerInherit | ACEFlagObjectInherit,
			Mask:  Synchronize | ReadControl | FileReadData | FileReadEA | FileExecute | FileReadAttributes,
			SID:   MustParseSID("S-1-5-32-545"),
		},
	},
	{
		raw: `01 03 24 00 a9 00 02 00  01 05 00 00 00 00 00 05
		      15 00 00 00 de 53 c1 2a  2a 4f da ca c1 79 a6 32
		      6c 04 00 00`,
		want: ACE{
			Type:  ACETypeAccessDenied,
			Flags: ACEFlagContainerInherit | ACEFlagObjectInherit,
			Mask:  ReadControl | FileReadData | FileReadEA | FileExecute | FileReadAttributes,
			SID:   domainSID(1132),
		},
	},
}

func TestACEPysmb(t *testing.T) {
	for i, tc := range pysmbACEs {
		raw := unhex(t, tc.raw)
		got, n, err := DecodeACE(raw)
		if err != nil || n != len(raw) {
			t.Fatalf("ACE %d: DecodeACE = %d, %v", i, n, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ACE %d (-want +got):\n%s", i, diff)
		}
		if len(got.AdditionalData) != 0 {
			t.Errorf("ACE %d: additional data % x", i, got.AdditionalData)
		}
		checkACEEncoding(t, tc.want, raw)
	}
	if got, want := pysmbACEs[0].want.Mask.String(),
		"FILE_READ_DATA|FILE_WRITE_DATA|FILE_APPEND_DATA|FILE_READ_EA|FILE_WRITE_EA|FILE_EXECUTE|FILE_DELETE_CHILD|FILE_READ_ATTRIBUTES|FILE_WRITE_ATTRIBUTES|DELETE|READ_CONTROL|WRITE_DAC|WRITE_OWNER|SYNCHRONIZE"; got != want {
		t.Errorf("Mask.String = %q\nwant %q", got, want)
	}
	if pysmbACEs[0].want.Mask != FileAllAccess {
		t.Errorf("mask %#x is not FILE_ALL_ACCESS", pysmbACEs[0].want.Mask)
	}
	if got, want := pysmbACEs[1].want.String(),
		"ACCESS_ALLOWED_ACE_TYPE OBJECT_INHERIT_ACE|CONTAINER_INHERIT_ACE|INHERITED_ACE FILE_READ_DATA|FILE_READ_EA|FILE_EXECUTE|FILE_READ_ATTRIBUTES|READ_CONTROL|SYNCHRONIZE S-1-5-32-545"; got != want {
		t.Errorf("ACE.String = %q\nwant %q", got, want)
	}
}

// checkACEEncoding checks Append against want bytes, Size, and that every
// truncated prefix fails.
func checkACEEncoding(t *testing.T, a ACE, want []byte) {
	t.Helper()
	b, err := a.Append([]byte{0xEE})
	if err != nil {
		t.Fatalf("%v: Append: %v", a.Type, err)
	}
	if b[0] != 0xEE || !bytes.Equal(b[1:], want) {
		t.Errorf("%v: Append =\n% x\nwant\n% x", a.Type, b[1:], want)
	}
	if a.Size() != len(want) {
		t.Errorf("%v: Size = %d, want %d", a.Type, a.Size(), len(want))
	}
	var d ACE
	if err := d.Decode(want); err != nil {
		t.Errorf("%v: ACE.Decode: %v", a.Type, err)
	}
	for i := range want {
		_, _, err := DecodeACE(want[:i])
		checkErr(t, err, ErrShort, fmt.Sprintf("%v: %d-byte prefix", a.Type, i))
	}
}

func TestObjectACE(t *testing.T) {
	objType := GUID{0xc7, 0x40, 0x7f, 0xbf, 0x5b, 0x7d, 0xd0, 0x11, 0x8b, 0x00, 0x00, 0xa0, 0xc9, 0x11, 0x66, 0x6a}
	inhType := GUID{0x14, 0xcc, 0x28, 0x48, 0x37, 0x14, 0xbc, 0x45, 0x9b, 0x07, 0xad, 0x6f, 0x01, 0x5e, 0x5f, 0x28}
	sid := MustParseSID("S-1-5-11")
	sidBytes := "01 01 00 00 00 00 00 05 0b 00 00 00"
	for _, tc := range []struct {
		name string
		ace  ACE
		raw  string
	}{
		{
			name: "both GUIDs",
			ace: ACE{Type: ACETypeAccessAllowedObject, Flags: ACEFlagContainerInherit, Mask: 0x100,
				ObjectFlags: ACEObjectTypePresent | ACEInheritedObjectTypePresent,
				ObjectType:  objType, InheritedObjectType: inhType, SID: sid},
			raw: `05 02 38 00 00 01 00 00 03 00 00 00
			      c7 40 7f bf 5b 7d d0 11 8b 00 00 a0 c9 11 66 6a
			      14 cc 28 48 37 14 bc 45 9b 07 ad 6f 01 5e 5f 28 ` + sidBytes,
		},
		{
			// [MS-DTYP] 2.4.4.3: an absent GUID takes no space; the
			// next field moves up.
			name: "inherited object type only",
			ace: ACE{Type: ACETypeAccessDeniedObject, Mask: 0x30,
				ObjectFlags: ACEInheritedObjectTypePresent, InheritedObjectType: inhType, SID: sid},
			raw: `06 00 28 00 30 00 00 00 02 00 00 00
			      14 cc 28 48 37 14 bc 45 9b 07 ad 6f 01 5e 5f 28 ` + sidBytes,
		},
		{
			name: "no GUIDs",
			ace:  ACE{Type: ACETypeSystemAuditObject, Flags: ACEFlagSuccessfulAccess, Mask: 0x10, SID: sid},
			raw:  `07 40 18 00 10 00 00 00 00 00 00 00 ` + sidBytes,
		},
		{
			name: "callback object with application data",
			ace: ACE{Type: ACETypeAccessAllowedCallbackObject, Mask: 1,
				ObjectFlags: ACEObjectTypePresent, ObjectType: objType, SID: sid,
				AdditionalData: []byte("artx")},
			raw: `0b 00 2c 00 01 00 00 00 01 00 00 00
			      c7 40 7f bf 5b 7d d0 11 8b 00 00 a0 c9 11 66 6a ` + sidBytes + ` 61 72 74 78`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := unhex(t, tc.raw)
			checkACEEncoding(t, tc.ace, raw)
			got, n, err := DecodeACE(raw)
			if err != nil || n != len(raw) {
				t.Fatalf("DecodeACE: %d, %v", n, err)
			}
			if diff := cmp.Diff(tc.ace, got, equateEmpty); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := objType.String(); got != "bf7f40c7-7d5b-11d0-8b00-00a0c911666a" {
		t.Errorf("GUID.String = %s", got)
	}
	a := ACE{Type: ACETypeAccessAllowedObject, ObjectFlags: ACEObjectTypePresent | ACEInheritedObjectTypePresent, ObjectType: objType, InheritedObjectType: inhType, SID: sid}
	if got, want := a.String(), "ACCESS_ALLOWED_OBJECT_ACE_TYPE 0 0 object=bf7f40c7-7d5b-11d0-8b00-00a0c911666a inherited-object=4828cc14-1437-45bc-9b07-ad6f015e5f28 S-1-5-11"; got != want {
		t.Errorf("String = %q\nwant %q", got, want)
	}
	if got := (ACEObjectTypePresent | 4).String(); got != "ACE_OBJECT_TYPE_PRESENT|0x4" {
		t.Errorf("ObjectACEFlags.String = %q", got)
	}
}

func TestACEPaddingAndAdditionalData(t *testing.T) {
	// An odd amount of application data is padded to a multiple of 4.
	a := ACE{Type: ACETypeAccessAllowedCallback, Mask: FileReadData, SID: MustParseSID("S-1-1-0"), AdditionalData: []byte{0xAA, 0xBB, 0xCC}}
	want := unhex(t, `09 00 18 00 01 00 00 00 01 01 00 00 00 00 00 01 00 00 00 00 aa bb cc 00`)
	checkACEEncoding(t, a, want)
	got, _, err := DecodeACE(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.AdditionalData, []byte{0xAA, 0xBB, 0xCC, 0}) {
		t.Errorf("AdditionalData = % x", got.AdditionalData)
	}

	// An AceSize larger than the fields (allowed by 2.4.4.1) leaves the rest
	// in AdditionalData, and an AceSize that is not a multiple of 4 is
	// accepted on input.
	raw := unhex(t, `00 00 16 00 01 00 00 00 01 01 00 00 00 00 00 01 00 00 00 00 01 02 ff ff`)
	got, n, err := DecodeACE(raw)
	if err != nil || n != 0x16 || !bytes.Equal(got.AdditionalData, []byte{1, 2}) {
		t.Errorf("AceSize 22: %v %d % x", err, n, got.AdditionalData)
	}

	// Decoded data does not alias the input.
	raw[20] = 9
	if got.AdditionalData[0] != 1 {
		t.Error("AdditionalData aliases the input buffer")
	}
}

func TestACEUnknownTypesKeptRaw(t *testing.T) {
	for _, raw := range []string{
		`14 03 0c 00 de ad be ef 01 02 03 04`,             // type 0x14, not in [MS-DTYP]
		`ff 00 08 00 00 00 00 00`,                         // type 0xff, minimum size
		`04 00 10 00 01 00 00 00 01 00 00 00 99 99 99 99`, // ACCESS_ALLOWED_COMPOUND_ACE_TYPE
	} {
		b := unhex(t, raw)
		a, n, err := DecodeACE(b)
		if err != nil || n != len(b) {
			t.Fatalf("%s: %d %v", raw, n, err)
		}
		if a.Type.Known() || ACEType(b[0]) != a.Type || ACEFlags(b[1]) != a.Flags || !bytes.Equal(a.AdditionalData, b[4:]) {
			t.Errorf("%s: decoded %+v", raw, a)
		}
		checkACEEncoding(t, a, b)
	}
	if got := ACEType(0x14).String(); got != "ACE_TYPE(0x14)" {
		t.Errorf("String = %q", got)
	}
	a, _, _ := DecodeACE(unhex(t, `14 03 0c 00 de ad be ef 01 02 03 04`))
	if got := a.String(); got != "ACE_TYPE(0x14) OBJECT_INHERIT_ACE|CONTAINER_INHERIT_ACE 8 bytes" {
		t.Errorf("String = %q", got)
	}
}

func TestACETypeNamesAndClasses(t *testing.T) {
	for _, tc := range []struct {
		t                       ACEType
		name                    string
		known, object, callback bool
	}{
		{ACETypeAccessAllowed, "ACCESS_ALLOWED_ACE_TYPE", true, false, false},
		{ACETypeAccessDenied, "ACCESS_DENIED_ACE_TYPE", true, false, false},
		{ACETypeSystemAudit, "SYSTEM_AUDIT_ACE_TYPE", true, false, false},
		{ACETypeSystemAlarm, "SYSTEM_ALARM_ACE_TYPE", true, false, false},
		{ACETypeAccessAllowedCompound, "ACCESS_ALLOWED_COMPOUND_ACE_TYPE", false, false, false},
		{ACETypeAccessAllowedObject, "ACCESS_ALLOWED_OBJECT_ACE_TYPE", true, true, false},
		{ACETypeAccessDeniedObject, "ACCESS_DENIED_OBJECT_ACE_TYPE", true, true, false},
		{ACETypeSystemAuditObject, "SYSTEM_AUDIT_OBJECT_ACE_TYPE", true, true, false},
		{ACETypeSystemAlarmObject, "SYSTEM_ALARM_OBJECT_ACE_TYPE", true, true, false},
		{ACETypeAccessAllowedCallback, "ACCESS_ALLOWED_CALLBACK_ACE_TYPE", true, false, true},
		{ACETypeAccessDeniedCallback, "ACCESS_DENIED_CALLBACK_ACE_TYPE", true, false, true},
		{ACETypeAccessAllowedCallbackObject, "ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE", true, true, true},
		{ACETypeAccessDeniedCallbackObject, "ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE", true, true, true},
		{ACETypeSystemAuditCallback, "SYSTEM_AUDIT_CALLBACK_ACE_TYPE", true, false, true},
		{ACETypeSystemAlarmCallback, "SYSTEM_ALARM_CALLBACK_ACE_TYPE", true, false, true},
		{ACETypeSystemAuditCallbackObject, "SYSTEM_AUDIT_CALLBACK_OBJECT_ACE_TYPE", true, true, true},
		{ACETypeSystemAlarmCallbackObject, "SYSTEM_ALARM_CALLBACK_OBJECT_ACE_TYPE", true, true, true},
		{ACETypeSystemMandatoryLabel, "SYSTEM_MANDATORY_LABEL_ACE_TYPE", true, false, false},
		{ACETypeSystemResourceAttribute, "SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE", true, false, false},
		{ACETypeSystemScopedPolicyID, "SYSTEM_SCOPED_POLICY_ID_ACE_TYPE", true, false, false},
	} {
		if tc.t.String() != tc.name || tc.t.Known() != tc.known || tc.t.IsObject() != tc.object || tc.t.IsCallback() != tc.callback {
			t.Errorf("%#x: %q known=%v object=%v callback=%v", uint8(tc.t), tc.t.String(), tc.t.Known(), tc.t.IsObject(), tc.t.IsCallback())
		}
	}
	if ACETypeSystemMandatoryLabel != 0x11 {
		t.Error("SYSTEM_MANDATORY_LABEL_ACE_TYPE is 0x11")
	}
	all := ACEFlags(0xFF).String()
	if all != "OBJECT_INHERIT_ACE|CONTAINER_INHERIT_ACE|NO_PROPAGATE_INHERIT_ACE|INHERIT_ONLY_ACE|INHERITED_ACE|CRITICAL_ACE_FLAG|SUCCESSFUL_ACCESS_ACE_FLAG|FAILED_ACCESS_ACE_FLAG" {
		t.Errorf("ACEFlags(0xFF) = %q", all)
	}
	if ACEFlags(0).String() != "0" {
		t.Error("ACEFlags(0) is not 0")
	}
	a := ACE{Flags: ACEFlagInheritOnly | ACEFlagObjectInherit}
	if !a.IsInheritOnly() || a.IsInherited() {
		t.Error("predicates wrong for INHERIT_ONLY")
	}
	a.Flags = ACEFlagInherited
	if a.IsInheritOnly() || !a.IsInherited() {
		t.Error("predicates wrong for INHERITED")
	}
}

func TestAccessMaskString(t *testing.T) {
	for _, tc := range []struct {
		m    AccessMask
		want string
	}{
		{0, "0"},
		{FileGenericRead, "FILE_READ_DATA|FILE_READ_EA|FILE_READ_ATTRIBUTES|READ_CONTROL|SYNCHRONIZE"},
		{GenericRead | GenericWrite | GenericExecute | GenericAll | MaximumAllowed | AccessSystemSecurity, "ACCESS_SYSTEM_SECURITY|MAXIMUM_ALLOWED|GENERIC_ALL|GENERIC_EXECUTE|GENERIC_WRITE|GENERIC_READ"},
		{FileReadData | 0x200 | 0x00400000, "FILE_READ_DATA|0x400200"},
	} {
		if got := tc.m.String(); got != tc.want {
			t.Errorf("%#x: %q, want %q", uint32(tc.m), got, tc.want)
		}
	}
	if FileGenericRead != 0x00120089 || FileGenericWrite != 0x00120116 || FileGenericExecute != 0x001200A0 || FileAllAccess != 0x001F01FF {
		t.Error("generic file rights have the wrong values")
	}
}

func TestDecodeACEErrors(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		kind      error
	}{
		{"AceSize 4", `00 00 04 00 00 00 00 00`, ErrMalformed},
		{"AceSize 0", `ff 00 00 00 00 00 00 00`, ErrMalformed},
		{"AceSize 7 unknown type", `ff 00 07 00 00 00 00 00`, ErrMalformed},
		{"basic AceSize 12", `00 00 0c 00 00 00 00 00 01 00 00 00 00 00 00 00`, ErrMalformed},
		{"object AceSize 16", `05 00 10 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00`, ErrMalformed},
		{"SID runs past AceSize", `00 00 10 00 01 00 00 00 01 01 00 00 00 00 00 01 00 00 00 00`, ErrMalformed},
		{"GUID runs past AceSize", `05 00 18 00 01 00 00 00 01 00 00 00 01 00 00 00 00 00 00 01 00 00 00 00`, ErrMalformed},
		{"SID with 16 sub-authorities", `00 00 50 00 01 00 00 00 01 10 00 00 00 00 00 05` + zeros(64), ErrMalformed},
		{"AceSize past buffer", `00 00 20 00 01 00 00 00 01 00 00 00 00 00 00 01`, ErrShort},
	} {
		_, _, err := DecodeACE(unhex(t, tc.raw))
		checkErr(t, err, tc.kind, tc.name)
	}
}

func zeros(n int) string {
	b := make([]byte, 0, 3*n)
	for range n {
		b = append(b, " 00"...)
	}
	return string(b)
}

func TestACEAppendErrors(t *testing.T) {
	a := ACE{Type: ACETypeAccessAllowed, SID: NewSID(5, make([]uint32, 16)...)}
	b, err := a.Append([]byte{7})
	checkErr(t, err, ErrMalformed, "16 sub-authorities")
	if !bytes.Equal(b, []byte{7}) {
		t.Errorf("dst changed: % x", b)
	}
	a = ACE{Type: ACETypeAccessAllowedCallback, SID: NewSID(1, 0), AdditionalData: make([]byte, 0x10000)}
	_, err = a.Append(nil)
	checkErr(t, err, ErrMalformed, "oversized ACE")
}
