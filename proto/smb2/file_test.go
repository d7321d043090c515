package smb2

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gosmb/gosmb/proto/ntstatus"
)

var fid = FileID{Persistent: 0x1122334455667788, Volatile: 0x99aabbccddeeff00}

func TestCreateRequestFixture(t *testing.T) {
	want := unhex(t, `
		39 00                   // StructureSize 57
		00                      // SecurityFlags
		ff                      // RequestedOplockLevel LEASE
		02 00 00 00             // ImpersonationLevel Impersonation
		00 00 00 00 00 00 00 00 // SmbCreateFlags
		00 00 00 00 00 00 00 00 // Reserved
		81 00 10 00             // DesiredAccess READ_DATA|READ_ATTRIBUTES|SYNCHRONIZE
		00 00 00 00             // FileAttributes
		03 00 00 00             // ShareAccess READ|WRITE
		01 00 00 00             // CreateDisposition FILE_OPEN
		40 00 00 00             // CreateOptions NON_DIRECTORY_FILE
		78 00 0e 00             // NameOffset 120, NameLength 14
		88 00 00 00             // CreateContextsOffset 136
		2c 00 00 00             // CreateContextsLength 44
		61 00 5c 00 62 00 2e 00 74 00 78 00 74 00 // "a\b.txt"
		00 00                   // Padding to 8
		18 00 00 00 10 00 04 00 00 00 00 00 00 00 00 00 // Next 24, name at 16 len 4, no data
		4d 78 41 63 00 00 00 00 // "MxAc", padding
		00 00 00 00 10 00 04 00 00 00 00 00 00 00 00 00 // last
		51 46 69 64             // "QFid"
	`)
	m := &CreateRequest{
		RequestedOplockLevel: OplockLevelLease,
		ImpersonationLevel:   ImpersonationImpersonation,
		DesiredAccess:        FileReadData | FileReadAttributes | Synchronize,
		ShareAccess:          FileShareRead | FileShareWrite,
		CreateDisposition:    FileOpen,
		CreateOptions:        FileNonDirectoryFile,
		Name:                 `a\b.txt`,
		Contexts:             []CreateContext{{Name: CreateContextQueryMaximalAccess}, {Name: CreateContextQueryOnDiskID}},
	}
	checkFixture(t, m, want)
	checkCodec(t, m)
}

