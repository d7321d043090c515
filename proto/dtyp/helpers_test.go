package dtyp

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"
)

var equateEmpty = cmpopts.EquateEmpty()

// unhex decodes hex with spaces, newlines and // comments allowed.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	var clean strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		clean.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(clean.String())
	if err != nil {
		t.Fatalf("bad hex fixture: %v", err)
	}
	return b
}

// checkErr fails unless err is a package error wrapping kind with the
// "dtyp: " prefix.
func checkErr(t testing.TB, err, kind error, context string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %v", context, kind)
	}
	if !errors.Is(err, kind) {
		t.Errorf("%s: %v does not wrap %v", context, err, kind)
	}
	if !strings.HasPrefix(err.Error(), "dtyp: ") {
		t.Errorf("%s: error %q lacks the dtyp: prefix", context, err)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: %T is not *Error", context, err)
	}
}

// domainSID is S-1-5-21-717312990-3403304746-849770945-rid, the domain of
// pysmb's test vectors.
func domainSID(rid uint32) SID {
	return NewSID(5, 21, 717312990, 3403304746, 849770945, rid)
}
