package sambatest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func smbclient(t *testing.T, args []string, command string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := Smbclient(ctx, args, command)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLaunchDefault(t *testing.T) {
	t.Parallel()
	s := Start(t, Config{})
	writeFile(t, filepath.Join(s.ShareDir, "hello.txt"), "hello")
	out := smbclient(t, s.SmbclientArgs(), "ls")
	if !strings.Contains(out, "hello.txt") {
		t.Errorf("ls does not list hello.txt:\n%s", out)
	}
	// Writes through SMB land in ShareDir.
	out = smbclient(t, s.SmbclientArgs(), "mkdir made")
	if fi, err := os.Stat(filepath.Join(s.ShareDir, "made")); err != nil || !fi.IsDir() {
		t.Errorf("mkdir over SMB: %v\n%s", err, out)
	}
}
