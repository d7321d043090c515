package netbios

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosmb/gosmb/future"
)

// The real-nmbd test (DESIGN.md §4). nmbd needs a broadcast-capable
// interface, so it runs in a network namespace of its own, joined to ours
// by a veth pair in a private /24; the client queries it from our side,
// unicast and broadcast. All traffic stays on that /24.

// Names the test nmbd registers.
const (
	nmbdName      = "GOSMBNBT"
	nmbdWorkgroup = "GOSMBWG"
)

// nmbdNetnsPrefix starts the name of every namespace this test creates,
// followed by the test process's pid, so that namespaces left behind by a
// killed run can be recognised and removed.
const nmbdNetnsPrefix = "gosmbnbt-"

// nmbdHost is a throwaway test host: a network namespace with nmbd
// running on a veth whose other end is in our namespace.
type nmbdHost struct {
	IP     net.IP // nmbd's address, inside the namespace
	HostIP net.IP // our end of the veth
	Bcast  net.IP // the /24's broadcast address

	ipCmd   string
	netns   string
	hostIf  string
	dir     string
	log     string
	cmd     *exec.Cmd
	exited  chan struct{} // closed when nmbd has exited and been reaped
	started time.Time
}

// nmbdUnavailable skips the test because this machine cannot run nmbd in
// a namespace, or fails it under CI=true, where it must.
func nmbdUnavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: the real nmbd is required)", msg)
	}
	t.Skipf("%s; skipping the real-nmbd test", msg)
}

// lookSbin finds a program on PATH or in the sbin directories, which a
// non-login root shell may not have on PATH.
func lookSbin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

