// Command gosmb-demo starts a throwaway local Samba server (smbd on
// 127.0.0.1, a temp dir, a generated config) and shows gosmb at work
// against it: every dialect, logon, a share, many requests in flight on
// one connection. It needs smbd installed (apt-get install samba) and root.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/proto/smb2"
)

func main() {
	n := flag.Int("n", 1000, "concurrent echoes per connection")
	flag.Parse()
	if err := run(*n); err != nil {
		fmt.Fprintln(os.Stderr, "gosmb-demo:", err)
		os.Exit(1)
	}
}

func run(n int) error {
	if err := sambatest.Available(); err != nil {
		return fmt.Errorf("%w (install Samba: apt-get install -y samba smbclient)", err)
	}
	srv, err := sambatest.Launch(sambatest.Config{ShareOnTmpfs: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Printf("started smbd (pid %d) on %s, share %q, user %q\n", srv.PID, srv.Addr, srv.Share, srv.User)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, d := range []gosmb.Dialect{gosmb.SMB202, gosmb.SMB210, gosmb.SMB300, gosmb.SMB302, gosmb.SMB311} {
		if err := demoDialect(ctx, srv, d, n); err != nil {
			return fmt.Errorf("dialect %s: %w", d, err)
		}
	}
	_, err = gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: "not-the-password"})
	fmt.Printf("wrong password           -> %v\n", err)
	return nil
}

func demoDialect(ctx context.Context, srv *sambatest.Server, d gosmb.Dialect, n int) error {
	c, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password, MaxDialect: d, MinDialect: d, Signing: gosmb.SignWhenSupported})
	if err != nil {
		return err
	}
	defer c.Close()
	sh, err := c.ConnectShare(ctx, srv.Share).Wait(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	fs := make([]future.Waiter, n)
	for i := range fs {
		fs[i] = c.Echo(ctx)
	}
	if err := future.WaitAll(ctx, fs...); err != nil {
		return err
	}
	el := time.Since(start)
	s := c.Session()
	sign := "off"
	if s.Signed() {
		sign = smb2.SigningAlgorithmName(s.SigningAlgorithm())
	}
	fmt.Printf("SMB %-6s signing %-11s share %q (type %d): %d concurrent echoes in %v (%.0f/s)\n",
		c.Dialect(), sign, sh.Name, sh.Type, n, el.Round(time.Millisecond), float64(n)/el.Seconds())
	return nil
}
