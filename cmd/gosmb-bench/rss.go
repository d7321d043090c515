package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

// Peak RSS.
//
// wait4's ru_maxrss (ProcessState.SysUsage, getrusage(RUSAGE_CHILDREN)) is
// useless here: os/exec starts children with vfork (CLONE_VM), and at
// execve Linux folds the high-water RSS of the mm being replaced (the
// parent's!) into the child's signal->maxrss. A child of this process
// would report at least this process's own peak RSS; /bin/true started
// from a Go process holding 200 MiB reports 207 MiB.
//
// So the peak is read from VmHWM in /proc/PID/status, which belongs to the
// mm that execve created: the gosmb child reads its own after its work;
// smbclient processes are sampled every rssPollInterval until they exit
// (VmHWM only grows, so the last sample is the peak up to that moment).

const rssPollInterval = 5 * time.Millisecond

// vmHWM returns VmHWM of pid ("self" for this process) in KiB.
func vmHWM(pid string) (int64, error) {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			f := bytes.Fields(rest)
			if len(f) == 0 {
				break
			}
			return strconv.ParseInt(string(f[0]), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%s/status", pid)
}

// hwmPoller samples a process's VmHWM until stopped.
type hwmPoller struct {
	peak atomic.Int64
	stop chan struct{}
	done chan struct{}
}

func pollHWM(pid int) *hwmPoller {
	p := &hwmPoller{stop: make(chan struct{}), done: make(chan struct{})}
	id := strconv.Itoa(pid)
	go func() {
		defer close(p.done)
		t := time.NewTicker(rssPollInterval)
		defer t.Stop()
		for {
			if v, err := vmHWM(id); err == nil && v > p.peak.Load() {
				p.peak.Store(v)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// finish stops sampling and returns the peak seen, in KiB.
func (p *hwmPoller) finish() int64 {
	close(p.stop)
	<-p.done
	return p.peak.Load()
}
