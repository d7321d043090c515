package gosmb_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/internal/sambatest"
)

func TestHTTPTransport(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	content := bytes.Repeat([]byte("smb over http "), 100000)
	os.MkdirAll(filepath.Join(srv.ShareDir, "dir with space"), 0o755)
	os.WriteFile(filepath.Join(srv.ShareDir, "dir with space", "文件.txt"), content, 0o644)

	smb := &gosmb.Transport{}
	defer smb.CloseIdleConnections()
	tr := &http.Transport{}
	tr.RegisterProtocol("smb", smb)
	client := &http.Client{Transport: tr}
	base := fmt.Sprintf("smb://%s:%s@%s/%s/", srv.User, url.QueryEscape(srv.Password), srv.Addr, srv.Share)

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
