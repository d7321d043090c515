package smb2

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// message is the method set every body codec has.
type message interface {
	Size() int
	Append(dst []byte) ([]byte, error)
	Decode(body []byte) error
}

// fresh returns a new zero value of m's type.
func fresh(m message) message {
	return reflect.New(reflect.TypeOf(m).Elem()).Interface().(message)
}

// equateEmpty treats nil and empty slices alike; byte slices go through
// bytes.Equal, as element-wise reflection is slow on large payloads.
var equateEmpty = cmp.Options{
	cmp.FilterValues(func(x, y any) bool {
		_, isBytes := x.([]byte)
		return !isBytes
	}, cmpopts.EquateEmpty()),
	cmp.Comparer(bytes.Equal),
}

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
// after an unaligned prefix produces the same bytes, Decode inverts Append,
// and every truncated prefix fails with ErrShort (a prefix missing only the
// final byte may decode when that byte is the one-byte pad an odd
// StructureSize asks for, and must then decode to the same value).
func checkCodec(t *testing.T, m message) []byte {
	t.Helper()
	b := mustAppend(t, m)

	prefix := []byte{1, 2, 3, 4, 5}
	b2, err := m.Append(append([]byte(nil), prefix...))
	if err != nil {
		t.Fatalf("%T.Append(prefix): %v", m, err)
	}
	if !bytes.Equal(b2[:len(prefix)], prefix) || !bytes.Equal(b2[len(prefix):], b) {
		t.Fatalf("%T.Append after a 5-byte prefix differs:\n got % x\nwant % x", m, b2[len(prefix):], b)
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

	for i := 0; i < len(b); i++ {
		// Large bodies: every prefix near both ends, a sample in between.
		if len(b) > 4096 && i > 1024 && i < len(b)-1024 && i%97 != 0 {
			continue
		}
		p := fresh(m)
		err := p.Decode(b[:i:i])
		if err == nil {
			if i == len(b)-1 && b[i] == 0 {
				if d := cmp.Diff(m, p, equateEmpty); d != "" {
					t.Fatalf("%T: prefix without the pad byte decodes differently (-want +got):\n%s", m, d)
				}
				continue
			}
			t.Fatalf("%T.Decode of %d-byte prefix of %d succeeded", m, i, len(b))
		}
		if !errors.Is(err, ErrShort) {
			t.Errorf("%T.Decode of %d-byte prefix: %v does not wrap ErrShort", m, i, err)
		}
		if !strings.HasPrefix(err.Error(), "smb2: ") {
			t.Errorf("%T.Decode error %q lacks the smb2: prefix", m, err)
		}
	}
	return b
}

// unhex decodes hex with spaces, newlines and // comments allowed.
func unhex(t *testing.T, s string) []byte {
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
		t.Fatalf("bad fixture: %v", err)
	}
	return b
}

// checkFixture checks that m encodes to want exactly and that want decodes
// back to m.
func checkFixture(t *testing.T, m message, want []byte) {
	t.Helper()
	got := mustAppend(t, m)
	if !bytes.Equal(got, want) {
		t.Errorf("%T encoding:\n got % x\nwant % x", m, got, want)
	}
	d := fresh(m)
	if err := d.Decode(want); err != nil {
		t.Fatalf("%T.Decode(fixture): %v", m, err)
	}
	if diff := cmp.Diff(m, d, equateEmpty); diff != "" {
		t.Errorf("%T fixture decode (-want +got):\n%s", m, diff)
	}
}

func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 1)
	}
	return b
}

func guid(b byte) (g [16]byte) {
	for i := range g {
		g[i] = b + byte(i)
	}
	return g
}
