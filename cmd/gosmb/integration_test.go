package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gosmb/gosmb/internal/sambatest"
)

// One Samba for every test that needs no special configuration, started
// on first use and stopped by TestMain.
var (
	sharedOnce sync.Once
	sharedSrv  *sambatest.Server
	sharedErr  error
)

func requireSamba(t *testing.T) {
	t.Helper()
	if err := sambatest.Available(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Samba needed under CI=true: %v", err)
		}
		t.Skipf("Samba not available: %v", err)
	}
}

func server(t *testing.T) *sambatest.Server {
	t.Helper()
	requireSamba(t)
	sharedOnce.Do(func() { sharedSrv, sharedErr = sambatest.Launch(sambatest.Config{}) })
	if sharedErr != nil {
		t.Fatalf("starting Samba: %v", sharedErr)
	}
	return sharedSrv
}

func closeShared() {
	if sharedSrv != nil {
		sharedSrv.Close()
	}
}

// smbURL is the URL of p (slash-separated, relative to the share) on srv
// with the test account's credentials, each component escaped.
func smbURL(srv *sambatest.Server, p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "smb://" + srv.User + ":" + url.PathEscape(srv.Password) + "@" + srv.Addr + "/" + srv.Share + "/" + strings.Join(segs, "/")
}

// workspace makes an empty directory of its own for the test in the share and
// returns its name (relative to the share) and local path.
func workspace(t *testing.T, srv *sambatest.Server) (string, string) {
	t.Helper()
	name := regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "_")
	dir := filepath.Join(srv.ShareDir, name)
	// Fresh each time: with -count=N the shared server outlives a run.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return name, dir
}

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tree maps each path under root to its contents; directories end in /.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			m[rel+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		m[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sameTree reports the paths whose presence or contents differ.
func sameTree(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	for k, w := range want {
		if g, found := got[k]; !found {
			t.Errorf("%s: %s missing", what, k)
		} else if g != w {
			t.Errorf("%s: %s has %d bytes, want %d (or different contents)", what, k, len(g), len(w))
		}
	}
	for k := range got {
		if _, found := want[k]; !found {
			t.Errorf("%s: unexpected %s", what, k)
		}
	}
}

func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
	return v
}

// Decoded forms of the JSON output, written independently of the types
// the command uses so that a renamed field fails here.
type lsEntry struct {
	Name           string     `json:"name"`
	ShortName      string     `json:"short_name"`
	Size           int64      `json:"size"`
	AllocSize      int64      `json:"alloc_size"`
	Attributes     uint32     `json:"attributes"`
	IsDirectory    bool       `json:"is_directory"`
	CreateTime     *time.Time `json:"create_time"`
	LastAccessTime *time.Time `json:"last_access_time"`
	LastWriteTime  *time.Time `json:"last_write_time"`
	ChangeTime     *time.Time `json:"change_time"`
}

type summaryOut struct {
	Bytes     int64   `json:"bytes"`
	Files     int     `json:"files"`
	Seconds   float64 `json:"seconds"`
	Transfers []struct {
		Source      string `json:"source"`
		Destination string `json:"destination"`
		Bytes       int64  `json:"bytes"`
		Offset      int64  `json:"offset"`
	} `json:"transfers"`
}

var rfc3339Nano9 = regexp.MustCompile(`"(create|last_access|last_write|change)_time": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z"`)

// checkEntry compares a listed entry with the file on disk.
func checkEntry(t *testing.T, e lsEntry, local string) {
	t.Helper()
	fi, err := os.Stat(local)
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != fi.Name() {
		t.Errorf("name %q, want %q", e.Name, fi.Name())
	}
	if e.IsDirectory != fi.IsDir() {
		t.Errorf("%s: is_directory %v, want %v", e.Name, e.IsDirectory, fi.IsDir())
	}
	if e.Attributes&0x10 != 0 != fi.IsDir() {
		t.Errorf("%s: attributes %#x, directory bit should be %v", e.Name, e.Attributes, fi.IsDir())
	}
	if !fi.IsDir() && e.Size != fi.Size() {
		t.Errorf("%s: size %d, want %d", e.Name, e.Size, fi.Size())
	}
	if e.AllocSize < 0 || (!fi.IsDir() && fi.Size() > 0 && e.AllocSize < fi.Size()) {
		t.Errorf("%s: alloc_size %d for size %d", e.Name, e.AllocSize, fi.Size())
	}
	// FILETIME has 100 ns resolution.
	if e.LastWriteTime == nil || !e.LastWriteTime.Equal(fi.ModTime().Truncate(100)) {
		t.Errorf("%s: last_write_time %v, want %v", e.Name, e.LastWriteTime, fi.ModTime())
	}
	if e.LastWriteTime != nil && e.LastWriteTime.Location() != time.UTC {
		t.Errorf("%s: last_write_time %v not in UTC", e.Name, e.LastWriteTime)
	}
	for n, tm := range map[string]*time.Time{"create_time": e.CreateTime, "last_access_time": e.LastAccessTime, "change_time": e.ChangeTime} {
		if tm == nil || tm.Year() < 2000 {
			t.Errorf("%s: %s %v", e.Name, n, tm)
		}
	}
}

func TestLsStat(t *testing.T) {
	t.Parallel()
	srv := server(t)
	ws, dir := workspace(t, srv)
	t1 := time.Date(2023, 4, 5, 6, 7, 8, 123456700, time.UTC)
	t2 := time.Date(2019, 12, 31, 23, 59, 59, 0, time.UTC)
	writeFile(t, filepath.Join(dir, "plain.txt"), []byte("hello world"))
	writeFile(t, filepath.Join(dir, "报告 2024.txt"), randBytes(3000))
	writeFile(t, filepath.Join(dir, "empty"), nil)
	writeFile(t, filepath.Join(dir, "sub", "inner.bin"), randBytes(100))
	for _, c := range []struct {
		name string
		tm   time.Time
	}{{"plain.txt", t1}, {"报告 2024.txt", t2}, {"sub", t1}} {
		if err := os.Chtimes(filepath.Join(dir, c.name), c.tm, c.tm); err != nil {
			t.Fatal(err)
		}
	}

	out := ok(t, "ls", "--json", smbURL(srv, ws))
	if n := len(rfc3339Nano9.FindAllString(out, -1)); n != 4*4 {
		t.Errorf("want 16 times as RFC 3339 with 9 fraction digits in UTC, found %d in\n%s", n, out)
	}
	es := decodeJSON[[]lsEntry](t, out)
	var names []string
	for _, e := range es {
		names = append(names, e.Name)
		checkEntry(t, e, filepath.Join(dir, e.Name))
	}
	if diff := cmp.Diff([]string{"empty", "plain.txt", "sub", "报告 2024.txt"}, names); diff != "" {
		t.Errorf("ls names (-want +got):\n%s", diff)
	}
	for _, e := range es {
		if e.Name == "plain.txt" && !e.LastWriteTime.Equal(t1) {
			t.Errorf("plain.txt last_write_time %v, want %v", e.LastWriteTime, t1)
		}
	}

	// -a adds . and ..; flags may come before or after the URL.
	es = decodeJSON[[]lsEntry](t, ok(t, "ls", smbURL(srv, ws+"/"), "-a", "--json"))
	if len(es) != 6 || es[0].Name != "." || es[1].Name != ".." || !es[0].IsDirectory {
		t.Errorf("ls -a: %+v", es)
	}

	// A pattern, from --pattern or from a wildcard in the URL.
	for _, args := range [][]string{
		{"--json", "ls", "--pattern", "*.txt", smbURL(srv, ws)},
		{"ls", "--json", smbURL(srv, ws+"/*.txt")},
	} {
		es = decodeJSON[[]lsEntry](t, ok(t, args...))
		if len(es) != 2 || es[0].Name != "plain.txt" || es[1].Name != "报告 2024.txt" {
			t.Errorf("%q: %+v", args, es)
		}
	}
	// --search 0x10: directories only.
	es = decodeJSON[[]lsEntry](t, ok(t, "ls", "--json", "--search", "0x10", smbURL(srv, ws)))
	if len(es) != 1 || es[0].Name != "sub" {
		t.Errorf("ls --search 0x10: %+v", es)
	}
	// ls of a file lists the file.
	es = decodeJSON[[]lsEntry](t, ok(t, "ls", "--json", smbURL(srv, ws+"/报告 2024.txt")))
	if len(es) != 1 {
		t.Fatalf("ls of a file: %+v", es)
	}
	checkEntry(t, es[0], filepath.Join(dir, "报告 2024.txt"))

	human := ok(t, "ls", smbURL(srv, ws))
	lines := strings.Split(strings.TrimSpace(human), "\n")
	if len(lines) != 4 || !strings.HasSuffix(lines[2], " sub/") || !strings.HasPrefix(lines[2], "d") ||
		!strings.HasSuffix(lines[3], "  报告 2024.txt") || !strings.Contains(lines[3], " 3000  ") {
		t.Errorf("ls:\n%s", human)
	}

	for _, name := range []string{"plain.txt", "sub", "empty"} {
		e := decodeJSON[lsEntry](t, ok(t, "stat", "--json", smbURL(srv, ws+"/"+name)))
		checkEntry(t, e, filepath.Join(dir, name))
	}
	human = ok(t, "stat", smbURL(srv, ws+"/plain.txt"))
	for _, want := range []string{"name:", "plain.txt", "size:", " 11\n", "type:", "file", "modified:"} {
		if !strings.Contains(human, want) {
			t.Errorf("stat output lacks %q:\n%s", want, human)
		}
	}
	fails(t, 1, []string{"stat", smbURL(srv, ws+"/nope.txt")}, "gosmb: stat: ", "STATUS_OBJECT_NAME_NOT_FOUND")
	fails(t, 1, []string{"ls", smbURL(srv, ws+"/nodir/")}, "gosmb: ls: ", "STATUS_OBJECT_NAME_NOT_FOUND")
}

// noStrays fails if dir holds anything but want (temporary files of a
// failed download, for instance).
func noStrays(t *testing.T, dir string, want ...string) {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range des {
		got = append(got, d.Name())
	}
	sort.Strings(want)
	if !cmp.Equal(want, got, cmp.Comparer(func(a, b []string) bool { return strings.Join(a, "/") == strings.Join(b, "/") })) {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}

func TestGet(t *testing.T) {
	t.Parallel()
	srv := server(t)
	ws, dir := workspace(t, srv)
	files := map[string][]byte{
		"a.txt":   []byte("alpha alpha alpha\n"),
		"b.txt":   []byte("bravo\n"),
		"c d.txt": []byte("charlie with a space\n"),
		"文件.bin":  randBytes(300 << 10),
		"big.bin": randBytes(3<<20 + 12345),
	}
	for n, b := range files {
		writeFile(t, filepath.Join(dir, n), b)
	}
	local := t.TempDir()

	// One file to a named local file, to stdout, and into a directory.
	ok(t, "get", smbURL(srv, ws+"/a.txt"), filepath.Join(local, "copy.txt"))
	if got := readFile(t, filepath.Join(local, "copy.txt")); !bytes.Equal(got, files["a.txt"]) {
		t.Errorf("get: %q", got)
	}
	if got := ok(t, "get", smbURL(srv, ws+"/文件.bin"), "-"); got != string(files["文件.bin"]) {
		t.Errorf("get -: %d bytes, want %d", len(got), len(files["文件.bin"]))
	}
	// With --json the summary goes to stderr: stdout is the file alone.
	js := gosmbRun(t, nil, "--json", "get", smbURL(srv, ws+"/a.txt"), "-")
	if js.code != 0 || js.stdout != string(files["a.txt"]) || !strings.Contains(js.stderr, `"bytes"`) {
		t.Errorf("--json get -: exit %d, stdout %q, stderr %q; want the file on stdout, the summary on stderr", js.code, js.stdout, js.stderr)
	}
	into := filepath.Join(local, "into")
	os.Mkdir(into, 0o755)
	ok(t, "get", smbURL(srv, ws+"/c d.txt"), into)
	if got := readFile(t, filepath.Join(into, "c d.txt")); !bytes.Equal(got, files["c d.txt"]) {
		t.Errorf("get into dir: %q", got)
	}
	noStrays(t, into, "c d.txt")

	// A range.
	if got := ok(t, "get", "--offset", "6", "--length", "5", smbURL(srv, ws+"/a.txt"), "-"); got != "alpha" {
		t.Errorf("get --offset 6 --length 5: %q", got)
	}
	if got := ok(t, "get", smbURL(srv, ws+"/a.txt"), "-", "--offset", "12"); got != "alpha\n" {
		t.Errorf("get --offset 12: %q", got)
	}

	// Several files into a directory at once, with --json.
	many := filepath.Join(local, "many")
	os.Mkdir(many, 0o755)
	args := []string{"get", "--json"}
	var names []string
	for n := range files {
		args = append(args, smbURL(srv, ws+"/"+n))
		names = append(names, n)
	}
	args = append(args, many)
	s := decodeJSON[summaryOut](t, ok(t, args...))
	var total int64
	for n, b := range files {
		total += int64(len(b))
		if got := readFile(t, filepath.Join(many, n)); !bytes.Equal(got, b) {
			t.Errorf("get several: %s differs (%d bytes, want %d)", n, len(got), len(b))
		}
	}
	if s.Files != len(files) || s.Bytes != total || len(s.Transfers) != len(files) {
		t.Errorf("summary %+v, want %d files, %d bytes", s, len(files), total)
	}
	for _, tr := range s.Transfers {
		n := filepath.Base(tr.Destination)
		if tr.Bytes != int64(len(files[n])) || !strings.HasPrefix(tr.Source, "smb://") || strings.Contains(tr.Source, srv.Password) {
			t.Errorf("transfer %+v", tr)
		}
	}
	noStrays(t, many, names...)

	// Transfer tuning and progress.
	r := gosmbRun(t, nil, "get", "--chunk", "64K", "--window", "256K", "--progress", smbURL(srv, ws+"/big.bin"), filepath.Join(local, "big"))
	if r.code != 0 {
		t.Fatalf("get --chunk: %d %s", r.code, r.stderr)
	}
	if got := readFile(t, filepath.Join(local, "big")); !bytes.Equal(got, files["big.bin"]) {
		t.Errorf("get --chunk 64K: %d bytes differ", len(got))
	}
	if !strings.Contains(r.stderr, "3.0 MiB") {
		t.Errorf("progress: %q", r.stderr)
	}
}

func TestGetFailuresLeaveNothing(t *testing.T) {
	t.Parallel()
	srv := server(t)
	ws, dir := workspace(t, srv)
	writeFile(t, filepath.Join(dir, "ok.txt"), []byte("fine"))
	writeFile(t, filepath.Join(dir, "huge.bin"), randBytes(32<<20))
	local := t.TempDir()

	fails(t, 1, []string{"get", smbURL(srv, ws+"/missing.txt"), filepath.Join(local, "missing.txt")},
		"gosmb: get: ", "STATUS_OBJECT_NAME_NOT_FOUND")
	noStrays(t, local)

	// An existing file stays as it was.
	writeFile(t, filepath.Join(local, "keep.txt"), []byte("old"))
	fails(t, 1, []string{"get", smbURL(srv, ws+"/missing.txt"), filepath.Join(local, "keep.txt")}, "STATUS_OBJECT_NAME_NOT_FOUND")
	if got := readFile(t, filepath.Join(local, "keep.txt")); string(got) != "old" {
		t.Errorf("failed get changed the existing file: %q", got)
	}
	noStrays(t, local, "keep.txt")

	// Several files, one missing: the others arrive.
	fails(t, 1, []string{"get", smbURL(srv, ws+"/ok.txt"), smbURL(srv, ws+"/missing.txt"), local}, "missing.txt", "STATUS_OBJECT_NAME_NOT_FOUND")
	noStrays(t, local, "keep.txt", "ok.txt")

	// A directory is not a file.
	fails(t, 1, []string{"get", smbURL(srv, ws), filepath.Join(local, "d")}, "gosmb: get: ")
	noStrays(t, local, "keep.txt", "ok.txt")

	// Cut short by the time limit (during the dial or the transfer).
	fails(t, 1, []string{"get", "--timeout", "30ms", "--chunk", "64K", "--window", "64K", smbURL(srv, ws+"/huge.bin"), filepath.Join(local, "huge.bin")},
		"gosmb: get: ", "--timeout 30ms exceeded")
	noStrays(t, local, "keep.txt", "ok.txt")
}

// Cancelling a download half-way (Ctrl-C) removes the partial file.
func TestGetInterrupted(t *testing.T) {
	t.Parallel()
	srv := server(t)
	ws, dir := workspace(t, srv)
	writeFile(t, filepath.Join(dir, "big.bin"), randBytes(64<<20))
	for attempt := 0; attempt < 5; attempt++ {
		local := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan result, 1)
		go func() {
			var out, errb bytes.Buffer
			code := run(ctx, []string{"get", "--chunk", "64K", "--window", "128K", smbURL(srv, ws+"/big.bin"), filepath.Join(local, "big.bin")},
				strings.NewReader(""), &out, &errb)
			done <- result{out.String(), errb.String(), code}
		}()
		// Cancel once the temporary file has some data in it.
		var r result
		cancelled := false
	poll:
		for {
			select {
			case r = <-done:
				break poll
			case <-time.After(time.Millisecond):
			}
			if cancelled {
				continue
			}
			des, _ := os.ReadDir(local)
			for _, d := range des {
				if fi, err := d.Info(); err == nil && strings.HasSuffix(d.Name(), ".gosmb-part") && fi.Size() > 0 {
					cancel()
					cancelled = true
				}
			}
		}
		cancel()
		if !cancelled {
			continue // finished before we caught it; try again
		}
		if r.code != 1 || !strings.Contains(r.stderr, "gosmb: get: ") || !strings.Contains(r.stderr, "canceled") {
			t.Errorf("interrupted get: exit %d, stderr %q", r.code, r.stderr)
		}
		noStrays(t, local)
		return
	}
	t.Skip("the download always finished before it could be interrupted")
}

func TestPut(t *testing.T) {
	t.Parallel()
	srv := server(t)
	ws, dir := workspace(t, srv)
	local := t.TempDir()
	a := randBytes(700 << 10)
	writeFile(t, filepath.Join(local, "a.bin"), a)
	writeFile(t, filepath.Join(local, "名前 b.txt"), []byte("bee"))
	os.Mkdir(filepath.Join(dir, "in"), 0o755)

	// To a named file, with --json and --progress.
	r := gosmbRun(t, nil, "put", "--json", "--progress", filepath.Join(local, "a.bin"), smbURL(srv, ws+"/remote.bin"))
	if r.code != 0 {
		t.Fatalf("put: %d %s", r.code, r.stderr)
	}
	if got := readFile(t, filepath.Join(dir, "remote.bin")); !bytes.Equal(got, a) {
		t.Errorf("put: %d bytes differ", len(got))
	}
	s := decodeJSON[summaryOut](t, r.stdout)
	if s.Bytes != int64(len(a)) || s.Files != 1 || s.Transfers[0].Source != filepath.Join(local, "a.bin") ||
		!strings.HasSuffix(s.Transfers[0].Destination, "/"+ws+"/remote.bin") {
		t.Errorf("put summary %+v", s)
	}
	if !strings.Contains(r.stderr, "700.0 KiB / 700.0 KiB (100%)") {
		t.Errorf("put progress: %q", r.stderr)
	}
	// Into a directory: with a trailing slash, or an existing directory.
	ok(t, "put", filepath.Join(local, "名前 b.txt"), smbURL(srv, ws+"/in/"))
	ok(t, "put", filepath.Join(local, "a.bin"), smbURL(srv, ws+"/in"))
	if got := tree(t, filepath.Join(dir, "in")); !cmp.Equal(got, map[string]string{"名前 b.txt": "bee", "a.bin": string(a)}) {
		t.Errorf("put into a directory: %d entries", len(got))
	}
	// Several files into a directory.
	os.Mkdir(filepath.Join(dir, "several"), 0o755)
	ok(t, "put", filepath.Join(local, "a.bin"), filepath.Join(local, "名前 b.txt"), smbURL(srv, ws+"/several"))
	if got := tree(t, filepath.Join(dir, "several")); len(got) != 2 || got["名前 b.txt"] != "bee" {
		t.Errorf("put several: %v", len(got))
	}

	// From stdin; replacing truncates.
	writeFile(t, filepath.Join(dir, "s.txt"), []byte("a much longer old content"))
	r = gosmbRun(t, strings.NewReader("from stdin\n"), "put", "-", smbURL(srv, ws+"/s.txt"))
	if r.code != 0 {
		t.Fatalf("put -: %d %s", r.code, r.stderr)
	}
	if got := readFile(t, filepath.Join(dir, "s.txt")); string(got) != "from stdin\n" {
		t.Errorf("put -: %q", got)
	}
	// At an offset, keeping the rest, then truncating.
	writeFile(t, filepath.Join(dir, "o.txt"), []byte("abcdefgh"))
	r = gosmbRun(t, strings.NewReader("XYZ"), "put", "--json", "-", smbURL(srv, ws+"/o.txt"), "--offset", "3")
	if r.code != 0 {
		t.Fatalf("put --offset: %d %s", r.code, r.stderr)
	}
	if got := readFile(t, filepath.Join(dir, "o.txt")); string(got) != "abcXYZgh" {
		t.Errorf("put --offset 3: %q", got)
	}
	if s := decodeJSON[summaryOut](t, r.stdout); s.Bytes != 3 || s.Transfers[0].Offset != 3 || s.Transfers[0].Source != "-" {
		t.Errorf("put --offset summary %+v", s)
	}
	// --truncate empties the file before writing at the offset, as
	// StoreFileFromOffset(truncate) does: the bytes before it read as zeros.
	r = gosmbRun(t, strings.NewReader("Q"), "put", "--offset", "2", "--truncate", "-", smbURL(srv, ws+"/o.txt"))
	if got := readFile(t, filepath.Join(dir, "o.txt")); r.code != 0 || string(got) != "\x00\x00Q" {
		t.Errorf("put --offset 2 --truncate: %d %q %s", r.code, got, r.stderr)
	}

	fails(t, 1, []string{"put", filepath.Join(local, "nope"), smbURL(srv, ws+"/x")}, "gosmb: put: ", "no such file")
	fails(t, 1, []string{"put", filepath.Join(local, "a.bin"), smbURL(srv, ws+"/no/such/dir/x")}, "gosmb: put: ", "STATUS_OBJECT_PATH_NOT_FOUND")
	fails(t, 1, []string{"put", local, smbURL(srv, ws+"/x")}, "is a directory")
	fails(t, 2, []string{"put", "-", smbURL(srv, ws+"/in/")}, "needs a URL naming the remote file")
}

func TestRecursiveRoundTrip(t *testing.T) {
	t.Parallel()
	srv := server(t)
	ws, dir := workspace(t, srv)
	src := filepath.Join(t.TempDir(), "src")
	writeFile(t, filepath.Join(src, "top.txt"), []byte("top"))
	writeFile(t, filepath.Join(src, "空 文件.txt"), nil)
	writeFile(t, filepath.Join(src, "d1", "b.bin"), randBytes(200<<10))
	writeFile(t, filepath.Join(src, "d1", "d2", "c.txt"), []byte("deep"))
	os.MkdirAll(filepath.Join(src, "d1", "empty dir"), 0o755)
	for i := range 40 {
		writeFile(t, filepath.Join(src, "many", strings.Repeat("x", i%5+1)+string(rune('a'+i%26))+string(rune('0'+i/26))), randBytes(i*100))
	}
	want := tree(t, src)

	// Into an existing remote directory: a copy named src appears in it.
	s := decodeJSON[summaryOut](t, ok(t, "put", "-r", "--json", src, smbURL(srv, ws)))
	sameTree(t, "put -r", want, tree(t, filepath.Join(dir, "src")))
	nfiles := 0
	for k := range want {
		if !strings.HasSuffix(k, "/") {
			nfiles++
		}
	}
	if s.Files != nfiles {
		t.Errorf("put -r summary: %d files, want %d", s.Files, nfiles)
	}
	// To a new remote name: the URL becomes the copy.
	ok(t, "put", "-r", src, smbURL(srv, ws+"/renamed"), "--progress")
	sameTree(t, "put -r to a new name", want, tree(t, filepath.Join(dir, "renamed")))

	// Back again: to a new local name, and into an existing directory.
	back := filepath.Join(t.TempDir(), "back")
	s = decodeJSON[summaryOut](t, ok(t, "--json", "get", "-r", smbURL(srv, ws+"/src"), back))
	sameTree(t, "get -r", want, tree(t, back))
	if s.Files != nfiles {
		t.Errorf("get -r summary: %d files, want %d", s.Files, nfiles)
	}
	existing := t.TempDir()
	ok(t, "get", smbURL(srv, ws+"/renamed/"), existing, "-r", "--progress")
	sameTree(t, "get -r into a directory", want, tree(t, filepath.Join(existing, "renamed")))
	noStrays(t, existing, "renamed")

	// Now that renamed exists, put -r puts a copy into it (cp -r).
	ok(t, "put", "-r", src, smbURL(srv, ws+"/renamed"))
	sameTree(t, "put -r into an existing directory", want, tree(t, filepath.Join(dir, "renamed", "src")))

	fails(t, 1, []string{"get", "-r", smbURL(srv, ws+"/nothing"), t.TempDir()}, "STATUS_OBJECT_NAME_NOT_FOUND")

	// A symbolic link to a directory, named on the command line, is
	// followed (cp -r): the copy has the link's name and the tree's files.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(src, link); err != nil {
		t.Fatal(err)
	}
	ok(t, "put", "-r", link, smbURL(srv, ws))
	sameTree(t, "put -r of a link to a directory", want, tree(t, filepath.Join(dir, "link")))
}

