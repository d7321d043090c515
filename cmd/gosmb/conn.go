package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/future"
)

// parseURL parses a command-line argument as an smb:// URL. A malformed
// URL is a usage error.
func parseURL(s string) (*gosmb.URL, error) {
	u, err := gosmb.ParseURL(s)
	if err != nil {
		return nil, usagef("%s", errText(err))
	}
	return u, nil
}

// redactURL returns s, an smb:// URL given on the command line, fit to
// print: without its password (or, if it does not parse, without its
// user information).
func redactURL(s string) string {
	if u, err := gosmb.ParseURL(s); err == nil {
		return u.String()
	}
	rest := s[min(len(s), len("smb://")):]
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	return "smb://" + rest
}

// isURL reports whether s looks like an smb:// URL (as opposed to a local
// path).
func isURL(s string) bool {
	return len(s) >= 6 && strings.EqualFold(s[:6], "smb://")
}

// client returns a connection for u, dialling on first use. URLs with the
// same server and credentials share one connection, so several files of
// one command are transferred concurrently on it.
func (e *env) client(u *gosmb.URL) (*gosmb.Client, error) {
	o := e.g.options()
	o.NetBIOSName = u.NetBIOSName
	if e.g.anonymous || u.User == "" {
		o.Anonymous = true
	} else {
		o.User, o.Domain = u.User, u.Domain
		if u.HasPassword {
			o.Password = u.Password
		} else {
			o.Password = os.Getenv(passwordEnv)
		}
	}
	key := strings.Join([]string{u.Addr(), o.NetBIOSName, o.Domain, o.User, o.Password, fmt.Sprint(o.Anonymous)}, "\x00")

	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.clients[key]; ok {
		return c, nil
	}
	c, err := gosmb.Dial(e.ctx, u.Addr(), &o)
	if err != nil {
		return nil, &wrapErr{prefix: "connect " + u.Addr(), err: err}
	}
	if e.clients == nil {
		e.clients = map[string]*gosmb.Client{}
	}
	e.clients[key] = c
	return c, nil
}

// closeClients logs off and closes every connection.
func (e *env) closeClients() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, c := range e.clients {
		c.Close()
		delete(e.clients, k)
	}
}

// wrapErr prefixes an error's message and keeps it for errors.Is/As.
type wrapErr struct {
	prefix string
	err    error
}

func (w *wrapErr) Error() string { return w.prefix + ": " + errText(w.err) }
func (w *wrapErr) Unwrap() error { return w.err }

// wait waits for f under the command's context. When the context ends
// first, it gives the operation a moment to wind down (its own context
// is the same, so it is being cancelled), so that nothing still writes
// to a file the caller is about to remove.
func wait[T any](ctx context.Context, f *future.Future[T]) (T, error) {
	select {
	case <-f.Done():
		return f.Result()
	case <-ctx.Done():
	}
	t := time.NewTimer(settle)
	defer t.Stop()
	select {
	case <-f.Done():
		v, err := f.Result()
		if err != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w (%v)", ctx.Err(), errText(err))
		}
		return v, err
	case <-t.C:
		var zero T
		return zero, ctx.Err()
	}
}

// remotePath is the URL's path as the library takes it: relative to the
// share, without leading or trailing separators.
func remotePath(u *gosmb.URL) string {
	return strings.Trim(strings.ReplaceAll(u.Path, `\`, "/"), "/")
}

// baseName is the last component of the URL's path, or the share name for
// the share itself.
func baseName(u *gosmb.URL) string {
	p := remotePath(u)
	if p == "" {
		return u.Share
	}
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// joinRemote joins remote path components with '/'.
func joinRemote(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// withPath returns a copy of u with another path.
func withPath(u *gosmb.URL, p string) *gosmb.URL {
	v := *u
	v.Path = p
	return &v
}

// needShare rejects a URL without a share.
func needShare(u *gosmb.URL) error {
	if u.Share == "" {
		return usagef("%s: the URL names no share (smb://HOST/SHARE/...)", u)
	}
	return nil
}
