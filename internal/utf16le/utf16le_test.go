package utf16le

import (
	"bytes"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, s := range []string{"", "a", "share", "测试文件夹", "emoji 😀 end", "ファイル 名前.txt"} {
		b := Append(nil, s)
		if len(b) != Len(s) {
			t.Fatalf("%q: Len %d, encoded %d bytes", s, Len(s), len(b))
		}
		if got := Decode(b); got != s {
			t.Fatalf("round trip %q -> %q", s, got)
		}
	}
	if got := Append(nil, "A"); !bytes.Equal(got, []byte{'A', 0}) {
		t.Fatalf("Append(A) = % x", got)
	}
	if got := Decode([]byte{0x00, 0xD8}); got != "\uFFFD" {
		t.Fatalf("lone surrogate decoded to %q", got)
	}
	if got := Append(nil, "\xff"); !bytes.Equal(got, []byte{0xFD, 0xFF}) {
		t.Fatalf("invalid UTF-8 encoded as % x", got)
	}
}
