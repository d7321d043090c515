package smb2

import (
	"bytes"
	"errors"
	"testing"
)

func TestSessionSetup(t *testing.T) {
	checkCodec(t, &SessionSetupRequest{})
	checkCodec(t, &SessionSetupRequest{
		Flags: SessionSetupFlagBinding, SecurityMode: SigningRequired, Capabilities: CapDFS,
		Channel: 0, PreviousSessionID: 0x1122334455667788, SecurityBuffer: seq(300),
	})
	checkFixture(t, &SessionSetupRequest{SecurityMode: SigningEnabled, Capabilities: CapDFS, SecurityBuffer: []byte{0x60, 0x48}}, unhex(t, `
		19 00                   // StructureSize 25
		00                      // Flags
		01                      // SecurityMode
		01 00 00 00             // Capabilities
		00 00 00 00             // Channel
		58 00 02 00             // SecurityBufferOffset 88, Length 2
		00 00 00 00 00 00 00 00 // PreviousSessionId
		60 48`))

	checkCodec(t, &SessionSetupResponse{})
	checkCodec(t, &SessionSetupResponse{SessionFlags: SessionFlagEncryptData, SecurityBuffer: seq(9)})
	checkFixture(t, &SessionSetupResponse{SessionFlags: SessionFlagIsGuest}, unhex(t, `09 00 01 00 48 00 00 00 00`))

	big := &SessionSetupRequest{SecurityBuffer: make([]byte, 1<<16)}
	if _, err := big.Append(nil); err == nil {
		t.Fatal("64 KiB security buffer accepted")
	}
	// A security buffer offset pointing into the header.
	b := mustAppend(t, &SessionSetupResponse{SecurityBuffer: []byte{1}})
	b[4] = 10
	if err := new(SessionSetupResponse).Decode(b); err == nil {
		t.Fatal("offset inside header accepted")
	}
}

func TestEmptyBodies(t *testing.T) {
	for _, m := range []message{
		&EchoRequest{}, &EchoResponse{}, &LogoffRequest{}, &LogoffResponse{},
		&TreeDisconnectRequest{}, &TreeDisconnectResponse{}, &CancelRequest{},
	} {
		checkFixture(t, m, []byte{4, 0, 0, 0})
		checkCodec(t, m)
		if err := m.Decode([]byte{5, 0, 0, 0}); err == nil {
			t.Errorf("%T: StructureSize 5 accepted", m)
		}
	}
}

func TestTreeConnect(t *testing.T) {
	checkFixture(t, &TreeConnectRequest{Path: `\\s\IPC$`}, unhex(t, `
		09 00 00 00             // StructureSize 9, Flags
		48 00 10 00             // PathOffset 72, PathLength 16
		5c 00 5c 00 73 00 5c 00 49 00 50 00 43 00 24 00`))
	checkCodec(t, &TreeConnectRequest{})
	checkCodec(t, &TreeConnectRequest{Flags: TreeConnectFlagClusterReconnect, Path: `\\файл.example\share€😀`})

	b := mustAppend(t, &TreeConnectRequest{Path: `\\a\b`})
	b[6] = 3 // odd UTF-16 length
	if err := new(TreeConnectRequest).Decode(b); err == nil {
		t.Fatal("odd path length accepted")
	}

	m := &TreeConnectResponse{ShareType: ShareTypeDisk, ShareFlags: ShareFlagEncryptData | ShareFlagNoCaching, Capabilities: ShareCapContinuousAvailability, MaximalAccess: 0x001f01ff}
	checkFixture(t, m, unhex(t, `10 00 01 00 30 80 00 00 10 00 00 00 ff 01 1f 00`))
	checkCodec(t, m)
	if ShareTypePipe.String() != "SMB2_SHARE_TYPE_PIPE" {
		t.Fatal(ShareTypePipe.String())
	}
}

func TestErrorResponse(t *testing.T) {
	checkFixture(t, &ErrorResponse{}, unhex(t, `09 00 00 00 00 00 00 00 00`))
	checkCodec(t, &ErrorResponse{})
	checkCodec(t, &ErrorResponse{ErrorData: []byte{0x10, 0, 0, 0}})

	// Lenient forms servers send: only the 8 fixed bytes; ByteCount 0
	// followed by one byte that is not zero.
	for _, b := range [][]byte{unhex(t, `09 00 00 00 00 00 00 00`), unhex(t, `09 00 00 00 00 00 00 00 ff`)} {
		var e ErrorResponse
		if err := e.Decode(b); err != nil || e.ErrorData != nil {
			t.Fatalf("% x: %v %+v", b, err, e)
		}
	}
	if err := new(ErrorResponse).Decode(unhex(t, `09 00 00 00 05 00 00 00 00`)); !errors.Is(err, ErrShort) {
		t.Fatalf("ByteCount beyond body: %v", err)
	}

	cs := []ErrorContext{{ErrorID: ErrorIDDefault, Data: []byte{1, 2, 3}}, {ErrorID: ErrorIDShareRedirect, Data: seq(20)}}
	data, err := AppendErrorContexts(nil, cs)
	if err != nil {
		t.Fatal(err)
	}
	e := &ErrorResponse{ErrorContextCount: 2, ErrorData: data}
	checkCodec(t, e)
	got, err := e.Contexts()
	if err != nil || len(got) != 2 || got[1].ErrorID != ErrorIDShareRedirect || !bytes.Equal(got[1].Data, cs[1].Data) || !bytes.Equal(got[0].Data, cs[0].Data) {
		t.Fatalf("contexts: %v %+v", err, got)
	}
	if len(data) != 8+3+5+8+20 {
		t.Fatalf("context padding: %d bytes", len(data))
	}
	e.ErrorContextCount = 3
	if _, err := e.Contexts(); err == nil {
		t.Fatal("third context accepted")
	}
}

func TestTransformHeader(t *testing.T) {
	want := unhex(t, `
		fd 53 4d 42             // ProtocolId
		00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f // Signature
		20 21 22 23 24 25 26 27 28 29 2a 2b 00 00 00 00 // Nonce (12 bytes for GCM)
		68 00 00 00             // OriginalMessageSize 104
		00 00                   // Reserved
		01 00                   // Flags Encrypted
		11 22 33 44 55 66 77 88 // SessionId`)
	h := TransformHeader{
		Signature:           [16]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
		Nonce:               [16]byte{0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b},
		OriginalMessageSize: 104,
		Flags:               TransformFlagEncrypted,
		SessionID:           0x8877665544332211,
	}
	if got := h.Append(nil); !bytes.Equal(got, want) {
		t.Fatalf("Append:\n got % x\nwant % x", got, want)
	}
	if h.Size() != TransformHeaderSize || len(want) != TransformHeaderSize {
		t.Fatal("size")
	}
	if !bytes.Equal(h.AAD(), want[20:52]) {
		t.Fatalf("AAD % x", h.AAD())
	}
	var d TransformHeader
	if err := d.Decode(want); err != nil || d != h {
		t.Fatalf("Decode: %v %+v", err, d)
	}
	for i := 0; i < len(want); i++ {
		if err := d.Decode(want[:i]); !errors.Is(err, ErrShort) {
			t.Fatalf("%d bytes: %v", i, err)
		}
	}
	if err := d.Decode(append([]byte{0xfe}, want[1:]...)); err == nil {
		t.Fatal("SMB2 protocol id accepted as transform")
	}
}
