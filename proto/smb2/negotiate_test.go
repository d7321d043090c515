package smb2

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func salt32() []byte { return seq(32) }

func clientContexts(t *testing.T) []NegotiateContext {
	t.Helper()
	var cs []NegotiateContext
	for _, h := range []interface {
		Context() (NegotiateContext, error)
	}{
		&PreauthIntegrityCapabilities{HashAlgorithms: []uint16{HashSHA512}, Salt: salt32()},
		&EncryptionCapabilities{Ciphers: []uint16{CipherAES128GCM, CipherAES128CCM}},
		&SigningCapabilities{SigningAlgorithms: []uint16{SigningAESGMAC, SigningAESCMAC}},
		&NetnameNegotiateContextID{NetName: "fileserver"},
	} {
		c, err := h.Context()
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	return cs
}

func TestNegotiateRequestFixture(t *testing.T) {
	// Hand-assembled from [MS-SMB2] 2.2.3 and 2.2.3.1.
	want := unhex(t, `
		24 00                   // StructureSize 36
		05 00                   // DialectCount 5
		01 00                   // SecurityMode SIGNING_ENABLED
		00 00                   // Reserved
		45 00 00 00             // Capabilities DFS|LARGE_MTU|ENCRYPTION
		10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f // ClientGuid
		70 00 00 00             // NegotiateContextOffset 0x70 = 64+48
		02 00                   // NegotiateContextCount 2
		00 00                   // Reserved2
		02 02 10 02 00 03 02 03 11 03 // Dialects 2.0.2 2.1 3.0 3.0.2 3.1.1
		00 00                   // Padding to 8 bytes (body offset 48)
		01 00 26 00 00 00 00 00 // PREAUTH_INTEGRITY, DataLength 38, Reserved
		01 00 20 00 01 00       // HashAlgorithmCount 1, SaltLength 32, SHA-512
		01 08 0f 16 1d 24 2b 32 39 40 47 4e 55 5c 63 6a // Salt
		71 78 7f 86 8d 94 9b a2 a9 b0 b7 be c5 cc d3 da
		00 00                   // Padding to 8 bytes (body offset 96)
		02 00 06 00 00 00 00 00 // ENCRYPTION, DataLength 6, Reserved
		02 00 02 00 01 00       // CipherCount 2, AES-128-GCM, AES-128-CCM
	`)
	m := &NegotiateRequest{
		SecurityMode: SigningEnabled,
		Capabilities: CapDFS | CapLargeMTU | CapEncryption,
		ClientGUID:   guid(0x10),
		Dialects:     []Dialect{Dialect202, Dialect210, Dialect300, Dialect302, Dialect311},
		Contexts:     clientContexts(t)[:2],
	}
	checkFixture(t, m, want)
	checkCodec(t, m)

	it := NegotiateContexts(want, 0x70, 2)
	var types []NegotiateContextType
	for it.Next() {
		types = append(types, it.Context().Type)
	}
	if it.Err() != nil || len(types) != 2 || types[0] != ContextTypePreauthIntegrity || types[1] != ContextTypeEncryption {
		t.Fatalf("iterator: %v %v", types, it.Err())
	}
}

func TestNegotiateRequestNoContexts(t *testing.T) {
	m := &NegotiateRequest{SecurityMode: SigningRequired, ClientGUID: guid(1), Dialects: []Dialect{Dialect202, Dialect210}}
	checkFixture(t, m, unhex(t, `
		24 00 02 00 02 00 00 00 00 00 00 00
		01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10
		00 00 00 00 00 00 00 00 // ClientStartTime
		02 02 10 02`))
	checkCodec(t, m)
	checkCodec(t, &NegotiateRequest{})

	m.Contexts = clientContexts(t)
	if _, err := m.Append(nil); err == nil {
		t.Fatal("contexts without 3.1.1 accepted")
	}
}

func TestNegotiateRequestRoundTrip(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5} { // every alignment of the dialect list
		ds := []Dialect{Dialect311, Dialect300, Dialect302, Dialect210, Dialect202}[:n]
		checkCodec(t, &NegotiateRequest{Dialects: ds, Contexts: clientContexts(t)})
	}
	checkCodec(t, &NegotiateRequest{Dialects: []Dialect{Dialect311}, Contexts: []NegotiateContext{{Type: 0x100}, {Type: 9, Data: []byte{1}}}})
}

func TestNegotiateResponse(t *testing.T) {
	base := NegotiateResponse{
		SecurityMode:    SigningEnabled | SigningRequired,
		DialectRevision: Dialect302,
		ServerGUID:      guid(0x40),
		Capabilities:    CapDFS | CapLeasing | CapLargeMTU,
		MaxTransactSize: 8 << 20,
		MaxReadSize:     8 << 20,
		MaxWriteSize:    8 << 20,
		SystemTime:      133000000000000000,
		ServerStartTime: 0,
	}
	m := base
	checkCodec(t, &m) // empty security buffer: one pad byte
	m.SecurityBuffer = seq(74)
	checkCodec(t, &m)

	m311 := base
	m311.DialectRevision = Dialect311
	cs := clientContexts(t)
	for i := 0; i <= 8; i++ { // every alignment of the security buffer
		m311.SecurityBuffer = seq(i)
		m311.Contexts = cs[:2]
		checkCodec(t, &m311)
	}
	m311.Contexts = cs
	b := checkCodec(t, &m311)
	if off := le.Uint32(b[60:]); off%8 != 0 {
		t.Fatalf("NegotiateContextOffset %d not aligned", off)
	}

	// Contexts are ignored for other dialects.
	m.Contexts = cs
	if _, err := m.Append(nil); err == nil {
		t.Fatal("contexts with 3.0.2 accepted")
	}

	// Bad StructureSize.
	bad := mustAppend(t, &base)
	bad[0] = 64
	if err := new(NegotiateResponse).Decode(bad); err == nil {
		t.Fatal("StructureSize 64 accepted")
	}
}

