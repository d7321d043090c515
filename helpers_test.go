package gosmb_test

import (
	"os"
	"path/filepath"
	"testing"
)

func readLocal(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("reading the file on the server's disk: %v", err)
	}
	return b
}
