package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gosmb/gosmb/internal/sambatest"
	"go.uber.org/goleak"
)

// TestMain stops the shared Samba after the tests and then checks that no
// goroutine is left (sambatest's process spawner lives on by design).
func TestMain(m *testing.M) {
	code := m.Run()
	closeShared()
	if code == 0 {
		if err := goleak.Find(sambatest.IgnoreSpawner()); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// result is what one run of the command line gave.
type result struct {
	stdout, stderr string
	code           int
}

// gosmbRun runs the command line in-process with stdin (nil: empty).
func gosmbRun(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120e9)
	defer cancel()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code := run(ctx, args, stdin, &out, &errb)
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// ok runs the command line and fails the test unless it exits 0.
func ok(t *testing.T, args ...string) string {
	t.Helper()
	r := gosmbRun(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("gosmb %s: exit %d\nstderr: %s\nstdout: %s", strings.Join(args, " "), r.code, r.stderr, r.stdout)
	}
	return r.stdout
}

// fails runs the command line and checks the exit status and that stderr
// has every one of want.
func fails(t *testing.T, code int, args []string, want ...string) result {
	t.Helper()
	r := gosmbRun(t, nil, args...)
	if r.code != code {
		t.Fatalf("gosmb %s: exit %d, want %d\nstderr: %s\nstdout: %s", strings.Join(args, " "), r.code, code, r.stderr, r.stdout)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("gosmb %s: stderr %q lacks %q", strings.Join(args, " "), r.stderr, w)
		}
	}
	return r
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "65536": 65536, "64K": 64 << 10, "64k": 64 << 10, "64KiB": 64 << 10, "64KB": 64 << 10,
		"1M": 1 << 20, "1m": 1 << 20, "1MiB": 1 << 20, "16M": 16 << 20, "2G": 2 << 30, "1T": 1 << 40, "512B": 512,
	} {
		got, err := parseSize(in)
		if err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "K", "1X", "-1", "1.5M", "1MM", "99999999999999T", "M1"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	r := fs.Bool("r", false, "")
	n := fs.String("n", "", "")
	var sz sizeFlag
	fs.Var(&sz, "size", "")
	pos, err := parseInterspersed(fs, []string{"a", "--size", "64K", "-", "-r", "b", "--n=x", "--", "--size", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "-", "b", "--size", "c"}, pos); diff != "" {
		t.Errorf("positional (-want +got):\n%s", diff)
	}
	if !*r || *n != "x" || sz.v != 64<<10 || !sz.set {
		t.Errorf("flags: r=%v n=%q size=%+v", *r, *n, sz)
	}
	if _, err := parseInterspersed(fs, []string{"a", "--nope"}); err == nil {
		t.Error("unknown flag accepted")
	}
	if _, err := parseInterspersed(fs, []string{"--size", "lots"}); err == nil {
		t.Error("bad size accepted")
	}
}

func TestErrText(t *testing.T) {
	err := errors.Join(errors.New("gosmb: open a: STATUS_X"), errors.New("gosmb: open b: STATUS_Y"))
	if got, want := errText(err), "open a: STATUS_X\nopen b: STATUS_Y"; got != want {
		t.Errorf("errText = %q, want %q", got, want)
	}
	if got, want := errText(&wrapErr{prefix: "connect h:445", err: errors.New("gosmb: authentication failed")}), "connect h:445: authentication failed"; got != want {
		t.Errorf("errText = %q, want %q", got, want)
	}
}

func TestAttrStrings(t *testing.T) {
	if got := attrLetters(0x10 | 0x20 | 0x1); got != "dr--a" {
		t.Errorf("attrLetters = %q", got)
	}
	if got := attrString(0x80); got != "NORMAL" {
		t.Errorf("attrString = %q", got)
	}
	if got := attrString(0x12 | 0x100000); got != "HIDDEN|DIRECTORY|0x100000" {
		t.Errorf("attrString = %q", got)
	}
}

// Usage errors exit 2 without touching the network.
func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "usage: gosmb"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"ls"}, "gosmb: ls: want one URL"},
		{[]string{"ls", "http://host/share"}, "gosmb: ls: smb URL: not an smb:// URL"},
		{[]string{"ls", "smb://host:99999/share"}, "port"},
		{[]string{"ls", "smb://host/"}, "names no share"},
		{[]string{"ls", "--nope", "smb://host/share"}, "flag provided but not defined"},
		{[]string{"ls", "--search", "dirs", "smb://host/share"}, "--search"},
		{[]string{"--sign", "maybe", "ls", "smb://host/share"}, "--sign"},
		{[]string{"--min-dialect", "4.0", "ls", "smb://host/share"}, "--min-dialect"},
		{[]string{"--min-dialect", "3.1.1", "--max-dialect", "2.1", "ls", "smb://host/share"}, "above"},
		{[]string{"--chunk", "big", "ls", "smb://host/share"}, "invalid size"},
		{[]string{"get", "smb://host/share/a", "smb://host/share/b"}, "last argument"},
		{[]string{"get", "smb://host/share"}, "is a share"},
		{[]string{"get", "smb://host/share/a", "smb://host/share/b", "/nonexistent-dir"}, "existing directory"},
		{[]string{"get", "--offset", "1", "smb://host/share/a", "smb://host/share/b", "."}, "one file"},
		{[]string{"put", "smb://host/share/a"}, "want LOCAL"},
		{[]string{"put", "smb://host/share/a", "smb://host/share/b"}, "not local"},
		{[]string{"put", "--truncate", "x", "smb://host/share/a"}, "--offset"},
		{[]string{"rm", "smb://host/share"}, "share itself"},
		{[]string{"mv", "smb://host/share/a"}, "want URL and NEWPATH"},
		{[]string{"mv", "smb://host/share/a", "smb://host/other/b"}, "another server or share"},
		{[]string{"echo", "smb://host/"}, "want URL and TEXT"},
		{[]string{"echo", "-c", "0", "smb://host/", "x"}, "-c"},
	} {
		r := gosmbRun(t, nil, tt.args...)
		if r.code != exitUsage {
			t.Errorf("gosmb %q: exit %d, want %d (stderr %q)", tt.args, r.code, exitUsage, r.stderr)
		}
		if !strings.Contains(r.stderr, tt.want) {
			t.Errorf("gosmb %q: stderr %q lacks %q", tt.args, r.stderr, tt.want)
		}
		if r.stdout != "" {
			t.Errorf("gosmb %q: stdout %q, want none", tt.args, r.stdout)
		}
	}
}

func TestHelp(t *testing.T) {
	out := ok(t, "help")
	for _, c := range commands {
		if !strings.Contains(out, "  "+c.name+" ") {
			t.Errorf("help lacks command %s", c.name)
		}
	}
	if out := ok(t, "help", "get"); !strings.Contains(out, "--offset N") || !strings.Contains(out, "-r ") {
		t.Errorf("help get:\n%s", out)
	}
	if r := gosmbRun(t, nil, "ls", "-h"); r.code != 0 || !strings.Contains(r.stderr, "usage: gosmb ls") {
		t.Errorf("ls -h: exit %d, stderr %q", r.code, r.stderr)
	}
}
