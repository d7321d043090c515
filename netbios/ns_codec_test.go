package netbios

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// nsMessage is the method set every name service message shares.
type nsMessage interface {
	Size() int
	Append([]byte) ([]byte, error)
	Decode([]byte) error
}

const (
	encServer   = "\x20FDEFFCFGEFFCCACACACACACACACACACA\x00" // SERVER<20>
	encWildcard = "\x20CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00" // *<00>
)

// Fixtures, written out by hand from the RFC 1002 4.2 diagrams.
var nsGolden = []struct {
	name string
	msg  nsMessage
	wire string
}{
	{
		"name query broadcast",
		&NameQueryRequest{ID: 0x1234, Broadcast: true, Name: "SERVER", Suffix: 0x20},
		"\x12\x34\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00" + encServer + "\x00\x20\x00\x01",
	},
	{
		"name query unicast with scope",
		&NameQueryRequest{ID: 0xfffe, Name: "SERVER", Suffix: 0x20, Scope: "corp.example"},
		"\xff\xfe\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" +
			"\x20FDEFFCFGEFFCCACACACACACACACACACA\x04corp\x07example\x00" + "\x00\x20\x00\x01",
	},
	{
		"positive name query response",
		&NameQueryResponse{
			ID: 0x1234, Flags: FlagAuthoritative | FlagRecursionDesired, Name: "SERVER", Suffix: 0x20, TTL: 300000,
			Entries: []NBEntry{
				{Flags: 0, IP: netip.MustParseAddr("192.0.2.10")},
				{Flags: NBGroup | 0x6000, IP: netip.MustParseAddr("198.51.100.1")},
			},
		},
		"\x12\x34\x85\x00\x00\x00\x00\x01\x00\x00\x00\x00" + encServer +
			"\x00\x20\x00\x01\x00\x04\x93\xe0\x00\x0c" +
			"\x00\x00\xc0\x00\x02\x0a" + "\xe0\x00\xc6\x33\x64\x01",
	},
	{
		"negative name query response",
		&NameQueryResponse{ID: 7, Flags: FlagAuthoritative | FlagRecursionDesired | FlagRecursionAvailable, RCode: RCodeNameError, Name: "SERVER", Suffix: 0x20},
		"\x00\x07\x85\x83\x00\x00\x00\x01\x00\x00\x00\x00" + encServer + "\x00\x0a\x00\x01\x00\x00\x00\x00\x00\x00",
	},
	{
		"node status request",
		&NodeStatusRequest{ID: 0x0102, Name: WildcardName},
		"\x01\x02\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00" + encWildcard + "\x00\x21\x00\x01",
	},
	{
		"node status response",
		&NodeStatusResponse{
			ID: 0x0102, Flags: FlagAuthoritative, Name: WildcardName,
			Names: []NodeName{
				{Name: "SERVER", Suffix: 0x00, Flags: NameActive},
				{Name: "SERVER", Suffix: 0x20, Flags: NameActive},
				{Name: "WORKGROUP", Suffix: 0x1e, Flags: NameGroup | NameActive},
			},
			Statistics: append([]byte{0, 0x11, 0x22, 0x33, 0x44, 0x55}, make([]byte, 40)...),
		},
		"\x01\x02\x84\x00\x00\x00\x00\x01\x00\x00\x00\x00" + encWildcard +
			"\x00\x21\x00\x01\x00\x00\x00\x00\x00\x65" + "\x03" +
			"SERVER         \x00\x04\x00" +
			"SERVER         \x20\x04\x00" +
			"WORKGROUP      \x1e\x84\x00" +
			"\x00\x11\x22\x33\x44\x55" + strings.Repeat("\x00", 40),
	},
}

// newLike returns a zero message of the same type as m.
func newLike(m nsMessage) nsMessage {
	switch m.(type) {
	case *NameQueryRequest:
		return new(NameQueryRequest)
	case *NameQueryResponse:
		return new(NameQueryResponse)
	case *NodeStatusRequest:
		return new(NodeStatusRequest)
	case *NodeStatusResponse:
		return new(NodeStatusResponse)
	}
	panic("unknown message type")
}

