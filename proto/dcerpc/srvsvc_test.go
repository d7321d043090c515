package dcerpc

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// handStub is a NetrShareEnum level 1 reply stub written out by hand from
// [MS-SRVS] 3.1.4.8 and [C706] 14: three shares, one special (IPC$), one
// disk with a comment, one with a CJK name and an empty comment. The
// referent IDs are the ones our encoder hands out, so Append must produce
// these bytes too.
const handStub = `
01000000  // Level 1
01000000  // union discriminant (switch_is(Level))
00000200  // unique pointer to SHARE_INFO_1_CONTAINER, referent 0x20000
03000000  // EntriesRead 3
04000200  // Buffer, referent 0x20004
03000000  // conformant array max_count 3
08000200 03000080 0c000200  // [0] shi1_netname ->, shi1_type 0x80000003, shi1_remark ->
10000200 00000000 14000200  // [1] type STYPE_DISKTREE
18000200 00000000 1c000200  // [2]
05000000 00000000 05000000  // [0] netname: max_count 5, offset 0, actual_count 5
4900 5000 4300 2400 0000 0000  // "IPC$" NUL, 2 bytes pad to 4
0c000000 00000000 0c000000  // [0] remark: 12 units
4900 5000 4300 2000 5300 6500 7200 7600 6900 6300 6500 0000  // "IPC Service" NUL
05000000 00000000 05000000  // [1] netname
6400 6f00 6300 7300 0000 0000  // "docs" NUL pad
12000000 00000000 12000000  // [1] remark: 18 units
5000 7200 6f00 6a00 6500 6300 7400 2000 6400 6f00 6300 7500 6d00 6500 6e00 7400 7300 0000  // "Project documents" NUL
03000000 00000000 03000000  // [2] netname
8765 6368 0000 0000  // "文档" (U+6587 U+6863) NUL pad
01000000 00000000 01000000  // [2] remark: 1 unit
0000 0000  // "" NUL pad
03000000  // TotalEntries 3
20000200  // ResumeHandle unique pointer, referent 0x20020
00000000  // *ResumeHandle 0
00000000  // return value ERROR_SUCCESS
`

var handShares = []ShareInfo1{
	{Name: "IPC$", Type: ShareTypeSpecial | ShareTypeIPC, Comment: "IPC Service"},
	{Name: "docs", Type: ShareTypeDiskTree, Comment: "Project documents"},
	{Name: "文档", Type: ShareTypeDiskTree, Comment: ""},
}

// TestBaseTypeOfClusterShares: the cluster bits, like SPECIAL and
// TEMPORARY, are not part of the base type ([MS-SRVS] 2.2.2.4; STYPE_MASK).
func TestBaseTypeOfClusterShares(t *testing.T) {
	for _, tc := range []struct{ typ, want uint32 }{
		{ShareTypeClusterFS | ShareTypeDiskTree, ShareTypeDiskTree},
		{ShareTypeClusterSOFS | ShareTypeDiskTree, ShareTypeDiskTree},
		{ShareTypeClusterDFS | ShareTypeDiskTree, ShareTypeDiskTree},
		{ShareTypeSpecial | ShareTypeIPC, ShareTypeIPC},
		{ShareTypeTemporary | ShareTypePrintQ, ShareTypePrintQ},
	} {
		if got := (ShareInfo1{Type: tc.typ}).BaseType(); got != tc.want {
			t.Errorf("BaseType of %#x = %#x, want %#x", tc.typ, got, tc.want)
		}
	}
}

func TestNetrShareEnumResponseByHand(t *testing.T) {
	stub := unhex(t, handStub)
	shares, err := DecodeNetrShareEnumResponse(stub)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(handShares, shares); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	m := &NetrShareEnumResponse{Level: 1, Shares: handShares, TotalEntries: 3, ResumeHandle: ptr(uint32(0))}
	b := checkStub(t, m)
	if !bytes.Equal(b, stub) {
		t.Fatalf("Append\n got % x\nwant % x", b, stub)
	}
	ipc := shares[0]
	if !ipc.IsSpecial() || ipc.IsTemporary() || ipc.BaseType() != ShareTypeIPC {
		t.Fatalf("IPC$: special %v temporary %v base %#x", ipc.IsSpecial(), ipc.IsTemporary(), ipc.BaseType())
	}
	tmp := ShareInfo1{Type: ShareTypeTemporary | ShareTypeSpecial | ShareTypePrintQ}
	if !tmp.IsSpecial() || !tmp.IsTemporary() || tmp.BaseType() != ShareTypePrintQ {
		t.Fatalf("%#x: wrong predicates", tmp.Type)
	}
	if docs := shares[1]; docs.IsSpecial() || docs.BaseType() != ShareTypeDiskTree {
		t.Fatal("docs is special")
	}
}

