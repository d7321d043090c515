package dcerpc

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// message is the method set every PDU and stub codec has.
type message interface {
	Size() int
	Append(dst []byte) ([]byte, error)
	Decode(b []byte) error
}

// fresh returns a new zero value of m's type.
func fresh(m message) message {
	return reflect.New(reflect.TypeOf(m).Elem()).Interface().(message)
}

var equateEmpty = cmpopts.EquateEmpty()

// mustAppend encodes m and checks len(Append(nil)) == Size().
func mustAppend(t *testing.T, m message) []byte {
	t.Helper()
	b, err := m.Append(nil)
	if err != nil {
		t.Fatalf("%T.Append: %v", m, err)
	}
	if len(b) != m.Size() {
		t.Fatalf("%T: len(Append(nil)) = %d, Size() = %d", m, len(b), m.Size())
	}
	return b
}

// checkCodec runs the codec properties on m: Size matches Append, Append
// after a prefix leaves the prefix alone, Decode inverts Append, and every
// truncated prefix fails with ErrShort. It returns the encoding.
func checkCodec(t *testing.T, m message) []byte {
	t.Helper()
	b := mustAppend(t, m)

	prefix := []byte{1, 2, 3, 4, 5}
	b2, err := m.Append(bytes.Clone(prefix))
	if err != nil {
		t.Fatalf("%T.Append(prefix): %v", m, err)
	}
	if !bytes.Equal(b2[:len(prefix)], prefix) {
		t.Fatalf("%T.Append changed the prefix", m)
	}

	got := fresh(m)
	if err := got.Decode(b); err != nil {
		t.Fatalf("%T.Decode(% x): %v", m, b, err)
	}
	if d := cmp.Diff(m, got, equateEmpty); d != "" {
		t.Fatalf("%T round trip (-want +got):\n%s", m, d)
	}
	// Decoding into a value that already holds data gives the same result.
	if err := got.Decode(b); err != nil {
		t.Fatalf("%T.Decode again: %v", m, err)
	}
	if d := cmp.Diff(m, got, equateEmpty); d != "" {
		t.Fatalf("%T second decode (-want +got):\n%s", m, d)
	}
	// The encoding does not depend on what precedes it (PDUs are
	// self-contained; NDR aligns relative to the stub start).
	if !bytes.Equal(b2[len(prefix):], b) {
		t.Fatalf("%T.Append after a 5-byte prefix differs:\n got % x\nwant % x", m, b2[len(prefix):], b)
	}

	for i := 0; i < len(b); i++ {
		err := fresh(m).Decode(b[:i:i])
		if err == nil {
			t.Fatalf("%T.Decode of %d-byte prefix of %d succeeded", m, i, len(b))
		}
		if !errors.Is(err, ErrShort) {
			t.Errorf("%T.Decode of %d-byte prefix: %v does not wrap ErrShort", m, i, err)
		}
	}
	return b
}

// checkShortBody checks that a PDU whose frag_length is cut to n bytes
// fails to decode, for every n from HeaderSize up to the full size: for
// PDUs without a variable tail every field is needed.
func checkShortBody(t *testing.T, m message) {
	t.Helper()
	b := mustAppend(t, m)
	for n := HeaderSize; n < len(b); n++ {
		p := bytes.Clone(b[:n])
		le.PutUint16(p[8:], uint16(n))
		if err := fresh(m).Decode(p); err == nil {
			t.Fatalf("%T.Decode with frag_length cut to %d of %d succeeded", m, n, len(b))
		}
	}
}

// fixture reads testdata/samba-4.17/name: hex PDUs, one per line, with
// '#' comment lines.
func fixture(t testing.TB, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "samba-4.17", name))
	if err != nil {
		t.Fatal(err)
	}
	var pdus [][]byte
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		b, err := hex.DecodeString(line)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pdus = append(pdus, b)
	}
	if len(pdus) == 0 {
		t.Fatalf("%s: no PDUs", name)
	}
	return pdus
}

// unhex decodes hex with spaces, newlines and "//" comments, for fixtures
// written out by hand.
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
		t.Fatalf("unhex: %v", err)
	}
	return b
}

func ptr[T any](v T) *T { return &v }
