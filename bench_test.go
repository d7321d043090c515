package gosmb_test

import (
	"bytes"
	"context"
	"crypto/rand"
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
