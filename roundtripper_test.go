package gosmb_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/auth"
	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"golang.org/x/sync/errgroup"
)

// httpClient returns an http.Client with gosmb.Transport registered for
// smb://, its http.Transport, and the URL of srv's share with the
// credentials in it.
func httpClient(t *testing.T, srv *sambatest.Server) (*http.Client, *http.Transport, string) {
	return httpClientWith(t, srv, gosmb.Options{})
}

// httpClientWith is httpClient with a Transport given opts.
func httpClientWith(t *testing.T, srv *sambatest.Server, opts gosmb.Options) (*http.Client, *http.Transport, string) {
	smb := &gosmb.Transport{Options: opts}
	t.Cleanup(smb.CloseIdleConnections)
	tr := &http.Transport{}
	tr.RegisterProtocol("smb", smb)
	base := fmt.Sprintf("smb://%s:%s@%s/%s/", srv.User, url.QueryEscape(srv.Password), srv.Addr, srv.Share)
	return &http.Client{Transport: tr}, tr, base
}

func TestHTTPTransport(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	content := bytes.Repeat([]byte("smb over http "), 100000)
	os.MkdirAll(filepath.Join(srv.ShareDir, "dir with space"), 0o755)
	os.WriteFile(filepath.Join(srv.ShareDir, "dir with space", "文件.txt"), content, 0o644)

	client, tr, base := httpClient(t, srv)

	resp, err := client.Get(base + "dir%20with%20space/%E6%96%87%E4%BB%B6.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(got, content) || resp.ContentLength != int64(len(content)) {
		t.Fatalf("GET: status %d, %d bytes (content length %d), %v", resp.StatusCode, len(got), resp.ContentLength, err)
	}
	if resp.Header.Get("Last-Modified") == "" {
		t.Fatal("no Last-Modified")
	}

	req, _ := http.NewRequest(http.MethodPut, base+"uploaded.txt", strings.NewReader("put via http"))
	resp, err = client.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT: %v %v", resp, err)
	}
	resp.Body.Close()
	if b := readLocal(t, srv.ShareDir, "uploaded.txt"); string(b) != "put via http" {
		t.Fatalf("PUT stored %q", b)
	}

	resp, err = client.Get(base + "missing.txt")
	if err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET missing: %v %v", resp, err)
	}
	resp.Body.Close()

	// Closing the body early ends the download without leaking.
	resp, err = client.Get(base + "dir%20with%20space/%E6%96%87%E4%BB%B6.txt")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadFull(resp.Body, make([]byte, 10))
	resp.Body.Close()

	// Bad credentials are an error, not a response.
	bad := fmt.Sprintf("smb://%s:wrong@%s/%s/uploaded.txt", srv.User, srv.Addr, srv.Share)
	if _, err := client.Get(bad); err == nil {
		t.Fatal("GET with a wrong password succeeded")
	}
	tr.CloseIdleConnections()
}

// GET of a directory is an error before any response, not a 200 whose
// body then fails.
func TestHTTPTransportDirectory(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	os.MkdirAll(filepath.Join(srv.ShareDir, "d"), 0o755)
	client, _, base := httpClient(t, srv)
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req, _ := http.NewRequest(method, base+"d", nil)
		resp, err := client.Do(req)
		var se *gosmb.StatusError
		if err == nil {
			resp.Body.Close()
		}
		if !errors.As(err, &se) || se.Status != ntstatus.FileIsADirectory {
			t.Fatalf("%s of a directory: %v, %v; want STATUS_FILE_IS_A_DIRECTORY", method, resp, err)
		}
	}
}

