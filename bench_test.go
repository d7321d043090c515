package gosmb_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/ops"
)

const benchFileSize = 256 << 20

// BenchmarkTransfer measures one large download and upload on one
// connection, pipelined (defaults) and with one request in flight, plain,
// signed and encrypted. Compare the MB/s columns as ratios.
func BenchmarkTransfer(b *testing.B) {
	data := make([]byte, benchFileSize)
	rand.Read(data)
	for _, sc := range []struct {
		name string
		cfg  sambatest.Config
		opts gosmb.Options
	}{
		{"plain", sambatest.Config{ShareOnTmpfs: true}, gosmb.Options{}},
		{"one-in-flight", sambatest.Config{ShareOnTmpfs: true}, gosmb.Options{Transfer: ops.Options{ChunkSize: 1 << 20, Window: 1 << 20}}},
		{"sign-gmac", sambatest.Config{ShareOnTmpfs: true, Signing: "mandatory"}, gosmb.Options{}},
		{"sign-cmac", sambatest.Config{ShareOnTmpfs: true, Signing: "mandatory", MaxProtocol: "SMB3_02"}, gosmb.Options{}},
		{"sign-hmac", sambatest.Config{ShareOnTmpfs: true, Signing: "mandatory", MaxProtocol: "SMB2_10"}, gosmb.Options{}},
		{"encrypt-gcm", sambatest.Config{ShareOnTmpfs: true, Encrypt: "required", EncryptionAlgorithms: "AES-128-GCM"}, gosmb.Options{}},
		{"encrypt-ccm", sambatest.Config{ShareOnTmpfs: true, Encrypt: "required", EncryptionAlgorithms: "AES-128-CCM"}, gosmb.Options{}},
	} {
		b.Run(sc.name, func(b *testing.B) {
			srv := sambatest.Start(b, sc.cfg)
			if err := os.WriteFile(filepath.Join(srv.ShareDir, "big.bin"), data, 0o644); err != nil {
				b.Fatal(err)
			}
			c := dial(b, srv, sc.opts)
			ctx := context.Background()
			b.Run("download", func(b *testing.B) {
				b.SetBytes(benchFileSize)
				for i := 0; i < b.N; i++ {
					res, err := c.RetrieveFile(ctx, srv.Share, "big.bin", io.Discard).Wait(ctx)
					if err != nil || res.Bytes != benchFileSize {
						b.Fatal(res.Bytes, err)
					}
				}
			})
			b.Run("upload", func(b *testing.B) {
				b.SetBytes(benchFileSize)
				for i := 0; i < b.N; i++ {
					n, err := c.StoreFile(ctx, srv.Share, "up.bin", bytes.NewReader(data)).Wait(ctx)
					if err != nil || n != benchFileSize {
						b.Fatal(n, err)
					}
				}
			})
		})
	}
}

// BenchmarkSmallFiles: 1,000 files of 16 KiB uploaded, listed and
// downloaded, 64 at a time on one connection (scenario c), and 5,000
// GetAttributes, 64 in flight (scenario d).
func BenchmarkSmallFiles(b *testing.B) {
	srv := sambatest.Start(b, sambatest.Config{ShareOnTmpfs: true})
	c := dial(b, srv, gosmb.Options{})
	ctx := context.Background()
	const n, size, par = 1000, 16 << 10, 64
	data := make([]byte, size)
	rand.Read(data)
	c.CreateDirectory(ctx, srv.Share, "small").Wait(ctx)
	run := func(b *testing.B, count int, fn func(i int) error) {
		sem := make(chan struct{}, par)
		errc := make(chan error, count)
		for i := 0; i < count; i++ {
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				errc <- fn(i)
			}()
		}
		for i := 0; i < count; i++ {
			if err := <-errc; err != nil {
				b.Fatal(err)
			}
		}
	}
	name := func(i int) string { return fmt.Sprintf("small/f%04d.bin", i) }
	b.Run("upload", func(b *testing.B) {
		b.SetBytes(n * size)
		for it := 0; it < b.N; it++ {
			run(b, n, func(i int) error {
				_, err := c.StoreFile(ctx, srv.Share, name(i), bytes.NewReader(data)).Wait(ctx)
				return err
			})
		}
	})
	b.Run("list", func(b *testing.B) {
		for it := 0; it < b.N; it++ {
			fs, err := c.ListPath(ctx, srv.Share, "small", 0, "*").Wait(ctx)
			if err != nil || len(fs) != n+2 {
				b.Fatal(len(fs), err)
			}
		}
	})
	b.Run("download", func(b *testing.B) {
		b.SetBytes(n * size)
		for it := 0; it < b.N; it++ {
			run(b, n, func(i int) error {
				res, err := c.RetrieveFile(ctx, srv.Share, name(i), io.Discard).Wait(ctx)
				if err == nil && res.Bytes != size {
					err = fmt.Errorf("got %d bytes", res.Bytes)
				}
				return err
			})
		}
	})
	b.Run("getattributes", func(b *testing.B) {
		const stats = 5000
		for it := 0; it < b.N; it++ {
			run(b, stats, func(i int) error {
				_, err := c.GetAttributes(ctx, srv.Share, name(i%n)).Wait(ctx)
				return err
			})
		}
		b.ReportMetric(float64(stats*b.N)/b.Elapsed().Seconds(), "stats/s")
	})
}
