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

	"golang.org/x/sync/singleflight"

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
// returned as errors. Connections are kept, one per server and user:
// requests that find none share one dial and logon, which goes on (within
// Dial's 30s) if they give up, so that the next one finds it;
// CloseIdleConnections closes those no request or response body is
// using, and the others once they are done (a dial under way then that
// every request gave up on is closed when it completes). (http.Transport's
// own CloseIdleConnections does not reach a registered protocol: call
// this one's.)
//
// The user is the URL's, or else Options.User: with neither, the request
// logs on anonymously (Options' Domain and secrets are not sent); with
// one, it logs on as that user even if Options.Anonymous is set.
type Transport struct {
	Options Options

	mu      sync.Mutex // guards clients, waiting, closes and every kept client's busy and gone
	clients map[string]*keptClient
	dials   singleflight.Group // by clients' key
	waiting map[string]int     // requests waiting for dials, by key
	closes  uint64             // CloseIdleConnections calls so far
}

// keptClient is a Transport's Client with the requests using it.
type keptClient struct {
	c    *Client
	busy int  // requests (and GET bodies) under way
	gone bool // no longer in clients: close once busy is 0
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close() // on every path, errors included
	}
	u, err := ParseURL(req.URL.String())
	if err != nil {
		return nil, err
	}
	if u.Share == "" || strings.Trim(u.Path, "/") == "" {
		return nil, fmt.Errorf("gosmb: %s: the URL names no file", u)
	}
	ctx := req.Context()
	kc, err := t.client(ctx, u)
	if err != nil {
		return nil, err
	}
	released := false
	defer func() {
		if !released {
			t.release(kc)
		}
	}()
	c := kc.c
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
		released = true // by the goroutine: the body uses the client
		go func() {
			defer t.release(kc)
			_, err := c.RetrieveFile(ctx, u.Share, u.Path, pw).Wait(ctx)
			pw.CloseWithError(err)
		}()
		resp.Body = pr
		return resp, nil
	case http.MethodPut:
		var body io.Reader = http.NoBody
		if req.Body != nil {
			body = req.Body
		}
		if _, err := c.StoreFile(ctx, u.Share, u.Path, body).Wait(ctx); err != nil {
			return statusResponse(req, err)
		}
		return newResponse(req, http.StatusCreated), nil
	default:
		return newResponse(req, http.StatusMethodNotAllowed), nil
	}
}

// CloseIdleConnections closes every kept connection that no request or
// response body is using now; the others close once they are done.
func (t *Transport) CloseIdleConnections() {
	var idle []*Client
	t.mu.Lock()
	t.closes++ // a dial under way that nobody waits for is not kept
	for key, kc := range t.clients {
		delete(t.clients, key)
		kc.gone = true
		if kc.busy == 0 {
			idle = append(idle, kc.c)
		}
	}
	t.mu.Unlock()
	for _, c := range idle {
		c.Close()
	}
}

// release ends one use of kc, closing it if it is gone and now idle.
func (t *Transport) release(kc *keptClient) {
	t.mu.Lock()
	kc.busy--
	closeIt := kc.gone && kc.busy == 0
	t.mu.Unlock()
	if closeIt {
		kc.c.Close()
	}
}

// alive reports whether any of the client's connections is up.
func (c *Client) alive() bool {
	for _, l := range c.links {
		if l.conn.Err() == nil {
			return true
		}
	}
	return false
}

// client returns the kept client for u's server and user, dialling one if
// there is none alive, with one use taken (release gives it back).
func (t *Transport) client(ctx context.Context, u *URL) (*keptClient, error) {
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
	// Anonymous exactly when there is no user: Dial refuses a null
	// session with credentials, or a user without it.
	o.Anonymous = o.User == ""
	if o.Anonymous {
		o.Domain, o.Password, o.PasswordFunc, o.NTHash = "", "", nil, nil
	}
	// Whether the URL gave the password is part of the key: "alice:@host"
	// logs on with an empty password, "alice@host" with Options' secret.
	key := strings.Join([]string{u.Addr(), o.Domain, o.User, o.Password, strconv.FormatBool(u.HasPassword), o.NetBIOSName}, "\x00")
	// take returns the kept client if it is alive, with a use taken;
	// a dead one leaves the map and closes once idle (dead, returned).
	take := func() (alive, dead *keptClient) {
		kc := t.clients[key]
		switch {
		case kc == nil:
			return nil, nil
		case kc.c.alive():
			kc.busy++
			return kc, nil
		}
		delete(t.clients, key)
		kc.gone = true
		if kc.busy == 0 {
			return nil, kc
		}
		return nil, nil
	}
	// dial makes and keeps a client, unless one was kept meanwhile; the
	// requests waiting for it each take their use afterwards.
	dial := func() (any, error) {
		t.mu.Lock()
		closes := t.closes
		kc, dead := take()
		if kc != nil {
			kc.busy-- // the waiters take their own uses
		}
		t.mu.Unlock()
		if dead != nil {
			dead.c.Close()
		}
		if kc != nil {
			return kc, nil
		}
		// Not the first request's ctx: the dial is shared, and kept for
		// the next request if this one gives up (Dial bounds it to 30s).
		c, err := Dial(context.WithoutCancel(ctx), u.Addr(), &o)
		if err != nil {
			return nil, err
		}
		kc = &keptClient{c: c}
		t.mu.Lock()
		if t.closes != closes && t.waiting[key] == 0 {
			// CloseIdleConnections ran meanwhile and every request
			// gave up: kept, it would be idle and never closed.
			kc.gone = true
			t.mu.Unlock()
			c.Close()
			return kc, nil // for a request arriving now: it looks again
		}
		if t.clients == nil {
			t.clients = make(map[string]*keptClient)
		}
		t.clients[key] = kc
		t.mu.Unlock()
		return kc, nil
	}
	for {
		t.mu.Lock()
		kc, dead := take()
		t.mu.Unlock()
		if dead != nil {
			dead.c.Close()
		}
		if kc != nil {
			return kc, nil
		}
		t.mu.Lock()
		if t.waiting == nil {
			t.waiting = make(map[string]int)
		}
		t.waiting[key]++
		t.mu.Unlock()
		var res singleflight.Result
		var err error
		select {
		case res = <-t.dials.DoChan(key, dial):
			err = res.Err
		case <-ctx.Done():
			err = context.Cause(ctx)
		}
		t.mu.Lock()
		if t.waiting[key]--; t.waiting[key] == 0 {
			delete(t.waiting, key)
		}
		if err != nil {
			t.mu.Unlock()
			return nil, err
		}
		kc = res.Val.(*keptClient)
		ok := !kc.gone
		if ok {
			kc.busy++
		}
		t.mu.Unlock()
		if ok {
			return kc, nil
		}
		// CloseIdleConnections took it before this request could use it,
		// or closed a dial nobody waited for as this request came: look
		// again.
	}
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
