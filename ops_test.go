package gosmb_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/ops"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"golang.org/x/sync/errgroup"
)

// fixture is the tree pysmb's online tests expect, built on the share's
// disk by the test itself.
type fixture struct {
	bigName string // a file of known size and hash
	bigData []byte
}

const (
	longFolder    = "Test Folder with Long Name"
	unicodeFolder = "测试文件夹"
	unicodeFile   = "ファイル 名前.txt"
	manyFolder    = "many"
	manyCount     = 999
)

func buildFixture(t *testing.T, dir string) fixture {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	big := make([]byte, 158437) // the size of pysmb's rfc1001.txt fixture
	for i := range big {
		big[i] = byte(r.UintN(256))
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "rfc1001.txt"), big, 0o644))
	must(os.MkdirAll(filepath.Join(dir, longFolder), 0o755))
	must(os.WriteFile(filepath.Join(dir, longFolder, "TestFile.txt"), []byte("hello"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "TestFile.txt"), []byte("top level"), 0o644))
	must(os.MkdirAll(filepath.Join(dir, unicodeFolder), 0o755))
	must(os.WriteFile(filepath.Join(dir, unicodeFolder, unicodeFile), []byte("unicode"), 0o644))
	must(os.MkdirAll(filepath.Join(dir, manyFolder), 0o755))
	for i := 0; i < manyCount; i++ {
		must(os.WriteFile(filepath.Join(dir, manyFolder, fmt.Sprintf("f%04d.dat", i)), []byte{byte(i)}, 0o644))
	}
	return fixture{bigName: "rfc1001.txt", bigData: big}
}

func names(fs []gosmb.SharedFile) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	sort.Strings(out)
	return out
}

func opsSetup(t *testing.T) (*gosmb.Client, *sambatest.Server, fixture, context.Context) {
	srv := sambatest.Start(t, sambatest.Config{})
	fx := buildFixture(t, srv.ShareDir)
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c, srv, fx, ctx
}

