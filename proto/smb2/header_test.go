package smb2

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gosmb/gosmb/proto/ntstatus"
)

func TestHeaderFixture(t *testing.T) {
	// A signed sync READ response header, laid out per [MS-SMB2] 2.2.1.2.
	want := unhex(t, `
		fe 53 4d 42            // ProtocolId
		40 00                  // StructureSize 64
		01 00                  // CreditCharge 1
		00 00 00 00            // Status STATUS_SUCCESS
		08 00                  // Command READ
		20 00                  // CreditResponse 32
		09 00 00 00            // Flags SERVER_TO_REDIR|SIGNED
		00 00 00 00            // NextCommand
		07 00 00 00 00 00 00 00 // MessageId 7
		fe ff 00 00            // Reserved (ProcessId 0xfffe)
		05 00 00 00            // TreeId 5
		11 22 33 44 55 66 77 88 // SessionId
		00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f // Signature
	`)
	h := Header{
		CreditCharge: 1,
		Status:       ntstatus.Success,
		Command:      CommandRead,
		Credits:      32,
		Flags:        FlagServerToRedir | FlagSigned,
		MessageID:    7,
		ProcessID:    0xfffe,
		TreeID:       5,
		SessionID:    0x8877665544332211,
		Signature:    [16]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	}
	if got := h.Append(nil); !bytes.Equal(got, want) {
		t.Fatalf("Append:\n got % x\nwant % x", got, want)
	}
	var d Header
	if err := d.Decode(want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(h, d); diff != "" {
		t.Fatalf("Decode (-want +got):\n%s", diff)
	}
	for i := 0; i < HeaderSize; i++ {
		if err := d.Decode(want[:i]); !errors.Is(err, ErrShort) {
			t.Fatalf("Decode of %d bytes: %v", i, err)
		}
	}

	// Async form: AsyncId replaces ProcessId and TreeId.
	a := Header{Command: CommandChangeNotify, Status: ntstatus.Pending, Flags: FlagServerToRedir | FlagAsyncCommand, AsyncID: 0x0102030405060708}
	b := a.Append(nil)
	if !bytes.Equal(b[32:40], []byte{8, 7, 6, 5, 4, 3, 2, 1}) {
		t.Fatalf("AsyncId bytes % x", b[32:40])
	}
	if err := d.Decode(b); err != nil || d != a {
		t.Fatalf("async round trip: %v %+v", err, d)
	}

	bad := bytes.Clone(want)
	bad[0] = 0xfd
	if err := d.Decode(bad); err == nil {
		t.Fatal("bad protocol id accepted")
	}
	bad = bytes.Clone(want)
	bad[4] = 65
	if err := d.Decode(bad); err == nil {
		t.Fatal("bad StructureSize accepted")
	}
}

func TestStructureSize(t *testing.T) {
	if n, err := StructureSize([]byte{24, 0}); n != 24 || err != nil {
		t.Fatal(n, err)
	}
	if _, err := StructureSize([]byte{24}); !errors.Is(err, ErrShort) {
		t.Fatal(err)
	}
}
