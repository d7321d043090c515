package sambatest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procsUsing returns the live processes whose command line names conf:
// smbd ("-s conf"), samba-dcerpcd and rpcd_* ("--configfile=conf").
// Zombies have an empty command line and are not returned.
func procsUsing(conf string) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(conf)) {
			continue
		}
		for _, arg := range bytes.Split(cmdline, []byte{0}) {
			a := string(arg)
			if a == conf || strings.HasSuffix(a, "="+conf) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// killByConf ends every process using conf: SIGTERM, then SIGKILL for those
// still there after half of timeout. It returns an error naming any that
// outlive timeout.
//
// watch are more pids (smbd's process group, already signalled) to wait
// for: a process on its way out drops its command line before it is a
// zombie, so procsUsing alone can declare victory too early.
func killByConf(conf string, timeout time.Duration, watch ...int) error {
	start := time.Now()
	termed := map[int]bool{}
	for _, pid := range watch {
		termed[pid] = true
	}
	for {
		pids := procsUsing(conf)
		for pid := range termed {
			if len(liveProcs([]int{pid})) > 0 && !slices.Contains(pids, pid) {
				pids = append(pids, pid)
			}
		}
		if len(pids) == 0 {
			return nil
		}
		elapsed := time.Since(start)
		if elapsed > timeout {
			return fmt.Errorf("sambatest: processes using %s survive: %v", conf, pids)
		}
		for _, pid := range pids {
			switch {
			case !termed[pid]:
				syscall.Kill(pid, syscall.SIGTERM)
				termed[pid] = true
			case elapsed > timeout/2:
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *Server) listensOnAll(ports []int) bool {
	for _, p := range ports {
		if !s.listensOn(p) {
			return false
		}
	}
	return true
}

// bindFailed reports whether smbd's log says a listening socket failed.
func bindFailed(logPath string) bool {
	data, err := os.ReadFile(logPath)
	return err == nil && bytes.Contains(data, []byte("open_socket_in failed"))
}

// listensOn reports whether our smbd (pid s.PID) holds the listening socket
// on 127.0.0.1:port. Without /proc it assumes so.
func (s *Server) listensOn(port int) bool {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return true
	}
	defer f.Close()
	local := fmt.Sprintf("0100007F:%04X", port)
	inodes := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		// sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode
		if len(fields) >= 10 && fields[1] == local && fields[3] == "0A" {
			inodes["socket:["+fields[9]+"]"] = true
		}
	}
	if len(inodes) == 0 {
		return false
	}
	fdDir := filepath.Join("/proc", strconv.Itoa(s.PID), "fd")
	fds, err := os.ReadDir(fdDir)
	if err != nil {
		return false
	}
	for _, fd := range fds {
		if link, err := os.Readlink(filepath.Join(fdDir, fd.Name())); err == nil && inodes[link] {
			return true
		}
	}
	return false
}

// Fields of /proc/PID/stat after "pid (comm)", counted from 0.
const (
	statState   = 0
	statPPID    = 1
	statPGRP    = 2
	statMinflt  = 7  // then cminflt
	statUtime   = 11 // then stime, cutime, cstime
	statLastUse = 14
)

// clockTick is USER_HZ, the unit of the times in /proc/PID/stat: 100 on
// every Linux architecture Samba runs on.
const clockTick = 100

// Usage is the CPU time and minor page faults of a server's processes.
type Usage struct {
	CPU         time.Duration // user + system, of the processes and their reaped children
	MinorFaults uint64
	Processes   int // live (not zombie) processes at the time of the call
}

// Sub returns u − v (Processes: u's).
func (u Usage) Sub(v Usage) Usage {
	return Usage{CPU: u.CPU - v.CPU, MinorFaults: u.MinorFaults - v.MinorFaults, Processes: u.Processes}
}

// Usage sums the CPU time and minor faults of every process of the
// server (smbd's process group: the parent, its per-connection children,
// exited ones not yet reaped, and, through the parent's counts, reaped
// ones). The difference of two calls is what the server spent between
// them, whichever process did the work.
func (s *Server) Usage() Usage {
	var u Usage
	var ticks uint64
	for _, pid := range groupMembers(s.PID) {
		f, ok := procStat(pid)
		if !ok || len(f) <= statLastUse {
			continue
		}
		if f[statState] != "Z" {
			u.Processes++
		}
		for i := statUtime; i <= statLastUse; i++ {
			n, _ := strconv.ParseUint(f[i], 10, 64)
			ticks += n
		}
		for i := statMinflt; i <= statMinflt+1; i++ {
			n, _ := strconv.ParseUint(f[i], 10, 64)
			u.MinorFaults += n
		}
	}
	u.CPU = time.Duration(ticks) * time.Second / clockTick
	return u
}

// procStat returns the fields of /proc/pid/stat that follow the command
// name (which may itself hold spaces and parentheses).
func procStat(pid int) ([]string, bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, false
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return nil, false
	}
	f := strings.Fields(string(stat[i+1:]))
	return f, len(f) > statPGRP
}

// procsWith returns the pids whose stat field is value.
func procsWith(field, value int) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if f, ok := procStat(pid); ok && f[field] == strconv.Itoa(value) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// groupMembers returns the pids in process group pgid.
func groupMembers(pgid int) []int { return procsWith(statPGRP, pgid) }

// liveProcs returns the pids in pids that exist and are not zombies.
func liveProcs(pids []int) []int {
	var live []int
	for _, pid := range pids {
		if f, ok := procStat(pid); ok && f[statState] != "Z" {
			live = append(live, pid)
		}
	}
	return live
}
