// Command gosmb-demo starts a throwaway local Samba server (smbd on
// 127.0.0.1, a temp dir, a generated config) and shows gosmb at work
// against it: every dialect with signing and encryption, a file round
// trip, listing, attributes, security, many operations in flight on one
// connection, and the typed errors. It needs smbd installed (apt-get
// install samba) and root.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/proto/smb2"
)

func main() {
	n := flag.Int("n", 1000, "concurrent operations in the fan-out step")
	size := flag.Int("size", 64<<20, "bytes in the large file round trip")
	flag.Parse()
	if err := run(*n, *size); err != nil {
		fmt.Fprintln(os.Stderr, "gosmb-demo:", err)
		os.Exit(1)
	}
}

func run(n, size int) error {
	if err := sambatest.Available(); err != nil {
		return fmt.Errorf("%w (install Samba: apt-get install -y samba smbclient)", err)
	}
	srv, err := sambatest.Launch(sambatest.Config{ShareOnTmpfs: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Printf("started smbd (pid %d) on %s, share %q, user %q\n\n", srv.PID, srv.Addr, srv.Share, srv.User)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	fmt.Println("== every dialect, signed and (3.x) encrypted, 4 MiB written and read back")
	for _, d := range []gosmb.Dialect{gosmb.SMB202, gosmb.SMB210, gosmb.SMB300, gosmb.SMB302, gosmb.SMB311} {
		if err := demoDialect(ctx, srv, d); err != nil {
			return fmt.Errorf("dialect %s: %w", d, err)
		}
	}

	c, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password})
	if err != nil {
		return err
	}
	defer c.Close()

	fmt.Printf("\n== a %d MiB file up and down on one connection (windowed READ/WRITE)\n", size>>20)
	data := make([]byte, size)
	rand.Read(data)
	if _, err := c.CreateDirectory(ctx, srv.Share, "demo").Wait(ctx); err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := c.StoreFile(ctx, srv.Share, "demo/big.bin", bytes.NewReader(data)).Wait(ctx); err != nil {
		return err
	}
	up := time.Since(t0)
	h := sha256.New()
	t0 = time.Now()
	if _, err := c.RetrieveFile(ctx, srv.Share, "demo/big.bin", h).Wait(ctx); err != nil {
		return err
	}
	down := time.Since(t0)
	want := sha256.Sum256(data)
	fmt.Printf("upload %.0f MB/s, download %.0f MB/s, sha256 match: %v\n",
		float64(size)/up.Seconds()/1e6, float64(size)/down.Seconds()/1e6, bytes.Equal(h.Sum(nil), want[:]))

	fmt.Printf("\n== fan-out: %d small files stored, then stat'ed, all in flight at once on one connection\n", n)
	t0 = time.Now()
	stores := make([]future.Waiter, n)
	for i := range stores {
		stores[i] = c.StoreFile(ctx, srv.Share, fmt.Sprintf("demo/f%05d.txt", i), bytes.NewReader(fmt.Appendf(nil, "file %d\n", i)))
	}
	if err := future.WaitAll(ctx, stores...); err != nil {
		return err
	}
	list, err := c.ListPath(ctx, srv.Share, "demo", 0, "f*.txt").Wait(ctx)
	if err != nil {
		return err
	}
	stats := make([]future.Waiter, n)
	for i := range stats {
		stats[i] = c.GetAttributes(ctx, srv.Share, fmt.Sprintf("demo/f%05d.txt", i))
	}
	if err := future.WaitAll(ctx, stats...); err != nil {
		return err
	}
	fmt.Printf("%d stores, a listing of %d entries and %d stats in %v\n", n, len(list), n, time.Since(t0).Round(time.Millisecond))

	fmt.Println("\n== io/fs view: fs.WalkDir over the share")
	count := 0
	err = fs.WalkDir(c.FS(srv.Share), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			count++
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("%d files walked\n", count)

	fmt.Println("\n== shares, security descriptor, attributes")
	shares, err := c.ListShares(ctx).Wait(ctx)
	if err != nil {
		return err
	}
	for _, s := range shares {
		fmt.Printf("share %-8s type %#x special=%v %q\n", s.Name, s.Type, s.IsSpecial(), s.Comment)
	}
	sd, err := c.GetSecurity(ctx, srv.Share, "demo/big.bin", false).Wait(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("demo/big.bin owner %s, group %s, %d ACEs\n", sd.Owner, sd.Group, len(sd.DACL.ACEs))
	a, err := c.GetAttributes(ctx, srv.Share, "demo/big.bin").Wait(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("demo/big.bin %d bytes, written %s\n", a.Size, a.LastWriteTime.Format(time.RFC3339))
	local, _ := os.Stat(filepath.Join(srv.ShareDir, "demo", "big.bin"))
	fmt.Printf("(on the server's disk: %d bytes)\n", local.Size())

	fmt.Println("\n== typed errors")
	_, err = c.RetrieveFile(ctx, srv.Share, "no/such/file", io.Discard).Wait(ctx)
	fmt.Printf("missing file  -> %v (fs.ErrNotExist: %v)\n", err, errors.Is(err, fs.ErrNotExist))
	_, err = gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: "not-the-password"})
	var ae *gosmb.AuthError
	fmt.Printf("bad password  -> %v (AuthError: %v)\n", err, errors.As(err, &ae))
	_, err = c.ConnectShare(ctx, "nope").Wait(ctx)
	fmt.Printf("missing share -> %v\n", err)
	return nil
}

func demoDialect(ctx context.Context, srv *sambatest.Server, d gosmb.Dialect) error {
	c, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password,
		MinDialect: d, MaxDialect: d, Signing: gosmb.SignWhenSupported, Encrypt: d.IsSMB3()})
	if err != nil {
		return err
	}
	defer c.Close()
	data := make([]byte, 4<<20)
	rand.Read(data)
	name := fmt.Sprintf("dialect-%s.bin", d)
	t0 := time.Now()
	if _, err := c.StoreFile(ctx, srv.Share, name, bytes.NewReader(data)).Wait(ctx); err != nil {
		return err
	}
	var back bytes.Buffer
	if _, err := c.RetrieveFile(ctx, srv.Share, name, &back).Wait(ctx); err != nil {
		return err
	}
	s := c.Session()
	sign := "off"
	if s.Signed() {
		sign = smb2.SigningAlgorithmName(s.SigningAlgorithm())
	}
	enc := "off"
	if s.Encrypted() {
		enc = smb2.CipherName(s.Cipher())
	}
	fmt.Printf("SMB %-6s signing %-11s encryption %-11s round trip ok=%v in %v\n",
		c.Dialect(), sign, enc, bytes.Equal(back.Bytes(), data), time.Since(t0).Round(time.Millisecond))
	return nil
}
