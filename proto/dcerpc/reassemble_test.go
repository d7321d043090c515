package dcerpc

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fragments splits stub into response PDUs for call with the given stub
// sizes per fragment (the last takes the rest).
func fragments(t *testing.T, call uint32, stub []byte, sizes ...int) [][]byte {
	t.Helper()
	var pdus [][]byte
	for i := 0; i <= len(sizes); i++ {
		n := len(stub)
		if i < len(sizes) {
			n = sizes[i]
		}
		r := Response{CallID: call, AllocHint: uint32(len(stub)), Stub: stub[:n]}
		if i == 0 {
			r.Flags |= PFCFirstFrag
		}
		if i == len(sizes) {
			r.Flags |= PFCLastFrag
		}
		pdus = append(pdus, mustAppend(t, &r))
		stub = stub[n:]
	}
	return pdus
}

func TestReassembleThreeFragments(t *testing.T) {
	stub := mustAppend(t, &NetrShareEnumResponse{Level: 1, Shares: handShares, TotalEntries: 3, Status: 0})
	// Cut in the middle of fields, not on NDR boundaries.
	pdus := fragments(t, 9, stub, 37, 61)
	if len(pdus) != 3 {
		t.Fatalf("%d fragments", len(pdus))
	}
	r := NewReassembler(9, 0)
	for i, p := range pdus {
		done, err := r.Add(p)
		if err != nil || done != (i == 2) || r.Done() != done {
			t.Fatalf("fragment %d: %v, %v", i, done, err)
		}
	}
	if !bytes.Equal(r.Stub(), stub) {
		t.Fatal("joined stub differs")
	}
	shares, err := DecodeNetrShareEnumResponse(r.Stub())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(handShares, shares); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	// A first fragment with no stub and an empty middle one are fine.
	r = NewReassembler(9, 0)
	for _, p := range fragments(t, 9, stub, 0, 0, 10) {
		if _, err := r.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if !r.Done() || !bytes.Equal(r.Stub(), stub) {
		t.Fatal("empty fragments broke reassembly")
	}
}

func TestReassembleErrors(t *testing.T) {
	stub := bytes.Repeat([]byte{0xAB}, 100)
	pdus := fragments(t, 5, stub, 40, 40)
	joined := bytes.Join(pdus, nil)
	otherCtx := bytes.Clone(pdus[1])
	le.PutUint16(otherCtx[20:], 1)

	tests := []struct {
		name  string
		max   int
		feed  [][]byte
		want  string
		short bool
	}{
		{"wrong call", 0, [][]byte{fragments(t, 6, stub)[0]}, "fragment for call 6, want call 5", false},
		{"no first flag", 0, [][]byte{pdus[1]}, "lacks PFC_FIRST_FRAG", false},
		{"first flag twice", 0, [][]byte{pdus[0], pdus[0]}, "PFC_FIRST_FRAG on a later fragment", false},
		{"after the last", 0, [][]byte{fragments(t, 5, stub)[0], pdus[0]}, "PDU after the last fragment", false},
		{"bytes after the last", 0, [][]byte{append(bytes.Clone(joined), 5, 0)}, "2 bytes after the last fragment", false},
		{"over the cap", 99, [][]byte{joined}, "reply exceeds 99 bytes", false},
		{"other context", 0, [][]byte{pdus[0], otherCtx}, "on context 1", false},
		{"bind_ack", 0, [][]byte{mustAppend(t, &BindAck{CallID: 5})}, "unexpected bind_ack PDU", false},
		{"truncated PDU", 0, [][]byte{pdus[0][:30]}, "frag_length", true},
		{"short body", 0, [][]byte{appendHeader(nil, PacketResponse, PFCFirstLast, HeaderSize, 5)}, "response", true},
		{"short fault", 0, [][]byte{appendHeader(nil, PacketFault, PFCFirstLast, HeaderSize, 5)}, "fault", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReassembler(5, tt.max)
			var err error
			for _, p := range tt.feed {
				if _, err = r.Add(p); err != nil {
					break
				}
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if errors.Is(err, ErrShort) != tt.short {
				t.Fatalf("errors.Is(%v, ErrShort) = %v", err, !tt.short)
			}
			// The error sticks.
			if _, err2 := r.Add(pdus[0]); err2 != err {
				t.Fatalf("after error: %v", err2)
			}
		})
	}

	// Exactly at the cap is fine.
	r := NewReassembler(5, 100)
	if done, err := r.Add(joined); !done || err != nil || len(r.Stub()) != 100 || r.ContextID() != 0 {
		t.Fatalf("at the cap: %v, %v", done, err)
	}
	// A fault after some fragments ends the call.
	r = NewReassembler(5, 0)
	r.Add(pdus[0])
	done, err := r.Add(mustAppend(t, &Fault{CallID: 5, Status: NcaRemoteNoMemory}))
	var fe *FaultError
	if !done || !errors.As(err, &fe) || fe.Status != NcaRemoteNoMemory {
		t.Fatalf("fault mid-reply: %v, %v", done, err)
	}
}

func TestSplitRequest(t *testing.T) {
	stub := make([]byte, 5000)
	for i := range stub {
		stub[i] = byte(i * 7)
	}
	for _, maxFrag := range []int{MinMaxFrag, 2048, DefaultMaxFrag, 5000 + 24, 5000 + 23, 0x10000, 1 << 20} {
		frags, err := SplitRequest(3, 1, OpnumNetrShareEnum, stub, maxFrag)
		if err != nil {
			t.Fatal(err)
		}
		var joined []byte
		for i, f := range frags {
			if len(f) > maxFrag || len(f) > 0xFFFF {
				t.Fatalf("max %d: fragment %d is %d bytes", maxFrag, i, len(f))
			}
			var r Request
			if err := r.Decode(f); err != nil {
				t.Fatal(err)
			}
			wantFlags := PFCFlags(0)
			if i == 0 {
				wantFlags |= PFCFirstFrag
			}
			last := i == len(frags)-1
			if last {
				wantFlags |= PFCLastFrag
			}
			if r.Flags != wantFlags || r.CallID != 3 || r.ContextID != 1 || r.Opnum != OpnumNetrShareEnum {
				t.Fatalf("max %d: fragment %d: %+v", maxFrag, i, r)
			}
			if int(r.AllocHint) != len(stub)-len(joined) {
				t.Fatalf("max %d: fragment %d alloc_hint %d", maxFrag, i, r.AllocHint)
			}
			if !last && len(r.Stub)%8 != 0 {
				t.Fatalf("max %d: fragment %d carries %d stub bytes", maxFrag, i, len(r.Stub))
			}
			joined = append(joined, r.Stub...)
		}
		if !bytes.Equal(joined, stub) {
			t.Fatalf("max %d: joined stub differs", maxFrag)
		}
		if maxFrag == MinMaxFrag && len(frags) != 4 {
			t.Fatalf("%d fragments at %d", len(frags), maxFrag)
		}
		if maxFrag >= 5000+24 && len(frags) != 1 {
			t.Fatalf("%d fragments at %d", len(frags), maxFrag)
		}
	}
	// Fragments smbd accepted (our-split-request.hex).
	want := fixture(t, "our-split-request.hex")[1:]
	frags, err := SplitRequest(2, 0, OpnumNetrShareEnum, EncodeNetrShareEnumRequest("127.0.0.1", 1, MaxPreferredLength), 48)
	if err != nil || !cmp.Equal(frags, want) {
		t.Fatalf("split at 48: %v\n got % x\nwant % x", err, frags, want)
	}

	frags, err = SplitRequest(1, 0, 0, nil, DefaultMaxFrag)
	if err != nil || len(frags) != 1 || len(frags[0]) != 24 || PFCFlags(frags[0][3]) != PFCFirstLast {
		t.Fatalf("empty stub: %v, %v", frags, err)
	}
	if _, err := SplitRequest(1, 0, 0, stub, 31); err == nil {
		t.Fatal("max fragment 31 accepted")
	}
	if frags, err := SplitRequest(1, 0, 0, stub, 32); err != nil || len(frags) != 625 {
		t.Fatalf("max fragment 32: %d, %v", len(frags), err)
	}
}

// TestReassembleHugeAllocHint: alloc_hint is the server's and only a
// hint. One with the top bit set must not size the buffer: as an int it
// is negative on 32-bit platforms (GOARCH=386 panicked in make).
func TestReassembleHugeAllocHint(t *testing.T) {
	for _, hint := range []uint32{0x80000000, 0xFFFFFFFF} {
		r := Response{CallID: 5, Flags: PFCFirstFrag, AllocHint: hint, Stub: []byte{1, 2, 3, 4}}
		last := Response{CallID: 5, Flags: PFCLastFrag, AllocHint: 4, Stub: []byte{5, 6, 7, 8}}
		ra := NewReassembler(5, 0)
		if done, err := ra.Add(mustAppend(t, &r)); done || err != nil {
			t.Fatalf("alloc_hint %#x: first fragment: done %v, %v", hint, done, err)
		}
		if done, err := ra.Add(mustAppend(t, &last)); !done || err != nil {
			t.Fatalf("alloc_hint %#x: last fragment: done %v, %v", hint, done, err)
		}
		if got := ra.Stub(); !bytes.Equal(got, []byte{1, 2, 3, 4, 5, 6, 7, 8}) || cap(got) > maxPrealloc {
			t.Fatalf("alloc_hint %#x: stub %v (cap %d)", hint, got, cap(got))
		}
	}
}
