package dtyp

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pysmb python3/tests/test_security_descriptors.py test_sid_binary_parsing.
const pysmbRawSID = `
	01 05 00 00 00 00 00 05  15 00 00 00 de 53 c1 2a
	2a 4f da ca c1 79 a6 32  b1 04 00 00`

func TestSIDBinaryPysmb(t *testing.T) {
	raw := unhex(t, pysmbRawSID)
	const want = "S-1-5-21-717312990-3403304746-849770945-1201"

	s, n, err := DecodeSID(raw)
	if err != nil || n != len(raw) || s.String() != want {
		t.Fatalf("DecodeSID = %v, %d, %v; want %s, %d", s, n, err, want, len(raw))
	}
	if diff := cmp.Diff(domainSID(1201), s); diff != "" {
		t.Errorf("decoded SID (-want +got):\n%s", diff)
	}
	// pysmb: trailing garbage is ignored and returned as the tail.
	withTail := append(append([]byte(nil), raw...), "garbage"...)
	s2, n2, err := DecodeSID(withTail)
	if err != nil || n2 != len(raw) || !s2.Equal(s) || string(withTail[n2:]) != "garbage" {
		t.Errorf("with tail: %v, %d, %v", s2, n2, err)
	}

	enc, err := s.Append(nil)
	if err != nil || !bytes.Equal(enc, raw) {
		t.Errorf("Append = % x, %v; want % x", enc, err, raw)
	}
	if s.Size() != len(raw) {
		t.Errorf("Size = %d, want %d", s.Size(), len(raw))
	}
	// Append keeps what dst held.
	enc2, _ := s.Append([]byte{0xAA})
	if !bytes.Equal(enc2, append([]byte{0xAA}, raw...)) {
		t.Errorf("Append(prefix) = % x", enc2)
	}
	var d SID
	if err := d.Decode(raw); err != nil || !d.Equal(s) {
		t.Errorf("SID.Decode = %v, %v", d, err)
	}

	for i := range raw {
		_, _, err := DecodeSID(raw[:i])
		checkErr(t, err, ErrShort, fmt.Sprintf("%d-byte prefix", i))
	}
}

func TestDecodeSIDRejectsTooManySubAuthorities(t *testing.T) {
	b := make([]byte, 8+4*16)
	b[0], b[1] = 1, 16
	_, _, err := DecodeSID(b)
	checkErr(t, err, ErrMalformed, "16 sub-authorities")
	// 15 is the maximum and fine.
	b[1] = 15
	s, n, err := DecodeSID(b)
	if err != nil || n != 8+4*15 || len(s.SubAuthorities) != 15 {
		t.Fatalf("15 sub-authorities: %v %d %v", s, n, err)
	}
}

func TestSIDStringPysmb(t *testing.T) {
	// pysmb test_sid_string_representation. pysmb prints a large authority
	// with %#x ("S-1-0x100000003"); [MS-DTYP] 2.4.2.1 says "0x" 12HEXDIG,
	// so we print all 12 digits and accept pysmb's shorter form on input.
	for _, tc := range []struct {
		sid         SID
		want, pysmb string
	}{
		{NewSID(5, 2, 3, 4), "S-1-5-2-3-4", "S-1-5-2-3-4"},
		{NewSID(1<<32 + 3), "S-1-0x000100000003", "S-1-0x100000003"},
		{NewSID(1<<32, 3, 2, 1), "S-1-0x000100000000-3-2-1", "S-1-0x100000000-3-2-1"},
	} {
		if got := tc.sid.String(); got != tc.want {
			t.Errorf("String = %q, want %q", got, tc.want)
		}
		for _, in := range []string{tc.want, tc.pysmb} {
			p, err := ParseSID(in)
			if err != nil || !p.Equal(tc.sid) {
				t.Errorf("ParseSID(%q) = %v, %v; want %v", in, p, err, tc.sid)
			}
		}
	}
}

