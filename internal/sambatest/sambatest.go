// Package sambatest starts a real, throwaway smbd on 127.0.0.1 for tests,
// the demo and benchmarks (DESIGN.md §4).
//
// Each server gets its own temp dir (config, logs, Samba state), its own
// free ports and its own share directories, so many can run at once, also
// from tests in different packages. smbd runs as root; Available reports
// whether this machine can run it.
//
//	srv := sambatest.Start(t, sambatest.Config{Signing: "mandatory"})
//	os.WriteFile(filepath.Join(srv.ShareDir, "a.txt"), data, 0o644)
//	// dial srv.Addr as srv.User / srv.Password, open share srv.Share
//
// Outside tests, use Launch and Close.
package sambatest

import (
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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Config selects the server's features. The zero Config is a server for
// SMB 2.0.2 … 3.1.1 with Samba's defaults for signing, encryption and NTLM.
//
// Enum fields take Samba's own values (case-insensitive); Launch rejects
// anything else rather than let smbd ignore a typo.
type Config struct {
	// MinProtocol and MaxProtocol: "NT1", "SMB2_02", "SMB2_10", "SMB3_00",
	// "SMB3_02", "SMB3_11" ("SMB2", "SMB3" also). Defaults SMB2_02 and
	// SMB3_11 (NT1 … NT1 when MaxProtocol is NT1).
	MinProtocol, MaxProtocol string
	// Signing is "server signing": "", "auto", "mandatory", "disabled".
	Signing string
	// Encrypt is "server smb encrypt" (alias "smb encrypt"): "", "desired",
	// "required", "off", "if_required".
	Encrypt string
	// EncryptionAlgorithms is "server smb3 encryption algorithms", a comma
	// list in preference order, e.g. "AES-256-GCM" or "AES-128-CCM, AES-128-GCM".
	EncryptionAlgorithms string
	// SigningAlgorithms is "server smb3 signing algorithms" (SMB 3.1.1
	// signing capabilities), e.g. "AES-128-GMAC, AES-128-CMAC, HMAC-SHA256".
	SigningAlgorithms string
	// NTLMAuth is "ntlm auth": "" (Samba's default, ntlmv2-only), "yes" or
	// "ntlmv1-permitted" (NTLMv1 accepted), "ntlmv2-only", "disabled".
	NTLMAuth string
	// Guest maps unknown users to guest ("map to guest = Bad User") and adds
	// the share GuestShareName with "guest ok = yes".
	Guest bool
	// SMB1 lets clients negotiate NT LM 0.12 ("server min protocol = NT1").
	SMB1 bool
	// Snapshots turns on shadow_copy2 in the main share: directories
	// ShareDir/.snapshots/@GMT-YYYY.MM.DD-hh.mm.ss are its snapshots (see
	// Server.Snapshot).
	Snapshots bool
	// ExtraGlobal and ExtraShare are raw "key = value" lines for [global]
	// and for the main share.
	ExtraGlobal, ExtraShare []string
	// NetBIOSPort makes smbd also listen on a second port (Server.NetBIOSAddr)
	// for clients that start with a NetBIOS session request. smbd accepts
	// both framings on both ports; the second port is for code that treats
	// them differently.
	NetBIOSPort bool
	// ShareOnTmpfs puts the share directories under /dev/shm (faster for
	// benchmarks) instead of the temp dir.
	ShareOnTmpfs bool
}

// Server is a running smbd. Fields are read-only.
type Server struct {
	Addr        string // "127.0.0.1:PORT", direct TCP (SMB over TCP, like 445)
	NetBIOSAddr string // "127.0.0.1:PORT" with Config.NetBIOSPort, else ""
	Host        string // "127.0.0.1"
	Port        int
	NetBIOSPort int // 0 without Config.NetBIOSPort

	User, Password string // account with read-write access to every share
	Workgroup      string // the server's domain for NTLM: Workgroup
	NetBIOSName    string // the server's name: NetBIOSName

	Share      string // "share": read-write
	ShareDir   string // its local path; tests create fixtures here directly
	ROShare    string // "ro": read-only
	RODir      string
	EncShare   string // "enc": encryption required on this share only
	EncDir     string
	GuestShare string // "guest" with Config.Guest, else ""
	GuestDir   string

	Dir        string // temp dir with the configs, logs and Samba state
	ConfPath   string // smbd's smb.conf
	ClientConf string // smb.conf for smbclient (SmbclientArgs passes it)
	LogPath    string
	PID        int

	cfg    normalized
	lay    layout
	tmpfs  string // share root under /dev/shm to remove, or ""
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd.Wait returns
	once   sync.Once
	err    error
}

// startTimeout bounds the wait for smbd to accept connections.
const startTimeout = 15 * time.Second

// launchAttempts is how often Launch tries fresh ports when smbd does not
// come up (another process may take a port between our probe and smbd's bind).
const launchAttempts = 3

// Available reports why smbd cannot be started here, or nil.
func Available() error {
	var missing []string
	for _, name := range []string{"smbd", "smbpasswd"} {
		if _, err := lookPath(name); err != nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("sambatest: %s not installed (apt-get install -y samba smbclient)", strings.Join(missing, ", "))
	}
	if os.Geteuid() != 0 {
		return errors.New("sambatest: smbd must run as root (euid is not 0)")
	}
	return nil
}

// lookPath finds a Samba binary on PATH or in the sbin dirs, which are not on
// every user's PATH.
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/sbin", "/usr/local/samba/sbin", "/usr/local/samba/bin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("sambatest: %s: %w", name, exec.ErrNotFound)
}