// A URL where put wants a local file is refused without printing the
// URL's password.
func TestPutDoesNotPrintPasswords(t *testing.T) {
	for _, args := range [][]string{
		{"put", "smb://alice:TopSecret1@h/share/x", "smb://h/share/y"},
		{"put", "-r", "smb://alice:TopSecret1@h/share/x", "smb://h/share/y"},
		{"put", "smb://alice:TopSecret1@h:bad/share/x", "smb://h/share/y"},
	} {
		r := gosmbRun(t, nil, args...)
		if r.code == 0 || strings.Contains(r.stdout+r.stderr, "TopSecret1") {
			t.Errorf("%q: exit %d, output %q; want a failure that does not show the password", args, r.code, r.stdout+r.stderr)
		}
	}
}

func TestRm(t *testing.T) {
	t.Parallel()
	srv := server(t)
	ws, dir := workspace(t, srv)
	for _, n := range []string{"x1.log", "x2.log", "keep.txt", "d/f.txt", "d/e/g.txt", "m1/a", "m2.txt", "solo.txt"} {
		writeFile(t, filepath.Join(dir, n), []byte(n))
	}
	ok(t, "rm", smbURL(srv, ws+"/*.log"))
	ok(t, "rm", smbURL(srv, ws+"/solo.txt"))
	if got := tree(t, dir); len(got) != 8 || got["keep.txt"] == "" || got["x1.log"] != "" {
		t.Errorf("after rm *.log: %v", got)
	}
	fails(t, 1, []string{"rm", smbURL(srv, ws+"/d")}, "gosmb: rm: ", "STATUS_FILE_IS_A_DIRECTORY")
	fails(t, 1, []string{"rm", smbURL(srv, ws+"/missing.txt")}, "gosmb: rm: ", "STATUS_OBJECT_NAME_NOT_FOUND")
	ok(t, "rm", "-r", smbURL(srv, ws+"/d"))
	// Wildcards with -r take matching folders and files.
	ok(t, "rm", smbURL(srv, ws+"/m*"), "-r")
	if got := tree(t, dir); !cmp.Equal(got, map[string]string{"keep.txt": "keep.txt"}) {
		t.Errorf("after rm -r: %v", got)
	}
}