func TestNSGolden(t *testing.T) {
	for _, tt := range nsGolden {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.msg.Append([]byte("pre"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got[3:], []byte(tt.wire)) {
				t.Errorf("Append:\n got %q\nwant %q", got[3:], tt.wire)
			}
			if n := tt.msg.Size(); n != len(tt.wire) {
				t.Errorf("Size() = %d, want %d", n, len(tt.wire))
			}
			dec := newLike(tt.msg)
			if err := dec.Decode([]byte(tt.wire)); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if d := cmp.Diff(tt.msg, dec, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); d != "" {
				t.Errorf("Decode mismatch (-want +got):\n%s", d)
			}
			// Every truncated prefix is an error, never a panic.
			for i := range len(tt.wire) {
				if err := newLike(tt.msg).Decode([]byte(tt.wire[:i])); err == nil {
					t.Errorf("Decode of %d-byte prefix succeeded", i)
				} else if !errors.Is(err, ErrShortPacket) && !errors.Is(err, ErrMalformedPacket) {
					t.Errorf("Decode of %d-byte prefix: %v wraps neither ErrShortPacket nor ErrMalformedPacket", i, err)
				}
			}
		})
	}
}

func TestNSHeaderBits(t *testing.T) {
	h := NSHeader{ID: 0xabcd, Response: true, Opcode: OpcodeWACK, Flags: FlagAuthoritative | FlagTruncated | FlagBroadcast, RCode: RCodeConflict, QDCount: 1, ANCount: 2, NSCount: 3, ARCount: 4}
	b := h.Append(nil)
	want := []byte{0xab, 0xcd, 0xbe, 0x17, 0, 1, 0, 2, 0, 3, 0, 4}
	if !bytes.Equal(b, want) {
		t.Fatalf("Append = % x, want % x", b, want)
	}
	var got NSHeader
	if err := got.Decode(b); err != nil || got != h {
		t.Fatalf("Decode = %+v, %v", got, err)
	}
	if s := h.Flags.String(); s != "AA|TC|B" {
		t.Errorf("Flags.String() = %q", s)
	}
	if s := RCodeNameError.String(); s != "NAM_ERR" {
		t.Errorf("RCode String = %q", s)
	}
	if err := got.Decode(b[:11]); !errors.Is(err, ErrShortPacket) {
		t.Errorf("short header: %v", err)
	}
}

func TestNSFlagsAccessors(t *testing.T) {
	f := NBFlags(0xe000)
	if !f.Group() || f.OwnerType() != OwnerHNode || f.OwnerType().String() != "H" {
		t.Errorf("NBFlags %#x: group %t owner %v", f, f.Group(), f.OwnerType())
	}
	n := NodeName{Name: "WORKGROUP", Suffix: 0x1e, Flags: NameGroup | 0x2000 | NameActive}
	if !n.Group() || n.Flags.OwnerType() != OwnerPNode {
		t.Errorf("NodeName flags: %v", n)
	}
	if s := n.String(); s != "WORKGROUP       <1e> <GROUP> P <ACTIVE>" {
		t.Errorf("String() = %q", s)
	}
	var r NodeStatusResponse
	if r.UnitID() != nil {
		t.Error("UnitID of empty statistics")
	}
	r.Statistics = []byte{1, 2, 3, 4, 5, 6, 7}
	if r.UnitID().String() != "01:02:03:04:05:06" {
		t.Errorf("UnitID = %v", r.UnitID())
	}
}

