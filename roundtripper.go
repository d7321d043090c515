package gosmb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gosmb/gosmb/proto/ntstatus"
)

// Transport is an http.RoundTripper for smb:// URLs, pysmb's SMBHandler
// for Go: register it with
//
//	t := &http.Transport{}
//	t.RegisterProtocol("smb", &gosmb.Transport{})
//	resp, err := (&http.Client{Transport: t}).Get("smb://alice:pw@host/share/file.txt")
//
// GET streams the file (Content-Length and Last-Modified set), HEAD
// returns its attributes, PUT stores the request body (truncating) and
// answers 201 Created. Credentials come from the URL; fields of Options
// that the URL does not give (domain, password, dialects, signing...) are
// the defaults. Missing files give 404, access denied 403; other failures,
// a directory among them (a *StatusError, STATUS_FILE_IS_A_DIRECTORY), are
// returned as errors. Connections are kept, one per server and user,
// until CloseIdleConnections.
type Transport struct {
	Options Options

	mu      sync.Mutex // guards clients
	clients map[string]*Client
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Method != http.MethodPut {
		req.Body.Close()
	}
	u, err := ParseURL(req.URL.String())
	if err != nil {
		return nil, err
	}
	if u.Share == "" || strings.Trim(u.Path, "/") == "" {
		return nil, fmt.Errorf("gosmb: %s: the URL names no file", u)
	}
	ctx := req.Context()
	c, err := t.client(ctx, u)
	if err != nil {
		return nil, err
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead:
		attrs, err := c.GetAttributes(ctx, u.Share, u.Path).Wait(ctx)
		if err != nil {
			return statusResponse(req, err)
		}
		if attrs.IsDirectory() {
			// Before any response: a 200 whose body then fails would
			// look like a file cut short.
			return nil, &StatusError{Op: strings.ToLower(req.Method), Path: u.Path, Status: ntstatus.FileIsADirectory}
		}
		resp := newResponse(req, http.StatusOK)
		resp.ContentLength = attrs.Size
		resp.Header.Set("Content-Length", strconv.FormatInt(attrs.Size, 10))
		resp.Header.Set("Last-Modified", attrs.LastWriteTime.UTC().Format(http.TimeFormat))
		if req.Method == http.MethodHead {
			return resp, nil
		}
		pr, pw := io.Pipe()
		// The download runs as long as the caller reads the body; closing
		// the body ends it (the pipe write fails, the request context is
		// the transfer's lifetime).
		go func() {
			_, err := c.RetrieveFile(ctx, u.Share, u.Path, pw).Wait(ctx)
			pw.CloseWithError(err)
		}()
		resp.Body = pr
		return resp, nil
	case http.MethodPut:
		if req.Body == nil {
			req.Body = http.NoBody
		}
		defer req.Body.Close()
		if _, err := c.StoreFile(ctx, u.Share, u.Path, req.Body).Wait(ctx); err != nil {
			return statusResponse(req, err)
		}
		return newResponse(req, http.StatusCreated), nil
	default:
		return newResponse(req, http.StatusMethodNotAllowed), nil
	}
}

// CloseIdleConnections closes every kept connection.
func (t *Transport) CloseIdleConnections() {
	t.mu.Lock()
	cs := t.clients
	t.clients = nil
	t.mu.Unlock()
	for _, c := range cs {
		c.Close()
	}
}

func (t *Transport) client(ctx context.Context, u *URL) (*Client, error) {
	o := t.Options
	if u.User != "" {
		o.User = u.User
	}
	if u.HasPassword {
		o.Password, o.PasswordFunc, o.NTHash = u.Password, nil, nil
	}
	if u.Domain != "" {
		o.Domain = u.Domain
	}
	if u.NetBIOSName != "" {
		o.NetBIOSName = u.NetBIOSName
	}
	o.Anonymous = o.Anonymous || o.User == ""
	key := strings.Join([]string{u.Addr(), o.Domain, o.User, o.Password, o.NetBIOSName}, "\x00")
	t.mu.Lock()
	c := t.clients[key]
	t.mu.Unlock()
	if c != nil && c.links[0].conn.Err() == nil {
		return c, nil
	}
	c, err := Dial(ctx, u.Addr(), &o)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	if t.clients == nil {
		t.clients = make(map[string]*Client)
	}
	old := t.clients[key]
	if old != nil && old.links[0].conn.Err() == nil {
		// Another request dialled meanwhile and may be using its
		// client: keep that one, drop ours.
		t.mu.Unlock()
		c.Close()
		return old, nil
	}
	t.clients[key] = c
	t.mu.Unlock()
	if old != nil {
		old.Close() // dead
	}
	return c, nil
}

func newResponse(req *http.Request, code int) *http.Response {
	return &http.Response{
		Status:     fmt.Sprintf("%d %s", code, http.StatusText(code)),
		StatusCode: code,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header),
		Body:       http.NoBody,
		Request:    req,
		Close:      false,
	}
}

// statusResponse maps "not found" and "access denied" to HTTP answers, as
// a file:// or http:// handler would; anything else is an error.
func statusResponse(req *http.Request, err error) (*http.Response, error) {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return newResponse(req, http.StatusNotFound), nil
	case errors.Is(err, fs.ErrPermission):
		return newResponse(req, http.StatusForbidden), nil
	}
	return nil, err
}
