package gosmb_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gosmb/gosmb/ops"
)

func readLocal(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("reading the file on the server's disk: %v", err)
	}
	return b
}

// opsSmallChunks makes transfers use 256 KiB requests so that a few MiB
// exercise many requests in flight and out-of-order completion.
func opsSmallChunks() ops.Options { return ops.Options{ChunkSize: 256 << 10, Window: 2 << 20} }

func opsOptions(chunk, window, connWindow int) ops.Options {
	return ops.Options{ChunkSize: chunk, Window: window, ConnWindow: connWindow}
}