// checkStub is checkCodec for NDR stubs: round trip, Size, every truncated
// prefix fails (the return value is the last field, so none decodes).
func checkStub(t *testing.T, m message) []byte {
	t.Helper()
	return checkCodec(t, m)
}

func TestNetrShareEnumResponseFromSamba(t *testing.T) {
	pdus := fixture(t, "shareenum-response.hex")
	r := NewReassembler(2, 0)
	if done, err := r.Add(pdus[0]); !done || err != nil {
		t.Fatalf("Add = %v, %v", done, err)
	}
	shares, err := DecodeNetrShareEnumResponse(r.Stub())
	if err != nil {
		t.Fatal(err)
	}
	want := []ShareInfo1{
		{Name: "share"}, {Name: "ro"}, {Name: "enc"},
		{Name: "docs", Comment: "Project documents"},
		{Name: "文档", Comment: "共享文件夹"},
		{Name: "hidden$"},
		{Name: "IPC$", Type: 0x80000003, Comment: "IPC Service (gosmb test server)"},
	}
	if d := cmp.Diff(want, shares); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	var m NetrShareEnumResponse
	if err := m.Decode(r.Stub()); err != nil {
		t.Fatal(err)
	}
	if m.TotalEntries != 7 || m.ResumeHandle == nil || *m.ResumeHandle != 0 || m.Status != 0 {
		t.Fatalf("%+v", m)
	}
	// Our encoding differs from smbd's only in referent IDs (smbd's count
	// on from the request's), so re-encoding keeps the length and value.
	checkStub(t, &m)
	if b := mustAppend(t, &m); len(b) != len(r.Stub()) {
		t.Fatalf("re-encoded %d bytes, smbd sent %d", len(b), len(r.Stub()))
	}
	// Every truncated prefix of the real stub fails.
	for i := range r.Stub() {
		if _, err := DecodeNetrShareEnumResponse(r.Stub()[:i]); err == nil {
			t.Fatalf("%d-byte prefix decoded", i)
		}
	}
}

// manyShares is the share list of the 60-share server.
func manyShares() []ShareInfo1 {
	s := []ShareInfo1{{Name: "share"}, {Name: "ro"}, {Name: "enc"}}
	for i := 0; i < 60; i++ {
		s = append(s, ShareInfo1{
			Name:    fmt.Sprintf("share%02d-with-a-longer-name", i),
			Comment: fmt.Sprintf("comment number %d for a share listed to force several fragments", i),
		})
	}
	return append(s, ShareInfo1{Name: "IPC$", Type: ShareTypeSpecial | ShareTypeIPC, Comment: "IPC Service (gosmb test server)"})
}

func TestMultiFragmentFromSamba(t *testing.T) {
	for _, tt := range []struct {
		file  string
		frags int
	}{
		{"shareenum-many-response.hex", 7}, // our client, fragments of 2040
		{"smbclient-response.hex", 4},      // smbclient -L, fragments of 4280
	} {
		pdus := fixture(t, tt.file)
		if len(pdus) != tt.frags {
			t.Fatalf("%s: %d PDUs", tt.file, len(pdus))
		}
		r := NewReassembler(2, 0)
		for i, p := range pdus {
			done, err := r.Add(p)
			if err != nil || done != (i == len(pdus)-1) {
				t.Fatalf("%s: Add fragment %d = %v, %v", tt.file, i, done, err)
			}
		}
		shares, err := DecodeNetrShareEnumResponse(r.Stub())
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if d := cmp.Diff(manyShares(), shares); d != "" {
			t.Fatalf("%s (-want +got):\n%s", tt.file, d)
		}
		// All fragments in one buffer, as a transceive might return them.
		r = NewReassembler(2, 0)
		if done, err := r.Add(bytes.Join(pdus, nil)); !done || err != nil {
			t.Fatalf("%s: joined Add = %v, %v", tt.file, done, err)
		}
		if shares2, err := DecodeNetrShareEnumResponse(r.Stub()); err != nil || !cmp.Equal(shares, shares2) {
			t.Fatalf("%s: joined decode differs: %v", tt.file, err)
		}
	}
}