func TestListPath(t *testing.T) {
	c, srv, _, ctx := opsSetup(t)
	all, err := c.ListPath(ctx, srv.Share, "/", 0, "*").Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := names(all)
	for _, want := range []string{".", "..", "rfc1001.txt", longFolder, unicodeFolder, "TestFile.txt", manyFolder} {
		if !contains(got, want) {
			t.Errorf("listing of / lacks %q: %q", want, got)
		}
	}
	for _, f := range all {
		if f.Name == "rfc1001.txt" && (f.Size != 158437 || f.IsDirectory() || f.LastWriteTime.IsZero()) {
			t.Errorf("rfc1001.txt: size %d dir %v mtime %v", f.Size, f.IsDirectory(), f.LastWriteTime)
		}
		if f.Name == longFolder && !f.IsDirectory() {
			t.Errorf("%q is not a directory", longFolder)
		}
	}
	for _, tc := range []struct {
		pattern string
		want    int
	}{{"Test*", 2}, {"*件夹", 1}, {"*.abc", 0}} {
		got, err := c.ListPath(ctx, srv.Share, "/", 0, tc.pattern).Wait(ctx)
		if err != nil {
			t.Fatalf("pattern %q: %v", tc.pattern, err)
		}
		if len(got) != tc.want {
			t.Errorf("pattern %q: %d entries %q, want %d", tc.pattern, len(got), names(got), tc.want)
		}
	}
	// pysmb's search filters: directories only, files only.
	dirs, err := c.ListPath(ctx, srv.Share, "/", gosmb.AttrDirectory, "*").Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range dirs {
		if !f.IsDirectory() {
			t.Errorf("directory-only search returned file %q", f.Name)
		}
	}
	files, err := c.ListPath(ctx, srv.Share, longFolder, gosmb.AttrReadonly|gosmb.AttrHidden|gosmb.AttrSystem|gosmb.AttrArchive|gosmb.SearchInclNormal, "*").Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("file-only search found nothing")
	}
	for _, f := range files {
		if f.IsDirectory() {
			t.Errorf("file-only search returned directory %q", f.Name)
		}
	}
	// A directory of 999 files comes back whole (it takes several pages
	// with a small buffer, one with ours; either way all of them).
	many, err := c.ListPath(ctx, srv.Share, manyFolder, 0, "*").Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(many) != manyCount+2 {
		t.Fatalf("listing of %s: %d entries, want %d plus . and ..", manyFolder, len(many), manyCount)
	}
	// Unicode folder with a backslash path.
	uni, err := c.ListPath(ctx, srv.Share, `\`+unicodeFolder, 0, "*.txt").Wait(ctx)
	if err != nil || len(uni) != 1 || uni[0].Name != unicodeFile {
		t.Fatalf("listing %s: %q, %v", unicodeFolder, names(uni), err)
	}
	_, err = c.ListPath(ctx, srv.Share, "no/such/dir", 0, "*").Wait(ctx)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("listing a missing directory: %v, want fs.ErrNotExist", err)
	}
}

func TestListLargeDirectoryPages(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	dir := filepath.Join(srv.ShareDir, "big")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const n = 10000
	for i := 0; i < n; i++ {
		// Long names so the listing spans several 1 MiB pages? 10,000
		// entries of ~200 bytes is ~2 MiB: at least two pages.
		name := fmt.Sprintf("%05d-%s.txt", i, strings.Repeat("x", 40))
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	got, err := c.ListPath(ctx, srv.Share, "big", 0, "*").Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n+2 {
		t.Fatalf("%d entries, want %d", len(got), n+2)
	}
	seen := map[string]bool{}
	for _, f := range got {
		if seen[f.Name] {
			t.Fatalf("%q listed twice", f.Name)
		}
		seen[f.Name] = true
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestRetrieveOffsetMatrix(t *testing.T) {
	c, srv, fx, ctx := opsSetup(t)
	var buf bytes.Buffer
	res, err := c.RetrieveFile(ctx, srv.Share, "/"+fx.bigName, &buf).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Bytes != int64(len(fx.bigData)) || sha256.Sum256(buf.Bytes()) != sha256.Sum256(fx.bigData) {
		t.Fatalf("retrieved %d bytes with a different hash", res.Bytes)
	}
	if res.Attributes&gosmb.AttrDirectory != 0 {
		t.Fatalf("attributes %#x", res.Attributes)
	}
	size := int64(len(fx.bigData))
	for _, tc := range []struct{ off, length, want int64 }{
		{100000, -1, size - 100000},
		{100000, 100000, size - 100000}, // less than asked: the file ends first
		{100000, 10, 10},
		{100000, 0, 0},
	} {
		var b bytes.Buffer
		res, err := c.RetrieveFileFromOffset(ctx, srv.Share, fx.bigName, &b, tc.off, tc.length).Wait(ctx)
		if err != nil {
			t.Fatalf("offset %d length %d: %v", tc.off, tc.length, err)
		}
		if res.Bytes != tc.want || !bytes.Equal(b.Bytes(), fx.bigData[tc.off:tc.off+tc.want]) {
			t.Fatalf("offset %d length %d: %d bytes, want %d matching the file", tc.off, tc.length, res.Bytes, tc.want)
		}
	}
	_, err = c.RetrieveFile(ctx, srv.Share, "missing.txt", &buf).Wait(ctx)
	var se *gosmb.StatusError
	if !errors.As(err, &se) || se.Status != ntstatus.ObjectNameNotFound || !errors.Is(err, fs.ErrNotExist) || se.Path != "missing.txt" {
		t.Fatalf("retrieving a missing file: %v", err)
	}
}

// TestRetrieveAcrossTheFirstChunk: the first READ rides in a CREATE+READ+
// CLOSE compound; what does not fit it is read through a second open.
func TestRetrieveAcrossTheFirstChunk(t *testing.T) {
	c, srv, _, ctx := opsSetup(t)
	const chunk = 1 << 20 // the default Transfer.ChunkSize
	files := map[string][]byte{}
	for name, size := range map[string]int{"exact.bin": chunk, "bigger.bin": 2*chunk + chunk/2 + 123, "victim.bin": 3 * chunk, "other.bin": 3 * chunk,
		"large.bin": 20*chunk + 77} {
		data := make([]byte, size)
		rand.NewChaCha8([32]byte{byte(size), byte(len(name))}).Read(data)
		writeLocal(t, filepath.Join(srv.ShareDir, name), data)
		files[name] = data
	}
	for _, tc := range []struct {
		name        string
		off, length int64
	}{
		{"exact.bin", 0, -1},
		{"bigger.bin", 0, -1},
		{"bigger.bin", chunk - 10, 100},
		{"bigger.bin", 0, chunk + 1},
		{"bigger.bin", 5, -1},
		{"large.bin", 0, -1},                  // more than one window of chunks, and a tail
		{"large.bin", 3*chunk - 3, 2 * chunk}, // across chunk boundaries
	} {
		data := files[tc.name]
		want := data[tc.off:]
		if tc.length >= 0 {
			want = want[:tc.length]
		}
		var b bytes.Buffer
		var seen int64
		res, err := c.RetrieveFileFromOffset(ctx, srv.Share, tc.name, &b, tc.off, tc.length, gosmb.WithProgress(func(n int64) { seen = n })).Wait(ctx)
		if err != nil || res.Bytes != int64(len(want)) || !bytes.Equal(b.Bytes(), want) || seen != res.Bytes {
			t.Fatalf("%s from %d, %d bytes: got %d (progress %d), %v; want %d matching the file", tc.name, tc.off, tc.length, res.Bytes, seen, err, len(want))
		}
	}

	// Another file takes the name after the first chunk: the download
	// fails instead of splicing two files together.
	var b bytes.Buffer
	replaced := false
	res, err := c.RetrieveFile(ctx, srv.Share, "victim.bin", &b, gosmb.WithProgress(func(n int64) {
		if !replaced {
			replaced = true
			if err := os.Rename(filepath.Join(srv.ShareDir, "other.bin"), filepath.Join(srv.ShareDir, "victim.bin")); err != nil {
				t.Error(err)
			}
		}
	})).Wait(ctx)
	if !errors.Is(err, gosmb.ErrFileReplaced) || res.Bytes != chunk || !bytes.Equal(b.Bytes(), files["victim.bin"][:chunk]) {
		t.Fatalf("download of a file replaced midway: %d bytes, %v; want the first %d and ErrFileReplaced", res.Bytes, err, chunk)
	}
}

func TestStoreAndReadBack(t *testing.T) {
	c, srv, _, ctx := opsSetup(t)
	for _, name := range []string{
		strings.Repeat("long name ", 20) + ".bin",
		unicodeFolder + "/新しいファイル.txt",
		longFolder + "/sub file with spaces.txt",
	} {
		data := []byte("content of " + name)
		n, err := c.StoreFile(ctx, srv.Share, name, bytes.NewReader(data)).Wait(ctx)
		if err != nil || n != int64(len(data)) {
			t.Fatalf("store %q: %d, %v", name, n, err)
		}
		var b bytes.Buffer
		if _, err := c.RetrieveFile(ctx, srv.Share, name, &b).Wait(ctx); err != nil || !bytes.Equal(b.Bytes(), data) {
			t.Fatalf("read back %q: %q, %v", name, b.Bytes(), err)
		}
		local, err := os.ReadFile(filepath.Join(srv.ShareDir, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(local, data) {
			t.Fatalf("on disk %q: %q, %v", name, local, err)
		}
	}
}

// Uploads of every size around the boundaries that change how they go
// out: one WRITE behind the CREATE (up to 64 KiB), the first read of a
// larger source (1 MiB), and the WRITE chunk (4 MiB by default), from a
// reader that hands out a few bytes at a time; and a source that fails
// midway, which must fail the upload.
func TestStoreSizesAroundTheChunks(t *testing.T) {
	c, srv, _, ctx := opsSetup(t)
	const first = 1 << 20
	chunk := ops.DefaultWriteChunk
	sizes := []int{0, 1, 64 << 10, 64<<10 + 1, first - 1, first, first + 1,
		chunk - 1, chunk, chunk + 1, 2*chunk + first + 7}
	src := make([]byte, sizes[len(sizes)-1])
	rand.NewChaCha8([32]byte{7}).Read(src)
	for _, size := range sizes {
		name := fmt.Sprintf("sized-%d.bin", size)
		r := iotest.HalfReader(bytes.NewReader(src[:size]))
		n, err := c.StoreFile(ctx, srv.Share, name, r).Wait(ctx)
		if err != nil || n != int64(size) {
			t.Fatalf("store %d bytes: %d, %v", size, n, err)
		}
		if got := readLocal(t, srv.ShareDir, name); !bytes.Equal(got, src[:size]) {
			t.Fatalf("store %d bytes: the file on the share has %d bytes and differs", size, len(got))
		}
	}
	// A connection window smaller than a WRITE chunk plus the head an
	// upload reads first: the upload must not wait on its own share.
	small := dial(t, srv, gosmb.Options{Transfer: opsOptions(0, 0, 2<<20)})
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for _, size := range []int{100 << 10, 3<<20 + 1} {
		if n, err := small.StoreFile(sctx, srv.Share, "narrow.bin", bytes.NewReader(src[:size])).Wait(sctx); err != nil || n != int64(size) {
			t.Fatalf("store %d bytes with a 2 MiB connection window: %d, %v", size, n, err)
		}
	}
	// Uploads whose sources stall while their first chunk is being read
	// hold only that first read's share of the window (1 MiB), not a whole
	// WRITE chunk: with an 8 MiB window and three of them stalled, a fourth
	// upload still goes through.
	narrow := dial(t, srv, gosmb.Options{Transfer: opsOptions(0, 0, 8<<20)})
	resume := make(chan struct{})
	var stalled []*future.Future[int64]
	for i := range 3 {
		r := io.MultiReader(bytes.NewReader(src[:100<<10]), waitReader(resume))
		stalled = append(stalled, narrow.StoreFile(ctx, srv.Share, fmt.Sprintf("stalled-%d.bin", i), r))
	}
	time.Sleep(200 * time.Millisecond) // let them reach their first reads
	if n, err := narrow.StoreFile(sctx, srv.Share, "beside.bin", bytes.NewReader(src[:3<<20])).Wait(sctx); err != nil || n != 3<<20 {
		t.Fatalf("upload beside three stalled ones: %d, %v", n, err)
	}
	close(resume)
	for i, f := range stalled {
		if n, err := f.Wait(ctx); err != nil || n != 100<<10 {
			t.Fatalf("stalled upload %d once resumed: %d, %v", i, n, err)
		}
	}
	boom := errors.New("source failed")
	for _, at := range []int{100 << 10, first + 5, chunk + 5} {
		r := io.MultiReader(bytes.NewReader(src[:at]), iotest.ErrReader(boom))
		n, err := c.StoreFile(ctx, srv.Share, "broken.bin", r).Wait(ctx)
		if !errors.Is(err, boom) {
			t.Fatalf("source failing after %d bytes: upload returned %d, %v; want its error", at, n, err)
		}
	}
}

// waitReader blocks until resume is closed, then reports the end.
type waitReader chan struct{}

func (w waitReader) Read([]byte) (int, error) { <-w; return 0, io.EOF }

func TestStoreFileFromOffset(t *testing.T) {
	c, srv, _, ctx := opsSetup(t)
	if _, err := c.StoreFile(ctx, srv.Share, "digits.txt", strings.NewReader("0123456789")).Wait(ctx); err != nil {
		t.Fatal(err)
	}
	next, err := c.StoreFileFromOffset(ctx, srv.Share, "digits.txt", strings.NewReader("aa"), 5, false).Wait(ctx)
	if err != nil || next != 7 {
		t.Fatalf("storeFileFromOffset: next offset %d, %v; want 7", next, err)
	}
	if got := readLocal(t, srv.ShareDir, "digits.txt"); string(got) != "01234aa789" {
		t.Fatalf("after writing aa at 5: %q, want 01234aa789", got)
	}
	if _, err := c.StoreFileFromOffset(ctx, srv.Share, "digits.txt", strings.NewReader("bb"), 2, true).Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if got := readLocal(t, srv.ShareDir, "digits.txt"); string(got) != "\x00\x00bb" {
		t.Fatalf("after truncate and bb at 2: %q", got)
	}
	// StoreFile truncates.
	if _, err := c.StoreFile(ctx, srv.Share, "digits.txt", strings.NewReader("x")).Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if got := readLocal(t, srv.ShareDir, "digits.txt"); string(got) != "x" {
		t.Fatalf("StoreFile did not truncate: %q", got)
	}
}

func TestDirectoriesRenameDelete(t *testing.T) {
	c, srv, _, ctx := opsSetup(t)
	wait := func(f interface {
		Wait(context.Context) (struct{}, error)
	}) error {
		_, err := f.Wait(ctx)
		return err
	}
	if err := wait(c.CreateDirectory(ctx, srv.Share, "newdir")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(srv.ShareDir, "newdir")); err != nil || !st.IsDir() {
		t.Fatalf("mkdir did not create a directory: %v", err)
	}
	if err := wait(c.CreateDirectory(ctx, srv.Share, "newdir")); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("mkdir of an existing directory: %v, want fs.ErrExist", err)
	}
	os.WriteFile(filepath.Join(srv.ShareDir, "newdir", "f"), []byte("x"), 0o644)
	err := wait(c.DeleteDirectory(ctx, srv.Share, "newdir"))
	var se *gosmb.StatusError
	if !errors.As(err, &se) || se.Status != ntstatus.DirectoryNotEmpty {
		t.Fatalf("rmdir of a non-empty directory: %v, want STATUS_DIRECTORY_NOT_EMPTY", err)
	}
	os.Remove(filepath.Join(srv.ShareDir, "newdir", "f"))
	if err := wait(c.DeleteDirectory(ctx, srv.Share, "newdir")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(srv.ShareDir, "newdir")); !os.IsNotExist(err) {
		t.Fatal("rmdir left the directory")
	}

	// Rename a file and a folder.
	os.WriteFile(filepath.Join(srv.ShareDir, "a.txt"), []byte("A"), 0o644)
	os.WriteFile(filepath.Join(srv.ShareDir, "b.txt"), []byte("B"), 0o644)
	if err := wait(c.Rename(ctx, srv.Share, "a.txt", "b.txt")); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("rename onto an existing file without replace: %v, want fs.ErrExist", err)
	}
	if err := wait(c.Rename(ctx, srv.Share, "a.txt", "b.txt", gosmb.WithReplace())); err != nil {
		t.Fatal(err)
	}
	if got := readLocal(t, srv.ShareDir, "b.txt"); string(got) != "A" {
		t.Fatalf("after rename with replace b.txt holds %q", got)
	}
	if err := wait(c.Rename(ctx, srv.Share, longFolder, "Renamed Folder")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(srv.ShareDir, "Renamed Folder", "TestFile.txt")); err != nil {
		t.Fatalf("renamed folder: %v", err)
	}

	// deleteFiles with patterns, pysmb's test: aa*.txt, aaTest.* with and
	// without deleting matching folders.
	for _, f := range []string{"aa1.txt", "aa2.txt", "ab.txt", "aaTest.doc"} {
		os.WriteFile(filepath.Join(srv.ShareDir, f), nil, 0o644)
	}
	os.MkdirAll(filepath.Join(srv.ShareDir, "aaTest.dir", "child"), 0o755)
	os.WriteFile(filepath.Join(srv.ShareDir, "aaTest.dir", "child", "x"), nil, 0o644)
	if err := wait(c.DeleteFiles(ctx, srv.Share, "aa*.txt", false)); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{"aa1.txt": false, "aa2.txt": false, "ab.txt": true} {
		if _, err := os.Stat(filepath.Join(srv.ShareDir, f)); (err == nil) != want {
			t.Fatalf("after deleteFiles aa*.txt, %s exists=%v", f, err == nil)
		}
	}
	if err := wait(c.DeleteFiles(ctx, srv.Share, "/aaTest.*", false)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(srv.ShareDir, "aaTest.dir")); err != nil {
		t.Fatal("deleteFiles without deleteMatchingFolders removed a folder")
	}
	if _, err := os.Stat(filepath.Join(srv.ShareDir, "aaTest.doc")); err == nil {
		t.Fatal("aaTest.doc survived")
	}
	if err := wait(c.DeleteFiles(ctx, srv.Share, "aaTest.*", true)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(srv.ShareDir, "aaTest.dir")); !os.IsNotExist(err) {
		t.Fatal("deleteFiles with deleteMatchingFolders left the folder")
	}
	if err := wait(c.DeleteFiles(ctx, srv.Share, "nothing-here.txt", false)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("deleting a missing file: %v", err)
	}
}

func TestGetAttributesAndReset(t *testing.T) {
	c, srv, fx, ctx := opsSetup(t)
	a, err := c.GetAttributes(ctx, srv.Share, fx.bigName).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(srv.ShareDir, fx.bigName))
	if a.Size != 158437 || a.IsDirectory() || a.Name != fx.bigName || !a.LastWriteTime.Equal(st.ModTime().Truncate(100*time.Nanosecond)) {
		t.Fatalf("attributes %+v; local mtime %v", a, st.ModTime())
	}
	// The same file seen through a directory listing: every field agrees,
	// the on-disk file ID included.
	ls, err := c.ListPath(ctx, srv.Share, "/", 0, fx.bigName).Wait(ctx)
	if err != nil || len(ls) != 1 {
		t.Fatalf("listing %s: %v %v", fx.bigName, ls, err)
	}
	if a.FileID == 0 || a.FileID != ls[0].FileID || a.AllocSize != ls[0].AllocSize || a.Attributes != ls[0].Attributes ||
		!a.CreateTime.Equal(ls[0].CreateTime) || !a.ChangeTime.Equal(ls[0].ChangeTime) || !a.LastWriteTime.Equal(ls[0].LastWriteTime) {
		t.Fatalf("GetAttributes %+v\nListPath      %+v", a, ls[0])
	}
	d, err := c.GetAttributes(ctx, srv.Share, longFolder).Wait(ctx)
	if err != nil || !d.IsDirectory() {
		t.Fatalf("folder attributes %+v %v", d, err)
	}
	if _, err := c.ResetFileAttributes(ctx, srv.Share, fx.bigName, gosmb.AttrReadonly).Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if a, _ := c.GetAttributes(ctx, srv.Share, fx.bigName).Wait(ctx); !a.IsReadOnly() {
		t.Fatalf("after setting read-only: %#x", a.Attributes)
	}
	if _, err := c.ResetFileAttributes(ctx, srv.Share, "rfc*.txt", 0).Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if a, _ := c.GetAttributes(ctx, srv.Share, fx.bigName).Wait(ctx); a.IsReadOnly() {
		t.Fatalf("after reset: %#x", a.Attributes)
	}
	if _, err := c.GetAttributes(ctx, srv.Share, "nope").Wait(ctx); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("attributes of a missing file: %v", err)
	}
}

// TestConcurrentOperations runs 200 operations at once on one connection.
func TestConcurrentOperations(t *testing.T) {
	c, srv, fx, ctx := opsSetup(t)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch i % 5 {
			case 0:
				var b bytes.Buffer
				_, err = c.RetrieveFileFromOffset(ctx, srv.Share, fx.bigName, &b, int64(i*100), 1000).Wait(ctx)
				if err == nil && !bytes.Equal(b.Bytes(), fx.bigData[i*100:i*100+1000]) {
					err = fmt.Errorf("retrieve %d: wrong bytes", i)
				}
			case 1:
				name := fmt.Sprintf("conc-%d.txt", i)
				data := []byte(strings.Repeat(name, 100))
				if _, err = c.StoreFile(ctx, srv.Share, name, bytes.NewReader(data)).Wait(ctx); err == nil {
					var b bytes.Buffer
					_, err = c.RetrieveFile(ctx, srv.Share, name, &b).Wait(ctx)
					if err == nil && !bytes.Equal(b.Bytes(), data) {
						err = fmt.Errorf("store/retrieve %d: wrong bytes", i)
					}
				}
			case 2:
				var fs []gosmb.SharedFile
				fs, err = c.ListPath(ctx, srv.Share, manyFolder, 0, "*").Wait(ctx)
				if err == nil && len(fs) != manyCount+2 {
					err = fmt.Errorf("list %d: %d entries", i, len(fs))
				}
			case 3:
				var a gosmb.SharedFile
				a, err = c.GetAttributes(ctx, srv.Share, fmt.Sprintf("%s/f%04d.dat", manyFolder, i)).Wait(ctx)
				if err == nil && a.Size != 1 {
					err = fmt.Errorf("stat %d: size %d", i, a.Size)
				}
			case 4:
				dir := fmt.Sprintf("cdir-%d", i)
				if _, err = c.CreateDirectory(ctx, srv.Share, dir).Wait(ctx); err == nil {
					_, err = c.DeleteDirectory(ctx, srv.Share, dir).Wait(ctx)
				}
			}
			errs <- err
		}()
	}
	waitNoErr(t, &wg, errs)
}

// TestConcurrentTransfersShareTheWindow: 16 downloads and 16 uploads of
// 4 MiB at once on one connection with a connection window smaller than
// their sum: all complete with the right bytes.
func TestConcurrentTransfersShareTheWindow(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for i := 0; i < 16; i++ {
		os.WriteFile(filepath.Join(srv.ShareDir, fmt.Sprintf("src-%d", i)), data, 0o644)
	}
	c := dial(t, srv, gosmb.Options{Transfer: opsOptions(256<<10, 2<<20, 3<<20)})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 16; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- retrieveEqual(ctx, c, srv.Share, fmt.Sprintf("src-%d", i), data)
		}()
		go func() {
			defer wg.Done()
			_, err := c.StoreFile(ctx, srv.Share, fmt.Sprintf("dst-%d", i), bytes.NewReader(data)).Wait(ctx)
			errs <- err
		}()
	}
	waitNoErr(t, &wg, errs)
	for i := 0; i < 16; i++ {
		if got := readLocal(t, srv.ShareDir, fmt.Sprintf("dst-%d", i)); !bytes.Equal(got, data) {
			t.Fatalf("upload %d: wrong bytes on disk", i)
		}
	}
}

// TestConnectionPool: Options.Connections opens that many connections
// (each authenticated) and concurrent operations all succeed across them.
func TestConnectionPool(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	var mu sync.Mutex
	dials := 0
	opts := gosmb.Options{Connections: 4, Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		dials++
		mu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	c := dial(t, srv, opts)
	if dials != 4 {
		t.Fatalf("%d connections dialled, want 4", dials)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("pool-%d.txt", i)
			data := []byte(strings.Repeat(name, 50))
			_, err := c.StoreFile(ctx, srv.Share, name, bytes.NewReader(data)).Wait(ctx)
			if err == nil {
				var b bytes.Buffer
				_, err = c.RetrieveFile(ctx, srv.Share, name, &b).Wait(ctx)
				if err == nil && !bytes.Equal(b.Bytes(), data) {
					err = fmt.Errorf("%s: wrong bytes", name)
				}
			}
			errs <- err
		}()
	}
	waitNoErr(t, &wg, errs)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

// countingConn counts the bytes read from it.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	k, err := c.Conn.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// TestPoolSpreadsABurst: downloads started all at once, before any has
// sent a request, go one to each connection of a pool.
func TestPoolSpreadsABurst(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	const conns, size = 3, 32 << 20
	for i := range conns {
		writeLocal(t, filepath.Join(srv.ShareDir, fmt.Sprintf("burst-%d", i)), make([]byte, size))
	}
	var mu sync.Mutex
	var counts []*atomic.Int64
	c := dial(t, srv, gosmb.Options{Connections: conns, Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		nc, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		n := new(atomic.Int64)
		mu.Lock()
		counts = append(counts, n)
		mu.Unlock()
		return countingConn{nc, n}, nil
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	before := make([]int64, len(counts))
	for i, n := range counts {
		before[i] = n.Load()
	}
	var futs []future.Waiter
	for i := range conns {
		futs = append(futs, c.RetrieveFile(ctx, srv.Share, fmt.Sprintf("burst-%d", i), io.Discard))
	}
	if err := future.WaitAll(ctx, futs...); err != nil {
		t.Fatal(err)
	}
	for i, n := range counts {
		if got := n.Load() - before[i]; got < size/2 {
			t.Errorf("connection %d carried %d MiB of the %d files of %d MiB started at once; want about one file each", i, got>>20, conns, size>>20)
		}
	}
}

// TestPoolAvoidsADeadConnection: when one connection of a pool dies (here
// its TCP stream is cut), later operations go to the live ones; a dead
// connection, having no requests outstanding, used to get them all.
func TestPoolAvoidsADeadConnection(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	writeLocal(t, filepath.Join(srv.ShareDir, "a.txt"), []byte("a"))
	var mu sync.Mutex
	var conns []net.Conn
	c := dial(t, srv, gosmb.Options{Connections: 3, Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		nc, err := d.DialContext(ctx, network, addr)
		mu.Lock()
		conns = append(conns, nc)
		mu.Unlock()
		return nc, err
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mu.Lock()
	conns[1].Close()
	mu.Unlock()
	// Its reader sees the closed socket at once; give it time to.
	time.Sleep(300 * time.Millisecond)
	// Many at once, so that the live connections have requests
	// outstanding: the dead one, with none, must still not get any.
	var g errgroup.Group
	for range 60 {
		g.Go(func() error {
			_, err := c.GetAttributes(ctx, srv.Share, "a.txt").Wait(ctx)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("operations after one of three connections died: %v", err)
	}
}

// A file in a folder that cannot be deleted does not stop the rest of the
// folder from being deleted; the failure is reported and the folder stays.
func TestDeleteTreeGoesOnPastAFailure(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := filepath.Join(srv.ShareDir, "tree", "t")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	es, err := c.ListPath(ctx, srv.Share, "tree/t", 0, "f*").Wait(ctx)
	if err != nil || len(es) != 20 {
		t.Fatalf("list: %d entries, %v", len(es), err)
	}
	stuck := es[len(es)/3].Name // early in the server's order
	if _, err := c.ResetFileAttributes(ctx, srv.Share, "tree/t/"+stuck, gosmb.AttrReadonly).Wait(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteFiles(ctx, srv.Share, "tree/t", true).Wait(ctx)
	var se *gosmb.StatusError
	if !errors.As(err, &se) || se.Status != ntstatus.CannotDelete {
		t.Fatalf("DeleteFiles with a read-only file inside: %v, want STATUS_CANNOT_DELETE", err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 1 || left[0].Name() != stuck {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Fatalf("left in the folder: %q, want only %q", names, stuck)
	}
}

func TestDeleteFilesOnADirectoryName(t *testing.T) {
	c, srv, _, ctx := opsSetup(t)
	_, err := c.DeleteFiles(ctx, srv.Share, longFolder, false).Wait(ctx)
	var se *gosmb.StatusError
	if !errors.As(err, &se) || se.Status != ntstatus.FileIsADirectory {
		t.Fatalf("DeleteFiles on a folder name without deleteMatchingFolders: %v, want STATUS_FILE_IS_A_DIRECTORY", err)
	}
	if _, err := os.Stat(filepath.Join(srv.ShareDir, longFolder)); err != nil {
		t.Fatal("the folder was removed")
	}
}

// TestCancelledTransfersCloseTheirHandles cancels downloads and uploads
// mid-transfer: the server must be left with no open handle on them.
func TestCancelledTransfersCloseTheirHandles(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	big := make([]byte, 32<<20)
	os.WriteFile(filepath.Join(srv.ShareDir, "big.bin"), big, 0o644)
	c := dial(t, srv, gosmb.Options{Transfer: opsOptions(256<<10, 1<<20, 0)})
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(5+i*10)*time.Millisecond)
			defer cancel()
			c.RetrieveFile(ctx, srv.Share, "big.bin", slowWriter{}).Wait(context.Background())
		}()
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(5+i*10)*time.Millisecond)
			defer cancel()
			c.StoreFile(ctx, srv.Share, fmt.Sprintf("up%d.bin", i), slowReader{}).Wait(context.Background())
		}()
	}
	wg.Wait()
	waitNothingOpen(t, srv, "big.bin", "up0.bin")
	ctx := context.Background()
	if _, err := c.Echo(ctx).Wait(ctx); err != nil {
		t.Fatalf("connection unusable after cancellations: %v", err)
	}
}

// waitNothingOpen waits up to 5 s for smbstatus to list no open handle
// whose line names one of names.
func waitNothingOpen(t *testing.T, srv *sambatest.Server, names ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, err := exec.Command("smbstatus", "-s", srv.ConfPath, "-L").CombinedOutput()
		if err != nil {
			t.Fatalf("smbstatus: %v\n%s", err, out)
		}
		open := slices.ContainsFunc(names, func(n string) bool { return strings.Contains(string(out), n) })
		if !open {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("handles still open on %q:\n%s", names, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestOneRoundTripOperationsCloseTheirHandles: listings (whose CLOSE
// nobody waits for), small downloads and uploads, attribute reads, and a
// listing whose context ends at once leave no handle open on the server.
func TestOneRoundTripOperationsCloseTheirHandles(t *testing.T) {
	c, srv, _, ctx := opsSetup(t)
	for i := 0; i < 20; i++ {
		if _, err := c.ListPath(ctx, srv.Share, manyFolder, 0, "*").Wait(ctx); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("small-%d.bin", i)
		if _, err := c.StoreFile(ctx, srv.Share, name, strings.NewReader("tiny")).Wait(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.RetrieveFile(ctx, srv.Share, name, io.Discard).Wait(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetAttributes(ctx, srv.Share, name).Wait(ctx); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, time.Duration(i)*100*time.Microsecond)
		c.ListPath(short, srv.Share, manyFolder, 0, "*").Wait(ctx)
		cancel()
	}
	waitNothingOpen(t, srv, manyFolder, "small-")
}

type slowWriter struct{}

func (slowWriter) Write(p []byte) (int, error) { time.Sleep(2 * time.Millisecond); return len(p), nil }

type slowReader struct{}

func (slowReader) Read(p []byte) (int, error) {
	time.Sleep(2 * time.Millisecond)
	return copy(p, bytes.Repeat([]byte{1}, min(len(p), 64<<10))), nil
}

// TestDeepAndOddPaths: a 30-level deep path built through the client,
// with both separators, spaces and CJK, written and read back.
func TestDeepAndOddPaths(t *testing.T) {
	c, srv, _, ctx := opsSetup(t)
	var parts []string
	for i := 0; i < 30; i++ {
		parts = append(parts, fmt.Sprintf("level %02d 层", i))
		p := strings.Join(parts, "/")
		if i%2 == 1 {
			p = strings.Join(parts, `\`)
		}
		if _, err := c.CreateDirectory(ctx, srv.Share, p).Wait(ctx); err != nil {
			t.Fatalf("mkdir depth %d: %v", i, err)
		}
	}
	deep := strings.Join(parts, "/") + "/leaf file.txt"
	if _, err := c.StoreFile(ctx, srv.Share, deep, strings.NewReader("deep")).Wait(ctx); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := c.RetrieveFile(ctx, srv.Share, `\`+strings.ReplaceAll(deep, "/", `\`), &b).Wait(ctx); err != nil || b.String() != "deep" {
		t.Fatalf("read back through backslashes: %q %v", b.String(), err)
	}
	if got := readLocal(t, srv.ShareDir, filepath.FromSlash(deep)); string(got) != "deep" {
		t.Fatalf("on disk: %q", got)
	}
	if _, err := c.DeleteFiles(ctx, srv.Share, parts[0], true).Wait(ctx); err != nil {
		t.Fatalf("recursive delete of the deep tree: %v", err)
	}
	if _, err := os.Stat(filepath.Join(srv.ShareDir, parts[0])); !os.IsNotExist(err) {
		t.Fatal("deep tree not removed")
	}
}

// TestShareClosedOnServerReconnects: the server closes the share under a
// connected client (smbcontrol close-share). The next operation fails with
// STATUS_NETWORK_NAME_DELETED; the one after connects the share again.
func TestShareClosedOnServerReconnects(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := c.ListPath(ctx, srv.Share, "", 0, "*").Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("smbcontrol", "-s", srv.ConfPath, "smbd", "close-share", srv.Share).CombinedOutput(); err != nil {
		t.Fatalf("smbcontrol close-share: %v\n%s", err, out)
	}
	var err error
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err = c.ListPath(ctx, srv.Share, "", 0, "*").Wait(ctx)
		if err != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond) // the close reaches smbd asynchronously
	}
	if !errors.Is(err, ntstatus.NetworkNameDeleted) {
		t.Fatalf("first operation after close-share: %v, want STATUS_NETWORK_NAME_DELETED", err)
	}
	if _, err := c.ListPath(ctx, srv.Share, "", 0, "*").Wait(ctx); err != nil {
		t.Fatalf("the next operation did not reconnect the share: %v", err)
	}
}