func createContexts(t *testing.T) []CreateContext {
	t.Helper()
	var cs []CreateContext
	for _, h := range []interface {
		Context() (CreateContext, error)
	}{
		&CreateLease{LeaseKey: guid(9), LeaseState: LeaseReadCaching | LeaseHandleCaching},
		&CreateLease{LeaseKey: guid(9), LeaseState: LeaseReadCaching, V2: true, ParentLeaseKey: guid(3), Epoch: 7, LeaseFlags: LeaseFlagParentLeaseKeySet},
		&MaximalAccessRequest{},
		&MaximalAccessRequest{Timestamp: 5},
		&MaximalAccessResponse{QueryStatus: ntstatus.Success, MaximalAccess: FileAllAccess},
		&QueryOnDiskIDResponse{DiskFileID: 1, VolumeID: 2},
		&DurableHandleRequest{},
		&DurableHandleReconnect{FileID: fid},
		&DurableHandleRequestV2{Timeout: 60000, Flags: DurableHandleFlagPersistent, CreateGUID: guid(0x30)},
		&DurableHandleResponseV2{Timeout: 60000},
		&DurableHandleReconnectV2{FileID: fid, CreateGUID: guid(0x30), Flags: DurableHandleFlagPersistent},
		&TimewarpToken{Timestamp: 133000000000000000},
	} {
		c, err := h.Context()
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	cs = append(cs, CreateContext{Name: CreateContextAppInstanceID, Data: seq(20)}, CreateContext{Name: "X", Data: []byte{1}})
	return cs
}

func TestCreate(t *testing.T) {
	checkCodec(t, &CreateRequest{})
	cs := createContexts(t)
	for i := range cs {
		checkCodec(t, &CreateRequest{Name: "dir\\файл😀"[:i%4], Contexts: cs[i:]})
		checkCodec(t, &CreateResponse{Contexts: cs[:i+1]})
	}
	checkCodec(t, &CreateResponse{})
	r := &CreateResponse{
		OplockLevel: OplockLevelBatch, Flags: CreateFlagReparsePoint, CreateAction: FileCreated,
		CreationTime: 1, LastAccessTime: 2, LastWriteTime: 3, ChangeTime: 4, AllocationSize: 4096, EndOfFile: 10,
		FileAttributes: FileAttributeArchive, FileID: fid, Contexts: cs,
	}
	b := checkCodec(t, r)
	if le.Uint32(b[80:]) != 152 {
		t.Fatalf("CreateContextsOffset %d", le.Uint32(b[80:]))
	}
	// Every context starts 8-byte aligned and data is 8-byte aligned.
	list := b[88:]
	it := CreateContexts(list)
	pos := 0
	for it.Next() {
		if pos%8 != 0 {
			t.Fatalf("context at %d", pos)
		}
		if off := le.Uint16(list[pos+10:]); off%8 != 0 {
			t.Fatalf("data offset %d", off)
		}
		pos += int(le.Uint32(list[pos:]))
	}
	if it.Err() != nil {
		t.Fatal(it.Err())
	}

	// Typed context round trips and truncation.
	for _, h := range []message{
		&CreateLease{LeaseKey: guid(1), LeaseState: 7, LeaseFlags: 2, LeaseDuration: 9},
		&CreateLease{V2: true, LeaseKey: guid(1), ParentLeaseKey: guid(2), Epoch: 3},
		&MaximalAccessResponse{QueryStatus: ntstatus.AccessDenied},
		&QueryOnDiskIDResponse{DiskFileID: 5, Reserved: guid(7)},
		&DurableHandleReconnect{FileID: fid},
		&DurableHandleRequestV2{Timeout: 1, CreateGUID: guid(4)},
		&DurableHandleResponseV2{Flags: 2},
		&DurableHandleReconnectV2{FileID: fid, Flags: 2},
		&TimewarpToken{Timestamp: 1},
		&MaximalAccessRequest{Timestamp: 1},
		&DurableHandleRequest{},
	} {
		b := mustAppend(t, h)
		g := fresh(h)
		if err := g.Decode(b); err != nil {
			t.Fatalf("%T: %v", h, err)
		}
		if d := cmp.Diff(h, g); d != "" {
			t.Fatalf("%T: %s", h, d)
		}
		for i := 1; i < len(b); i++ {
			if l, ok := h.(*CreateLease); ok && l.V2 && i >= 32 {
				continue // a V2 prefix of 32..51 bytes is a V1 lease
			}
			if err := fresh(h).Decode(b[:i]); !errors.Is(err, ErrShort) {
				t.Fatalf("%T %d-byte prefix: %v", h, i, err)
			}
		}
	}
	if d, ok := FindCreateContext(cs, CreateContextTimewarpToken); !ok || len(d) != 8 {
		t.Fatal("FindCreateContext")
	}
	if _, ok := FindCreateContext(cs, "none"); ok {
		t.Fatal("FindCreateContext found none")
	}
}

func TestCreateContextIterRejects(t *testing.T) {
	ctx := func(next uint32, nameOff, nameLen, dataOff uint16, dataLen uint32, n int) []byte {
		b := le.AppendUint32(nil, next)
		b = le.AppendUint16(b, nameOff)
		b = le.AppendUint16(b, nameLen)
		b = le.AppendUint16(b, 0)
		b = le.AppendUint16(b, dataOff)
		b = le.AppendUint32(b, dataLen)
		return append(b, make([]byte, n)...)
	}
	for _, tc := range []struct {
		name string
		list []byte
	}{
		{"short header", make([]byte, 15)},
		{"next zero-ish", ctx(8, 16, 4, 0, 0, 8)},
		{"next to itself", append(ctx(24, 16, 4, 0, 0, 8), ctx(0xffffffe8, 16, 4, 0, 0, 8)...)},
		{"next beyond", ctx(64, 16, 4, 0, 0, 8)},
		{"next at end", ctx(24, 16, 4, 0, 0, 8)},
		{"name in header", ctx(0, 4, 4, 0, 0, 8)},
		{"name beyond", ctx(0, 16, 40, 0, 0, 8)},
		{"data beyond", ctx(0, 16, 4, 24, 0xffffffff, 12)},
		{"data in header", ctx(0, 16, 4, 8, 4, 12)},
		{"data beyond next", append(ctx(24, 16, 4, 16, 16, 8), ctx(0, 16, 4, 0, 0, 4)...)},
	} {
		it := CreateContexts(tc.list)
		for it.Next() {
		}
		if it.Err() == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	// A well-formed single context.
	it := CreateContexts(ctx(0, 16, 4, 0, 0, 4))
	if !it.Next() || it.Next() || it.Err() != nil {
		t.Fatal(it.Err())
	}
	// Create response with a broken context list.
	r := &CreateResponse{Contexts: []CreateContext{{Name: "MxAc"}}}
	b := mustAppend(t, r)
	b[88+6] = 200 // NameLength
	if err := new(CreateResponse).Decode(b); err == nil {
		t.Fatal("bad context accepted")
	}
}

func TestCloseFlush(t *testing.T) {
	checkFixture(t, &CloseRequest{Flags: CloseFlagPostQueryAttrib, FileID: FileID{1, 2}}, unhex(t, `
		18 00 01 00 00 00 00 00
		01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00`))
	checkCodec(t, &CloseRequest{FileID: fid})
	checkCodec(t, &CloseResponse{})
	checkCodec(t, &CloseResponse{Flags: CloseFlagPostQueryAttrib, CreationTime: 1, LastAccessTime: 2, LastWriteTime: 3, ChangeTime: 4, AllocationSize: 5, EndOfFile: 6, FileAttributes: FileAttributeDirectory})
	checkCodec(t, &FlushRequest{FileID: fid})
	checkFixture(t, &FlushResponse{}, []byte{4, 0, 0, 0})
	checkCodec(t, &FlushResponse{})
	checkFixture(t, &LockResponse{}, []byte{4, 0, 0, 0})
}

func TestRead(t *testing.T) {
	checkFixture(t, &ReadRequest{Padding: 0x50, Length: 65536, Offset: 0x1000, FileID: FileID{1, 2}, MinimumCount: 1}, unhex(t, `
		31 00 50 00             // StructureSize 49, Padding 0x50, Flags
		00 00 01 00             // Length 65536
		00 10 00 00 00 00 00 00 // Offset
		01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 // FileId
		01 00 00 00             // MinimumCount
		00 00 00 00             // Channel
		00 00 00 00             // RemainingBytes
		00 00 00 00             // ReadChannelInfoOffset, Length
		00                      // Buffer: one byte`))
	checkCodec(t, &ReadRequest{})
	checkCodec(t, &ReadRequest{Flags: ReadFlagUnbuffered, Length: 1, Offset: 1 << 40, FileID: fid, Channel: ChannelRDMAV1, RemainingBytes: 9, ChannelInfo: seq(16)})

	want := unhex(t, `11 00 50 00 05 00 00 00 07 00 00 00 00 00 00 00 68 65 6c 6c 6f`)
	m := &ReadResponse{DataRemaining: 7, Data: []byte("hello")}
	checkFixture(t, m, want)
	checkCodec(t, m)
	checkCodec(t, &ReadResponse{})
	checkCodec(t, &ReadResponse{Data: seq(100000), Flags: ReadFlagResponseRDMATransform})

	// DecodeAlias aliases, Decode copies.
	var a ReadResponse
	if err := a.DecodeAlias(want); err != nil || &a.Data[0] != &want[16] {
		t.Fatalf("DecodeAlias: %v", err)
	}
	var c ReadResponse
	if err := c.Decode(want); err != nil || &c.Data[0] == &want[16] {
		t.Fatalf("Decode: %v", err)
	}
	// Servers may put the data further out; DataOffset is header-relative.
	padded := unhex(t, `11 00 58 00 02 00 00 00 00 00 00 00 00 00 00 00 ee ee ee ee ee ee ee ee 61 62`)
	if err := a.DecodeAlias(padded); err != nil || string(a.Data) != "ab" {
		t.Fatalf("padded: %v %q", err, a.Data)
	}
	bad := bytes.Clone(want)
	bad[2] = 0x10 // inside the header
	if err := a.DecodeAlias(bad); err == nil {
		t.Fatal("DataOffset inside header accepted")
	}

	// AppendHeader + Data == Append.
	hb, err := m.AppendHeader(nil)
	if err != nil || !bytes.Equal(append(hb, m.Data...), want) {
		t.Fatalf("AppendHeader % x", hb)
	}
}

func TestWrite(t *testing.T) {
	want := unhex(t, `
		31 00 70 00             // StructureSize 49, DataOffset 112
		02 00 00 00             // Length
		07 00 00 00 00 00 00 00 // Offset
		03 00 00 00 00 00 00 00 04 00 00 00 00 00 00 00 // FileId
		00 00 00 00 00 00 00 00 // Channel, RemainingBytes
		00 00 00 00             // WriteChannelInfoOffset, Length
		01 00 00 00             // Flags WRITE_THROUGH
		68 69`)
	m := &WriteRequest{Offset: 7, FileID: FileID{3, 4}, Flags: WriteFlagWriteThrough, Data: []byte("hi")}
	checkFixture(t, m, want)
	checkCodec(t, m)
	checkCodec(t, &WriteRequest{})
	checkCodec(t, &WriteRequest{Data: seq(70000), FileID: fid, RemainingBytes: 3})
	checkCodec(t, &WriteRequest{Channel: ChannelRDMAV1, ChannelInfo: seq(16)})
	checkCodec(t, &WriteRequest{Data: seq(3), ChannelInfo: seq(5)})

	h, err := m.AppendHeader(nil)
	if err != nil || len(h) != 48 || !bytes.Equal(append(h, m.Data...), want) {
		t.Fatalf("AppendHeader: %v % x", err, h)
	}
	empty := &WriteRequest{FileID: fid}
	h, _ = empty.AppendHeader(nil)
	if full := mustAppend(t, empty); !bytes.Equal(h, full) {
		t.Fatalf("AppendHeader of empty write:\n% x\n% x", h, full)
	}
	if _, err := (&WriteRequest{ChannelInfo: []byte{1}}).AppendHeader(nil); err == nil {
		t.Fatal("AppendHeader with channel info")
	}
	var a WriteRequest
	if err := a.DecodeAlias(want); err != nil || &a.Data[0] != &want[48] {
		t.Fatal("DecodeAlias does not alias")
	}

	checkFixture(t, &WriteResponse{Count: 2}, unhex(t, `11 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00`))
	checkCodec(t, &WriteResponse{Count: 1 << 20})
}

func TestLock(t *testing.T) {
	m := &LockRequest{LockSequenceNumber: 3, LockSequenceIndex: 5, FileID: FileID{1, 2}, Locks: []LockElement{{Offset: 10, Length: 20, Flags: LockFlagExclusiveLock | LockFlagFailImmediately}}}
	checkFixture(t, m, unhex(t, `
		30 00 01 00             // StructureSize 48, LockCount 1
		53 00 00 00             // LockSequenceIndex 5 << 4 | LockSequenceNumber 3
		01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00
		0a 00 00 00 00 00 00 00 14 00 00 00 00 00 00 00 12 00 00 00 00 00 00 00`))
	checkCodec(t, m)
	m.Locks = append(m.Locks, LockElement{Offset: 1, Length: 1, Flags: LockFlagUnlock}, LockElement{Flags: LockFlagSharedLock})
	checkCodec(t, m)
	for _, bad := range []*LockRequest{{}, {Locks: m.Locks, LockSequenceNumber: 16}, {Locks: m.Locks, LockSequenceIndex: 1 << 28}} {
		if _, err := bad.Append(nil); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	b := mustAppend(t, m)
	b[2] = 0
	if err := new(LockRequest).Decode(b); err == nil {
		t.Fatal("LockCount 0 accepted")
	}
}

func TestIoctl(t *testing.T) {
	vr := &ValidateNegotiateInfoRequest{Capabilities: CapDFS, GUID: guid(1), SecurityMode: SigningEnabled, Dialects: []Dialect{Dialect300, Dialect302}}
	in := mustAppend(t, vr)
	m := &IoctlRequest{CtlCode: FsctlValidateNegotiateInfo, FileID: FileIDAny, Input: in, MaxOutputResponse: 24, Flags: IoctlFlagIsFsctl}
	b := checkCodec(t, m)
	want := unhex(t, `
		39 00 00 00             // StructureSize 57, Reserved
		04 02 14 00             // CtlCode FSCTL_VALIDATE_NEGOTIATE_INFO
		ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff // FileId any
		78 00 00 00 1c 00 00 00 // InputOffset 120, InputCount 28
		00 00 00 00             // MaxInputResponse
		00 00 00 00 00 00 00 00 // OutputOffset, OutputCount
		18 00 00 00             // MaxOutputResponse
		01 00 00 00 00 00 00 00 // Flags IS_FSCTL, Reserved2
		01 00 00 00             // Capabilities
		01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 // Guid
		01 00 02 00 00 03 02 03 // SecurityMode, DialectCount, Dialects`)
	if !bytes.Equal(b, want) {
		t.Fatalf("IOCTL request:\n got % x\nwant % x", b, want)
	}
	var vr2 ValidateNegotiateInfoRequest
	if err := vr2.Decode(in); err != nil || !cmp.Equal(*vr, vr2) {
		t.Fatalf("validate request: %v", err)
	}
	for i := range in {
		if err := vr2.Decode(in[:i]); !errors.Is(err, ErrShort) {
			t.Fatalf("validate request prefix %d: %v", i, err)
		}
	}
	vs := &ValidateNegotiateInfoResponse{Capabilities: CapDFS, GUID: guid(2), SecurityMode: 1, Dialect: Dialect302}
	out := mustAppend(t, vs)
	var vs2 ValidateNegotiateInfoResponse
	if err := vs2.Decode(out); err != nil || vs2 != *vs {
		t.Fatal(err)
	}
	if err := vs2.Decode(out[:23]); !errors.Is(err, ErrShort) {
		t.Fatal(err)
	}

	checkCodec(t, &IoctlRequest{})
	checkCodec(t, &IoctlRequest{CtlCode: FsctlPipeTransceive, FileID: fid, Input: seq(3), Output: seq(5), MaxOutputResponse: 4280})
	checkCodec(t, &IoctlRequest{Output: seq(5)})
	checkCodec(t, &IoctlResponse{})
	checkCodec(t, &IoctlResponse{CtlCode: FsctlValidateNegotiateInfo, FileID: FileIDAny, Output: out})
	checkCodec(t, &IoctlResponse{CtlCode: FsctlSrvEnumerateSnapshots, Input: seq(9), Output: seq(17)})
	rb := mustAppend(t, &IoctlResponse{Output: out})
	if le.Uint32(rb[32:]) != 112 {
		t.Fatalf("response OutputOffset %d", le.Uint32(rb[32:]))
	}
	if FsctlPipeTransceive.String() != "FSCTL_PIPE_TRANSCEIVE" || CtlCode(1).String() != "CtlCode(0x00000001)" {
		t.Fatal("CtlCode names")
	}
}

func TestQueryDirectory(t *testing.T) {
	m := &QueryDirectoryRequest{FileInformationClass: FileIDBothDirectoryInformation, Flags: QueryDirectoryRestartScans, FileID: FileID{1, 2}, FileName: "*", OutputBufferLength: 65536}
	checkFixture(t, m, unhex(t, `
		21 00 25 01 00 00 00 00 // StructureSize 33, class 37, RESTART_SCANS, FileIndex
		01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00
		60 00 02 00             // FileNameOffset 96, Length 2
		00 00 01 00             // OutputBufferLength
		2a 00`))
	checkCodec(t, m)
	checkCodec(t, &QueryDirectoryRequest{})
	checkCodec(t, &QueryDirectoryRequest{FileName: "*.txt", Flags: QueryDirectoryReopen | QueryDirectoryIndexSpecified, FileIndex: 4})
	checkCodec(t, &QueryDirectoryResponse{})
	checkCodec(t, &QueryDirectoryResponse{Buffer: seq(1000)})
	checkFixture(t, &QueryDirectoryResponse{Buffer: []byte{1, 2}}, unhex(t, `09 00 48 00 02 00 00 00 01 02`))
}

func TestEntries(t *testing.T) {
	var buf []byte
	buf = le.AppendUint32(buf, 8)
	buf = append(buf, 'a', 'a', 'a', 'a')
	buf = le.AppendUint32(buf, 12)
	buf = append(buf, 'b', 'b', 'b', 'b', 0, 0, 0, 0)
	buf = le.AppendUint32(buf, 0)
	buf = append(buf, 'c')
	it := Entries(buf)
	var got []string
	for it.Next() {
		got = append(got, string(it.Entry()[4:5]))
	}
	if it.Err() != nil || len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Fatalf("%v %v", got, it.Err())
	}
	for _, bad := range [][]byte{
		{1, 0, 0, 0, 9},          // offset inside its own NextEntryOffset
		{8, 0, 0, 0, 1, 2, 3, 4}, // points at the end
		{0xff, 0xff, 0xff, 0xff, 1},
		{5, 0, 0, 0, 1, 0, 0}, // next entry too short
		{1, 2},
	} {
		it := Entries(bad)
		for it.Next() {
		}
		if it.Err() == nil {
			t.Errorf("% x accepted", bad)
		}
	}
	if it := Entries(nil); it.Next() || it.Err() != nil {
		t.Fatal("empty")
	}
}

func TestQueryInfoSetInfo(t *testing.T) {
	q := QueryFileInfo(FileID{1, 2}, FileAllInformation, 4096)
	checkFixture(t, q, unhex(t, `
		29 00 01 12             // StructureSize 41, SMB2_0_INFO_FILE, FileAllInformation
		00 10 00 00             // OutputBufferLength
		68 00 00 00             // InputBufferOffset 104, Reserved
		00 00 00 00             // InputBufferLength
		00 00 00 00 00 00 00 00 // AdditionalInformation, Flags
		01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00
		00`))
	checkCodec(t, q)
	checkCodec(t, QueryFsInfo(fid, FileFsFullSizeInformation, 64))
	checkCodec(t, QuerySecurityInfo(fid, OwnerSecurityInformation|DACLSecurityInformation, 1024))
	checkCodec(t, &QueryInfoRequest{InfoType: InfoFile, FileInfoClass: uint8(FileFullEaInformation), Input: seq(12), Flags: SLRestartScan})
	checkCodec(t, &QueryInfoResponse{})
	checkCodec(t, &QueryInfoResponse{Buffer: seq(100)})

	s := &SetInfoRequest{InfoType: InfoFile, FileInfoClass: uint8(FileDispositionInformation), FileID: FileID{1, 2}, Buffer: []byte{1}}
	checkFixture(t, s, unhex(t, `
		21 00 01 0d             // StructureSize 33, FILE, FileDispositionInformation
		01 00 00 00             // BufferLength
		60 00 00 00             // BufferOffset 96, Reserved
		00 00 00 00             // AdditionalInformation
		01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00
		01`))
	checkCodec(t, s)
	checkCodec(t, &SetInfoRequest{})
	checkCodec(t, &SetInfoRequest{InfoType: InfoSecurity, AdditionalInformation: DACLSecurityInformation, Buffer: seq(300)})
	checkFixture(t, &SetInfoResponse{}, []byte{2, 0})
	checkCodec(t, &SetInfoResponse{})
}

func TestChangeNotify(t *testing.T) {
	m := &ChangeNotifyRequest{Flags: ChangeNotifyWatchTree, OutputBufferLength: 4096, FileID: fid, CompletionFilter: FileNotifyChangeFileName | FileNotifyChangeDirName}
	checkCodec(t, m)
	if b := mustAppend(t, m); b[0] != 32 || le.Uint32(b[24:]) != 3 {
		t.Fatalf("% x", b)
	}
	checkCodec(t, &ChangeNotifyResponse{})
	checkCodec(t, &ChangeNotifyResponse{Buffer: seq(40)})
}

func TestOplockBreak(t *testing.T) {
	o := &OplockBreak{OplockLevel: OplockLevelII, FileID: FileID{1, 2}}
	checkFixture(t, o, unhex(t, `18 00 01 00 00 00 00 00 01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00`))
	checkCodec(t, o)
	n := &LeaseBreakNotification{NewEpoch: 2, Flags: LeaseBreakFlagAckRequired, LeaseKey: guid(5), CurrentLeaseState: LeaseReadCaching | LeaseWriteCaching, NewLeaseState: LeaseReadCaching}
	b := checkCodec(t, n)
	if sz, _ := StructureSize(b); sz != 44 {
		t.Fatal(sz)
	}
	checkCodec(t, &LeaseBreakAck{LeaseKey: guid(5), LeaseState: LeaseReadCaching})
	checkCodec(t, &LeaseBreakAck{Flags: 1, LeaseDuration: 2})
	if OplockLevelBatch.String() != "SMB2_OPLOCK_LEVEL_BATCH" {
		t.Fatal(OplockLevelBatch.String())
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{(FileReadData | Synchronize).String(), "FILE_READ_DATA|SYNCHRONIZE"},
		{FileAllAccess.String(), "FILE_ALL_ACCESS"},
		{(GenericRead | 0x200).String(), "GENERIC_READ|0x200"},
		{AccessMask(0).String(), "0"},
		{(FileShareRead | FileShareDelete).String(), "FILE_SHARE_READ|FILE_SHARE_DELETE"},
		{FileOpenIf.String(), "FILE_OPEN_IF"},
		{CreateDisposition(9).String(), "CreateDisposition(9)"},
		{(FileDirectoryFile | FileDeleteOnClose).String(), "FILE_DIRECTORY_FILE|FILE_DELETE_ON_CLOSE"},
		{(FileAttributeHidden | FileAttributeDirectory).String(), "FILE_ATTRIBUTE_HIDDEN|FILE_ATTRIBUTE_DIRECTORY"},
		{FileCreated.String(), "FILE_CREATED"},
		{ImpersonationImpersonation.String(), "Impersonation"},
		{InfoSecurity.String(), "SMB2_0_INFO_SECURITY"},
		{FileIDBothDirectoryInformation.String(), "FileIdBothDirectoryInformation"},
		{FileInfoClass(200).String(), "FileInfoClass(200)"},
		{FileFsSizeInformation.String(), "FileFsSizeInformation"},
		{FsInfoClass(0).String(), "FsInfoClass(0)"},
		{fid.String(), "1122334455667788:99aabbccddeeff00"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if !FileAttributeDirectory.IsDir() || FileIDAny.IsZero() || !(FileID{}).IsZero() {
		t.Fatal("predicates")
	}
}

func TestFiletime(t *testing.T) {
	if !FiletimeToTime(0).IsZero() || TimeToFiletime(FiletimeToTime(0)) != 0 {
		t.Fatal("zero")
	}
	// 2001-09-09T01:46:40Z is Unix 1e9.
	ft := uint64(1e9)*1e7 + filetimeEpochDelta + 1234567
	tm := FiletimeToTime(ft)
	if tm.Unix() != 1e9 || tm.Nanosecond() != 123456700 || TimeToFiletime(tm) != ft {
		t.Fatalf("%v", tm)
	}
	old := FiletimeToTime(1) // 1601-01-01 plus 100ns
	if old.Year() != 1601 || TimeToFiletime(old) != 1 {
		t.Fatalf("%v", old)
	}
}

func TestHotPathAllocs(t *testing.T) {
	buf := make([]byte, 0, 512)
	rr := &ReadRequest{Length: 1 << 20, Offset: 1 << 30, FileID: fid, Padding: 0x50}
	wr := &WriteRequest{Offset: 1, FileID: fid, Data: make([]byte, 1<<20)}
	resp := mustAppend(t, &ReadResponse{Data: make([]byte, 4096)})
	var h Header
	hb := (&Header{Command: CommandRead}).Append(nil)
	var r ReadResponse
	for name, f := range map[string]func(){
		"ReadRequest.Append":        func() { _, _ = rr.Append(buf[:0]) },
		"WriteRequest.AppendHeader": func() { _, _ = wr.AppendHeader(buf[:0]) },
		"ReadResponse.DecodeAlias":  func() { _ = r.DecodeAlias(resp) },
		"Header.Put+Decode":         func() { h.Put(buf[:HeaderSize]); _ = h.Decode(hb) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocs", name, n)
		}
	}
}

func TestCreateContextLimits(t *testing.T) {
	long := string(make([]byte, 65530))
	// A long name without data fits: only DataOffset is 16 bits.
	checkCodec(t, &CreateResponse{Contexts: []CreateContext{{Name: long}}})
	if _, err := (&CreateResponse{Contexts: []CreateContext{{Name: long, Data: []byte{1}}}}).Append(nil); err == nil {
		t.Fatal("data offset beyond 16 bits accepted")
	}
	if _, err := (&CreateResponse{Contexts: []CreateContext{{Name: long + long}}}).Append(nil); err == nil {
		t.Fatal("name beyond 16 bits accepted")
	}
}

// A request built for a related compound (FileIDAny) and given an open's
// FileId by SetFileID decodes as the same request built with that FileId.
func TestSetFileID(t *testing.T) {
	id := FileID{Persistent: 0x1122334455667788, Volatile: 0x99aabbccddeeff00}
	for _, tc := range []struct {
		cmd  Command
		with func(FileID) message
	}{
		{CommandRead, func(f FileID) message {
			return &ReadRequest{Padding: 0x50, Length: 1 << 20, Offset: 7, FileID: f, MinimumCount: 3, RemainingBytes: 9}
		}},
		{CommandWrite, func(f FileID) message { return &WriteRequest{Offset: 5, FileID: f, Flags: 1, Data: []byte("data")} }},
		{CommandQueryInfo, func(f FileID) message {
			return &QueryInfoRequest{InfoType: InfoSecurity, OutputBufferLength: 4096, AdditionalInformation: 7, Flags: 1, FileID: f}
		}},
		{CommandSetInfo, func(f FileID) message {
			return &SetInfoRequest{InfoType: InfoFile, FileInfoClass: 13, AdditionalInformation: 2, FileID: f, Buffer: []byte{1}}
		}},
		{CommandIoctl, func(f FileID) message {
			return &IoctlRequest{CtlCode: 0x144064, FileID: f, MaxOutputResponse: 16, Flags: IoctlFlagIsFsctl}
		}},
		{CommandClose, func(f FileID) message { return &CloseRequest{Flags: 1, FileID: f} }},
		{CommandFlush, func(f FileID) message { return &FlushRequest{FileID: f} }},
		{CommandQueryDirectory, func(f FileID) message {
			return &QueryDirectoryRequest{FileInformationClass: FileIDBothDirectoryInformation, Flags: 1, FileIndex: 4, FileID: f, FileName: "*", OutputBufferLength: 65536}
		}},
		{CommandLock, func(f FileID) message {
			return &LockRequest{LockSequenceNumber: 1, FileID: f, Locks: []LockElement{{Offset: 1, Length: 2}}}
		}},
		{CommandChangeNotify, func(f FileID) message {
			return &ChangeNotifyRequest{Flags: 1, OutputBufferLength: 4096, FileID: f, CompletionFilter: 3}
		}},
	} {
		body := mustAppend(t, tc.with(FileIDAny))
		if err := SetFileID(tc.cmd, body, id); err != nil {
			t.Fatalf("%v: %v", tc.cmd, err)
		}
		got := fresh(tc.with(id))
		if err := got.Decode(body); err != nil {
			t.Fatalf("%v: decode: %v", tc.cmd, err)
		}
		if d := cmp.Diff(tc.with(id), got, equateEmpty); d != "" {
			t.Errorf("%v (-want +got):\n%s", tc.cmd, d)
		}
		if err := SetFileID(tc.cmd, make([]byte, 8+FileIDSize-1), id); err == nil {
			t.Errorf("%v: a body too short for any FileId accepted", tc.cmd)
		}
	}
	if err := SetFileID(CommandCreate, make([]byte, 64), id); err == nil {
		t.Error("CREATE accepted")
	}
}
