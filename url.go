package gosmb

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// DefaultPort is the SMB-over-TCP port URL.Addr uses when the URL has none.
const DefaultPort = 445

// URL is a parsed smb:// URL:
//
//	smb://[DOMAIN;]USER[:PASSWORD]@[NBNAME,]HOST[:PORT]/SHARE/PATH
//
// Every field is decoded: percent-escapes are resolved and IPv6 brackets
// removed. Path is relative to the share, uses '/' as written in the URL
// and keeps a trailing '/' when there was one; Share is empty for
// smb://host/ (the server itself, for listing shares).
type URL struct {
	Domain      string
	User        string
	Password    string
	HasPassword bool // a ':' followed USER, even with an empty password
	NetBIOSName string
	Host        string // host name or IP address, without brackets
	Port        int    // 0 when absent; Addr uses DefaultPort
	Share       string
	Path        string
}

// URLError is a malformed smb:// URL. It names the part that is wrong and,
// except for the password, the offending text. Err, when set, is the
// underlying cause (a *url.EscapeError, a strconv error, ...).
type URLError struct {
	Part  string // "scheme", "domain", "user", "password", "netbios name", "host", "port", "share", "path"
	Value string // the offending text; empty for the password
	Msg   string // what is wrong with it
	Err   error
}

func (e *URLError) Error() string {
	var b strings.Builder
	b.WriteString("gosmb: smb URL: ")
	b.WriteString(e.Msg)
	if e.Part != "" {
		b.WriteString(" (")
		b.WriteString(e.Part)
		if e.Value != "" && e.Part != "password" {
			b.WriteString(" ")
			b.WriteString(strconv.Quote(e.Value))
		}
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause, if any.
func (e *URLError) Unwrap() error { return e.Err }

// ParseURL parses an smb:// URL (see URL). The scheme is case-insensitive.
// A query or fragment is rejected: write '?' and '#' in names as %3F and
// %23. Errors are *URLError and never contain the password.
func ParseURL(s string) (*URL, error) {
	const scheme = "smb://"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		v := s
		if i := strings.Index(v, "://"); i >= 0 {
			v = v[:i]
		} else {
			v = ""
		}
		return nil, &URLError{Part: "scheme", Value: v, Msg: "not an smb:// URL"}
	}
	rest := s[len(scheme):]
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		return nil, &URLError{Part: "path", Msg: fmt.Sprintf("unescaped %q (write it as %s)", rest[i], url.PathEscape(rest[i:i+1]))}
	}
	authority, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i+1:]
	}

	u := &URL{}
	hostport := authority
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		if err := u.parseUserinfo(authority[:i]); err != nil {
			return nil, err
		}
		hostport = authority[i+1:]
	}
	if err := u.parseHostport(hostport); err != nil {
		if !strings.Contains(authority, "@") && strings.Contains(path, "@") {
			// Perhaps user:password with a '/' in the password, which
			// ended the authority early: quote none of it.
			return nil, &URLError{Part: "host", Msg: "invalid host or port (a '/' in a user name or password must be written %2F)"}
		}
		return nil, err
	}
	if err := u.parsePath(path); err != nil {
		return nil, err
	}
	return u, nil
}

func (u *URL) parseUserinfo(ui string) error {
	// DOMAIN; ends before the password starts: a ';' in the password
	// is the password's.
	head := ui
	if i := strings.IndexByte(ui, ':'); i >= 0 {
		head = ui[:i]
	}
	if i := strings.IndexByte(head, ';'); i >= 0 {
		d, err := unescape("domain", ui[:i])
		if err != nil {
			return err
		}
		u.Domain, ui = d, ui[i+1:]
	}
	user := ui
	if i := strings.IndexByte(ui, ':'); i >= 0 {
		p, err := url.PathUnescape(ui[i+1:])
		if err != nil {
			// Not the escape error: it would quote part of the password.
			return &URLError{Part: "password", Msg: "invalid percent-escape"}
		}
		u.Password, u.HasPassword, user = p, true, ui[:i]
	}
	name, err := unescape("user", user)
	if err != nil {
		return err
	}
	u.User = name
	return nil
}

