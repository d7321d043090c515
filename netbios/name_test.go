package netbios

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestEncodeNameGolden(t *testing.T) {
	tests := []struct {
		name   string
		suffix byte
		want   string
	}{
		// DESIGN.md / RFC 1001 14.1 vectors.
		{"TESTCLIENT", 0x00, "FEEFFDFEEDEMEJEFEOFECACACACACAAA"},
		{"SERVER", 0x20, "FDEFFCFGEFFCCACACACACACACACACACA"},
		// Lower case is upper-cased before encoding.
		{"server", 0x20, "FDEFFCFGEFFCCACACACACACACACACACA"},
		// The wildcard name is padded with zero bytes (RFC 1002 4.2.18).
		{"*", 0x00, "CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		// *SMBSERVER is an ordinary name, padded with spaces.
		{"*SMBSERVER", 0x20, "CKFDENECFDEFFCFGEFFCCACACACACACA"},
		// Fifteen bytes: no padding.
		{"ABCDEFGHIJKLMNO", 0x1b, "EBECEDEEEFEGEHEIEJEKELEMENEOEPBL"},
	}
	for _, tt := range tests {
		got, err := EncodeName(tt.name, tt.suffix)
		if err != nil {
			t.Fatalf("EncodeName(%q, %#x): %v", tt.name, tt.suffix, err)
		}
		if got != tt.want {
			t.Errorf("EncodeName(%q, %#x) = %s, want %s", tt.name, tt.suffix, got, tt.want)
		}
		name, suffix, err := DecodeName(tt.want)
		if err != nil {
			t.Fatalf("DecodeName(%s): %v", tt.want, err)
		}
		if want := strings.ToUpper(tt.name); name != want || suffix != tt.suffix {
			t.Errorf("DecodeName(%s) = %q, %#x; want %q, %#x", tt.want, name, suffix, want, tt.suffix)
		}
	}
}

func TestEncodeNameErrors(t *testing.T) {
	for _, name := range []string{"", "ABCDEFGHIJKLMNOP", strings.Repeat("x", 100)} {
		if _, err := EncodeName(name, 0); !errors.Is(err, ErrInvalidName) {
			t.Errorf("EncodeName(%q) error = %v, want ErrInvalidName", name, err)
		}
		if b, err := AppendEncodedName([]byte{1}, name, 0, ""); !errors.Is(err, ErrInvalidName) || !bytes.Equal(b, []byte{1}) {
			t.Errorf("AppendEncodedName(%q) = %x, %v; want dst unchanged and ErrInvalidName", name, b, err)
		}
	}
}

func TestDecodeNameErrors(t *testing.T) {
	for _, s := range []string{
		"",
		"FDEFFCFGEFFCCACACACACACACACACAC",   // 31 bytes
		"FDEFFCFGEFFCCACACACACACACACACACAA", // 33 bytes
		"FDEFFCFGEFFCCACACACACACACACACACQ",  // Q is out of range
		"fdeffcfgeffccacacacacacacacacaca",  // lower case is not valid
		"FDEFFCFGEFFCCACACACACACACACACAC@",  // below 'A'
	} {
		if _, _, err := DecodeName(s); !errors.Is(err, ErrInvalidName) {
			t.Errorf("DecodeName(%q) error = %v, want ErrInvalidName", s, err)
		}
	}
}

func TestAppendEncodedName(t *testing.T) {
	got, err := AppendEncodedName([]byte("prefix"), "SERVER", 0x20, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []byte("prefix\x20FDEFFCFGEFFCCACACACACACACACACACA\x00")
	if !bytes.Equal(got, want) {
		t.Errorf("no scope:\n got %q\nwant %q", got, want)
	}
	if n := encodedNameSize(""); n != len(want)-len("prefix") {
		t.Errorf("encodedNameSize(\"\") = %d, want %d", n, len(want)-len("prefix"))
	}

	// RFC 1001 14.1's example scope.
	got, err = AppendEncodedName(nil, "FRED", 0x20, "NETBIOS.COM")
	if err != nil {
		t.Fatal(err)
	}
	want = []byte("\x20EGFCEFEECACACACACACACACACACACACA\x07NETBIOS\x03COM\x00")
	if !bytes.Equal(got, want) {
		t.Errorf("scope:\n got %q\nwant %q", got, want)
	}
	if n := encodedNameSize("NETBIOS.COM"); n != len(want) {
		t.Errorf("encodedNameSize = %d, want %d", n, len(want))
	}

	long63 := strings.Repeat("a", 63)
	if _, err := AppendEncodedName(nil, "X", 0, long63+"."+long63); err != nil {
		t.Errorf("two 63-byte labels: %v", err)
	}
	// 1+32 + 3*(1+63) + 1+20 + 1 = 247; +8 more labels bytes exceeds 255.
	okScope := strings.Join([]string{long63, long63, long63, strings.Repeat("b", 20)}, ".")
	if b, err := AppendEncodedName(nil, "X", 0, okScope); err != nil || len(b) > 255 {
		t.Errorf("scope of %d bytes: len %d, %v", len(okScope), len(b), err)
	}
	for _, scope := range []string{
		".", "a..b", ".a", "a.", strings.Repeat("a", 64),
		okScope + ".cccccccccccccccc",
	} {
		if _, err := AppendEncodedName(nil, "X", 0, scope); !errors.Is(err, ErrInvalidName) {
			t.Errorf("scope %q: error = %v, want ErrInvalidName", scope, err)
		}
	}
}

func FuzzDecodeName(f *testing.F) {
	f.Add("FEEFFDFEEDEMEJEFEOFECACACACACAAA")
	f.Add("CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("CACACACACACACACACACACACACACACACA")
	f.Add("GBGBGBGBGBGBGBGBGBGBGBGBGBGBGBGB")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		name, suffix, err := DecodeName(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidName) {
				t.Fatalf("error %v does not wrap ErrInvalidName", err)
			}
			return
		}
		if len(s) != EncodedNameLen {
			t.Fatalf("decoded a %d-byte string", len(s))
		}
		if len(name) > NameLen-1 {
			t.Fatalf("decoded name %q longer than 15 bytes", name)
		}
		if name == "" {
			return // all padding: not encodable
		}
		// Encoding the decoded name and decoding again is stable, up to
		// the upper-casing of ASCII letters.
		enc, err := EncodeName(name, suffix)
		if err != nil {
			t.Fatalf("EncodeName(%q) of a decoded name: %v", name, err)
		}
		name2, suffix2, err := DecodeName(enc)
		if err != nil {
			t.Fatalf("DecodeName(EncodeName(%q)) = %v", name, err)
		}
		up := []byte(name)
		for i, c := range up {
			up[i] = upperASCII(c)
		}
		if name2 != string(up) || suffix2 != suffix {
			t.Fatalf("round trip %q %#x -> %q %#x", name, suffix, name2, suffix2)
		}
	})
}