func TestMkdirRmdirMv(t *testing.T) {
	t.Parallel()
	srv := server(t)
	ws, dir := workspace(t, srv)
	ok(t, "mkdir", smbURL(srv, ws+"/new"), smbURL(srv, ws+"/新 目录"))
	fails(t, 1, []string{"mkdir", smbURL(srv, ws+"/new")}, "gosmb: mkdir: ", "STATUS_OBJECT_NAME_COLLISION")
	ok(t, "mkdir", "-p", smbURL(srv, ws+"/p/q/r"))
	ok(t, "mkdir", "-p", smbURL(srv, ws+"/p/q"))
	// An existing file is not a directory, with -p too (mkdir -p: "File exists").
	writeFile(t, filepath.Join(dir, "file"), []byte("f"))
	fails(t, 1, []string{"mkdir", "-p", smbURL(srv, ws+"/file")}, "gosmb: mkdir: ", "STATUS_OBJECT_NAME_COLLISION")
	fails(t, 1, []string{"mkdir", "-p", smbURL(srv, ws+"/file/sub")}, "gosmb: mkdir: ")
	os.Remove(filepath.Join(dir, "file"))
	for _, d := range []string{"new", "新 目录", "p/q/r"} {
		if fi, err := os.Stat(filepath.Join(dir, d)); err != nil || !fi.IsDir() {
			t.Errorf("mkdir %s: %v", d, err)
		}
	}
	fails(t, 1, []string{"rmdir", smbURL(srv, ws+"/p")}, "gosmb: rmdir: ", "STATUS_DIRECTORY_NOT_EMPTY")
	ok(t, "rmdir", smbURL(srv, ws+"/new"), smbURL(srv, ws+"/p/q/r"))
	if _, err := os.Stat(filepath.Join(dir, "new")); !os.IsNotExist(err) {
		t.Errorf("rmdir: %v", err)
	}

	writeFile(t, filepath.Join(dir, "one.txt"), []byte("one"))
	writeFile(t, filepath.Join(dir, "two.txt"), []byte("two"))
	ok(t, "mv", smbURL(srv, ws+"/one.txt"), ws+"/uno.txt")
	fails(t, 1, []string{"mv", smbURL(srv, ws+"/uno.txt"), ws + "/two.txt"}, "gosmb: mv: ", "STATUS_OBJECT_NAME_COLLISION")
	ok(t, "mv", "--replace", smbURL(srv, ws+"/uno.txt"), "/"+ws+"/two.txt")
	ok(t, "mv", smbURL(srv, ws+"/two.txt"), ws+"/新 目录/")
	ok(t, "mv", smbURL(srv, ws+"/新 目录/two.txt"), smbURL(srv, ws+"/p/2.txt"))
	if got := tree(t, dir); !cmp.Equal(got, map[string]string{"新 目录/": "", "p/": "", "p/q/": "", "p/2.txt": "one"}) {
		t.Errorf("after mv: %v", got)
	}
	fails(t, 1, []string{"mv", smbURL(srv, ws+"/gone"), ws + "/x"}, "STATUS_OBJECT_NAME_NOT_FOUND")
}

