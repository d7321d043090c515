package gosmb

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want URL
		str  string // String(); "" means in
		addr string // Addr(); "" means Host:445
	}{
		{in: "smb://server/", want: URL{Host: "server"}},
		{in: "smb://server", want: URL{Host: "server"}, str: "smb://server/"},
		{in: "SMB://Server/Share", want: URL{Host: "Server", Share: "Share"}, str: "smb://Server/Share"},
		{in: "smb://server/share/", want: URL{Host: "server", Share: "share"}, str: "smb://server/share"},
		{in: "smb://server/share/dir/", want: URL{Host: "server", Share: "share", Path: "dir/"}},
		{in: "smb://server/share/a/b/c.txt", want: URL{Host: "server", Share: "share", Path: "a/b/c.txt"}},
		{in: "smb://alice@server/share/f", want: URL{User: "alice", Host: "server", Share: "share", Path: "f"}},
		{
			in:   "smb://alice:secret@server/share/f",
			want: URL{User: "alice", Password: "secret", HasPassword: true, Host: "server", Share: "share", Path: "f"},
			str:  "smb://alice@server/share/f",
		},
		{
			in:   "smb://alice:se;cret@server/share",
			want: URL{User: "alice", Password: "se;cret", HasPassword: true, Host: "server", Share: "share"},
			str:  "smb://alice@server/share",
		},
		{
			in:   "smb://D;alice:se;cr:et@server/share",
			want: URL{Domain: "D", User: "alice", Password: "se;cr:et", HasPassword: true, Host: "server", Share: "share"},
			str:  "smb://D;alice@server/share",
		},
		{
			in:   "smb://alice:@server/share",
			want: URL{User: "alice", HasPassword: true, Host: "server", Share: "share"},
			str:  "smb://alice@server/share",
		},
		{
			in:   "smb://CORP;alice:pw@server:4455/share/x",
			want: URL{Domain: "CORP", User: "alice", Password: "pw", HasPassword: true, Host: "server", Port: 4455, Share: "share", Path: "x"},
			str:  "smb://CORP;alice@server:4455/share/x",
			addr: "server:4455",
		},
		{
			in:   "smb://CORP;alice@server/s",
			want: URL{Domain: "CORP", User: "alice", Host: "server", Share: "s"},
		},
		{
			in:   "smb://;alice@server/s",
			want: URL{User: "alice", Host: "server", Share: "s"},
			str:  "smb://alice@server/s",
		},
		{
			// '@', ':' and '%' in the password, escaped.
			in:   "smb://bob:p%40ss%3Aw%25rd@10.0.0.1/share",
			want: URL{User: "bob", Password: "p@ss:w%rd", HasPassword: true, Host: "10.0.0.1", Share: "share"},
			str:  "smb://bob@10.0.0.1/share",
		},
		{
			// An unescaped '@' in the password still works: the last '@' ends the userinfo.
			in:   "smb://bob:p@ss@host/share",
			want: URL{User: "bob", Password: "p@ss", HasPassword: true, Host: "host", Share: "share"},
			str:  "smb://bob@host/share",
		},
		{
			in:   "smb://user%40realm@host/share",
			want: URL{User: "user@realm", Host: "host", Share: "share"},
		},
		{
			in:   "smb://D%3BX;u%3Ax@host/share",
			want: URL{Domain: "D;X", User: "u:x", Host: "host", Share: "share"},
		},
		{
			in:   "smb://host/my%20share/My%20Documents/a%20b.txt",
			want: URL{Host: "host", Share: "my share", Path: "My Documents/a b.txt"},
		},
		{
			// CJK names, escaped as UTF-8 on the way out.
			in:   "smb://%E5%BC%A0%E4%B8%89:%E5%AF%86%E7%A0%81@host/%E5%85%B1%E4%BA%AB/%E6%96%87%E4%BB%B6%E5%A4%B9/%E6%96%87%E4%BB%B6.txt",
			want: URL{User: "张三", Password: "密码", HasPassword: true, Host: "host", Share: "共享", Path: "文件夹/文件.txt"},
			str:  "smb://%E5%BC%A0%E4%B8%89@host/%E5%85%B1%E4%BA%AB/%E6%96%87%E4%BB%B6%E5%A4%B9/%E6%96%87%E4%BB%B6.txt",
		},
		{
			// Raw UTF-8 is accepted too.
			in:   "smb://host/共享/日本語 ファイル.txt",
			want: URL{Host: "host", Share: "共享", Path: "日本語 ファイル.txt"},
			str:  "smb://host/%E5%85%B1%E4%BA%AB/%E6%97%A5%E6%9C%AC%E8%AA%9E%20%E3%83%95%E3%82%A1%E3%82%A4%E3%83%AB.txt",
		},
		{
			// '+' is not a space in a path.
			in:   "smb://host/share/a+b",
			want: URL{Host: "host", Share: "share", Path: "a+b"},
		},
		{
			in:   "smb://host/share/%3F%23%25.txt",
			want: URL{Host: "host", Share: "share", Path: "?#%.txt"},
		},
		{
			in:   "smb://[::1]/share",
			want: URL{Host: "::1", Share: "share"},
			addr: "[::1]:445",
		},
		{
			in:   "smb://u:p@[2001:db8::1]:1445/share/dir/",
			want: URL{User: "u", Password: "p", HasPassword: true, Host: "2001:db8::1", Port: 1445, Share: "share", Path: "dir/"},
			str:  "smb://u@[2001:db8::1]:1445/share/dir/",
			addr: "[2001:db8::1]:1445",
		},
		{
			in:   "smb://[fe80::1%25eth0]/s",
			want: URL{Host: "fe80::1%eth0", Share: "s"},
			addr: "[fe80::1%eth0]:445",
		},
		{
			in:   "smb://FILESRV,10.1.2.3/share",
			want: URL{NetBIOSName: "FILESRV", Host: "10.1.2.3", Share: "share"},
		},
		{
			in:   "smb://WG;u:pw1@NB,host:139/share/p",
			want: URL{Domain: "WG", User: "u", Password: "pw1", HasPassword: true, NetBIOSName: "NB", Host: "host", Port: 139, Share: "share", Path: "p"},
			str:  "smb://WG;u@NB,host:139/share/p",
			addr: "host:139",
		},
		{
			in:   "smb://*SMBSERVER,[::1]:445/share",
			want: URL{NetBIOSName: "*SMBSERVER", Host: "::1", Port: 445, Share: "share"},
			addr: "[::1]:445",
		},
		{
			in:   "smb://host/share//double",
			want: URL{Host: "host", Share: "share", Path: "/double"},
		},
		{
			in:   "smb://host:65535/",
			want: URL{Host: "host", Port: 65535},
			addr: "host:65535",
		},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseURL(tt.in)
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(&tt.want, u); diff != "" {
				t.Errorf("ParseURL(%q) (-want +got):\n%s", tt.in, diff)
			}
			wantStr := tt.str
			if wantStr == "" {
				wantStr = tt.in
			}
			if got := u.String(); got != wantStr {
				t.Errorf("String() = %q, want %q", got, wantStr)
			}
			wantAddr := tt.addr
			if wantAddr == "" {
				wantAddr = tt.want.Host + ":445"
			}
			if got := u.Addr(); got != wantAddr {
				t.Errorf("Addr() = %q, want %q", got, wantAddr)
			}
			if u.Password != "" && strings.Contains(u.String(), u.Password) {
				t.Errorf("String() %q contains the password", u.String())
			}
			// String parses back to the same URL, minus the password.
			back, err := ParseURL(u.String())
			if err != nil {
				t.Fatalf("ParseURL(String()=%q): %v", u.String(), err)
			}
			want := *u
			want.Password, want.HasPassword = "", false
			if diff := cmp.Diff(&want, back); diff != "" {
				t.Errorf("round trip of %q (-want +got):\n%s", u.String(), diff)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		in   string
		part string
	}{
		{"", "scheme"},
		{"server/share", "scheme"},
		{"http://server/share", "scheme"},
		{"smb:/server/share", "scheme"},
		{"smb://", "host"},
		{"smb:///share", "host"},
		{"smb://user@/share", "host"},
		{"smb://user:pw@:445/share", "host"},
		{"smb://host:/share", "port"},
		{"smb://host:0/share", "port"},
		{"smb://host:65536/share", "port"},
		{"smb://host:-1/share", "port"},
		{"smb://host:+1/share", "port"},
		{"smb://host:44a/share", "port"},
		{"smb://::1/share", "host"},
		{"smb://[::1/share", "host"},
		{"smb://[::1]x/share", "host"},
		{"smb://[::1]:/share", "port"},
		{"smb://[1.2.3.4]/share", "host"},
		{"smb://[not-an-ip]/share", "host"},
		{"smb://,host/share", "netbios name"},
		{"smb://host//path", "share"},
		{"smb://host/sh%2Fare/x", "share"},
		{"smb://host/share/a%zz", "path"},
		{"smb://host/sh%4/", "share"},
		{"smb://us%er@host/", "user"},
		{"smb://d%;u@host/", "domain"},
		{"smb://u:p%zzsecret@host/", "password"},
		{"smb://nb%z,host/", "netbios name"},
		{"smb://ho%zzst/", "host"},
		{"smb://ho st/", "host"},
		{"smb://ho%3Ast/", "host"},
		{"smb://host/share/file?x=1", "path"},
		{"smb://host/share/file#1", "path"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseURL(tt.in)
			if err == nil {
				t.Fatalf("ParseURL(%q) = %+v, want an error", tt.in, u)
			}
			var ue *URLError
			if !errors.As(err, &ue) {
				t.Fatalf("ParseURL(%q) error %T %v, want *URLError", tt.in, err, err)
			}
			if ue.Part != tt.part {
				t.Errorf("ParseURL(%q) error part %q, want %q (%v)", tt.in, ue.Part, tt.part, err)
			}
			if !strings.HasPrefix(err.Error(), "gosmb: smb URL: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestParseURLErrorHidesPassword(t *testing.T) {
	for _, in := range []string{
		"smb://u:topsecret%zz@host/",
		"smb://u:topsecret@host:99999/",
		"smb://u:topsecret@host/share/x%zz",
		"smb://u:topsecret@[::1/",
		"smb://u:topsecret@host/share?x",
		"smb://u:top/secret@host/share", // '/' unescaped: not a port
		"smb://u:top/secret@[::1/share",
	} {
		_, err := ParseURL(in)
		if err == nil {
			t.Fatalf("ParseURL(%q): no error", in)
		}
		if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("ParseURL(%q) error %q shows the password", in, err)
		}
	}
}

func TestParseURLEscapeErrorUnwraps(t *testing.T) {
	_, err := ParseURL("smb://host/share/%g0")
	var ee url.EscapeError
	if !errors.As(err, &ee) {
		t.Fatalf("error %v does not unwrap to url.EscapeError", err)
	}
}

func TestURLStringEscapes(t *testing.T) {
	u := &URL{Domain: "A;B", User: "u:@,x", Password: "pw", HasPassword: true, NetBIOSName: "N,B", Host: "h", Share: "s s", Path: "a/b?c#d%e/"}
	want := "smb://A%3BB;u%3A%40%2Cx@N%2CB,h/s%20s/a/b%3Fc%23d%25e/"
	if got := u.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	back, err := ParseURL(want)
	if err != nil {
		t.Fatal(err)
	}
	u.Password, u.HasPassword = "", false
	if diff := cmp.Diff(u, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"smb://server/", "smb://CORP;alice:pw@NB,server:4455/share/x/y/",
		"smb://[fe80::1%25eth0]:1/s/%E6%96%87", "smb://u:p%40@host/share/a%20b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			return
		}
		back, err := ParseURL(u.String())
		if err != nil {
			t.Fatalf("ParseURL(%q).String() = %q does not parse: %v", s, u.String(), err)
		}
		want := *u
		want.Password, want.HasPassword = "", false
		if diff := cmp.Diff(&want, back); diff != "" {
			t.Fatalf("round trip of %q via %q (-want +got):\n%s", s, u.String(), diff)
		}
	})
}