// Launch starts a new smbd with cfg and returns when it accepts connections.
// The caller must Close it.
func Launch(cfg Config) (*Server, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	n, err := normalize(cfg)
	if err != nil {
		return nil, err
	}
	s, err := prepare(n)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		err = s.start()
		if err == nil {
			return s, nil
		}
		if attempt == launchAttempts || !errors.Is(err, errNotUp) {
			break
		}
		s.stop() // clear anything the failed smbd left, then try other ports
	}
	s.Close()
	return nil, err
}

// prepare creates the directories, writes the client config and adds the user.
func prepare(n normalized) (_ *Server, err error) {
	dir, err := os.MkdirTemp("", "sambatest-")
	if err != nil {
		return nil, fmt.Errorf("sambatest: %w", err)
	}
	s := &Server{cfg: n, lay: layout{dir: dir, shareRoot: dir}}
	defer func() {
		if err != nil {
			s.removeDirs()
		}
	}()
	if n.ShareOnTmpfs {
		root, err := os.MkdirTemp("/dev/shm", "sambatest-")
		if err != nil {
			return nil, fmt.Errorf("sambatest: share on tmpfs: %w", err)
		}
		s.tmpfs = root
		s.lay.shareRoot = root
	}
	for _, d := range stateDirs {
		if err := os.Mkdir(s.lay.sub(d), 0o755); err != nil {
			return nil, fmt.Errorf("sambatest: %w", err)
		}
	}
	shares := []string{ShareName, ROShareName, EncShareName}
	if n.Guest {
		shares = append(shares, GuestShareName)
	}
	for _, sh := range shares {
		if err := os.Mkdir(s.lay.share(sh), 0o777); err != nil {
			return nil, fmt.Errorf("sambatest: %w", err)
		}
	}
	// private must not be world-readable (smbd checks).
	if err := os.Chmod(s.lay.sub("private"), 0o700); err != nil {
		return nil, fmt.Errorf("sambatest: %w", err)
	}

	s.Host = "127.0.0.1"
	s.User, s.Password = DefaultUser, DefaultPassword
	s.Workgroup, s.NetBIOSName = Workgroup, NetBIOSName
	s.Share, s.ShareDir = ShareName, s.lay.share(ShareName)
	s.ROShare, s.RODir = ROShareName, s.lay.share(ROShareName)
	s.EncShare, s.EncDir = EncShareName, s.lay.share(EncShareName)
	if n.Guest {
		s.GuestShare, s.GuestDir = GuestShareName, s.lay.share(GuestShareName)
	}
	s.Dir, s.ConfPath, s.ClientConf, s.LogPath = dir, s.lay.conf(), s.lay.clientConf(), s.lay.log()

	if err := os.WriteFile(s.ClientConf, []byte(clientConf(n, s.lay)), 0o644); err != nil {
		return nil, fmt.Errorf("sambatest: %w", err)
	}
	// smbpasswd needs the final config (passdb backend); the ports in it do
	// not matter yet, start rewrites them.
	if err := s.writeConf(0, 0); err != nil {
		return nil, err
	}
	if err := validateConf(s.ConfPath); err != nil {
		return nil, err
	}
	if err := s.addUser(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) writeConf(port, nbPort int) error {
	if err := os.WriteFile(s.ConfPath, []byte(serverConf(s.cfg, s.lay, port, nbPort)), 0o644); err != nil {
		return fmt.Errorf("sambatest: %w", err)
	}
	return nil
}

// validateConf runs testparm on conf, when installed, so that a typo in
// ExtraGlobal or ExtraShare fails Launch: smbd itself only logs "Unknown
// parameter" or "Ignoring invalid value" and runs with the default.
func validateConf(conf string) error {
	bin, err := lookPath("testparm")
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-s", conf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), "LANG=C")
	runErr := cmd.Run()
	var bad []string
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "Unknown parameter") || strings.Contains(line, "Ignoring") ||
			strings.Contains(line, "rror") || strings.Contains(line, "nvalid") {
			bad = append(bad, strings.TrimSpace(line))
		}
	}
	if runErr != nil || len(bad) > 0 {
		return fmt.Errorf("sambatest: testparm %s: %v: %s\n%s", conf, runErr, strings.Join(bad, "; "), stderr.String())
	}
	return nil
}

