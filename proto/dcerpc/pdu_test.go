package dcerpc

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHeaderRoundTrip(t *testing.T) {
	h := newHeader(PacketBind, PFCFirstLast, HeaderSize, 0x01020304)
	b := mustAppend(t, &h)
	want := unhex(t, "05 00 0b 03 10 00 00 00 10 00 00 00 04 03 02 01")
	if !bytes.Equal(b, want) {
		t.Fatalf("header % x, want % x", b, want)
	}
	var got Header
	if err := got.Decode(b); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(h, got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	for i := range b {
		if err := new(Header).Decode(b[:i]); !errors.Is(err, ErrShort) {
			t.Fatalf("%d-byte prefix: %v", i, err)
		}
	}
	if n, err := FragLength(b); err != nil || n != HeaderSize {
		t.Fatalf("FragLength = %d, %v", n, err)
	}
}

func TestHeaderChecks(t *testing.T) {
	good := unhex(t, "05 00 02 03 10 00 00 00 18 00 00 00 01 00 00 00 00000000 0000 0000")
	tests := []struct {
		name  string
		edit  func(b []byte)
		short bool
	}{
		{"version 4", func(b []byte) { b[0] = 4 }, false},
		{"minor 2", func(b []byte) { b[1] = 2 }, false},
		{"big-endian", func(b []byte) { b[4] = 0x00 }, false},
		{"frag_length 15", func(b []byte) { le.PutUint16(b[8:], 15) }, false},
		{"frag_length beyond buffer", func(b []byte) { le.PutUint16(b[8:], 25) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := bytes.Clone(good)
			tt.edit(b)
			err := new(Header).Decode(b)
			if err == nil {
				t.Fatal("decoded")
			}
			if errors.Is(err, ErrShort) != tt.short {
				t.Fatalf("errors.Is(%v, ErrShort) = %v", err, !tt.short)
			}
			if !strings.HasPrefix(err.Error(), "dcerpc: header: ") {
				t.Fatalf("error %q", err)
			}
		})
	}
	// Minor version 1 and a drep with EBCDIC/VAX bits but little-endian
	// integers are accepted.
	b := bytes.Clone(good)
	b[1], b[4], b[5] = 1, 0x11, 0x01
	if err := new(Header).Decode(b); err != nil {
		t.Fatal(err)
	}
	// FragLength only needs the header.
	if n, err := FragLength(good[:HeaderSize]); err != nil || n != 0x18 {
		t.Fatalf("FragLength = %d, %v", n, err)
	}
	// A buffer longer than frag_length is fine: the rest is not this PDU's.
	var r Response
	if err := r.Decode(append(bytes.Clone(good), 0xEE, 0xEE)); err != nil || len(r.Stub) != 0 {
		t.Fatalf("Decode with trailing bytes: %v, stub % x", err, r.Stub)
	}
}

func TestWrongTypeAndAuth(t *testing.T) {
	b := mustAppend(t, &Response{CallID: 1, Flags: PFCFirstLast, Stub: []byte{1, 2, 3, 4}})
	if err := new(Fault).Decode(b); err == nil || !strings.Contains(err.Error(), "PTYPE is response") {
		t.Fatalf("Fault.Decode(response) = %v", err)
	}
	a := bytes.Clone(b)
	le.PutUint16(a[10:], 4)
	if err := new(Response).Decode(a); err == nil || !strings.Contains(err.Error(), "authenticated") {
		t.Fatalf("Response.Decode(auth_length 4) = %v", err)
	}
}

func TestBindRoundTrip(t *testing.T) {
	m := NewBind(1, SrvsvcSyntax)
	b := checkCodec(t, m)
	checkShortBody(t, m)
	// Byte for byte what Samba's own client (smbclient -L) sends.
	want := fixture(t, "smbclient-bind.hex")[0]
	if !bytes.Equal(b, want) {
		t.Fatalf("bind\n got % x\nwant % x", b, want)
	}
	// Several contexts and transfer syntaxes, as with bind time feature
	// negotiation ([MS-RPCE] 3.3.1.5.3).
	btfn := SyntaxID{UUID: MustParseUUID("6cb71c2c-9812-4540-0300-000000000000"), Major: 1}
	checkCodec(t, &Bind{
		CallID: 7, Flags: PFCFirstLast | PFCPendingCancel, MaxXmitFrag: 5840, MaxRecvFrag: 5840, AssocGroupID: 0x1234,
		Contexts: []ContextElem{
			{ContextID: 0, AbstractSyntax: SrvsvcSyntax, TransferSyntaxes: []SyntaxID{NDRSyntax}},
			{ContextID: 1, AbstractSyntax: SrvsvcSyntax, TransferSyntaxes: []SyntaxID{btfn, NDRSyntax}},
			{ContextID: 2, AbstractSyntax: SrvsvcSyntax},
		},
	})
	checkCodec(t, &Bind{CallID: 1})
}

func TestBindAckRoundTrip(t *testing.T) {
	for _, addr := range []string{"", `\pipe\srvsvc`, "1", "12", "123", "1234"} {
		m := &BindAck{
			CallID: 1, Flags: PFCFirstLast, MaxXmitFrag: 4280, MaxRecvFrag: 4280, AssocGroupID: 0x53f0,
			SecondaryAddr: addr,
			Results: []BindResult{
				{Result: ResultAcceptance, TransferSyntax: NDRSyntax},
				{Result: ResultProviderRejection, Reason: ReasonTransferSyntaxesNotSupported},
				{Result: ResultNegotiateAck, Reason: 3},
			},
		}
		b := checkCodec(t, m)
		checkShortBody(t, m)
		if off := resultsOffset(m.secAddrLen()); off%4 != 0 || b[off] != 3 {
			t.Fatalf("sec_addr %q: result list at %d not aligned or wrong", addr, off)
		}
	}
}

func TestBindAckFromSamba(t *testing.T) {
	pdu := fixture(t, "bind-ack.hex")[0]
	ack, err := DecodeBindReply(pdu)
	if err != nil {
		t.Fatal(err)
	}
	want := &BindAck{
		CallID: 1, Flags: PFCFirstLast, MaxXmitFrag: 4280, MaxRecvFrag: 4280,
		AssocGroupID:  le.Uint32(pdu[20:]),
		SecondaryAddr: `\pipe\srvsvc`,
		Results:       []BindResult{{Result: ResultAcceptance, TransferSyntax: NDRSyntax}},
	}
	if d := cmp.Diff(want, ack); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	// Our encoding of the decoded value is smbd's byte for byte.
	if b := mustAppend(t, ack); !bytes.Equal(b, pdu) {
		t.Fatalf("re-encoded\n got % x\nwant % x", b, pdu)
	}
	ack, err = DecodeBindReply(fixture(t, "bind-ack-2048.hex")[0])
	if err != nil || ack.MaxXmitFrag != 2048 || ack.MaxRecvFrag != 2048 {
		t.Fatalf("bind-ack-2048: %+v, %v", ack, err)
	}
	if _, err := DecodeBindReply(fixture(t, "smbclient-bind-ack.hex")[0]); err != nil {
		t.Fatal(err)
	}
}

func TestBindAckRejected(t *testing.T) {
	tests := []struct {
		file   string
		reason ProviderReason
	}{
		{"bind-ack-bad-abstract.hex", ReasonAbstractSyntaxNotSupported},
		{"bind-ack-bad-transfer.hex", ReasonTransferSyntaxesNotSupported},
	}
	for _, tt := range tests {
		ack, err := DecodeBindReply(fixture(t, tt.file)[0])
		var rej *BindRejectedError
		if !errors.As(err, &rej) {
			t.Fatalf("%s: %v, want *BindRejectedError", tt.file, err)
		}
		if rej.Result != ResultProviderRejection || rej.Reason != tt.reason {
			t.Fatalf("%s: %+v", tt.file, rej)
		}
		if ack == nil || ack.Results[0].TransferSyntax != (SyntaxID{}) {
			t.Fatalf("%s: bind_ack %+v", tt.file, ack)
		}
		if want := "dcerpc: bind_ack: presentation context not accepted: provider_rejection (" + tt.reason.String() + ")"; err.Error() != want {
			t.Fatalf("%s: %q", tt.file, err)
		}
	}
	// A bind_ack with no results at all.
	b := mustAppend(t, &BindAck{CallID: 1, Flags: PFCFirstLast})
	if _, err := DecodeBindReply(b); err == nil || !strings.Contains(err.Error(), "no result") {
		t.Fatalf("no results: %v", err)
	}
	if err := (&BindAck{Results: []BindResult{{}}}).Accepted(-1); err == nil {
		t.Fatal("Accepted(-1)")
	}
}

func TestBindNak(t *testing.T) {
	m := &BindNak{CallID: 1, Flags: PFCFirstLast, Reason: RejectProtocolVersionNotSupported,
		Versions: []ProtocolVersion{{5, 0}, {5, 1}}}
	b := checkCodec(t, m)
	checkCodec(t, &BindNak{CallID: 2, Reason: RejectTemporaryCongestion})
	_, err := DecodeBindReply(b)
	var nak *BindNakError
	if !errors.As(err, &nak) || nak.Reason != RejectProtocolVersionNotSupported {
		t.Fatalf("DecodeBindReply(bind_nak) = %v", err)
	}
	if err.Error() != "dcerpc: bind_nak: protocol_version_not_supported" {
		t.Fatalf("%q", err)
	}
	// Only the reason ([C706] minimum) and the [MS-RPCE] 2.2.2.5 form with
	// a signature after the versions both decode.
	short := append(appendHeader(nil, PacketBindNak, PFCFirstLast, HeaderSize+2, 1), 4, 0)
	if err := new(BindNak).Decode(short); err != nil {
		t.Fatal(err)
	}
	long := append(bytes.Clone(b), make([]byte, 3+16)...)
	le.PutUint16(long[8:], uint16(len(long)))
	var got BindNak
	if err := got.Decode(long); err != nil || len(got.Versions) != 2 {
		t.Fatalf("extended bind_nak: %+v, %v", got, err)
	}
	// n_protocols beyond the PDU.
	bad := bytes.Clone(b)
	bad[HeaderSize+2] = 9
	if err := new(BindNak).Decode(bad); !errors.Is(err, ErrShort) {
		t.Fatalf("n_protocols 9: %v", err)
	}
}

func TestRequestRoundTrip(t *testing.T) {
	stub := EncodeNetrShareEnumRequest("127.0.0.1", 1, MaxPreferredLength)
	m := &Request{CallID: 2, Flags: PFCFirstLast, AllocHint: uint32(len(stub)), ContextID: 0, Opnum: OpnumNetrShareEnum, Stub: stub}
	b := checkCodec(t, m)
	// The request smbd answered in shareenum-response.hex.
	if want := fixture(t, "our-bind-request.hex")[1]; !bytes.Equal(b, want) {
		t.Fatalf("request\n got % x\nwant % x", b, want)
	}
	obj := MustParseUUID("00112233-4455-6677-8899-aabbccddeeff")
	m = &Request{CallID: 3, Flags: PFCFirstFrag, AllocHint: 100, ContextID: 1, Opnum: 5, Object: &obj, Stub: []byte{1, 2, 3}}
	b = checkCodec(t, m)
	if PFCFlags(b[3]) != PFCFirstFrag|PFCObjectUUID {
		t.Fatalf("flags %s", PFCFlags(b[3]))
	}
	if !bytes.Equal(b[24:40], unhex(t, "33221100 5544 7766 8899aabbccddeeff")) {
		t.Fatalf("object UUID on the wire % x", b[24:40])
	}
	checkCodec(t, &Request{})
}

func TestResponseRoundTrip(t *testing.T) {
	checkCodec(t, &Response{CallID: 2, Flags: PFCFirstLast, AllocHint: 4, ContextID: 1, CancelCount: 1, Stub: []byte{1, 2, 3, 4}})
	checkCodec(t, &Response{CallID: 2, Flags: PFCLastFrag})
	pdu := fixture(t, "shareenum-response.hex")[0]
	var r Response
	if err := r.Decode(pdu); err != nil {
		t.Fatal(err)
	}
	if r.CallID != 2 || r.Flags != PFCFirstLast || r.AllocHint != uint32(len(r.Stub)) || len(r.Stub) != len(pdu)-24 {
		t.Fatalf("%+v", r)
	}
	if b := mustAppend(t, &r); !bytes.Equal(b, pdu) {
		t.Fatal("re-encoded response differs from smbd's")
	}
}

func TestFault(t *testing.T) {
	m := &Fault{CallID: 2, Flags: PFCFirstLast | PFCDidNotExecute, AllocHint: 24, ContextID: 0, Status: NcaOpRangeError}
	checkCodec(t, m)
	checkShortBody(t, m)
	checkCodec(t, &Fault{CallID: 9, FaultFlags: FaultFlagExtendedErrorPresent, Status: FaultAccessDenied, Stub: []byte{9, 9, 9, 9}})

	tests := []struct {
		file   string
		status uint32
		name   string
	}{
		{"opnum-fault.hex", NcaOpRangeError, "nca_s_op_rng_error"},
		{"unknown-if-fault.hex", NcaUnknownIf, "nca_s_unk_if"},
	}
	for _, tt := range tests {
		pdu := fixture(t, tt.file)[0]
		var f Fault
		if err := f.Decode(pdu); err != nil {
			t.Fatal(err)
		}
		want := Fault{CallID: 2, Flags: PFCFirstLast | PFCDidNotExecute, AllocHint: 24, Status: tt.status}
		if d := cmp.Diff(want, f, equateEmpty); d != "" {
			t.Fatalf("%s (-want +got):\n%s", tt.file, d)
		}
		if b := mustAppend(t, &f); !bytes.Equal(b, pdu) {
			t.Fatalf("%s: re-encoded differs", tt.file)
		}
		// A fault answering the call ends reassembly with a *FaultError.
		r := NewReassembler(2, 0)
		done, err := r.Add(pdu)
		var fe *FaultError
		if !done || !errors.As(err, &fe) || fe.Status != tt.status {
			t.Fatalf("%s: Add = %v, %v", tt.file, done, err)
		}
		if want := "dcerpc: fault " + tt.name; !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("%q, want prefix %q", err, want)
		}
		if errors.Is(err, fs.ErrPermission) {
			t.Fatalf("%s is not a permission error", tt.name)
		}
		// The same error sticks.
		if _, err2 := r.Add(pdu); err2 != err {
			t.Fatalf("second Add = %v", err2)
		}
	}
	if err := (&Fault{Status: FaultAccessDenied}).Err(); !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("access denied fault %v is not fs.ErrPermission", err)
	}
	if got := (&FaultError{Status: 0x12345678}).Error(); got != "dcerpc: fault unknown (0x12345678)" {
		t.Fatalf("%q", got)
	}
	_, err := DecodeBindReply(mustAppend(t, m))
	if fe := (*FaultError)(nil); !errors.As(err, &fe) || fe.Status != NcaOpRangeError {
		t.Fatalf("DecodeBindReply(fault) = %v", err)
	}
}

