package smb2

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// allMessages returns a zero value of every body codec.
func allMessages() []message {
	return []message{
		&NegotiateRequest{}, &NegotiateResponse{},
		&SessionSetupRequest{}, &SessionSetupResponse{},
		&LogoffRequest{}, &LogoffResponse{},
		&TreeConnectRequest{}, &TreeConnectResponse{},
		&TreeDisconnectRequest{}, &TreeDisconnectResponse{},
		&EchoRequest{}, &EchoResponse{}, &CancelRequest{}, &ErrorResponse{},
		&CreateRequest{}, &CreateResponse{},
		&CloseRequest{}, &CloseResponse{},
		&FlushRequest{}, &FlushResponse{},
		&ReadRequest{}, &ReadResponse{},
		&WriteRequest{}, &WriteResponse{},
		&LockRequest{}, &LockResponse{},
		&IoctlRequest{}, &IoctlResponse{},
		&QueryDirectoryRequest{}, &QueryDirectoryResponse{},
		&ChangeNotifyRequest{}, &ChangeNotifyResponse{},
		&QueryInfoRequest{}, &QueryInfoResponse{},
		&SetInfoRequest{}, &SetInfoResponse{},
		&OplockBreak{}, &LeaseBreakNotification{}, &LeaseBreakAck{},
		// Payload codecs with the same method set.
		&PreauthIntegrityCapabilities{}, &EncryptionCapabilities{}, &SigningCapabilities{},
		&NetnameNegotiateContextID{},
		&CreateLease{}, &MaximalAccessRequest{}, &MaximalAccessResponse{}, &QueryOnDiskIDResponse{},
		&DurableHandleRequest{}, &DurableHandleReconnect{}, &DurableHandleRequestV2{},
		&DurableHandleResponseV2{}, &DurableHandleReconnectV2{}, &TimewarpToken{},
		&ValidateNegotiateInfoRequest{}, &ValidateNegotiateInfoResponse{},
	}
}

// fuzzSeeds returns valid encodings of a spread of messages.
func fuzzSeeds(t testing.TB) [][]byte {
	ctxs := []NegotiateContext{}
	for _, h := range []interface {
		Context() (NegotiateContext, error)
	}{
		&PreauthIntegrityCapabilities{HashAlgorithms: []uint16{HashSHA512}, Salt: seq(32)},
		&EncryptionCapabilities{Ciphers: []uint16{CipherAES128GCM}},
		&SigningCapabilities{SigningAlgorithms: []uint16{SigningAESCMAC}},
		&NetnameNegotiateContextID{NetName: "srv"},
	} {
		c, _ := h.Context()
		ctxs = append(ctxs, c)
	}
	lease, _ := (&CreateLease{LeaseKey: guid(1), LeaseState: 7, V2: true}).Context()
	mxac, _ := (&MaximalAccessResponse{MaximalAccess: FileAllAccess}).Context()
	cctx := []CreateContext{lease, mxac, {Name: CreateContextQueryOnDiskID}}
	errData, _ := AppendErrorContexts(nil, []ErrorContext{{ErrorID: 0, Data: []byte{1, 2, 3, 4}}})
	msgs := []message{
		&NegotiateRequest{SecurityMode: 1, Dialects: []Dialect{Dialect210, Dialect311}, Contexts: ctxs},
		&NegotiateRequest{Dialects: []Dialect{Dialect202}},
		&NegotiateResponse{DialectRevision: Dialect311, SecurityBuffer: seq(5), Contexts: ctxs[:2]},
		&NegotiateResponse{DialectRevision: Dialect210},
		&SessionSetupRequest{SecurityBuffer: seq(10)},
		&SessionSetupResponse{SessionFlags: 1, SecurityBuffer: seq(3)},
		&EchoRequest{},
		&TreeConnectRequest{Path: `\\s\share`},
		&TreeConnectResponse{ShareType: ShareTypeDisk},
		&ErrorResponse{},
		&ErrorResponse{ErrorContextCount: 1, ErrorData: errData},
		&CreateRequest{Name: `a\b`, Contexts: cctx},
		&CreateResponse{FileID: fid, Contexts: cctx},
		&CloseRequest{FileID: fid},
		&CloseResponse{Flags: 1},
		&FlushRequest{},
		&ReadRequest{Length: 10, ChannelInfo: seq(4)},
		&ReadResponse{Data: seq(9)},
		&WriteRequest{Data: seq(7), ChannelInfo: seq(3)},
		&WriteResponse{Count: 7},
		&LockRequest{Locks: []LockElement{{Offset: 1, Length: 2, Flags: 2}, {}}},
		&IoctlRequest{CtlCode: FsctlPipeTransceive, Input: seq(5), Output: seq(3)},
		&IoctlResponse{Input: seq(3), Output: seq(6)},
		&QueryDirectoryRequest{FileName: "*"},
		&QueryDirectoryResponse{Buffer: []byte{8, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 9}},
		&ChangeNotifyRequest{},
		&QueryInfoRequest{Input: seq(4)},
		&QueryInfoResponse{Buffer: seq(8)},
		&SetInfoRequest{Buffer: seq(8)},
		&SetInfoResponse{},
		&OplockBreak{},
		&LeaseBreakNotification{},
		&LeaseBreakAck{},
	}
	var seeds [][]byte
	for _, m := range msgs {
		b, err := m.Append(nil)
		if err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		seeds = append(seeds, b)
	}
	seeds = append(seeds, (&Header{Command: CommandCreate, MessageID: 3}).Append(nil))
	seeds = append(seeds, (&TransformHeader{OriginalMessageSize: 80, Flags: 1}).Append(nil))
	list, _ := AppendCreateContexts(nil, cctx)
	seeds = append(seeds, list)
	return seeds
}

