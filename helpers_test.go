package gosmb_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gosmb/gosmb"
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

// writeLocal puts a fixture on the server's disk (path is under a
// share's directory).
func writeLocal(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("writing the file on the server's disk: %v", err)
	}
}

// opsSmallChunks makes transfers use 256 KiB requests so that a few MiB
// exercise many requests in flight and out-of-order completion.
func opsSmallChunks() ops.Options { return ops.Options{ChunkSize: 256 << 10, Window: 2 << 20} }

func opsOptions(chunk, window, connWindow int) ops.Options {
	return ops.Options{ChunkSize: chunk, Window: window, ConnWindow: connWindow}
}

// retrieveEqual downloads name into memory and checks it holds want.
func retrieveEqual(ctx context.Context, c *gosmb.Client, share, name string, want []byte) error {
	var b bytes.Buffer
	if _, err := c.RetrieveFile(ctx, share, name, &b).Wait(ctx); err != nil {
		return err
	}
	if !bytes.Equal(b.Bytes(), want) {
		return fmt.Errorf("%s: wrong bytes (%d, want %d)", name, b.Len(), len(want))
	}
	return nil
}

// listenRelay accepts connections on a fresh 127.0.0.1 port, dials to for
// each and hands both ends to relay, which must run under wg. The
// listener closes, and every relay is waited for, when the test ends.
func listenRelay(t *testing.T, to string, wg *sync.WaitGroup, relay func(client, server net.Conn)) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", to)
			if err != nil {
				c.Close()
				continue
			}
			relay(c, s)
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln
}

// waitNoErr waits for wg, then fails the test with the first error the
// goroutines sent on errs.
func waitNoErr(t *testing.T, wg *sync.WaitGroup, errs chan error) {
	t.Helper()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// dialTest dials addr with opts and fails the test if that fails; the
// client is closed when the test ends.
func dialTest(ctx context.Context, t *testing.T, addr string, opts *gosmb.Options) *gosmb.Client {
	t.Helper()
	c, err := gosmb.Dial(ctx, addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