func TestNetrShareEnumRequest(t *testing.T) {
	stub := EncodeNetrShareEnumRequest("127.0.0.1", 1, MaxPreferredLength)
	want := unhex(t, `
00000200                    // ServerName unique pointer, referent 0x20000
0c000000 00000000 0c000000  // max_count 12, offset 0, actual_count 12
5c005c00 31003200 37002e00 30002e00 30002e00 3100 0000  // "\\127.0.0.1" NUL
01000000 01000000           // Level 1, union discriminant 1
04000200                    // container pointer, referent 0x20004
00000000 00000000           // EntriesRead 0, Buffer NULL
ffffffff                    // PreferedMaximumLength MAX_PREFERRED_LENGTH
08000200 00000000           // ResumeHandle pointer, referent 0x20008, value 0
`)
	if !bytes.Equal(stub, want) {
		t.Fatalf("stub\n got % x\nwant % x", stub, want)
	}
	if b := EncodeNetrShareEnumRequest(`\\127.0.0.1`, 1, MaxPreferredLength); !bytes.Equal(b, want) {
		t.Fatal(`a name with \\ got a second prefix`)
	}
	m := &NetrShareEnumRequest{ServerName: `\\127.0.0.1`, Level: 1, PreferedMaximumLength: MaxPreferredLength, ResumeHandle: ptr(uint32(0))}
	checkStub(t, m)
	checkStub(t, &NetrShareEnumRequest{Level: 2, PreferedMaximumLength: 4096})
	checkStub(t, &NetrShareEnumRequest{ServerName: `\\文件服务器`, Level: 1, ResumeHandle: ptr(uint32(77))})

	// Samba's own client sends the bare host; we encode it the same way
	// from the struct, byte for byte.
	var req Request
	if err := req.Decode(fixture(t, "smbclient-request.hex")[0]); err != nil {
		t.Fatal(err)
	}
	if req.Opnum != OpnumNetrShareEnum || req.ContextID != 0 || req.AllocHint != uint32(len(req.Stub)) {
		t.Fatalf("%+v", req)
	}
	var got NetrShareEnumRequest
	if err := got.Decode(req.Stub); err != nil {
		t.Fatal(err)
	}
	samba := NetrShareEnumRequest{ServerName: "127.0.0.1", Level: 1, PreferedMaximumLength: MaxPreferredLength, ResumeHandle: ptr(uint32(0))}
	if d := cmp.Diff(samba, got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	if b := mustAppend(t, &samba); !bytes.Equal(b, req.Stub) {
		t.Fatalf("Samba's request\n got % x\nwant % x", b, req.Stub)
	}

	// A NULL ServerName.
	if b := EncodeNetrShareEnumRequest("", 1, 0); !bytes.Equal(b[:4], []byte{0, 0, 0, 0}) || len(b) != 36 {
		t.Fatalf("NULL ServerName: % x", b)
	}

	// A request whose container holds a Buffer is not one a client sends.
	bad := bytes.Clone(want)
	le.PutUint32(bad[56:], 0x20010)
	if err := new(NetrShareEnumRequest).Decode(bad); err == nil || !strings.Contains(err.Error(), "Buffer is not NULL") {
		t.Fatalf("Decode with a Buffer: %v", err)
	}
}

func TestNetrShareEnumErrors(t *testing.T) {
	// Samba's answer to level 7: NULL container, ERROR_INVALID_LEVEL.
	r := NewReassembler(2, 0)
	if _, err := r.Add(fixture(t, "invalid-level-response.hex")[0]); err != nil {
		t.Fatal(err)
	}
	shares, err := DecodeNetrShareEnumResponse(r.Stub())
	var we *WindowsError
	if !errors.As(err, &we) || we.Code != ErrorInvalidLevel || shares != nil {
		t.Fatalf("invalid level: %v, %v", shares, err)
	}
	if err.Error() != "dcerpc: WERROR ERROR_INVALID_LEVEL (0x0000007C)" {
		t.Fatalf("%q", err)
	}
	var m NetrShareEnumResponse
	if err := m.Decode(r.Stub()); err != nil || m.Level != 7 || m.Status != ErrorInvalidLevel {
		t.Fatalf("%+v, %v", m, err)
	}
	if b := checkStub(t, &m); !bytes.Equal(b, r.Stub()) {
		t.Fatalf("re-encoded\n got % x\nwant % x", b, r.Stub())
	}
	// Our level 7 request has no container either, like Samba's reply.
	if b := EncodeNetrShareEnumRequest("h", 7, 0); len(b) != 4+12+8+8+4+8 {
		t.Fatalf("level 7 request: % x", b)
	}

	// A container of another level with a non-zero status: the status wins.
	other := (&NetrShareEnumResponse{Level: 2, Status: ErrorAccessDenied})
	b := mustAppend(t, other)
	le.PutUint32(b[8:], 0x20000) // make the container pointer non-NULL
	_, err = DecodeNetrShareEnumResponse(b)
	if !errors.As(err, &we) || we.Code != ErrorAccessDenied || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("level 2 access denied: %v", err)
	}
	// ... and with status 0 it is an unsupported level.
	le.PutUint32(b[len(b)-4:], 0)
	if _, err := DecodeNetrShareEnumResponse(b); err == nil || !strings.Contains(err.Error(), "level 2") {
		t.Fatalf("level 2: %v", err)
	}
	// A level 2 reply with a NULL container and success is not level 1.
	if _, err := DecodeNetrShareEnumResponse(mustAppend(t, &NetrShareEnumResponse{Level: 2})); err == nil {
		t.Fatal("level 2 reply accepted as level 1")
	}

	// ERROR_MORE_DATA: the shares so far come with the error.
	more := &NetrShareEnumResponse{Level: 1, Shares: handShares[:2], TotalEntries: 3, ResumeHandle: ptr(uint32(2)), Status: ErrorMoreData}
	shares, err = DecodeNetrShareEnumResponse(checkStub(t, more))
	if !errors.As(err, &we) || we.Code != ErrorMoreData || len(shares) != 2 {
		t.Fatalf("more data: %v, %v", shares, err)
	}
	if errors.Is(err, fs.ErrPermission) {
		t.Fatal("ERROR_MORE_DATA is fs.ErrPermission")
	}

	// Empty level 1 containers and NULL strings.
	checkStub(t, &NetrShareEnumResponse{Level: 1})
	shares, err = DecodeNetrShareEnumResponse(mustAppend(t, &NetrShareEnumResponse{Level: 1}))
	if err != nil || len(shares) != 0 {
		t.Fatalf("empty: %v, %v", shares, err)
	}
	nulls := unhex(t, `01000000 01000000 00000200 01000000 04000200 01000000
		00000000 01000000 00000000  // netname NULL, type 1, remark NULL
		01000000 00000000 00000000`)
	shares, err = DecodeNetrShareEnumResponse(nulls)
	if err != nil || !cmp.Equal(shares, []ShareInfo1{{Type: 1}}) {
		t.Fatalf("NULL strings: %v, %v", shares, err)
	}
}