func TestNegotiateResponseFixture(t *testing.T) {
	want := unhex(t, `
		41 00                   // StructureSize 65
		01 00                   // SecurityMode
		11 03                   // DialectRevision 3.1.1
		01 00                   // NegotiateContextCount
		40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f // ServerGuid
		2f 00 00 00             // Capabilities
		00 00 80 00 00 00 80 00 00 00 80 00 // MaxTransact/Read/WriteSize 8 MiB
		00 80 3e d5 de b1 9d 01 // SystemTime
		00 00 00 00 00 00 00 00 // ServerStartTime
		80 00 03 00             // SecurityBufferOffset 128, Length 3
		88 00 00 00             // NegotiateContextOffset 136
		a1 b2 c3                // SecurityBuffer
		00 00 00 00 00          // Padding
		02 00 04 00 00 00 00 00 01 00 04 00 // ENCRYPTION: AES-256-GCM
	`)
	m := &NegotiateResponse{
		SecurityMode:    SigningEnabled,
		DialectRevision: Dialect311,
		ServerGUID:      guid(0x40),
		Capabilities:    0x2f,
		MaxTransactSize: 8 << 20, MaxReadSize: 8 << 20, MaxWriteSize: 8 << 20,
		SystemTime:     0x019db1ded53e8000,
		SecurityBuffer: []byte{0xa1, 0xb2, 0xc3},
		Contexts:       []NegotiateContext{{Type: ContextTypeEncryption, Data: []byte{1, 0, 4, 0}}},
	}
	checkFixture(t, m, want)
}

func TestNegotiateContextIterRejects(t *testing.T) {
	body := make([]byte, 40)
	for _, tc := range []struct {
		name  string
		off   uint32
		count uint16
	}{
		{"inside header", 10, 1},
		{"beyond body", HeaderSize + 41, 1},
		{"far beyond", 0xffffffff, 1},
		{"count too large", HeaderSize + 8, 5},
		{"count max", HeaderSize, 0xffff},
	} {
		it := NegotiateContexts(body, tc.off, tc.count)
		if it.Next() || it.Err() == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	// A data length running past the end.
	body[2] = 0xff
	it := NegotiateContexts(body, HeaderSize, 1)
	if it.Next() || !errors.Is(it.Err(), ErrShort) {
		t.Errorf("long data: %v", it.Err())
	}
	// Count 0 ignores the offset.
	it = NegotiateContexts(nil, 0xffffffff, 0)
	if it.Next() || it.Err() != nil {
		t.Errorf("empty: %v", it.Err())
	}
	// Padding of the second context pushes it past the end.
	body = make([]byte, 12)
	body[2] = 1 // first context: 1 data byte, ends at 9, next at 16
	it = NegotiateContexts(body, HeaderSize, 1)
	if !it.Next() || it.Next() || it.Err() != nil {
		t.Errorf("single: %v", it.Err())
	}
	body = append(body, make([]byte, 4)...) // 16 bytes: 2*8 fits the count check
	it = NegotiateContexts(body, HeaderSize, 2)
	if !it.Next() || it.Next() || !errors.Is(it.Err(), ErrShort) {
		t.Errorf("second past end: %v", it.Err())
	}
}

func TestNegotiateContextHelpers(t *testing.T) {
	p := PreauthIntegrityCapabilities{HashAlgorithms: []uint16{HashSHA512}, Salt: salt32()}
	c, _ := p.Context()
	var p2 PreauthIntegrityCapabilities
	if err := p2.Decode(c.Data); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(p, p2); d != "" {
		t.Fatal(d)
	}
	for _, h := range []message{
		&p,
		&EncryptionCapabilities{Ciphers: []uint16{CipherAES256GCM, CipherAES256CCM, CipherAES128GCM, CipherAES128CCM}},
		&SigningCapabilities{SigningAlgorithms: []uint16{SigningAESGMAC}},
		&NetnameNegotiateContextID{NetName: "srv.example.com"},
	} {
		b := mustAppend(t, h)
		if _, ok := h.(*NetnameNegotiateContextID); ok {
			b = b[:0:0] // no length of its own: every even prefix is a name
		}
		for i := 0; i < len(b); i++ {
			if err := fresh(h).Decode(b[:i]); err == nil {
				t.Errorf("%T: %d-byte prefix decoded", h, i)
			}
		}
		b = mustAppend(t, h)
		g := fresh(h)
		if err := g.Decode(b); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(h, g, equateEmpty); d != "" {
			t.Fatal(d)
		}
	}
	n := NetnameNegotiateContextID{NetName: "ab"}
	if b, _ := n.Append(nil); string(b) != "a\x00b\x00" {
		t.Fatalf("netname % x", b)
	}
	if ContextTypeSigning.String() != "SMB2_SIGNING_CAPABILITIES" || CipherName(CipherAES128GCM) != "AES-128-GCM" ||
		SigningAlgorithmName(SigningAESCMAC) != "AES-CMAC" || CapabilitiesString(CapDFS|CapEncryption|0x1000) != "SMB2_GLOBAL_CAP_DFS|SMB2_GLOBAL_CAP_ENCRYPTION|0x1000" {
		t.Fatal("names")
	}
}
