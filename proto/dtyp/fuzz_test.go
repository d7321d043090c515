package dtyp

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkDecodeErr fails unless err is one of this package's decode errors.
func checkDecodeErr(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrShort) && !errors.Is(err, ErrMalformed) {
		t.Fatalf("error %v wraps neither ErrShort nor ErrMalformed", err)
	}
	if !strings.HasPrefix(err.Error(), "dtyp: ") {
		t.Fatalf("error %q lacks the dtyp: prefix", err)
	}
}

// FuzzDecodeSecurityDescriptor feeds arbitrary bytes to every decoder. None
// may panic; errors must be this package's. A descriptor that decodes must,
// once encoded, decode again and encode to the same bytes. The committed
// corpus is in testdata/fuzz/FuzzDecodeSecurityDescriptor.
func FuzzDecodeSecurityDescriptor(f *testing.F) {
	f.Add(unhex(f, pysmbRawDescriptor))
	f.Add(unhex(f, pysmbRawACL))
	if b, err := richDescriptor().Append(nil); err == nil {
		f.Add(b)
	}
	f.Add(unhex(f, `01 00 04 80 00000000 00000000 00000000 14000000 02 00 08 00 ff ff 00 00`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The sub-decoders, on the same bytes.
		if _, _, err := DecodeSID(data); err != nil {
			checkDecodeErr(t, err)
		}
		if a, n, err := DecodeACE(data); err != nil {
			checkDecodeErr(t, err)
		} else if n > len(data) || n < minACESize {
			t.Fatalf("DecodeACE used %d of %d bytes", n, len(data))
		} else if _, err := a.Append(nil); err != nil {
			t.Fatalf("decoded ACE does not encode: %v", err)
		}
		if a, n, err := DecodeACL(data); err != nil {
			checkDecodeErr(t, err)
		} else if n > len(data) || n < aclHeaderSize {
			t.Fatalf("DecodeACL used %d of %d bytes", n, len(data))
		} else if b, err := a.Append(nil); err == nil {
			a2, _, err := DecodeACL(b)
			if err != nil {
				t.Fatalf("re-encoded ACL does not decode: %v\n% x", err, b)
			}
			if diff := cmp.Diff(a.ACEs, a2.ACEs, equateEmpty, cmp.FilterPath(additionalData, cmp.Ignore())); diff != "" {
				t.Fatalf("ACL round trip (-first +second):\n%s", diff)
			}
		}

		sd, err := DecodeSecurityDescriptor(data)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		b1, err := sd.Append(nil)
		if err != nil {
			// Possible only when padding a decoded ACE whose AceSize was
			// not a multiple of 4 pushes an ACL past 65535 bytes.
			checkDecodeErr(t, err)
			return
		}
		if len(b1) != sd.Size() {
			t.Fatalf("len(Append) = %d, Size = %d", len(b1), sd.Size())
		}
		sd2, err := DecodeSecurityDescriptor(b1)
		if err != nil {
			t.Fatalf("re-encoded descriptor does not decode: %v\n% x", err, b1)
		}
		b2, err := sd2.Append(nil)
		if err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("encoding not stable: %v\n% x\n% x", err, b1, b2)
		}
	})
}

// additionalData matches ACE.AdditionalData, which a round trip may pad.
func additionalData(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	return ok && sf.Name() == "AdditionalData"
}

// FuzzParseSID checks that ParseSID never panics, rejects with ErrSyntax,
// and that an accepted SID prints in a form that parses back to it and
// survives the binary encoding. The committed corpus is in
// testdata/fuzz/FuzzParseSID.
func FuzzParseSID(f *testing.F) {
	for _, s := range []string{
		"S-1-5-21-717312990-3403304746-849770945-1201", "S-1-0", "S-1-5", "S-1-0x100000003",
		"S-1-0xFFFFFFFFFFFF-1", "S-1-5" + strings.Repeat("-4294967295", 15),
		"S-1-5" + strings.Repeat("-1", 16), "S-1-05", "S-1-4294967296", "s-1-0X5-0", "S--1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, str string) {
		s, err := ParseSID(str)
		if err != nil {
			if !errors.Is(err, ErrSyntax) || !strings.HasPrefix(err.Error(), "dtyp: ") {
				t.Fatalf("ParseSID(%q): bad error %v", str, err)
			}
			return
		}
		if len(s.SubAuthorities) > MaxSubAuthorities || s.Revision != SIDRevision {
			t.Fatalf("ParseSID(%q) = %+v", str, s)
		}
		out := s.String()
		s2, err := ParseSID(out)
		if err != nil || !s2.Equal(s) || s2.String() != out {
			t.Fatalf("ParseSID(%q) = %v; reparse of %q = %v, %v", str, s, out, s2, err)
		}
		if !strings.EqualFold(str, out) && !strings.Contains(strings.ToLower(str), "0x") {
			// Without hex, the decimal form is canonical already.
			t.Fatalf("ParseSID(%q).String() = %q", str, out)
		}
		b, err := s.Append(nil)
		if err != nil || len(b) != s.Size() {
			t.Fatalf("Append: %v", err)
		}
		s3, n, err := DecodeSID(b)
		if err != nil || n != len(b) || !s3.Equal(s) {
			t.Fatalf("binary round trip: %v %d %v", s3, n, err)
		}
	})
}