func (u *URL) parseHostport(hp string) error {
	if i := strings.IndexByte(hp, ','); i >= 0 {
		nb, err := unescape("netbios name", hp[:i])
		if err != nil {
			return err
		}
		if nb == "" {
			return &URLError{Part: "netbios name", Msg: "empty name before ','"}
		}
		u.NetBIOSName, hp = nb, hp[i+1:]
	}
	host, port := hp, ""
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return &URLError{Part: "host", Value: hp, Msg: "missing ']' after IPv6 address"}
		}
		lit, err := unescape("host", hp[1:end])
		if err != nil {
			return err
		}
		addr, err := netip.ParseAddr(lit)
		if err != nil || !addr.Is6() {
			return &URLError{Part: "host", Value: lit, Msg: "invalid IPv6 address", Err: err}
		}
		host = lit
		after := hp[end+1:]
		if after != "" {
			if after[0] != ':' {
				return &URLError{Part: "host", Value: hp, Msg: "unexpected text after ']'"}
			}
			port = after[1:]
			if port == "" {
				return &URLError{Part: "port", Msg: "empty port after ':'"}
			}
		}
	} else {
		if strings.Count(hp, ":") > 1 {
			return &URLError{Part: "host", Value: hp, Msg: "IPv6 address must be in brackets"}
		}
		if i := strings.IndexByte(hp, ':'); i >= 0 {
			host, port = hp[:i], hp[i+1:]
			if port == "" {
				return &URLError{Part: "port", Msg: "empty port after ':'"}
			}
		}
		h, err := unescape("host", host)
		if err != nil {
			return err
		}
		if strings.ContainsAny(h, " /\\@[]:") {
			return &URLError{Part: "host", Value: h, Msg: "invalid character in host"}
		}
		host = h
	}
	if host == "" {
		return &URLError{Part: "host", Msg: "missing host"}
	}
	u.Host = host
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '+' || port[0] == '-' {
			return &URLError{Part: "port", Value: port, Msg: "port must be a number from 1 to 65535"}
		}
		u.Port = n
	}
	return nil
}

func (u *URL) parsePath(p string) error {
	share, rest := p, ""
	if i := strings.IndexByte(p, '/'); i >= 0 {
		share, rest = p[:i], p[i+1:]
	}
	sh, err := unescape("share", share)
	if err != nil {
		return err
	}
	if sh == "" && rest != "" {
		return &URLError{Part: "share", Msg: "empty share name before a path"}
	}
	if strings.ContainsAny(sh, "/\\") {
		return &URLError{Part: "share", Value: sh, Msg: "share name contains a path separator"}
	}
	path, err := unescape("path", rest)
	if err != nil {
		return err
	}
	u.Share, u.Path = sh, path
	return nil
}

func unescape(part, s string) (string, error) {
	v, err := url.PathUnescape(s)
	if err != nil {
		return "", &URLError{Part: part, Value: s, Msg: "invalid percent-escape", Err: err}
	}
	return v, nil
}

// Addr returns "host:port" for dialing, with DefaultPort when the URL has
// no port and brackets around an IPv6 address.
func (u *URL) Addr() string {
	port := u.Port
	if port == 0 {
		port = DefaultPort
	}
	return net.JoinHostPort(u.Host, strconv.Itoa(port))
}

// String returns the URL with every part escaped as needed, so that
// ParseURL gives the same URL back, except that the password is left
// out: String is safe to print and log.
func (u *URL) String() string {
	var b strings.Builder
	b.WriteString("smb://")
	if u.Domain != "" || u.User != "" {
		if u.Domain != "" {
			b.WriteString(escape(u.Domain, userinfoSafe))
			b.WriteByte(';')
		}
		b.WriteString(escape(u.User, userinfoSafe))
		b.WriteByte('@')
	}
	if u.NetBIOSName != "" {
		b.WriteString(escape(u.NetBIOSName, userinfoSafe))
		b.WriteByte(',')
	}
	if strings.Contains(u.Host, ":") {
		b.WriteByte('[')
		b.WriteString(strings.ReplaceAll(u.Host, "%", "%25"))
		b.WriteByte(']')
	} else {
		b.WriteString(escape(u.Host, userinfoSafe))
	}
	if u.Port != 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(u.Port))
	}
	b.WriteByte('/')
	if u.Share != "" {
		b.WriteString(escape(u.Share, segmentSafe))
		if u.Path != "" {
			b.WriteByte('/')
			for i, seg := range strings.Split(u.Path, "/") {
				if i > 0 {
					b.WriteByte('/')
				}
				b.WriteString(escape(seg, segmentSafe))
			}
		}
	}
	return b.String()
}

// Characters left as they are, besides letters, digits and "-._~"
// (RFC 3986 unreserved). Userinfo and host exclude the delimiters ParseURL
// splits on (';', ':', ',', '@').
const (
	userinfoSafe = "!$&'()*+="
	segmentSafe  = "!$&'()*+,;=:@"
)

func escape(s, safe string) string {
	const hex = "0123456789ABCDEF"
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || strings.IndexByte(safe, c) >= 0 {
			if b != nil {
				b = append(b, c)
			}
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(s)+8), s[:i]...)
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	if b == nil {
		return s
	}
	return string(b)
}