func TestACL(t *testing.T) {
	t.Parallel()
	srv := server(t)
	ws, dir := workspace(t, srv)
	writeFile(t, filepath.Join(dir, "f.txt"), []byte("x"))
	type ace struct {
		Type  string   `json:"type"`
		Flags []string `json:"flags"`
		Mask  uint32   `json:"mask"`
		SID   string   `json:"sid"`
	}
	type descriptor struct {
		Owner string `json:"owner"`
		Group string `json:"group"`
		DACL  []ace  `json:"dacl"`
	}
	var sd descriptor
	for _, p := range []string{ws + "/f.txt", ws} {
		sd = decodeJSON[descriptor](t, ok(t, "acl", "--json", smbURL(srv, p)))
		sid := regexp.MustCompile(`^S-1-\d+(-\d+)+$`)
		if !sid.MatchString(sd.Owner) || !sid.MatchString(sd.Group) {
			t.Errorf("acl %s: owner %q group %q", p, sd.Owner, sd.Group)
		}
		if len(sd.DACL) == 0 {
			t.Errorf("acl %s: empty DACL", p)
		}
		everyone := false
		for _, a := range sd.DACL {
			if !strings.HasSuffix(a.Type, "_ACE_TYPE") || !sid.MatchString(a.SID) || a.Mask == 0 || a.Flags == nil {
				t.Errorf("acl %s: ACE %+v", p, a)
			}
			for _, f := range a.Flags {
				if !strings.HasSuffix(f, "_ACE") && !strings.HasSuffix(f, "_FLAG") {
					t.Errorf("acl %s: flag %q", p, f)
				}
			}
			everyone = everyone || a.SID == "S-1-1-0"
		}
		if !everyone {
			t.Errorf("acl %s: no ACE for Everyone (S-1-1-0) in %+v", p, sd.DACL)
		}
	}
	human := ok(t, "acl", smbURL(srv, ws+"/f.txt"))
	if !strings.Contains(human, "owner: "+sd.Owner[:6]) || !strings.Contains(human, "ACCESS_ALLOWED") || !strings.Contains(human, "S-1-1-0") {
		t.Errorf("acl:\n%s", human)
	}
	fails(t, 1, []string{"acl", smbURL(srv, ws+"/nope")}, "gosmb: acl: ", "STATUS_OBJECT_NAME_NOT_FOUND")
}