func TestDecodeBindReplyOther(t *testing.T) {
	_, err := DecodeBindReply(mustAppend(t, &Response{}))
	if err == nil || !strings.Contains(err.Error(), "unexpected PTYPE response") {
		t.Fatalf("%v", err)
	}
	if _, err := DecodeBindReply(nil); !errors.Is(err, ErrShort) {
		t.Fatalf("%v", err)
	}
}

func TestAppendLimits(t *testing.T) {
	if _, err := (&Response{Stub: make([]byte, 0x10000)}).Append(nil); err == nil {
		t.Fatal("response over 64 KiB encoded")
	}
	if _, err := (&Request{Stub: make([]byte, 0x10000)}).Append(nil); err == nil {
		t.Fatal("request over 64 KiB encoded")
	}
	if _, err := (&Fault{Stub: make([]byte, 0x10000)}).Append(nil); err == nil {
		t.Fatal("fault over 64 KiB encoded")
	}
	if _, err := (&Bind{Contexts: make([]ContextElem, 256)}).Append(nil); err == nil {
		t.Fatal("256 contexts encoded")
	}
	if _, err := (&Bind{Contexts: []ContextElem{{TransferSyntaxes: make([]SyntaxID, 256)}}}).Append(nil); err == nil {
		t.Fatal("256 transfer syntaxes encoded")
	}
	if _, err := (&BindAck{Results: make([]BindResult, 256)}).Append(nil); err == nil {
		t.Fatal("256 results encoded")
	}
	if _, err := (&BindNak{Versions: make([]ProtocolVersion, 256)}).Append(nil); err == nil {
		t.Fatal("256 versions encoded")
	}
}