// Requests that start at once on a fresh Transport share a connection
// (or each dial one); none closes a connection another is using.
func TestHTTPTransportConcurrentFirstRequests(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	content := bytes.Repeat([]byte("0123456789abcdef"), 512<<10) // 8 MiB
	os.WriteFile(filepath.Join(srv.ShareDir, "big.bin"), content, 0o644)
	client, _, base := httpClient(t, srv)
	var g errgroup.Group
	for range 8 {
		g.Go(func() error {
			resp, err := client.Get(base + "big.bin")
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			time.Sleep(50 * time.Millisecond) // the others dial meanwhile
			got, err := io.ReadAll(resp.Body)
			if err == nil && !bytes.Equal(got, content) {
				err = fmt.Errorf("%d bytes, want the file's %d", len(got), len(content))
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// Requests that find no connection for their server and user share one
// dial and logon: 16 at once on a fresh Transport make one connection.
func TestHTTPTransportFirstRequestsShareOneDial(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	os.WriteFile(filepath.Join(srv.ShareDir, "f.txt"), []byte("x"), 0o644)
	var dials atomic.Int32
	client, _, base := httpClientWith(t, srv, gosmb.Options{Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		time.Sleep(20 * time.Millisecond) // the others arrive meanwhile
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}})
	var g errgroup.Group
	for range 16 {
		g.Go(func() error {
			resp, err := client.Head(base + "f.txt")
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("HEAD: %s", resp.Status)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if n := dials.Load(); n != 1 {
		t.Fatalf("16 first requests dialled %d connections, want 1", n)
	}
}

// The URL says who logs on: a user in it logs on as that user even when
// the Transport's Options say Anonymous, and a URL without one logs on
// anonymously without sending the Options' password (either clash used
// to fail every request with auth.ErrConfig before reaching the server).
func TestHTTPTransportURLDecidesAnonymous(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	os.WriteFile(filepath.Join(srv.ShareDir, "f.txt"), []byte("x"), 0o644)
	for _, tc := range []struct {
		name string
		opts gosmb.Options
		url  string
		want int
	}{
		{"user in the URL, Options.Anonymous", gosmb.Options{Anonymous: true},
			fmt.Sprintf("smb://%s:%s@%s/%s/f.txt", srv.User, url.QueryEscape(srv.Password), srv.Addr, srv.Share), http.StatusOK},
		// A null session reaches IPC$ (which has no such file).
		{"no user in the URL, Options.Password", gosmb.Options{Password: "unused", Domain: "D"},
			fmt.Sprintf("smb://%s/IPC$/f.txt", srv.Addr), http.StatusNotFound},
		// Options' user is the default for a URL without one: not
		// anonymous then (the share refuses a null session).
		{"no user in the URL, Options.User", gosmb.Options{User: srv.User, Password: srv.Password},
			fmt.Sprintf("smb://%s/%s/f.txt", srv.Addr, srv.Share), http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, _, _ := httpClientWith(t, srv, tc.opts)
			resp, err := client.Head(tc.url)
			if err != nil {
				t.Fatalf("HEAD %s: %v (auth.ErrConfig: %v)", tc.url, err, errors.Is(err, auth.ErrConfig))
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("HEAD %s: %s, want %d", tc.url, resp.Status, tc.want)
			}
		})
	}
}

// A URL that gives a password (even an empty one) is not served by a
// connection that logged on with the Transport's PasswordFunc (or NTHash)
// for a URL without one.
func TestHTTPTransportURLPasswordIsPartOfTheConnection(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	os.WriteFile(filepath.Join(srv.ShareDir, "f.txt"), []byte("x"), 0o644)
	client, _, _ := httpClientWith(t, srv, gosmb.Options{PasswordFunc: func() (string, error) { return srv.Password, nil }})
	resp, err := client.Head(fmt.Sprintf("smb://%s@%s/%s/f.txt", srv.User, srv.Addr, srv.Share))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("HEAD with Options' PasswordFunc: %v, %v", resp, err)
	}
	resp.Body.Close()
	resp, err = client.Head(fmt.Sprintf("smb://%s:@%s/%s/f.txt", srv.User, srv.Addr, srv.Share))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("HEAD with an empty password in the URL: %s, want a logon failure", resp.Status)
	}
	var ae *gosmb.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("HEAD with an empty password in the URL: %v, want an *AuthError", err)
	}
}

// TestHTTPTransportCloseIdleSparesBodiesInUse: CloseIdleConnections
// closes only connections nothing uses: a GET body being read goes on to
// the end, and its connection closes after (the next request dials anew).
func TestHTTPTransportCloseIdleSparesBodiesInUse(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	// Four times the connection's window: most of it is still to be read
	// from the server when the connections are closed.
	content := bytes.Repeat([]byte("0123456789abcdef"), 4<<20) // 64 MiB
	os.WriteFile(filepath.Join(srv.ShareDir, "big.bin"), content, 0o644)
	smb := &gosmb.Transport{}
	t.Cleanup(smb.CloseIdleConnections)
	tr := &http.Transport{}
	tr.RegisterProtocol("smb", smb)
	client := &http.Client{Transport: tr}
	base := fmt.Sprintf("smb://%s:%s@%s/%s/", srv.User, url.QueryEscape(srv.Password), srv.Addr, srv.Share)
	resp, err := client.Get(base + "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	head := make([]byte, 1<<20)
	if _, err := io.ReadFull(resp.Body, head); err != nil {
		t.Fatal(err)
	}
	smb.CloseIdleConnections()
	rest, err := io.ReadAll(resp.Body)
	if err != nil || !bytes.Equal(append(head, rest...), content) {
		t.Fatalf("body after CloseIdleConnections: %d more bytes, %v; want the rest of the file", len(rest), err)
	}
	resp.Body.Close()
	resp, err = client.Get(base + "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("GET after CloseIdleConnections: %d bytes, %v", len(got), err)
	}
}

// closeCounter is a request body that counts its Close calls.
type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

// TestHTTPTransportClosesTheBodyOnErrors: RoundTrip closes a PUT's body on
// every path, as http.RoundTripper requires, failures included.
func TestHTTPTransportClosesTheBodyOnErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close() // nothing listens there now
	for _, u := range []string{
		"smb://" + refused + "/share/file", // the dial fails
		"smb://" + refused + "/share/",     // the URL names no file
		"smb://" + refused + ":x/share/f",  // the URL does not parse
	} {
		body := &closeCounter{Reader: strings.NewReader("data")}
		req, err := http.NewRequest(http.MethodPut, "http://placeholder/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL, _ = url.Parse(u)
		if req.URL == nil {
			req.URL = &url.URL{Scheme: "smb", Opaque: u}
		}
		req.Body = body
		_, err = (&gosmb.Transport{}).RoundTrip(req)
		if err == nil {
			t.Fatalf("PUT %s succeeded", u)
		}
		if body.closed == 0 {
			t.Errorf("PUT %s failed (%v) without closing the request body", u, err)
		}
	}
}

// trackedConn records whether it was closed.
type trackedConn struct {
	net.Conn
	closed atomic.Bool
}

func (c *trackedConn) Close() error { c.closed.Store(true); return c.Conn.Close() }

// A dial that goes on after its only request gave up, and that
// CloseIdleConnections ran during, is not kept: nothing uses it, and
// nothing would ever close it.
func TestHTTPTransportCloseIdleDuringAbandonedDial(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	os.WriteFile(filepath.Join(srv.ShareDir, "f.txt"), []byte("x"), 0o644)
	started, gate := make(chan struct{}, 1), make(chan struct{})
	conns := make(chan *trackedConn, 8)
	smb := &gosmb.Transport{Options: gosmb.Options{Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
		started <- struct{}{}
		<-gate
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tc := &trackedConn{Conn: c}
		conns <- tc
		return tc, nil
	}}}
	t.Cleanup(smb.CloseIdleConnections)
	ctx, cancel := context.WithCancel(context.Background())
	u := fmt.Sprintf("smb://%s:%s@%s/%s/f.txt", srv.User, url.QueryEscape(srv.Password), srv.Addr, srv.Share)
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := smb.RoundTrip(req)
		done <- err
	}()
	<-started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("RoundTrip with its context cancelled during the dial: %v", err)
	}
	smb.CloseIdleConnections() // the program is done with the Transport
	close(gate)
	tc := <-conns
	deadline := time.Now().Add(5 * time.Second)
	for !tc.closed.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the connection dialled for a request that gave up is still open 5s after CloseIdleConnections")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