func TestSnapshots(t *testing.T) {
	t.Parallel()
	requireSamba(t)
	srv := sambatest.Start(t, sambatest.Config{Snapshots: true})
	times := []time.Time{
		time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	writeFile(t, filepath.Join(srv.ShareDir, "doc.txt"), []byte("now"))
	for _, tm := range times {
		d, err := srv.Snapshot(tm)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(d, "doc.txt"), []byte("then"))
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	for _, p := range []string{"", "doc.txt"} {
		got := decodeJSON[[]time.Time](t, ok(t, "snapshots", "--json", smbURL(srv, p)))
		if !cmp.Equal(times, got) {
			t.Errorf("snapshots %q: %v, want %v", p, got, times)
		}
	}
	human := ok(t, "snapshots", smbURL(srv, "doc.txt"))
	if !strings.Contains(human, "@GMT-2024.01.02-03.04.05") || !strings.Contains(human, "@GMT-2025.03.01-12.00.00") {
		t.Errorf("snapshots:\n%s", human)
	}
	fails(t, 1, []string{"snapshots", smbURL(srv, "nope.txt")}, "gosmb: snapshots: ", "STATUS_OBJECT_NAME_NOT_FOUND")
}

func TestShares(t *testing.T) {
	t.Parallel()
	srv := server(t)
	type share struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Comment     string `json:"comment"`
		IsSpecial   bool   `json:"is_special"`
		IsTemporary bool   `json:"is_temporary"`
	}
	// The first listing on a fresh server waits for samba-dcerpcd (~10 s).
	u := "smb://" + srv.User + ":" + srv.Password + "@" + srv.Addr + "/"
	ss := decodeJSON[[]share](t, ok(t, "shares", "--json", "--timeout", "90s", u))
	byName := map[string]share{}
	for _, s := range ss {
		byName[s.Name] = s
	}
	if s, found := byName[srv.Share]; !found || s.Type != "disk" || s.IsSpecial || s.IsTemporary {
		t.Errorf("share %q: %+v (all: %+v)", srv.Share, s, ss)
	}
	if s, found := byName["IPC$"]; !found || s.Type != "ipc" || !s.IsSpecial {
		t.Errorf("IPC$: %+v (all: %+v)", s, ss)
	}
	human := ok(t, "shares", u)
	if !strings.Contains(human, "NAME") || !regexp.MustCompile(`(?m)^IPC\$\s+ipc\s`).MatchString(human) ||
		!regexp.MustCompile(`(?m)^`+srv.Share+`\s+disk`).MatchString(human) {
		t.Errorf("shares:\n%s", human)
	}
	// An anonymous session may list shares too.
	ss = decodeJSON[[]share](t, ok(t, "shares", "--anonymous", "--json", "smb://"+srv.Addr+"/"))
	if len(ss) == 0 {
		t.Errorf("anonymous shares: none")
	}
}

