package main

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// The two halves are the standard CRC-32C and CRC-32 of "123456789"
// (their published check values), and a sum that misses a swap of two
// chunks, a dropped or repeated chunk, or a flipped bit is no check.
func TestCRCPair(t *testing.T) {
	p := &crcPair{}
	p.Write([]byte("1234"))
	p.Write([]byte("56789"))
	if got, want := hex.EncodeToString(p.Sum(nil)), "e3069283cbf43926"; got != want {
		t.Fatalf("sum of 123456789 = %s, want %s", got, want)
	}

	sum := func(chunks ...[]byte) []byte {
		h := &crcPair{}
		for _, c := range chunks {
			h.Write(c)
		}
		return h.Sum(nil)
	}
	a := bytes.Repeat([]byte("gosmb chunk A "), 100)
	b := bytes.Repeat([]byte("gosmb chunk B "), 100)
	flipped := bytes.Clone(b)
	flipped[17] ^= 4
	want := sum(a, b)
	for name, got := range map[string][]byte{
		"swapped":  sum(b, a),
		"dropped":  sum(a),
		"repeated": sum(a, b, b),
		"flipped":  sum(a, flipped),
	} {
		if bytes.Equal(got, want) {
			t.Errorf("%s: same sum as the original", name)
		}
	}
}
