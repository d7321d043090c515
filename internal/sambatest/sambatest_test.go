package sambatest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func smbclient(t *testing.T, args []string, command string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := Smbclient(ctx, args, command)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// smbclientFails runs smbclient and wants it to fail with want in its output.
func smbclientFails(t *testing.T, args []string, command, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := Smbclient(ctx, args, command)
	if err == nil || !strings.Contains(out, want) {
		t.Errorf("smbclient %v -c %q: err %v, want failure with %s; output:\n%s", args, command, err, want, out)
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// withOption returns args with smbclient option opt ("client min protocol=SMB3").
func withOption(args []string, opt string) []string {
	return append(slices.Clone(args), "--option="+opt)
}

// withMaxProtocol returns args with smbclient's -m replaced.
func withMaxProtocol(args []string, proto string) []string {
	args = slices.Clone(args)
	i := slices.Index(args, "-m")
	args[i+1] = proto
	return args
}

func TestLaunchDefault(t *testing.T) {
	t.Parallel()
	s := Start(t, Config{})
	if s.Addr != net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)) || s.NetBIOSAddr != "" {
		t.Errorf("Addr %q Port %d NetBIOSAddr %q", s.Addr, s.Port, s.NetBIOSAddr)
	}
	writeFile(t, filepath.Join(s.ShareDir, "hello.txt"), "hello")
	out := smbclient(t, s.SmbclientArgs(), "ls; mkdir made")
	if !strings.Contains(out, "hello.txt") {
		t.Errorf("ls does not list hello.txt:\n%s", out)
	}
	// Writes through SMB land in ShareDir.
	if fi, err := os.Stat(filepath.Join(s.ShareDir, "made")); err != nil || !fi.IsDir() {
		t.Errorf("mkdir over SMB: %v\n%s", err, out)
	}
	// The read-only share reads but refuses writes.
	writeFile(t, filepath.Join(s.RODir, "ro.txt"), "ro")
	if out := smbclient(t, s.SmbclientArgsFor(s.ROShare, s.User, s.Password), "ls"); !strings.Contains(out, "ro.txt") {
		t.Errorf("ro share ls:\n%s", out)
	}
	smbclientFails(t, s.SmbclientArgsFor(s.ROShare, s.User, s.Password), "mkdir x", "NT_STATUS_ACCESS_DENIED")
	// The enc share works for a client that encrypts (smbclient does when
	// the share asks), and refuses one that will not.
	encArgs := s.SmbclientArgsFor(s.EncShare, s.User, s.Password)
	smbclient(t, encArgs, "mkdir e")
	smbclientFails(t, withMaxProtocol(encArgs, "SMB2_10"), "ls", "NT_STATUS_ACCESS_DENIED")
	// A wrong password fails.
	smbclientFails(t, s.SmbclientArgsFor(s.Share, s.User, "wrong"), "ls", "NT_STATUS_LOGON_FAILURE")
	// No guest share without Config.Guest.
	if s.GuestShare != "" {
		t.Errorf("GuestShare = %q without Config.Guest", s.GuestShare)
	}
}

// session is one row of `smbstatus -b`.
type session struct {
	Protocol, Encryption, Signing string
}

// sessionOf opens an SMB session with smbclient args and reads what smbd
// says about it with smbstatus, then ends it.
func sessionOf(t *testing.T, s *Server, args []string) session {
	t.Helper()
	bin, err := lookPath("smbclient")
	if err != nil {
		t.Skip(err)
	}
	status, err := lookPath("smbstatus")
	if err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// With stdin open and no commands, smbclient holds its session and
	// tree connect until stdin closes.
	cmd := exec.CommandContext(ctx, bin, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer // read only after exited
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	defer func() {
		stdin.Close()
		<-exited
	}()
	// smbstatus lists sessions, then tree connects. Once the tree connect
	// shows, the session setup is over and its signing and encryption
	// state final.
	share := args[slices.IndexFunc(args, func(a string) bool { return strings.HasPrefix(a, "//") })]
	share = share[strings.LastIndexByte(share, '/')+1:]
	for {
		st, err := exec.CommandContext(ctx, status, "-s", s.ConfPath).CombinedOutput()
		if err != nil {
			t.Fatalf("smbstatus: %v\n%s", err, st)
		}
		var sess *session
		tcon := false
		for _, line := range strings.Split(string(st), "\n") {
			f := strings.Fields(line)
			// PID Username Group Machine(2 fields) Protocol Encryption Signing
			if len(f) >= 8 && strings.HasPrefix(f[4], "(ipv4:") {
				if _, err := strconv.Atoi(f[0]); err == nil {
					sess = &session{Protocol: f[5], Encryption: f[6], Signing: f[7]}
				}
			}
			// Service pid Machine Connected-at Encryption Signing
			if len(f) > 2 && f[0] == share {
				tcon = true
			}
		}
		if sess != nil && tcon {
			return *sess
		}
		select {
		case <-exited:
			t.Fatalf("smbclient ended before its tree connect showed:\n%s\nsmbstatus:\n%s", out.String(), st)
		case <-ctx.Done():
			t.Fatalf("no session and tree connect in smbstatus:\n%s", st)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		// client adjusts the smbclient args; nil keeps SmbclientArgs.
		client func([]string) []string
		want   session
		// refused, if set, is a client the server must turn away.
		refused     func([]string) []string
		refusedWith string
	}{{
		name: "MaxSMB2_10",
		cfg:  Config{MaxProtocol: "SMB2_10"},
		// "partial": smbclient signs the session setup, not the rest.
		want: session{Protocol: "SMB2_10", Encryption: "-", Signing: "partial(HMAC-SHA256)"},
		refused: func(a []string) []string {
			return withOption(withMaxProtocol(a, "SMB3_11"), "client min protocol=SMB3_00")
		},
		refusedWith: "NT_STATUS_",
	}, {
		name: "MaxSMB3_02",
		cfg:  Config{MinProtocol: "SMB3_00", MaxProtocol: "SMB3_02"},
		want: session{Protocol: "SMB3_02", Encryption: "-", Signing: "partial(AES-128-CMAC)"},
		refused: func(a []string) []string {
			return withMaxProtocol(a, "SMB2_10")
		},
		refusedWith: "NT_STATUS_",
	}, {
		name: "SigningMandatory",
		cfg:  Config{Signing: "mandatory"},
		want: session{Protocol: "SMB3_11", Encryption: "-", Signing: "AES-128-GMAC"},
	}, {
		name: "SigningMandatorySMB2_10",
		cfg:  Config{Signing: "mandatory", MaxProtocol: "SMB2_10"},
		want: session{Protocol: "SMB2_10", Encryption: "-", Signing: "HMAC-SHA256"},
	}, {
		name: "SigningAlgorithmCMAC",
		cfg:  Config{Signing: "mandatory", SigningAlgorithms: "AES-128-CMAC"},
		want: session{Protocol: "SMB3_11", Encryption: "-", Signing: "AES-128-CMAC"},
	}, {
		name: "EncryptRequired",
		cfg:  Config{Encrypt: "required"},
		// Encrypted traffic is not signed besides.
		want: session{Protocol: "SMB3_11", Encryption: "AES-128-GCM", Signing: "partial(AES-128-GMAC)"},
		refused: func(a []string) []string {
			return withMaxProtocol(a, "SMB2_10")
		},
		refusedWith: "NT_STATUS_ACCESS_DENIED",
	}, {
		name: "EncryptAES256CCM",
		cfg:  Config{Encrypt: "required", EncryptionAlgorithms: "AES-256-CCM"},
		want: session{Protocol: "SMB3_11", Encryption: "AES-256-CCM", Signing: "partial(AES-128-GMAC)"},
	}, {
		name: "EncryptSMB3_00",
		cfg:  Config{Encrypt: "required", MaxProtocol: "SMB3_00"},
		want: session{Protocol: "SMB3_00", Encryption: "AES-128-CCM", Signing: "partial(AES-128-CMAC)"},
	}, {
		name:   "SMB1",
		cfg:    Config{SMB1: true, NTLMAuth: "yes"},
		client: func(a []string) []string { return withMaxProtocol(a, "NT1") },
		want:   session{Protocol: "NT1", Encryption: "-", Signing: "-"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := Start(t, tc.cfg)
			writeFile(t, filepath.Join(s.ShareDir, "f.txt"), "x")
			args := s.SmbclientArgs()
			if tc.client != nil {
				args = tc.client(args)
			}
			if out := smbclient(t, args, "ls"); !strings.Contains(out, "f.txt") {
				t.Errorf("ls:\n%s", out)
			}
			if got := sessionOf(t, s, args); got != tc.want {
				t.Errorf("smbstatus session = %+v, want %+v", got, tc.want)
			}
			if tc.refused != nil {
				smbclientFails(t, tc.refused(s.SmbclientArgs()), "ls", tc.refusedWith)
			}
		})
	}
}

func TestSMB1RefusedByDefault(t *testing.T) {
	t.Parallel()
	s := Start(t, Config{})
	args := withOption(withMaxProtocol(s.SmbclientArgs(), "NT1"), "client min protocol=NT1")
	smbclientFails(t, args, "ls", "NT_STATUS_")
}

func TestGuest(t *testing.T) {
	t.Parallel()
	s := Start(t, Config{Guest: true})
	if s.GuestShare != GuestShareName || s.GuestDir == "" {
		t.Fatalf("GuestShare %q GuestDir %q", s.GuestShare, s.GuestDir)
	}
	writeFile(t, filepath.Join(s.GuestDir, "g.txt"), "g")
	// Without credentials (-N), and as a user that does not exist (Bad User).
	for _, args := range [][]string{
		s.SmbclientArgsFor(s.GuestShare, "", ""),
		s.SmbclientArgsFor(s.GuestShare, "nosuchuser", "x"),
	} {
		if out := smbclient(t, args, "ls"); !strings.Contains(out, "g.txt") {
			t.Errorf("%v ls:\n%s", args, out)
		}
	}
	// A known user with a wrong password is not mapped to guest.
	smbclientFails(t, s.SmbclientArgsFor(s.GuestShare, s.User, "wrong"), "ls", "NT_STATUS_LOGON_FAILURE")
	// The main share is not open to guests.
	smbclientFails(t, s.SmbclientArgsFor(s.Share, "", ""), "ls", "NT_STATUS_ACCESS_DENIED")
}

func TestSnapshots(t *testing.T) {
	t.Parallel()
	s := Start(t, Config{Snapshots: true})
	writeFile(t, filepath.Join(s.ShareDir, "file"), "now")
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	dir, err := s.Snapshot(at)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(s.ShareDir, ".snapshots", "@GMT-2026.01.01-00.00.00"); dir != want {
		t.Errorf("Snapshot dir %s, want %s", dir, want)
	}
	writeFile(t, filepath.Join(dir, "file"), "then!")
	out := smbclient(t, s.SmbclientArgs(), "allinfo file")
	// allinfo lists each previous version by its @GMT token, then its size.
	i := strings.Index(out, "@GMT-2026.01.01-00.00.00")
	if i < 0 || !strings.Contains(out[i:], "size: 5") {
		t.Errorf("allinfo does not list the snapshot:\n%s", out)
	}
	// The @GMT path reads the old content.
	local := filepath.Join(t.TempDir(), "old")
	smbclient(t, s.SmbclientArgs(), `get @GMT-2026.01.01-00.00.00\file `+local)
	if b, err := os.ReadFile(local); err != nil || string(b) != "then!" {
		t.Errorf("get @GMT path: %q %v", b, err)
	}
}

func TestSnapshotWithoutConfig(t *testing.T) {
	s := &Server{}
	if _, err := s.Snapshot(time.Now()); err == nil {
		t.Error("Snapshot without Config.Snapshots: no error")
	}
}

// nbName is a NetBIOS name in first-level encoding (RFC 1002 4.1), padded
// to 15 characters plus the type byte.
func nbName(name string, typ byte) []byte {
	raw := []byte(fmt.Sprintf("%-15s", strings.ToUpper(name)))
	raw = append(raw, typ)
	out := []byte{32}
	for _, c := range raw {
		out = append(out, 'A'+c>>4, 'A'+c&0x0f)
	}
	return append(out, 0)
}

func TestNetBIOSPort(t *testing.T) {
	t.Parallel()
	s := Start(t, Config{NetBIOSPort: true})
	if s.NetBIOSPort == 0 || s.NetBIOSPort == s.Port || s.NetBIOSAddr != net.JoinHostPort("127.0.0.1", strconv.Itoa(s.NetBIOSPort)) {
		t.Fatalf("Port %d NetBIOSPort %d NetBIOSAddr %q", s.Port, s.NetBIOSPort, s.NetBIOSAddr)
	}
	c, err := net.DialTimeout("tcp", s.NetBIOSAddr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	// NBSS SESSION REQUEST (0x81), RFC 1002 4.3.2: called, then calling name.
	body := append(nbName("*SMBSERVER", 0x20), nbName("GOSMBTESTCLIENT", 0x00)...)
	req := append([]byte{0x81, 0, byte(len(body) >> 8), byte(len(body))}, body...)
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	resp := make([]byte, 4)
	if _, err := io.ReadFull(c, resp); err != nil {
		t.Fatal(err)
	}
	if resp[0] != 0x82 { // POSITIVE SESSION RESPONSE
		t.Errorf("session response % x, want 82 00 00 00", resp)
	}
	// smbclient over the second port too.
	args := slices.Clone(s.SmbclientArgs())
	args[slices.Index(args, "-p")+1] = strconv.Itoa(s.NetBIOSPort)
	smbclient(t, args, "ls")
}

func TestParallelLaunch(t *testing.T) {
	t.Parallel()
	servers := make(chan *Server, 3)
	t.Run("group", func(t *testing.T) {
		for i := range 3 {
			t.Run(strconv.Itoa(i), func(t *testing.T) {
				t.Parallel()
				s, err := Launch(Config{ShareOnTmpfs: i == 0, NetBIOSPort: i == 1})
				if err != nil {
					t.Fatal(err)
				}
				servers <- s
				writeFile(t, filepath.Join(s.ShareDir, "mine"+strconv.Itoa(i)), "x")
				if out := smbclient(t, s.SmbclientArgs(), "ls"); !strings.Contains(out, "mine"+strconv.Itoa(i)) {
					t.Errorf("ls:\n%s", out)
				}
			})
		}
	})
	close(servers)
	seen := map[string]bool{}
	for s := range servers {
		for _, k := range []string{s.Addr, s.Dir, s.ShareDir} {
			if seen[k] {
				t.Errorf("%s used by two servers", k)
			}
			seen[k] = true
		}
		if err := s.Close(); err != nil {
			t.Error(err)
		}
		if _, err := os.Stat(s.ShareDir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("ShareDir %s after Close: %v", s.ShareDir, err)
		}
	}
}

// childrenOf returns the pids whose parent is ppid.
func childrenOf(ppid int) []int { return procsWith(statPPID, ppid) }

func TestCloseLeavesNoProcesses(t *testing.T) {
	t.Parallel()
	if err := Available(); err != nil {
		t.Skip(err)
	}
	s, err := Launch(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// A share listing goes over srvsvc, which makes smbd spawn
	// samba-dcerpcd and rpcd_* workers in their own session.
	lArgs := []string{"-s", s.ClientConf, "-p", strconv.Itoa(s.Port), "-L", s.Host, "-U", s.User + "%" + s.Password}
	if out := smbclient(t, lArgs, ""); !strings.Contains(out, EncShareName) {
		t.Errorf("share list:\n%s", out)
	}
	// A connection that stays open: a per-connection smbd child.
	c, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var pids []int
	deadline := time.Now().Add(10 * time.Second)
	for {
		pids = append(childrenOf(s.PID), procsUsing(s.ConfPath)...)
		if slices.ContainsFunc(pids, func(p int) bool {
			cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p))
			return bytes.Contains(cmdline, []byte("samba-dcerpcd"))
		}) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(pids) < 3 {
		t.Errorf("only %d processes before Close: %v", len(pids), pids)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if live := liveProcs(append(pids, s.PID)); len(live) > 0 {
		t.Errorf("processes outlive Close: %v", live)
	}
	if left := procsUsing(s.ConfPath); len(left) > 0 {
		t.Errorf("processes with our config outlive Close: %v", left)
	}
	if _, err := os.Stat(s.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Dir after Close: %v", err)
	}
	// The connection is gone too.
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("connection still open after Close")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestLaunchRejectsBadConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{
		{MaxProtocol: "SMB4"},
		{Signing: "sometimes"},
		{Encrypt: "maybe"},
		{NTLMAuth: "ntlmv3"},
		{EncryptionAlgorithms: "AES-128-GCM, ROT13"},
		{SigningAlgorithms: "MD5"},
		{MinProtocol: "SMB3_11", MaxProtocol: "SMB2_02"},
		{SMB1: true, MinProtocol: "SMB2_02"},
		{ExtraGlobal: []string{"a = b\n[evil]"}},
	} {
		if _, err := normalize(cfg); err == nil {
			t.Errorf("normalize(%+v): no error", cfg)
		}
	}
	// testparm catches what normalize cannot.
	if Available() == nil {
		if _, err := lookPath("testparm"); err == nil {
			s, err := Launch(Config{ExtraShare: []string{"no such parameter = 1"}})
			if err == nil {
				s.Close()
				t.Error("Launch with an unknown parameter: no error")
			} else if !strings.Contains(err.Error(), "no such parameter") {
				t.Errorf("error does not name the parameter: %v", err)
			}
		}
	}
}

func TestNormalizeDefaults(t *testing.T) {
	for _, tc := range []struct {
		cfg      Config
		min, max string
	}{
		{Config{}, "SMB2_02", "SMB3_11"},
		{Config{SMB1: true}, "NT1", "SMB3_11"},
		{Config{MaxProtocol: "nt1"}, "NT1", "NT1"},
		{Config{MaxProtocol: "smb2_10"}, "SMB2_02", "SMB2_10"},
		{Config{MinProtocol: "SMB3_00"}, "SMB3_00", "SMB3_11"},
	} {
		n, err := normalize(tc.cfg)
		if err != nil || n.min != tc.min || n.max != tc.max {
			t.Errorf("normalize(%+v) = %s..%s, %v; want %s..%s", tc.cfg, n.min, n.max, err, tc.min, tc.max)
		}
	}
}

// TestConfigsValid runs testparm over the configs of many option
// combinations: every line must be one Samba 4.17 knows, with a valid value.
func TestConfigsValid(t *testing.T) {
	t.Parallel()
	testparm, err := lookPath("testparm")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	// Each value of each option once, on top of a base that has the
	// booleans on, then everything off and a few mixes.
	base := Config{Guest: true, Snapshots: true, NetBIOSPort: true,
		ExtraGlobal: []string{"deadtime = 1"}, ExtraShare: []string{"strict sync = no"}}
	cfgs := []Config{{}, base, {SMB1: true, ShareOnTmpfs: true},
		{MaxProtocol: "NT1", NTLMAuth: "yes"},
		{SMB1: true, Signing: "mandatory", Encrypt: "desired", NTLMAuth: "ntlmv1-permitted", Guest: true},
		{MinProtocol: "SMB3_11", Encrypt: "required", EncryptionAlgorithms: "AES-256-GCM", SigningAlgorithms: "AES-128-GMAC"},
	}
	vary := func(set func(*Config, string), values ...string) {
		for _, v := range values {
			c := base
			set(&c, v)
			cfgs = append(cfgs, c)
		}
	}
	vary(func(c *Config, v string) { c.MinProtocol = v }, "NT1", "SMB2_02", "SMB2_10", "SMB3_00", "SMB3_02", "SMB3_11")
	vary(func(c *Config, v string) { c.MaxProtocol = v }, "NT1", "SMB2_02", "SMB2_10", "SMB3_00", "SMB3_02", "SMB3_11")
	vary(func(c *Config, v string) { c.Signing = v }, "auto", "mandatory", "disabled")
	vary(func(c *Config, v string) { c.Encrypt = v }, "desired", "required", "off", "if_required")
	vary(func(c *Config, v string) { c.NTLMAuth = v }, "yes", "ntlmv2-only", "ntlmv1-permitted", "disabled")
	vary(func(c *Config, v string) { c.EncryptionAlgorithms = v }, "AES-128-GCM", "AES-256-CCM, AES-128-CCM", strings.Join(encAlgs, ","))
	vary(func(c *Config, v string) { c.SigningAlgorithms = v }, "HMAC-SHA256", "AES-128-CMAC, HMAC-SHA256", strings.Join(signingAlgs, ","))

	dir := t.TempDir()
	lay := layout{dir: dir, shareRoot: dir}
	for _, d := range append(slices.Clone(stateDirs), ShareName, ROShareName, EncShareName, GuestShareName) {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	checked := map[string]bool{}
	for i, cfg := range cfgs {
		n, err := normalize(cfg)
		if err != nil {
			t.Fatalf("normalize(%+v): %v", cfg, err)
		}
		for name, text := range map[string]string{
			"server": serverConf(n, lay, 10445, 10139),
			"client": clientConf(n, lay),
		} {
			if checked[text] {
				continue
			}
			checked[text] = true
			path := filepath.Join(dir, fmt.Sprintf("%s%d.conf", name, i))
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			// -v: print every parameter, defaults too, for the checks below.
			cmd := exec.Command(testparm, "-sv", path)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			for _, line := range strings.Split(stderr.String(), "\n") {
				if strings.Contains(line, "Unknown parameter") || strings.Contains(line, "nvalid") || strings.Contains(line, "rror") {
					err = errors.Join(err, errors.New(line))
				}
			}
			if err != nil {
				t.Errorf("%s config for %+v: %v\n%s\n%s", name, cfg, err, stderr.String(), text)
				continue
			}
			if name != "server" {
				continue
			}
			params := parseTestparm(stdout.String())
			// testparm accepts any algorithm list: check it read ours back
			// under the parameter smbd uses.
			for p, want := range map[string]string{
				"server smb3 encryption algorithms": n.EncryptionAlgorithms,
				"server smb3 signing algorithms":    n.SigningAlgorithms,
			} {
				if got := params["global"][p]; want != "" && got != want {
					t.Errorf("%s: testparm reads %q, want %q", p, got, want)
				}
			}
			if got := params["global"]["server smb encrypt"]; n.Encrypt != "" && got == "default" {
				t.Errorf("Encrypt %q: testparm reads server smb encrypt = %s", n.Encrypt, got)
			}
			// testparm prints share values that differ from [global].
			if got := params[EncShareName]["server smb encrypt"]; got != "required" && params["global"]["server smb encrypt"] != "required" {
				t.Errorf("[%s] server smb encrypt = %q, want required", EncShareName, got)
			}
			if got := params[ShareName]["vfs objects"]; n.Snapshots != (got == "shadow_copy2") {
				t.Errorf("Snapshots %v: [%s] vfs objects = %q", n.Snapshots, ShareName, got)
			}
		}
	}
}

// parseTestparm maps section → parameter → value from testparm output.
func parseTestparm(out string) map[string]map[string]string {
	m := map[string]map[string]string{}
	var sec map[string]string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			sec = map[string]string{}
			m[line[1:len(line)-1]] = sec
			continue
		}
		if k, v, ok := strings.Cut(line, " = "); ok && sec != nil {
			sec[k] = v
		} else if k, ok := strings.CutSuffix(line, " ="); ok && sec != nil {
			sec[k] = ""
		}
	}
	return m
}

func TestListensOn(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	if !(&Server{PID: os.Getpid()}).listensOn(port) {
		t.Error("listensOn: our own listener not found")
	}
	if (&Server{PID: os.Getppid()}).listensOn(port) {
		t.Error("listensOn: listener found in the parent process")
	}
}

// recordTB records how Start ends a test; Skipf and Fatalf stop the
// goroutine as the real ones do.
type recordTB struct {
	testing.TB
	skipped, failed string
}

func (r *recordTB) Helper() {}
func (r *recordTB) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (r *recordTB) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestStartWithoutSmbd(t *testing.T) {
	saved := available
	t.Cleanup(func() { available = saved })
	available = func() error { return errors.New("sambatest: smbd not installed") }
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := &recordTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			Start(r, Config{})
		}()
		<-done
		if ci == "true" && (r.failed == "" || r.skipped != "") {
			t.Errorf("CI=true: skipped %q failed %q, want a failure", r.skipped, r.failed)
		}
		if ci == "" && (r.skipped == "" || r.failed != "") {
			t.Errorf("CI unset: skipped %q failed %q, want a skip", r.skipped, r.failed)
		}
	}
}

// TestHelperLaunchAndHang is not a test: TestSmbdDiesWithParent runs the
// test binary with it to get a process that launches a server and is then
// killed without Close.
func TestHelperLaunchAndHang(t *testing.T) {
	if os.Getenv("SAMBATEST_HELPER") != "1" {
		t.Skip("helper process only")
	}
	s, err := Launch(Config{})
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	fmt.Println("LAUNCHED", s.PID, s.Dir)
	time.Sleep(time.Minute)
	os.Exit(1)
}

func TestSmbdDiesWithParent(t *testing.T) {
	t.Parallel()
	if err := Available(); err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperLaunchAndHang$", "-test.v")
	cmd.Env = append(os.Environ(), "SAMBATEST_HELPER=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	var dir string
	var lines []string
	for sc := bufio.NewScanner(stdout); sc.Scan(); {
		lines = append(lines, sc.Text())
		if rest, ok := strings.CutPrefix(sc.Text(), "LAUNCHED "); ok {
			if _, err := fmt.Sscan(rest, &pid, &dir); err != nil {
				t.Fatalf("helper said %q: %v", sc.Text(), err)
			}
			break
		}
	}
	if pid == 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper did not launch:\n%s", strings.Join(lines, "\n"))
	}
	t.Cleanup(func() { os.RemoveAll(dir) }) // the helper cannot Close
	cmd.Process.Kill()
	cmd.Wait()
	conf := filepath.Join(dir, "smb.conf")
	deadline := time.Now().Add(10 * time.Second)
	for len(liveProcs([]int{pid})) > 0 || len(procsUsing(conf)) > 0 {
		if time.Now().After(deadline) {
			killByConf(conf, time.Second)
			t.Fatalf("smbd %d outlives its killed parent", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestUsageCountsTheConnectionProcess: the CPU and faults of a download
// are charged to the server even though the smbd child that served it
// has exited by the time Usage is read again; an idle server costs
// (almost) nothing.
func TestUsageCountsTheConnectionProcess(t *testing.T) {
	s := Start(t, Config{})
	data := make([]byte, 64<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	if err := os.WriteFile(filepath.Join(s.ShareDir, "big.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	u0 := s.Usage()
	time.Sleep(200 * time.Millisecond)
	idle := s.Usage().Sub(u0)
	if idle.CPU > 100*time.Millisecond {
		t.Errorf("idle server used %v of CPU in 200ms", idle.CPU)
	}
	u1 := s.Usage()
	for range 4 {
		smbclient(t, s.SmbclientArgs(), "get big.bin /dev/null")
	}
	// smbd reaps the children's times into its own once they exit.
	deadline := time.Now().Add(5 * time.Second)
	var got Usage
	for {
		got = s.Usage().Sub(u1)
		if got.CPU >= 50*time.Millisecond || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Four sessions reading 256 MiB from tmpfs or disk and sending it:
	// far more than a few scheduler ticks, and every fresh process
	// faults its pages in.
	if got.CPU < 50*time.Millisecond || got.MinorFaults < 100 {
		t.Errorf("four 64 MiB downloads cost the server %v of CPU and %d minor faults: not counted", got.CPU, got.MinorFaults)
	}
	t.Logf("idle 200ms: %v CPU, %d faults; four 64 MiB downloads: %v CPU, %d faults", idle.CPU, idle.MinorFaults, got.CPU, got.MinorFaults)
}