func TestEcho(t *testing.T) {
	t.Parallel()
	srv := server(t)
	out := ok(t, "echo", smbURL(srv, ""), "hello", "there")
	if !regexp.MustCompile(`^hello there: from 127\.0\.0\.1:\d+ seq=1 time=\d+\.\d{3} ms\n$`).MatchString(out) {
		t.Errorf("echo: %q", out)
	}
	out = ok(t, "echo", "--json", "-c", "2", "smb://"+srv.User+":"+srv.Password+"@"+srv.Addr, "ping")
	dec := json.NewDecoder(strings.NewReader(out))
	for i := 1; i <= 2; i++ {
		var e struct {
			Text       string  `json:"text"`
			Server     string  `json:"server"`
			Seq        int     `json:"seq"`
			RTTSeconds float64 `json:"rtt_seconds"`
		}
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("echo --json %d: %v in %q", i, err, out)
		}
		if e.Text != "ping" || e.Seq != i || e.Server != srv.Addr || e.RTTSeconds <= 0 || e.RTTSeconds > 10 {
			t.Errorf("echo --json: %+v", e)
		}
	}
	if dec.More() {
		t.Errorf("echo -c 2 printed more than two: %q", out)
	}
}

// Logon failures, credentials from the environment, and the global
// connection flags. Not parallel: it sets GOSMB_PASSWORD.
func TestConnectionFlags(t *testing.T) {
	srv := server(t)
	ws, dir := workspace(t, srv)
	writeFile(t, filepath.Join(dir, "f.txt"), []byte("content"))
	bad := "smb://" + srv.User + ":wrong-password@" + srv.Addr + "/" + srv.Share + "/" + ws + "/f.txt"
	fails(t, 1, []string{"stat", bad}, "gosmb: stat: ", "STATUS_LOGON_FAILURE")
	local := t.TempDir()
	fails(t, 1, []string{"get", bad, filepath.Join(local, "f.txt")}, "STATUS_LOGON_FAILURE")
	noStrays(t, local)

	noPw := "smb://" + srv.Workgroup + ";" + srv.User + "@" + srv.Addr + "/" + srv.Share + "/" + ws + "/f.txt"
	t.Setenv(passwordEnv, srv.Password)
	if got := ok(t, "get", noPw, "-"); got != "content" {
		t.Errorf("get with %s: %q", passwordEnv, got)
	}
	t.Setenv(passwordEnv, "wrong")
	fails(t, 1, []string{"get", noPw, "-"}, "STATUS_LOGON_FAILURE")

	u := smbURL(srv, ws+"/f.txt")
	for _, flags := range [][]string{
		{"--max-dialect", "2.0.2"},
		{"--min-dialect", "2.1", "--max-dialect", "2.1", "--sign", "required"},
		{"--min-dialect", "3.0", "--max-dialect", "3.0.2", "--encrypt"},
		{"--min-dialect", "3.1.1", "--encrypt", "--sign", "supported"},
		{"--sign", "never"},
	} {
		if got := ok(t, append(flags, "get", u, "-")...); got != "content" {
			t.Errorf("%q get: %q", flags, got)
		}
	}
	// A NetBIOS session first, with the called name from the URL.
	nb := "smb://" + srv.User + ":" + srv.Password + "@*SMBSERVER," + srv.Addr + "/" + srv.Share + "/" + ws + "/f.txt"
	if got := ok(t, "get", nb, "-"); got != "content" {
		t.Errorf("get via NetBIOS session: %q", got)
	}
	fails(t, 1, []string{"--encrypt", "--max-dialect", "2.1", "stat", u}, "gosmb: stat: ", "encrypt")
	// Samba's default refuses NTLMv1.
	fails(t, 1, []string{"--ntlmv1", "stat", u}, "gosmb: stat: ", "STATUS_LOGON_FAILURE")
	fails(t, 1, []string{"stat", "smb://" + srv.User + ":" + srv.Password + "@" + srv.Addr + "/no-such-share/x"}, "STATUS_BAD_NETWORK_NAME")
	fails(t, 1, []string{"--timeout", "1ns", "stat", u}, "gosmb: stat: ", "--timeout 1ns exceeded")
}

// get without a local name writes into the current directory. Not
// parallel: it changes directory.
func TestGetToCwd(t *testing.T) {
	srv := server(t)
	ws, dir := workspace(t, srv)
	writeFile(t, filepath.Join(dir, "here.txt"), []byte("here"))
	cwd := t.TempDir()
	t.Chdir(cwd)
	ok(t, "get", smbURL(srv, ws+"/here.txt"))
	if got := readFile(t, filepath.Join(cwd, "here.txt")); string(got) != "here" {
		t.Errorf("get to cwd: %q", got)
	}
	noStrays(t, cwd, "here.txt")
}
