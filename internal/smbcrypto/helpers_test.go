package smbcrypto

import (
	"encoding/hex"
	"strings"
	"testing"
)

// unhex decodes hex that may be split by spaces and newlines, as the
// published vectors are printed.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex in test vector: %v", err)
	}
	return b
}