// TestNSCompressedName decodes a response that echoes the question and
// points its RR_NAME at it, as some servers do.
func TestNSCompressedName(t *testing.T) {
	wire := "\x12\x34\x85\x00\x00\x01\x00\x01\x00\x00\x00\x00" + encServer + "\x00\x20\x00\x01" +
		"\xc0\x0c" + "\x00\x20\x00\x01\x00\x00\x00\x00\x00\x06" + "\x00\x00\xc0\x00\x02\x0a"
	var m NameQueryResponse
	if err := m.Decode([]byte(wire)); err != nil {
		t.Fatal(err)
	}
	if m.Name != "SERVER" || m.Suffix != 0x20 || len(m.Entries) != 1 || m.Entries[0].IP != netip.MustParseAddr("192.0.2.10") {
		t.Errorf("decoded %+v", m)
	}
	// A pointer may also follow labels: scope labels then a pointer to the
	// rest of the scope elsewhere.
	wire = "\x12\x34\x85\x00\x00\x01\x00\x01\x00\x00\x00\x00" +
		"\x20FDEFFCFGEFFCCACACACACACACACACACA\x04corp\x07example\x00" + "\x00\x20\x00\x01" +
		"\x20FDEFFCFGEFFCCACACACACACACACACACA\x03sub\xc0\x2d" +
		"\x00\x20\x00\x01\x00\x00\x00\x00\x00\x06" + "\x00\x00\xc0\x00\x02\x0a"
	if err := m.Decode([]byte(wire)); err != nil {
		t.Fatal(err)
	}
	if m.Scope != "sub.corp.example" {
		t.Errorf("scope = %q", m.Scope)
	}
}

func TestNSBadNames(t *testing.T) {
	hdr := "\x12\x34\x85\x00\x00\x00\x00\x01\x00\x00\x00\x00"
	tail := "\x00\x20\x00\x01\x00\x00\x00\x00\x00\x00"
	for _, tt := range []struct{ name, rrName string }{
		{"self pointer", "\xc0\x0c"},
		{"forward pointer", "\xc0\x20"},
		{"loop through a label", "\x01a\xc0\x0c"},
		{"reserved label type 0x40", "\x40"},
		{"reserved label type 0x80", "\x80"},
		{"empty name", "\x00"},
		{"short first label", "\x04ABCD\x00"},
		{"bad half-ASCII", "\x20" + strings.Repeat("Z", 32) + "\x00"},
		{"too long", "\x20" + strings.Repeat("A", 32) + strings.Repeat("\x3f"+strings.Repeat("x", 63), 4) + "\x00"},
	} {
		var m NameQueryResponse
		err := m.Decode([]byte(hdr + tt.rrName + tail))
		if !errors.Is(err, ErrMalformedPacket) {
			t.Errorf("%s: error %v, want ErrMalformedPacket", tt.name, err)
		}
	}
}

func TestNSDecodeRejects(t *testing.T) {
	var qr NameQueryResponse
	var sr NodeStatusResponse
	var qq NameQueryRequest
	for _, tt := range []struct {
		name string
		msg  nsMessage
		wire string
	}{
		{"request as response", &qr, "\x12\x34\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00" + encServer + "\x00\x20\x00\x01"},
		{"response as request", &qq, "\x12\x34\x85\x00\x00\x00\x00\x01\x00\x00\x00\x00" + encServer + "\x00\x20\x00\x01\x00\x00\x00\x00\x00\x00"},
		{"no answer", &qr, "\x12\x34\x85\x00\x00\x00\x00\x00\x00\x00\x00\x00"},
		{"NBSTAT as query response", &qr, "\x12\x34\x85\x00\x00\x00\x00\x01\x00\x00\x00\x00" + encServer + "\x00\x21\x00\x01\x00\x00\x00\x00\x00\x00"},
		{"odd RDLENGTH", &qr, "\x12\x34\x85\x00\x00\x00\x00\x01\x00\x00\x00\x00" + encServer + "\x00\x20\x00\x01\x00\x00\x00\x00\x00\x05\x00\x00\x01\x02\x03"},
		{"wrong class", &qr, "\x12\x34\x85\x00\x00\x00\x00\x01\x00\x00\x00\x00" + encServer + "\x00\x20\x00\x02\x00\x00\x00\x00\x00\x00"},
		{"NB as status response", &sr, "\x12\x34\x84\x00\x00\x00\x00\x01\x00\x00\x00\x00" + encWildcard + "\x00\x20\x00\x01\x00\x00\x00\x00\x00\x01\x00"},
		{"wrong question type", &qq, "\x12\x34\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00" + encServer + "\x00\x21\x00\x01"},
	} {
		if err := tt.msg.Decode([]byte(tt.wire)); !errors.Is(err, ErrMalformedPacket) {
			t.Errorf("%s: error %v, want ErrMalformedPacket", tt.name, err)
		}
	}
	// NUM_NAMES larger than the RDATA: short, and nothing allocated for it.
	wire := "\x12\x34\x84\x00\x00\x00\x00\x01\x00\x00\x00\x00" + encWildcard + "\x00\x21\x00\x01\x00\x00\x00\x00\x00\x01\xff"
	if err := sr.Decode([]byte(wire)); !errors.Is(err, ErrShortPacket) {
		t.Errorf("NUM_NAMES 255 with no names: %v", err)
	}
}

