package dcerpc

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seeds returns the inputs FuzzDecode starts from: every Samba fixture
// PDU, the fragments of each multi-fragment reply joined, the stubs of the
// requests and replies, and PDUs and stubs built by our encoders.
func seeds(t testing.TB) [][]byte {
	var out [][]byte
	files, err := filepath.Glob(filepath.Join("testdata", "samba-4.17", "*.hex"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		pdus := fixture(t, filepath.Base(f))
		out = append(out, pdus...)
		if len(pdus) > 1 {
			out = append(out, bytes.Join(pdus, nil))
		}
		r := NewReassembler(le.Uint32(pdus[0][12:]), 0)
		if _, err := r.Add(bytes.Join(pdus, nil)); err == nil && len(r.Stub()) > 0 {
			out = append(out, bytes.Clone(r.Stub()))
		}
	}
	out = append(out,
		unhex(t, handStub),
		EncodeNetrShareEnumRequest("server", 1, MaxPreferredLength),
		mustAppendTB(t, &BindNak{CallID: 1, Flags: PFCFirstLast, Reason: RejectProtocolVersionNotSupported, Versions: []ProtocolVersion{{5, 0}}}),
		mustAppendTB(t, &Fault{CallID: 2, Flags: PFCFirstLast, Status: FaultAccessDenied, Stub: []byte{1, 2, 3, 4}}),
		mustAppendTB(t, &NetrShareEnumResponse{Level: 1, Shares: handShares[:1], Status: ErrorMoreData, ResumeHandle: ptr(uint32(1))}),
	)
	obj := MustParseUUID("00112233-4455-6677-8899-aabbccddeeff")
	out = append(out, mustAppendTB(t, &Request{CallID: 4, Flags: PFCFirstLast, Object: &obj, Stub: []byte{9}}))
	return out
}

func mustAppendTB(t testing.TB, m message) []byte {
	b, err := m.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWriteFuzzCorpus regenerates testdata/fuzz/FuzzDecode from seeds when
// DCERPC_WRITE_CORPUS=1.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("DCERPC_WRITE_CORPUS") != "1" {
		t.Skip("set DCERPC_WRITE_CORPUS=1 to rewrite testdata/fuzz/FuzzDecode")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range seeds(t) {
		sum := sha256.Sum256(s)
		name := filepath.Join(dir, "seed-"+hex.EncodeToString(sum[:8]))
		if err := os.WriteFile(name, []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// roundTrip checks that a value decoded from fuzz input re-encodes to
// something that decodes to the same value, with len(Append) == Size.
func roundTrip(t *testing.T, m message) {
	b, err := m.Append(nil)
	if err != nil {
		t.Fatalf("%T.Append of a decoded value: %v", m, err)
	}
	if len(b) != m.Size() {
		t.Fatalf("%T: len(Append) = %d, Size = %d", m, len(b), m.Size())
	}
	again := fresh(m)
	if err := again.Decode(b); err != nil {
		t.Fatalf("%T: decoding our own encoding: %v\n% x", m, err, b)
	}
	if d := cmp.Diff(m, again, equateEmpty); d != "" {
		t.Fatalf("%T re-decode (-first +second):\n%s", m, d)
	}
}

// FuzzDecode feeds the same bytes to every decoder: the header, each PDU
// type, DecodeBindReply, the Reassembler (whole, and one PDU at a time
// with a small cap) and both NetrShareEnum stubs, directly and as the
// stub of a response PDU. Nothing may panic; whatever decodes must
// survive a re-encode.
func FuzzDecode(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var h Header
		if err := h.Decode(data); err == nil {
			if int(h.FragLength) > len(data) || h.FragLength < HeaderSize {
				t.Fatalf("header accepted frag_length %d for %d bytes", h.FragLength, len(data))
			}
			if n, err := FragLength(data); err != nil || n != int(h.FragLength) {
				t.Fatalf("FragLength = %d, %v", n, err)
			}
		}
		for _, m := range []message{&Bind{}, &BindAck{}, &BindNak{}, &Request{}, &Response{}, &Fault{}} {
			if m.Decode(data) == nil {
				roundTrip(t, m)
			}
		}
		if ack, err := DecodeBindReply(data); err == nil && ack.Accepted(0) != nil {
			t.Fatal("DecodeBindReply accepted a rejected context")
		}

		var call uint32
		if len(data) >= HeaderSize {
			call = le.Uint32(data[12:])
		}
		r := NewReassembler(call, 0)
		if done, err := r.Add(data); err == nil && done && len(r.Stub()) > len(data) {
			t.Fatalf("stub of %d bytes from %d", len(r.Stub()), len(data))
		}
		small := NewReassembler(call, 64)
		for rest := data; len(rest) > 0; {
			n, err := FragLength(rest)
			if err != nil || n > len(rest) {
				break
			}
			if _, err := small.Add(rest[:n]); err != nil {
				break
			}
			if len(small.Stub()) > 64 {
				t.Fatal("reassembler went over its cap")
			}
			rest = rest[n:]
		}

		stubs := [][]byte{data}
		var resp Response
		if resp.Decode(data) == nil {
			stubs = append(stubs, resp.Stub)
		}
		for _, stub := range stubs {
			shares, err := DecodeNetrShareEnumResponse(stub)
			if err == nil && uint64(len(shares))*shareInfo1Size > uint64(len(stub)) {
				t.Fatalf("%d shares from %d bytes", len(shares), len(stub))
			}
			for _, m := range []message{&NetrShareEnumResponse{}, &NetrShareEnumRequest{}} {
				if m.Decode(stub) == nil {
					roundTrip(t, m)
				}
			}
		}
	})
}