func TestParseSIDRoundTrip(t *testing.T) {
	fifteen := "S-1-5" + strings.Repeat("-4294967295", 15)
	for _, tc := range []struct{ in, want string }{
		{"S-1-0", ""},
		{"S-1-5", ""},
		{"S-1-0-0", ""},
		{"S-1-1-0", ""},
		{"S-1-5-32-544", ""},
		{"S-1-5-21-717312990-3403304746-849770945-500", ""},
		{"S-1-4294967295-1", ""},
		{"S-1-0xFFFFFFFFFFFF", ""},
		{"S-1-0x000100000000", ""},
		{"S-1-0xffffffffffff", "S-1-0xFFFFFFFFFFFF"},
		{"S-1-0x100000000", "S-1-0x000100000000"},
		{"S-1-0x5-32-544", "S-1-5-32-544"}, // hex is allowed below 2^32 too
		{"S-1-0x0", "S-1-0"},
		{"S-1-0X00000000000F-1", "S-1-15-1"},
		{"s-1-5-18", "S-1-5-18"},
		{fifteen, ""},
		{"S-1-5-0-4294967295", ""},
	} {
		want := tc.want
		if want == "" {
			want = tc.in
		}
		s, err := ParseSID(tc.in)
		if err != nil {
			t.Errorf("ParseSID(%q): %v", tc.in, err)
			continue
		}
		if got := s.String(); got != want {
			t.Errorf("ParseSID(%q).String() = %q, want %q", tc.in, got, want)
		}
		// String → Parse → equal, and binary round trip.
		s2, err := ParseSID(s.String())
		if err != nil || !s2.Equal(s) {
			t.Errorf("reparse %q: %v, %v", s.String(), s2, err)
		}
		b, err := s.Append(nil)
		if err != nil || len(b) != s.Size() {
			t.Errorf("%q: Append %v, len %d, Size %d", tc.in, err, len(b), s.Size())
		}
		s3, n, err := DecodeSID(b)
		if err != nil || n != len(b) {
			t.Errorf("%q: DecodeSID: %v", tc.in, err)
		}
		if diff := cmp.Diff(s, s3); diff != "" {
			t.Errorf("%q: binary round trip (-want +got):\n%s", tc.in, diff)
		}
	}
	s, _ := ParseSID(fifteen)
	if len(s.SubAuthorities) != 15 {
		t.Errorf("15 sub-authorities parsed as %d", len(s.SubAuthorities))
	}
}

func TestParseSIDRejects(t *testing.T) {
	sixteen := "S-1-5" + strings.Repeat("-1", 16)
	for _, in := range []string{
		"", "S", "S-", "S-1", "S-1-", "1-5-32-544", "X-1-5", "SS-1-5",
		"S-2-5-32-544", "S-01-5", "S-0-5",
		"S-1--5", "S-1-5-", "S-1-5--1", "S-1-5-32-544-",
		"S-1-05", "S-1-5-01", "S-1-5-00",
		"S-1-4294967296", "S-1-99999999999", "S-1-5-4294967296", "S-1-5-12345678901",
		"S-1-0x", "S-1-0x1234567890123", "S-1-0xG", "S-1-0x-1", "S-1-x5", "S-1-0x+5",
		"S-1-+5", "S-1--0", "S-1-5-+1", "S-1-5-x", "S-1-5-1a", "S-1-5-1_0",
		" S-1-5", "S-1-5 ", "S-1-5-1\n", "S-1-5-１",
		sixteen,
		"S-1-5" + strings.Repeat("-", 10000),
	} {
		s, err := ParseSID(in)
		if err == nil {
			t.Errorf("ParseSID(%q) = %v, want error", in, s)
			continue
		}
		checkErr(t, err, ErrSyntax, fmt.Sprintf("ParseSID(%q)", in))
	}
}

func TestSIDAppendRejectsTooManySubAuthorities(t *testing.T) {
	s := NewSID(5, make([]uint32, 16)...)
	b, err := s.Append([]byte{1, 2})
	checkErr(t, err, ErrMalformed, "Append with 16 sub-authorities")
	if !bytes.Equal(b, []byte{1, 2}) {
		t.Errorf("Append changed dst on error: % x", b)
	}
}