func TestNSAppendErrors(t *testing.T) {
	for _, m := range []nsMessage{
		&NameQueryRequest{Name: ""},
		&NameQueryRequest{Name: "SERVER", Scope: "a..b"},
		&NodeStatusRequest{Name: "ABCDEFGHIJKLMNOPQ"},
		&NameQueryResponse{Name: "SERVER", Entries: []NBEntry{{IP: netip.MustParseAddr("::1")}}},
		&NameQueryResponse{Name: "SERVER", Entries: make([]NBEntry, 0x2aab)}, // RDATA > 65535
		&NodeStatusResponse{Name: "*", Names: []NodeName{{Name: "ABCDEFGHIJKLMNOP"}}},
		&NodeStatusResponse{Name: "*", Names: make([]NodeName, 256)},
	} {
		if b, err := m.Append([]byte("x")); err == nil || string(b) != "x" {
			t.Errorf("%T Append = %q, %v; want an error and dst unchanged", m, b, err)
		}
	}
}

// FuzzNSDecode runs every name service decoder on arbitrary packets. None
// may panic; whatever decodes must re-encode to Size() bytes, and encoding
// is stable after one decode (names are normalised on the first pass).
func FuzzNSDecode(f *testing.F) {
	for _, g := range nsGolden {
		f.Add([]byte(g.wire))
	}
	f.Add([]byte("\x12\x34\x85\x00\x00\x01\x00\x01\x00\x00\x00\x00" + encServer + "\x00\x20\x00\x01" +
		"\xc0\x0c" + "\x00\x20\x00\x01\x00\x00\x00\x00\x00\x06" + "\x00\x00\xc0\x00\x02\x0a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var h NSHeader
		if h.Decode(data) == nil && !bytes.Equal(h.Append(nil), data[:NSHeaderLen]) {
			t.Fatalf("header does not round-trip: % x", data[:NSHeaderLen])
		}
		for _, m := range []nsMessage{new(NameQueryRequest), new(NameQueryResponse), new(NodeStatusRequest), new(NodeStatusResponse)} {
			if err := m.Decode(data); err != nil {
				if !errors.Is(err, ErrShortPacket) && !errors.Is(err, ErrMalformedPacket) {
					t.Fatalf("%T: error %v wraps neither sentinel", m, err)
				}
				continue
			}
			b1, err := m.Append(nil)
			if err != nil {
				continue // for example an all-padding name, which decodes to ""
			}
			if len(b1) != m.Size() {
				t.Fatalf("%T: Append gave %d bytes, Size %d", m, len(b1), m.Size())
			}
			m2 := newLike(m)
			if err := m2.Decode(b1); err != nil {
				t.Fatalf("%T: re-decode: %v\n% x", m, err, b1)
			}
			b2, err := m2.Append(nil)
			if err != nil || !bytes.Equal(b1, b2) {
				t.Fatalf("%T: encoding not stable: %v\n% x\n% x", m, err, b1, b2)
			}
		}
	})
}