func (s *Server) addUser() error {
	bin, err := lookPath("smbpasswd")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-c", s.ConfPath, "-s", "-a", s.User)
	cmd.Stdin = strings.NewReader(s.Password + "\n" + s.Password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("sambatest: smbpasswd -a %s: %w\n%s", s.User, err, out)
	}
	return nil
}

// errNotUp marks a start that failed because smbd did not come up; Launch
// retries those with new ports.
var errNotUp = errors.New("smbd did not come up")

// start picks free ports, writes smb.conf and runs smbd until it accepts.
func (s *Server) start() error {
	nports := 1
	if s.cfg.NetBIOSPort {
		nports = 2
	}
	ports, err := freePorts(nports)
	if err != nil {
		return err
	}
	s.Port = ports[0]
	s.Addr = net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	if nports == 2 {
		s.NetBIOSPort = ports[1]
		s.NetBIOSAddr = net.JoinHostPort(s.Host, strconv.Itoa(s.NetBIOSPort))
	}
	if err := s.writeConf(s.Port, s.NetBIOSPort); err != nil {
		return err
	}

	bin, err := lookPath("smbd")
	if err != nil {
		return err
	}
	// A log from an earlier attempt would say "open_socket_in failed".
	os.Rename(s.LogPath, s.LogPath+".prev")
	out, err := os.OpenFile(s.lay.stdout(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("sambatest: %w", err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "-F", "--no-process-group", "-s", s.ConfPath, "--debuglevel=1")
	cmd.Dir = s.Dir
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "LANG=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// smbd and its per-connection children share one process group
		// (--no-process-group stops smbd from making its own), so stop
		// can signal them all.
		Setpgid: true,
		// If this process dies without Close, smbd gets SIGTERM and takes
		// its children with it (samba-dcerpcd exits on its own when idle,
		// within a minute). The signal follows the forking OS thread, so
		// startLocked forks from a thread that never exits.
		Pdeathsig: syscall.SIGTERM,
	}
	if err := startLocked(cmd); err != nil {
		return fmt.Errorf("sambatest: start smbd: %w", err)
	}
	s.cmd = cmd
	s.PID = cmd.Process.Pid
	s.exited = make(chan struct{})
	go func(exited chan struct{}) {
		cmd.Wait()
		close(exited)
	}(s.exited)

	// Wait for smbd itself to hold the listening sockets. A dial alone is
	// not proof: when a port was taken between freePorts and smbd's bind,
	// smbd logs the failure and keeps running, and the dial reaches the
	// other process.
	ports = ports[:nports]
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("sambatest: %w: smbd exited (%v) before listening on %v\n%s",
				errNotUp, cmd.ProcessState, ports, s.LogTail(30))
		default:
		}
		if s.listensOnAll(ports) {
			break
		}
		if bindFailed(s.LogPath) {
			return fmt.Errorf("sambatest: %w: smbd could not bind %v\n%s", errNotUp, ports, s.LogTail(30))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("sambatest: %w: smbd not listening on %v after %v\n%s",
				errNotUp, ports, startTimeout, s.LogTail(30))
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, port := range ports {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(s.Host, strconv.Itoa(port)), time.Until(deadline))
		if err != nil {
			return fmt.Errorf("sambatest: %w: %v\n%s", errNotUp, err, s.LogTail(30))
		}
		c.Close()
	}
	return nil
}

// spawnReqs carries commands to the spawner goroutine.
var (
	spawnOnce sync.Once
	spawnReqs chan spawnReq
)

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

// startLocked runs cmd.Start on a goroutine locked to its OS thread for
// the life of the process. Pdeathsig fires when the thread that forked the
// child exits, not the process; an ordinary goroutine's thread can be ended
// by the runtime when another goroutine exits while locked to it (as code
// that enters network namespaces does).
func startLocked(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		spawnReqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives on
			for req := range spawnReqs {
				req.done <- req.cmd.Start()
			}
		}()
	})
	done := make(chan error, 1)
	spawnReqs <- spawnReq{cmd, done}
	return <-done
}