func TestNetrShareEnumHostile(t *testing.T) {
	base := unhex(t, handStub)
	tests := []struct {
		name  string
		edit  func(b []byte)
		short bool
	}{
		{"discriminant differs", func(b []byte) { le.PutUint32(b[4:], 2) }, false},
		{"max_count differs from EntriesRead", func(b []byte) { le.PutUint32(b[20:], 4) }, false},
		{"huge EntriesRead", func(b []byte) { le.PutUint32(b[12:], 0xFFFFFFFF); le.PutUint32(b[20:], 0xFFFFFFFF) }, true},
		{"entries with NULL Buffer", func(b []byte) { le.PutUint32(b[16:], 0) }, false},
		{"actual_count over max_count", func(b []byte) { le.PutUint32(b[60:], 4) }, false},
		{"offset+actual overflow", func(b []byte) { le.PutUint32(b[64:], 0xFFFFFFFF) }, false},
		{"huge string", func(b []byte) {
			le.PutUint32(b[60:], 0x7FFFFFFF)
			le.PutUint32(b[68:], 0x7FFFFFFF)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := bytes.Clone(base)
			tt.edit(b)
			_, err := DecodeNetrShareEnumResponse(b)
			if err == nil {
				t.Fatal("decoded")
			}
			if errors.Is(err, ErrShort) != tt.short {
				t.Fatalf("errors.Is(%v, ErrShort) = %v", err, !tt.short)
			}
			if !strings.HasPrefix(err.Error(), "dcerpc: NetrShareEnum response: ") {
				t.Fatalf("error %q", err)
			}
		})
	}
	// Missing terminators are tolerated; the string is what was sent.
	b := unhex(t, `01000000 01000000 00000200 01000000 04000200 01000000
		08000200 00000000 00000000
		02000000 00000000 02000000 4100 4200  // "AB" without NUL
		01000000 00000000 00000000`)
	shares, err := DecodeNetrShareEnumResponse(b)
	if err != nil || !cmp.Equal(shares, []ShareInfo1{{Name: "AB"}}) {
		t.Fatalf("unterminated: %v, %v", shares, err)
	}
	// A string with an offset (legal NDR) and an embedded NUL ends at the NUL.
	b = unhex(t, `01000000 01000000 00000200 01000000 04000200 01000000
		08000200 00000000 00000000
		05000000 02000000 03000000 4100 0000 4200 0000  // offset 2, "A" NUL "B"
		01000000 00000000 00000000`)
	shares, err = DecodeNetrShareEnumResponse(b)
	if err != nil || !cmp.Equal(shares, []ShareInfo1{{Name: "A"}}) {
		t.Fatalf("offset string: %v, %v", shares, err)
	}
	// Lone surrogates become U+FFFD rather than failing.
	b = unhex(t, `01000000 01000000 00000200 01000000 04000200 01000000
		08000200 00000000 00000000
		02000000 00000000 02000000 00d8 0000
		01000000 00000000 00000000`)
	shares, err = DecodeNetrShareEnumResponse(b)
	if err != nil || !cmp.Equal(shares, []ShareInfo1{{Name: "\uFFFD"}}) {
		t.Fatalf("surrogate: %v, %v", shares, err)
	}
}