func TestStrings(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{PacketBindAck.String(), "bind_ack"},
		{PacketRequest.String(), "request"},
		{PacketType(99).String(), "PTYPE(99)"},
		{(PFCFirstLast | PFCDidNotExecute).String(), "PFC_FIRST_FRAG|PFC_LAST_FRAG|PFC_DID_NOT_EXECUTE"},
		{PFCFlags(0).String(), "0"},
		{ResultProviderRejection.String(), "provider_rejection"},
		{ContextResult(9).String(), "p_cont_def_result_t(9)"},
		{ReasonAbstractSyntaxNotSupported.String(), "abstract_syntax_not_supported"},
		{ProviderReason(9).String(), "p_provider_reason_t(9)"},
		{RejectInvalidChecksum.String(), "invalid_checksum"},
		{RejectReason(10).String(), "p_reject_reason_t(10)"},
		{SrvsvcSyntax.String(), "4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0"},
		{NDRSyntax.UUID.String(), "8a885d04-1ceb-11c9-9fe8-08002b104860"},
		{FaultName(NcaOpRangeError), "nca_s_op_rng_error"},
		{FaultName(FaultAccessDenied), "ERROR_ACCESS_DENIED"},
		{WErrorName(ErrorMoreData), "ERROR_MORE_DATA"},
		{WErrorName(1), "unknown"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestParseUUID(t *testing.T) {
	for _, s := range []string{"", "4b324fc8-1670-01d3-1278-5a47bf6ee18", "4b324fc8x1670-01d3-1278-5a47bf6ee188", "4b324fc8-1670-01d3-1278-5a47bf6ee18g"} {
		if _, err := ParseUUID(s); err == nil {
			t.Errorf("ParseUUID(%q) succeeded", s)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("MustParseUUID did not panic")
		}
	}()
	MustParseUUID("bad")
}