func TestSIDHelpers(t *testing.T) {
	a := NewSID(5, 32, 544)
	if a.Authority() != 5 || a.Revision != 1 {
		t.Errorf("NewSID = %+v", a)
	}
	if rid, ok := a.RID(); !ok || rid != 544 {
		t.Errorf("RID = %d, %v", rid, ok)
	}
	if _, ok := NewSID(5).RID(); ok {
		t.Error("RID of S-1-5 reported ok")
	}
	big := NewSID(1<<48 - 1)
	if big.IdentifierAuthority != [6]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF} {
		t.Errorf("authority bytes % x", big.IdentifierAuthority)
	}
	if NewSID(1<<48+7).Authority() != 7 {
		t.Error("bits above 48 not dropped")
	}
	if !(SID{Revision: 1}).Equal(SID{Revision: 1, SubAuthorities: []uint32{}}) {
		t.Error("nil and empty sub-authorities not Equal")
	}
	for _, o := range []SID{NewSID(5, 32, 545), NewSID(5, 32), NewSID(1, 32, 544), {Revision: 2, IdentifierAuthority: a.IdentifierAuthority, SubAuthorities: a.SubAuthorities}} {
		if a.Equal(o) {
			t.Errorf("%v Equal %v", a, o)
		}
	}
	// NewSID copies its sub-authorities.
	subs := []uint32{32, 544}
	c := NewSID(5, subs...)
	subs[1] = 545
	if c.SubAuthorities[1] != 544 {
		t.Error("NewSID aliases its argument")
	}
	defer func() {
		if recover() == nil {
			t.Error("MustParseSID did not panic on garbage")
		}
	}()
	MustParseSID("garbage")
}

func TestWellKnownName(t *testing.T) {
	for _, tc := range []struct{ sid, want string }{
		{SIDEveryone, "EVERYONE"},
		{SIDNull, "NULL"},
		{SIDNobody, "NULL"},
		{SIDCreatorOwner, "CREATOR_OWNER"},
		{SIDCreatorGroup, "CREATOR_GROUP"},
		{SIDLocalSystem, "LOCAL_SYSTEM"},
		{SIDBuiltinAdministrators, "BUILTIN_ADMINISTRATORS"},
		{SIDBuiltinUsers, "BUILTIN_USERS"},
		{SIDBuiltinGuests, "BUILTIN_GUESTS"},
		{SIDAuthenticatedUsers, "AUTHENTICATED_USERS"},
		{SIDNetwork, "NETWORK"},
		{SIDLocal, "LOCAL"},
		{SIDAnonymous, "ANONYMOUS"},
		{SIDNTAuthority, "NT_AUTHORITY"},
		{SIDCompoundedAuthentication, "COMPOUNDED_AUTHENTICATION"},
		{SIDMLHigh, "ML_HIGH"},
		{"S-1-5-5-0-123456", "LOGON_ID"},
		{"S-1-5-21-717312990-3403304746-849770945-500", "ADMINISTRATOR"},
		{"S-1-5-21-717312990-3403304746-849770945-513", "DOMAIN_USERS"},
		{"S-1-5-21-717312990-3403304746-849770945-1201", ""},
		{"S-1-5-21-1-2-500", ""},
		{"S-1-5-32-999", ""},
		{"S-1-1-1", ""},
		{"S-1-0x000100000000-5", ""},
	} {
		if got := WellKnownName(MustParseSID(tc.sid)); got != tc.want {
			t.Errorf("WellKnownName(%s) = %q, want %q", tc.sid, got, tc.want)
		}
	}
	if got := WellKnownName(SID{Revision: 2, IdentifierAuthority: [6]byte{5: 1}}); got != "" {
		t.Errorf("revision 2 SID named %q", got)
	}
	// Every constant is in canonical form and named.
	if len(wellKnownNames) != 82 {
		t.Errorf("%d well-known SIDs, pysmb has 82", len(wellKnownNames))
	}
	for str, name := range wellKnownNames {
		s, err := ParseSID(str)
		if err != nil || s.String() != str {
			t.Errorf("%s: %v, %q", str, err, s.String())
		}
		if got := WellKnownName(s); got != name {
			t.Errorf("WellKnownName(%s) = %q, want %q", str, got, name)
		}
	}
}