// freePorts returns n distinct ports that were free on 127.0.0.1 a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("sambatest: free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Close stops smbd and everything it started (per-connection children,
// samba-dcerpcd and its rpcd_* workers), then removes the temp dir and the
// shares. It is safe to call more than once; later calls return the first
// result.
func (s *Server) Close() error {
	s.once.Do(func() {
		err := s.stop()
		if rmErr := s.removeDirs(); err == nil {
			err = rmErr
		}
		s.err = err
	})
	return s.err
}

// stop ends smbd and every process that uses our config.
func (s *Server) stop() error {
	var group []int
	if s.cmd != nil {
		pgid := s.PID
		group = groupMembers(pgid)
		// SIGTERM lets smbd end its children cleanly (they also exit when
		// the parent goes); the group signal reaches them either way.
		syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-pgid, syscall.SIGKILL)
			<-s.exited
		}
		syscall.Kill(-pgid, syscall.SIGKILL)
		s.cmd = nil
	}
	// samba-dcerpcd, started on demand for named pipes (srvsvc share
	// listing), calls setsid and is reparented away from smbd: find it
	// and its workers by our config path in their command line.
	return killByConf(s.ConfPath, 5*time.Second, group...)
}

func (s *Server) removeDirs() error {
	var errs []error
	if s.tmpfs != "" {
		errs = append(errs, os.RemoveAll(s.tmpfs))
	}
	if s.Dir != "" {
		errs = append(errs, os.RemoveAll(s.Dir))
	} else if s.lay.dir != "" {
		errs = append(errs, os.RemoveAll(s.lay.dir))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sambatest: %w", err)
	}
	return nil
}

// LogTail returns the last n lines of smbd's log and of its stdout/stderr.
func (s *Server) LogTail(n int) string {
	var b strings.Builder
	if t := tailFile(s.LogPath, n); t != "" {
		fmt.Fprintf(&b, "--- %s (last %d lines)\n%s", s.LogPath, n, t)
	}
	if t := tailFile(s.lay.stdout(), n); t != "" {
		fmt.Fprintf(&b, "--- smbd stdout/stderr\n%s", t)
	}
	if b.Len() == 0 {
		return "(smbd log empty)"
	}
	return b.String()
}

func tailFile(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	const maxRead = 64 << 10
	if fi, err := f.Stat(); err == nil && fi.Size() > maxRead {
		f.Seek(fi.Size()-maxRead, io.SeekStart)
	}
	data, _ := io.ReadAll(f)
	data = bytes.TrimRight(data, "\n")
	if len(data) == 0 {
		return ""
	}
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n"))) + "\n"
}

// SmbclientArgs returns smbclient arguments for the main share as User:
// the client config, port, service, credentials and max protocol. Append
// "-c", "ls" and so on.
func (s *Server) SmbclientArgs() []string {
	return s.SmbclientArgsFor(s.Share, s.User, s.Password)
}

// SmbclientArgsFor is SmbclientArgs for another share and account; user ""
// connects without credentials (-N), which with Config.Guest is a guest
// session.
func (s *Server) SmbclientArgsFor(share, user, password string) []string {
	args := []string{
		"-s", s.ClientConf,
		"-p", strconv.Itoa(s.Port),
		"//" + s.Host + "/" + share,
		"-m", s.cfg.max,
	}
	if user == "" {
		return append(args, "-N")
	}
	return append(args, "-U", user+"%"+password)
}

// Smbclient runs smbclient with args and -c command and returns its
// combined output; the error carries the output too. Output naming an
// NTSTATUS (NT_STATUS_…) is an error even when smbclient exits 0, as it
// does for a failed mkdir.
func Smbclient(ctx context.Context, args []string, command string) (string, error) {
	bin, err := lookPath("smbclient")
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, bin, append(append([]string(nil), args...), "-c", command)...)
	cmd.Env = append(os.Environ(), "LANG=C")
	out, err := cmd.CombinedOutput()
	if err == nil && bytes.Contains(out, []byte("NT_STATUS_")) {
		err = errors.New("NT_STATUS_ in output")
	}
	if err != nil {
		return string(out), fmt.Errorf("sambatest: smbclient %s -c %q: %w\n%s", strings.Join(args, " "), command, err, out)
	}
	return string(out), nil
}

// Snapshot copies nothing: it creates the empty snapshot directory for t in
// the main share (Config.Snapshots) and returns its path, for the test to
// fill with files as they were at t.
func (s *Server) Snapshot(t time.Time) (string, error) {
	if !s.cfg.Snapshots {
		return "", errors.New("sambatest: Snapshot without Config.Snapshots")
	}
	dir := filepath.Join(s.ShareDir, SnapshotDir, t.UTC().Format(SnapshotTimeLayout))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("sambatest: %w", err)
	}
	return dir, nil
}