// checkReencode decodes data with m; on success the value must re-encode
// and decode to itself.
func checkReencode(t *testing.T, m message, data []byte) {
	if m.Decode(data) != nil {
		return
	}
	b, err := m.Append(nil)
	if err != nil {
		t.Fatalf("%T decoded % x but does not encode: %v", m, data, err)
	}
	if len(b) != m.Size() {
		t.Fatalf("%T: Size %d, Append %d bytes", m, m.Size(), len(b))
	}
	again := fresh(m)
	if err := again.Decode(b); err != nil {
		t.Fatalf("%T: re-encoding % x does not decode: %v", m, b, err)
	}
	// Encodings are canonical, so comparing them stands in for comparing the
	// values, at a fraction of cmp's cost.
	b2, err := again.Append(nil)
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("%T: decode/encode is not stable: %v\n% x\n% x\n%s", m, err, b, b2, cmp.Diff(m, again, equateEmpty))
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var h Header
		if h.Decode(data) == nil {
			if b := h.Append(nil); !bytes.Equal(b, data[:HeaderSize]) {
				t.Fatalf("header re-encodes differently:\n% x\n% x", b, data[:HeaderSize])
			}
		}
		var th TransformHeader
		if th.Decode(data) == nil {
			b := th.Append(nil)
			if !bytes.Equal(b[:40], data[:40]) || !bytes.Equal(b[42:], data[42:TransformHeaderSize]) {
				t.Fatalf("transform header re-encodes differently")
			}
		}
		_, _ = StructureSize(data)

		for _, m := range allMessages() {
			checkReencode(t, m, data)
		}
		var rr ReadResponse
		_ = rr.DecodeAlias(data)
		var wr WriteRequest
		_ = wr.DecodeAlias(data)
		var er ErrorResponse
		if er.Decode(data) == nil {
			_, _ = er.Contexts()
		}

		// Iterators over raw lists.
		if len(data) >= 6 {
			it := NegotiateContexts(data[6:], le.Uint32(data), le.Uint16(data[4:]))
			n := 0
			for it.Next() {
				n++
			}
			if n > len(data)/8 {
				t.Fatalf("%d negotiate contexts from %d bytes", n, len(data))
			}
		}
		it := NegotiateContexts(data, HeaderSize, 0xffff)
		for it.Next() {
		}
		ci := CreateContexts(data)
		for n := 0; ci.Next(); n++ {
			if n > len(data)/16 {
				t.Fatal("create context iterator runs away")
			}
		}
		ei := Entries(data)
		for n := 0; ei.Next(); n++ {
			if n > len(data)/4 {
				t.Fatal("entry iterator runs away")
			}
		}
	})
}

var genCorpus = flag.Bool("gen-corpus", false, "write the FuzzDecode seed corpus to testdata/fuzz/FuzzDecode")

// TestGenCorpus writes the committed seed corpus when run with -gen-corpus.
func TestGenCorpus(t *testing.T) {
	if !*genCorpus {
		t.Skip("run with -gen-corpus to rewrite testdata/fuzz/FuzzDecode")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range fuzzSeeds(t) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
