package fscc

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sampleEntries() []DirEntry {
	return []DirEntry{
		{FileIndex: 1, Times: Times{1, 2, 3, 4}, EndOfFile: 10, AllocationSize: 4096, FileAttributes: 0x10, ShortName: "", FileID: 7, FileName: "."},
		{FileIndex: 2, Times: Times{5, 6, 7, 8}, EndOfFile: 123456, AllocationSize: 126976, FileAttributes: 0x20, ShortName: "LONGNA~1.TXT", FileID: 99, FileName: "long name with spaces.txt"},
		{FileName: "测试文件夹", FileAttributes: 0x10, FileID: 1 << 40},
	}
}

func TestDirEntriesRoundTrip(t *testing.T) {
	es := sampleEntries()
	buf := AppendDirEntries(nil, es)
	got, err := DirEntries(buf)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(es, got); d != "" {
		t.Fatalf("round trip (-want +got):\n%s", d)
	}
	// Every truncated prefix fails without panicking.
	for i := 0; i < len(buf); i++ {
		if _, err := DirEntries(buf[:i]); err == nil {
			t.Fatalf("prefix %d of %d decoded without error", i, len(buf))
		}
	}
}

func TestDirEntriesRejectsLoopsAndBadOffsets(t *testing.T) {
	buf := AppendDirEntries(nil, sampleEntries()[:2])
	loop := append([]byte(nil), buf...)
	le.PutUint32(loop[0:], 0) // NextEntryOffset 0 marks the last entry: the rest is ignored
	if es, err := DirEntries(loop); err != nil || len(es) != 1 {
		t.Fatalf("NextEntryOffset 0: %d entries, %v", len(es), err)
	}
	back := append([]byte(nil), buf...)
	le.PutUint32(back[0:], 8) // less than an entry: would overlap itself
	if _, err := DirEntries(back); err == nil {
		t.Fatal("NextEntryOffset smaller than an entry accepted")
	}
	far := append([]byte(nil), buf...)
	le.PutUint32(far[0:], 1<<31)
	if _, err := DirEntries(far); err == nil {
		t.Fatal("NextEntryOffset past the buffer accepted")
	}
	odd := append([]byte(nil), buf...)
	le.PutUint32(odd[68:], 0)
	odd[68] = 25
	if _, err := DirEntries(odd); err == nil {
		t.Fatal("ShortNameLength 25 accepted")
	}
}

func TestInfoRoundTrips(t *testing.T) {
	all := AllInformation{
		Basic:       BasicInformation{Times: Times{1, 2, 3, 4}, FileAttributes: 0x20},
		Standard:    StandardInformation{AllocationSize: 8192, EndOfFile: 5000, NumberOfLinks: 1, Directory: false},
		IndexNumber: 42, AccessFlags: 0x1f01ff, Mode: 0, Alignment: 0, Name: `\dir\file.txt`,
	}
	var got AllInformation
	if err := got.Decode(all.Append(nil)); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(all, got); d != "" {
		t.Fatalf("AllInformation (-want +got):\n%s", d)
	}
	b := all.Append(nil)
	for i := 0; i < allInformationFixed; i++ {
		if err := got.Decode(b[:i]); !errors.Is(err, ErrShort) {
			t.Fatalf("prefix %d: %v", i, err)
		}
	}
	no := NetworkOpenInformation{Times: Times{9, 8, 7, 6}, AllocationSize: 1, EndOfFile: 2, FileAttributes: 3}
	var no2 NetworkOpenInformation
	if err := no2.Decode(no.Append(nil)); err != nil || no2 != no {
		t.Fatalf("NetworkOpenInformation: %+v, %v", no2, err)
	}
	rep, name, err := DecodeRenameInformation(AppendRenameInformation(nil, true, `a\新しい.txt`))
	if err != nil || !rep || name != `a\新しい.txt` {
		t.Fatalf("rename info: %v %q %v", rep, name, err)
	}
}

func TestSnapshotArray(t *testing.T) {
	s := SnapshotArray{NumberOfSnapshots: 2, Snapshots: []string{"@GMT-2026.01.01-00.00.00", "@GMT-2026.02.03-04.05.06"}}
	b := s.Append(nil)
	var got SnapshotArray
	if err := got.Decode(b); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(s.Snapshots, got.Snapshots); d != "" || got.NumberOfSnapshots != 2 {
		t.Fatalf("snapshots (-want +got):\n%s", d)
	}
	// The size-only reply a server sends to a too-small buffer.
	var sizeOnly SnapshotArray
	if err := sizeOnly.Decode([]byte{2, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0}); err != nil || sizeOnly.ArraySize != 100 || len(sizeOnly.Snapshots) != 0 {
		t.Fatalf("size-only reply: %+v %v", sizeOnly, err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(AppendDirEntries(nil, sampleEntries()))
	f.Add((&AllInformation{Name: "x"}).Append(nil))
	f.Add((&SnapshotArray{NumberOfSnapshots: 1, Snapshots: []string{"@GMT-2026.01.01-00.00.00"}}).Append(nil))
	f.Add(AppendRenameInformation(nil, false, "n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		DirEntries(b)
		var a AllInformation
		a.Decode(b)
		var n NetworkOpenInformation
		n.Decode(b)
		var s SnapshotArray
		s.Decode(b)
		var st StandardInformation
		st.Decode(b)
		DecodeRenameInformation(b)
	})
}