func (h *nmbdHost) ip(args ...string) error {
	out, err := exec.Command(h.ipCmd, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// startNmbd creates the namespace, the veth pair and nmbd, waits until nmbd
// answers a unicast name query, and tears everything down in t.Cleanup, also when
// the test fails.
func startNmbd(t *testing.T) *nmbdHost {
	t.Helper()
	if os.Geteuid() != 0 {
		nmbdUnavailable(t, "not root")
	}
	ipCmd, err := lookSbin("ip")
	if err != nil {
		nmbdUnavailable(t, "%v (iproute2)", err)
	}
	nmbd, err := lookSbin("nmbd")
	if err != nil {
		nmbdUnavailable(t, "%v (samba)", err)
	}
	h := &nmbdHost{ipCmd: ipCmd, dir: t.TempDir(), exited: make(chan struct{})}
	reapStaleNetns(t, h)

	id := fmt.Sprintf("%06x", rand.IntN(1<<24))
	h.netns = nmbdNetnsPrefix + strconv.Itoa(os.Getpid()) + "-" + id
	h.hostIf = "gnb" + id // at most 15 bytes (IFNAMSIZ)
	const nsIf = "nbt0"   // only has to be unique inside the namespace

	subnet, err := freeSubnet()
	if err != nil {
		t.Fatal(err)
	}
	h.HostIP = net.IPv4(10, 213, subnet, 1).To4()
	h.IP = net.IPv4(10, 213, subnet, 2).To4()
	h.Bcast = net.IPv4(10, 213, subnet, 255).To4()

	if err := h.ip("netns", "add", h.netns); err != nil {
		nmbdUnavailable(t, "cannot create a network namespace: %v", err)
	}
	t.Cleanup(func() {
		if err := h.ip("netns", "del", h.netns); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	if err := h.ip("link", "add", h.hostIf, "type", "veth", "peer", "name", nsIf, "netns", h.netns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Deleting our end deletes the pair. Cleanups run last in,
		// first out: this one after nmbd has stopped, before
		// `ip netns del`.
		if _, err := net.InterfaceByName(h.hostIf); err == nil {
			if err := h.ip("link", "del", h.hostIf); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	// No IPv6: link-local autoconfiguration would send neighbour
	// discovery and MLD packets on the link. Best effort.
	os.WriteFile("/proc/sys/net/ipv6/conf/"+h.hostIf+"/disable_ipv6", []byte("1"), 0)
	exec.Command(ipCmd, "netns", "exec", h.netns, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/"+nsIf+"/disable_ipv6").Run()
	cidr := func(ip net.IP) string { return ip.String() + "/24" }
	for _, args := range [][]string{
		{"addr", "add", cidr(h.HostIP), "brd", "+", "dev", h.hostIf},
		{"link", "set", h.hostIf, "up"},
		{"-n", h.netns, "addr", "add", cidr(h.IP), "brd", "+", "dev", nsIf},
		{"-n", h.netns, "link", "set", nsIf, "up"},
		{"-n", h.netns, "link", "set", "lo", "up"},
	} {
		if err := h.ip(args...); err != nil {
			t.Fatal(err)
		}
	}

	conf := h.writeConf(t, nsIf)
	h.log = filepath.Join(h.dir, "log.nmbd")
	out, err := os.Create(filepath.Join(h.dir, "nmbd.out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	// `ip netns exec` enters the namespace and execs nmbd, so h.cmd's
	// pid is nmbd's. -F keeps it in the foreground; -l puts its log in
	// our temp dir.
	h.cmd = exec.Command(ipCmd, "netns", "exec", h.netns, nmbd, "-F", "--no-process-group", "-s", conf, "-l", h.dir)
	h.cmd.Stdout, h.cmd.Stderr = out, out
	// Should the test binary die without running its cleanups, nmbd dies
	// with it rather than live on in a leaked namespace.
	h.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	h.started = time.Now()
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		h.cmd.Wait()
		close(h.exited)
	}()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("nmbd log:\n%s", h.logTail(40))
		}
		if err := h.stop(); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	h.waitReady(t, false)
	return h
}

// freeSubnet picks the third octet of a 10.213.x.0/24 that no interface of
// ours has an address in, so that concurrent runs do not collide. A wider
// network we are on does not matter: the /24's route is more specific.
func freeSubnet() (byte, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return 0, err
	}
	for range 64 {
		x := byte(rand.IntN(256))
		_, subnet, _ := net.ParseCIDR(fmt.Sprintf("10.213.%d.0/24", x))
		if !slices.ContainsFunc(addrs, func(a net.Addr) bool {
			n, ok := a.(*net.IPNet)
			return ok && subnet.Contains(n.IP)
		}) {
			return x, nil
		}
	}
	return 0, errors.New("no free 10.213.x.0/24")
}

// reapStaleNetns deletes the namespaces of earlier runs of this test whose
// process no longer exists (a run killed before its cleanups).
func reapStaleNetns(t *testing.T, h *nmbdHost) {
	out, err := exec.Command(h.ipCmd, "netns", "list").Output()
	if err != nil {
		return
	}
	for line := range strings.Lines(string(out)) {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		rest, ok := strings.CutPrefix(name, nmbdNetnsPrefix)
		if !ok {
			continue
		}
		spid, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(spid)
		if err != nil || processAlive(pid) {
			continue
		}
		if err := h.ip("netns", "del", name); err != nil {
			t.Logf("removing stale namespace: %v", err)
		}
	}
}

// processAlive reports whether pid is a process that has not exited; a
// zombie has.
func processAlive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !errors.Is(err, os.ErrNotExist) && syscall.Kill(pid, 0) != syscall.ESRCH
	}
	// pid (comm) state ...; comm may contain anything, so look after
	// the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) {
		return true
	}
	state := stat[i+2]
	return state != 'Z' && state != 'X'
}

// writeConf writes nmbd's smb.conf: every file under h.dir, only the veth
// in the namespace, no WINS, and the browser roles that make nmbd register
// the workgroup names.
func (h *nmbdHost) writeConf(t *testing.T, iface string) string {
	t.Helper()
	sub := func(name string) string {
		p := filepath.Join(h.dir, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	conf := fmt.Sprintf(`[global]
	netbios name = %s
	workgroup = %s
	server role = standalone server
	interfaces = %s
	bind interfaces only = yes
	disable netbios = no
	wins support = no
	dns proxy = no
	local master = yes
	preferred master = yes
	domain master = no
	lock directory = %s
	state directory = %s
	cache directory = %s
	private dir = %s
	pid directory = %s
	ncalrpc dir = %s
	log level = 1
`, nmbdName, nmbdWorkgroup, iface,
		sub("lock"), sub("state"), sub("cache"), sub("private"), sub("pid"), sub("ncalrpc"))
	path := filepath.Join(h.dir, "smb.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitReady waits, for at most 20 seconds, until nmbd answers a unicast
// query for its name, or with broadcast set a broadcast one. nmbd puts its
// names on the unicast subnet at once, so unicast queries work within
// milliseconds, but on the broadcast subnet only when its broadcast name
// registrations have gone unchallenged, about 4.5 seconds after it starts;
// until then it ignores broadcast queries.
func (h *nmbdHost) waitReady(t *testing.T, broadcast bool) {
	t.Helper()
	probe, err := ListenNameService(NameServiceConfig{Tries: 1, UnicastTimeout: 100 * time.Millisecond, BroadcastTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	to, desc := h.IP, "unicast"
	if broadcast {
		to, desc = h.Bcast, "broadcast"
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := probe.QueryName(context.Background(), nmbdName, 0x20, &net.UDPAddr{IP: to}, broadcast)
		if err == nil {
			t.Logf("nmbd answers %s queries %v after it started", desc, time.Since(h.started).Round(time.Millisecond))
			return
		}
		select {
		case <-h.exited:
			t.Fatalf("nmbd exited: %v\n%s\n%s", h.cmd.ProcessState, h.output(), h.logTail(20))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nmbd does not answer %s queries %v after it started: %v", desc, time.Since(h.started), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends nmbd (SIGTERM, then SIGKILL) and any process it left in the
// namespace, by pid.
func (h *nmbdHost) stop() error {
	h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-h.exited:
	case <-time.After(5 * time.Second):
		h.cmd.Process.Kill()
		select {
		case <-h.exited:
		case <-time.After(5 * time.Second):
			return fmt.Errorf("nmbd (pid %d) survives SIGKILL", h.cmd.Process.Pid)
		}
	}
	out, _ := exec.Command(h.ipCmd, "netns", "pids", h.netns).Output()
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return nil
}

func (h *nmbdHost) output() string {
	b, _ := os.ReadFile(filepath.Join(h.dir, "nmbd.out"))
	return string(b)
}

func (h *nmbdHost) logTail(n int) string {
	b, err := os.ReadFile(h.log)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// nmbdNames are the names nmbd 4.17 registers as soon as it starts, with
// a B-node's flags: the host as workstation, messenger and file server,
// the workgroup and the workgroup's browser election name.
var nmbdNames = []NodeName{
	{Name: nmbdName, Suffix: 0x00, Flags: NameActive},
	{Name: nmbdName, Suffix: 0x03, Flags: NameActive},
	{Name: nmbdName, Suffix: 0x20, Flags: NameActive},
	{Name: nmbdWorkgroup, Suffix: 0x00, Flags: NameGroup | NameActive},
	{Name: nmbdWorkgroup, Suffix: 0x1e, Flags: NameGroup | NameActive},
}

// nmbdLaterNames are the names nmbd adds about 25 seconds after it starts,
// once it has won the browser election and is the workgroup's local
// master browser.
var nmbdLaterNames = []NodeName{
	{Name: nmbdWorkgroup, Suffix: 0x1d, Flags: NameActive},
	{Name: "\x01\x02__MSBROWSE__\x02", Suffix: 0x01, Flags: NameGroup | NameActive},
}

// checkNmbdNames checks a node status name list against what nmbd
// registers: every name of nmbdNames, those of nmbdLaterNames if the
// election is over, nothing else.
func checkNmbdNames(t *testing.T, names []NodeName) {
	t.Helper()
	for _, want := range nmbdNames {
		if !slices.Contains(names, want) {
			t.Errorf("node status lacks %v; got:\n%s", want, nodeNameLines(names))
		}
	}
	for _, n := range names {
		if !slices.Contains(nmbdNames, n) && !slices.Contains(nmbdLaterNames, n) {
			t.Errorf("node status has unexpected %q<%02x> %v; got:\n%s", n.Name, n.Suffix, n, nodeNameLines(names))
		}
	}
}

func nodeNameLines(names []NodeName) string {
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "\t%v\n", n)
	}
	return b.String()
}

func equalIPs(got []net.IP, want ...net.IP) bool {
	return slices.EqualFunc(got, want, net.IP.Equal)
}

// checkNmbdNegative sends nmbd a unicast NAME QUERY REQUEST for a missing
// name without RD and checks its NEGATIVE NAME QUERY RESPONSE, decoded
// and as QueryName's query handles it.
func checkNmbdNegative(t *testing.T, h *nmbdHost) {
	t.Helper()
	const id = 0x4242
	hdr := NSHeader{ID: id, Opcode: OpcodeQuery, QDCount: 1}
	req, err := appendQuestion(hdr.Append(nil), "NOSUCHNAME", 0x20, "", typeNB)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.ListenPacket("udp4", net.JoinHostPort(h.HostIP.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	to := &net.UDPAddr{IP: h.IP, Port: NameServicePort}
	buf := make([]byte, maxDatagram)
	for try := 0; ; try++ {
		if _, err := conn.WriteTo(req, to); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		n, from, err := conn.ReadFrom(buf)
		if err != nil {
			if try < 2 {
				continue
			}
			t.Fatalf("no answer to a query without RD: %v", err)
		}
		var resp NameQueryResponse
		if err := resp.Decode(buf[:n]); err != nil {
			t.Fatalf("decoding nmbd's negative response % x: %v", buf[:n], err)
		}
		if resp.ID != id || resp.RCode != RCodeNameError || resp.Name != "NOSUCHNAME" || resp.Suffix != 0x20 || len(resp.Entries) != 0 {
			t.Errorf("nmbd's negative response: %+v", resp)
		}
		q := &nameQuery{req: NameQueryRequest{ID: id, Name: "NOSUCHNAME", Suffix: 0x20}, wantName: "NOSUCHNAME"}
		done, err := q.handle(datagram{b: buf[:n], from: from})
		var re *ResponseError
		if !done || !errors.Is(err, ErrNameNotFound) || !errors.As(err, &re) || re.RCode != RCodeNameError {
			t.Errorf("handling nmbd's negative response: done %t, %v; want a NAM_ERR *ResponseError", done, err)
		}
		return
	}
}

func TestNmbd(t *testing.T) {
	checkLeaks(t)
	h := startNmbd(t)
	ns, err := ListenNameService(NameServiceConfig{UnicastTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	ctx := context.Background()
	unicast := &net.UDPAddr{IP: h.IP}
	bcast := &net.UDPAddr{IP: h.Bcast}

	t.Run("Unicast", func(t *testing.T) {
		for _, q := range []struct {
			name   string
			suffix byte
		}{
			{nmbdName, 0x20},
			{nmbdName, 0x00},
			{strings.ToLower(nmbdName), 0x20}, // names are case-insensitive
			{nmbdWorkgroup, 0x00},             // group names
			{nmbdWorkgroup, 0x1e},
		} {
			ips, err := ns.QueryName(ctx, q.name, q.suffix, unicast, false)
			if err != nil || !equalIPs(ips, h.IP) {
				t.Errorf("QueryName(%s<%02x>) to %v = %v, %v; want [%v]", q.name, q.suffix, h.IP, ips, err, h.IP)
			}
		}
	})

	t.Run("NodeStatus", func(t *testing.T) {
		names, err := ns.QueryIPForName(ctx, h.IP)
		if err != nil {
			t.Fatal(err)
		}
		checkNmbdNames(t, names)
		resp, err := ns.NodeStatus(ctx, h.IP)
		if err != nil {
			t.Fatal(err)
		}
		checkNmbdNames(t, resp.Names)
		// nmbd does not fill in the unit id: it sends zeros.
		if got := resp.UnitID(); !bytes.Equal(got, make(net.HardwareAddr, 6)) {
			t.Errorf("unit id = %v, want 00:00:00:00:00:00 as nmbd sends", got)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		quick, err := ListenNameService(NameServiceConfig{Tries: 2, UnicastTimeout: 150 * time.Millisecond, BroadcastTimeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer quick.Close()

		// Unicast: nmbd, not being a WINS server, never answers a
		// query with RD set (which RFC 1002 4.2.12 has every query set)
		// negatively, so a missing name shows as no response.
		start := time.Now()
		_, err = quick.QueryName(ctx, "NOSUCHNAME", 0x20, unicast, false)
		if !errors.Is(err, ErrNoResponse) || errors.Is(err, ErrNameNotFound) {
			t.Errorf("unicast query for a missing name: %v, want ErrNoResponse", err)
		}
		if d := time.Since(start); d < 2*150*time.Millisecond || d > 2*time.Second {
			t.Errorf("two unicast tries of 150ms took %v", d)
		}
		// A name nmbd has, with a suffix it has not.
		if _, err := quick.QueryName(ctx, nmbdName, 0x1b, unicast, false); !errors.Is(err, ErrNoResponse) {
			t.Errorf("unicast query for %s<1b>: %v, want ErrNoResponse", nmbdName, err)
		}
		// Without RD nmbd does answer NAM_ERR. QueryName cannot send
		// that, so send it by hand and hand the response to the
		// query's own handling: a real negative response must become
		// a *ResponseError matching ErrNameNotFound.
		checkNmbdNegative(t, h)

		// Broadcast, nobody answers (RFC 1002 forbids negative
		// responses to broadcasts).
		start = time.Now()
		_, err = quick.QueryName(ctx, "NOSUCHNAME", 0x20, bcast, true)
		if !errors.Is(err, ErrNoResponse) || errors.Is(err, ErrNameNotFound) {
			t.Errorf("broadcast query for a missing name: %v, want ErrNoResponse", err)
		}
		if d := time.Since(start); d < 2*100*time.Millisecond || d > 2*time.Second {
			t.Errorf("two broadcast tries of 100ms took %v", d)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		slow, err := ListenNameService(NameServiceConfig{UnicastTimeout: 10 * time.Second, BroadcastTimeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer slow.Close()

		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err = slow.QueryName(ctx, "NOSUCHNAME", 0x20, bcast, true)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled broadcast query: %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("cancel took %v", d)
		}

		ctx, cancel = context.WithCancel(context.Background())
		fut := slow.QueryNameAsync(ctx, "NOSUCHNAME", 0x20, bcast, true)
		time.Sleep(20 * time.Millisecond)
		cancel()
		select {
		case <-fut.Done():
		case <-time.After(time.Second):
			t.Fatal("cancelled QueryNameAsync still running after 1s")
		}
		if err := fut.Err(); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled QueryNameAsync: %v, want context.Canceled", err)
		}
	})

	// The rest needs nmbd's names on the broadcast subnet. The
	// subtests above run while nmbd registers them.
	h.waitReady(t, true)

	t.Run("Broadcast", func(t *testing.T) {
		// From a socket bound to all addresses (ListenNameService) and
		// from one bound to our end of the veth.
		conn, err := net.ListenPacket("udp4", net.JoinHostPort(h.HostIP.String(), "0"))
		if err != nil {
			t.Fatal(err)
		}
		bound := NewNameService(conn, NameServiceConfig{})
		defer bound.Close()
		for _, c := range []struct {
			desc string
			ns   *NameService
		}{{"unbound", ns}, {"bound to " + h.HostIP.String(), bound}} {
			for _, q := range []struct {
				name   string
				suffix byte
			}{{nmbdName, 0x20}, {nmbdWorkgroup, 0x00}} {
				start := time.Now()
				ips, err := c.ns.QueryName(ctx, q.name, q.suffix, bcast, true)
				if err != nil || !equalIPs(ips, h.IP) {
					t.Errorf("%s: broadcast QueryName(%s<%02x>) to %v = %v, %v; want [%v]", c.desc, q.name, q.suffix, h.Bcast, ips, err, h.IP)
				}
				// One try: the responses are collected until its
				// timeout, and no second request is sent.
				if d := time.Since(start); d >= 3*DefaultBroadcastTimeout {
					t.Errorf("%s: broadcast query took %v", c.desc, d)
				}
			}
		}
	})

	t.Run("Async", func(t *testing.T) {
		// Many queries at once on one socket, of every kind; only the
		// transaction ids sort the responses out.
		const rounds = 8
		var (
			hostIPs, groupIPs, bcastIPs []*future.Future[[]net.IP]
			statuses                    []*future.Future[[]NodeName]
			waiters                     []future.Waiter
		)
		for range rounds {
			hostIPs = append(hostIPs, ns.QueryNameAsync(ctx, nmbdName, 0x20, unicast, false))
			groupIPs = append(groupIPs, ns.QueryNameAsync(ctx, nmbdWorkgroup, 0x1e, unicast, false))
			statuses = append(statuses, ns.QueryIPForNameAsync(ctx, h.IP))
		}
		bcastIPs = append(bcastIPs, ns.QueryNameAsync(ctx, nmbdName, 0x00, bcast, true))
		for _, fs := range [][]*future.Future[[]net.IP]{hostIPs, groupIPs, bcastIPs} {
			for _, f := range fs {
				waiters = append(waiters, f)
			}
		}
		for _, f := range statuses {
			waiters = append(waiters, f)
		}
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := future.WaitAll(wctx, waiters...); err != nil {
			t.Fatal(err)
		}
		for _, fs := range [][]*future.Future[[]net.IP]{hostIPs, groupIPs, bcastIPs} {
			all, err := future.All(fs...).Wait(wctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, ips := range all {
				if !equalIPs(ips, h.IP) {
					t.Errorf("concurrent query = %v, want [%v]", ips, h.IP)
				}
			}
		}
		for _, f := range statuses {
			names, _ := f.Result()
			checkNmbdNames(t, names)
		}
		st, err := ns.NodeStatusAsync(ctx, h.IP).Wait(wctx)
		if err != nil {
			t.Fatal(err)
		}
		checkNmbdNames(t, st.Names)
	})
}
