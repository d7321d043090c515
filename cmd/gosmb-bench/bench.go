package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/ops"
)

// Client names, as printed.
const (
	cGosmb     = "gosmb"
	cGosmbOne  = "gosmb-1"
	cGosmbPool = "gosmb-pool" // Options.Connections: -pool-conns
	cSmbclient = "smbclient"
	cSmbBest   = "smbclient-best"
)

// sample is one measured run of one client.
type sample struct {
	Xfer          time.Duration `json:"xfer_ns"`  // the work only
	Total         time.Duration `json:"total_ns"` // connect + work + disconnect
	XferEstimated bool          `json:"xfer_estimated,omitempty"`
	FixedCost     time.Duration `json:"smbclient_fixed_cost_ns,omitempty"` // subtracted when estimated
	// FixedSpread is how far apart the fixed-cost runs behind FixedCost
	// were (slowest − fastest). BelowNoise: the estimated work time is
	// under twice that, so the estimate says nothing (see fixedCost).
	FixedSpread time.Duration `json:"smbclient_fixed_cost_spread_ns,omitempty"`
	BelowNoise  bool          `json:"below_noise,omitempty"`
	RSSKiB      int64         `json:"peak_rss_kib"`
	SmbdCPU     time.Duration `json:"smbd_cpu_ns"`       // all smbd processes, whole run
	SmbdFaults  uint64        `json:"smbd_minor_faults"` // the same
	// HostReported is how much free memory the guest's page_reporting
	// handed back to its host during the run (-1: not a guest that does),
	// pages that must be backed again when next used (problem 2 in
	// docs/benchmarks.md).
	HostReportedKiB int64   `json:"host_reported_kib"`
	Session         string  `json:"session,omitempty"`
	GC              *gcInfo `json:"go_runtime,omitempty"`
}

type gcInfo struct {
	Mallocs    uint64        `json:"mallocs"`
	TotalAlloc uint64        `json:"total_alloc_bytes"`
	NumGC      uint32        `json:"num_gc"`
	PauseTotal time.Duration `json:"gc_pause_total_ns"`
}

// row is one scenario × client.
type row struct {
	Scenario string   `json:"scenario"`
	Title    string   `json:"title"`
	Client   string   `json:"client"`
	How      string   `json:"how"`
	Unit     string   `json:"unit"`
	Work     float64  `json:"work"` // MB (10^6 bytes) or operations per run
	Samples  []sample `json:"samples"`

	Rate          float64   `json:"rate"`           // median over runs, transfer only
	Rates         []float64 `json:"rates"`          // each run's, in the order run
	RateTotal     float64   `json:"rate_incl_conn"` // median over runs, connection set-up included
	XferEstimated bool      `json:"xfer_estimated"` // smbclient: wall time − fixed cost
	// NotMeasurable: most runs' estimated work time was BelowNoise, so
	// the median rate is not a measurement and no ratio is taken over it.
	NotMeasurable bool    `json:"not_measurable,omitempty"`
	PeakRSSMiB    float64 `json:"peak_rss_mib"` // highest over runs
	Session       string  `json:"session,omitempty"`
	SameAs        string  `json:"same_as,omitempty"` // smbclient-best that is the default
}

// client is one way of doing a scenario.
type client struct {
	name string
	how  string
	run  func(r int) (sample, error)
	// scenario and title, when set, override measure's: several variants
	// of a scenario are then measured in the same interleaved rounds.
	scenario, title string
}

type bench struct {
	cfg  *config
	ctx  context.Context
	fx   *fixtures
	meta *meta

	plain, sign, enc *sambatest.Server
	servers          []*sambatest.Server // every smbd started, for smbdUsage
	proxies          []*delayProxy       // with -rtt

	bestDone         bool
	bestGet, bestPut []string // smbclient options that measured best
	calib            []calibration

	rows []*row
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// smbdUsage sums the CPU time and minor faults of every smbd the
// benchmark started (only one works at a time).
func (b *bench) smbdUsage() sambatest.Usage {
	var u sambatest.Usage
	for _, s := range b.servers {
		v := s.Usage()
		u.CPU += v.CPU
		u.MinorFaults += v.MinorFaults
		u.Processes += v.Processes
	}
	return u
}

// reportedKiBPath counts the free memory a Linux guest's page_reporting
// has handed back to its host.
var reportedKiBPath = "/sys/module/page_reporting/parameters/reported_kib"

// hostReportedKiB reads reportedKiBPath: -1 where there is none.
func hostReportedKiB() int64 {
	b, err := os.ReadFile(reportedKiBPath)
	if err != nil {
		return -1
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// smbdSettled is smbdUsage once the per-connection smbd processes of the
// run just ended have exited (back to procs live processes), so that
// their work is counted; it gives up waiting after 2 s.
func (b *bench) smbdSettled(procs int) sambatest.Usage {
	deadline := time.Now().Add(2 * time.Second)
	for {
		u := b.smbdUsage()
		if u.Processes <= procs || time.Now().After(deadline) {
			return u
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// measure runs every client runs times, interleaved (client 1, 2, …, then
// again) so that a slow patch of a shared machine hits all of them. Each
// round starts one client further on (2, 3, …, 1 the second time), so
// that no client always runs right after the files of another scenario
// or round were created or deleted.
func (b *bench) measure(id, title, unit string, work float64, clients []client) error {
	return b.measureRuns(b.cfg.runs, id, title, unit, work, clients)
}

// measureRuns is measure with its own number of runs.
func (b *bench) measureRuns(runs int, id, title, unit string, work float64, clients []client) error {
	if poolConns < 1 {
		clients = slices.DeleteFunc(clients, func(c client) bool { return c.name == cGosmbPool })
	}
	rows := make([]*row, len(clients))
	for i, c := range clients {
		rows[i] = &row{Scenario: id, Title: title, Client: c.name, How: c.how, Unit: unit, Work: work}
		if c.scenario != "" {
			rows[i].Scenario, rows[i].Title = c.scenario, c.title
		}
	}
	b.meta.Load = append(b.meta.Load, scenarioLoad{Scenario: id, Start: loadavg()})
	for r := range runs {
		for k := range clients {
			i := (k + r) % len(clients)
			c := clients[i]
			if c.run == nil {
				continue
			}
			if err := b.ctx.Err(); err != nil {
				return err
			}
			u0 := b.smbdUsage()
			h0 := hostReportedKiB()
			s, err := c.run(r)
			if err != nil {
				return fmt.Errorf("%s, run %d: %w", c.name, r+1, err)
			}
			u := b.smbdSettled(u0.Processes).Sub(u0)
			s.SmbdCPU, s.SmbdFaults = u.CPU, u.MinorFaults
			s.HostReportedKiB = -1
			if h1 := hostReportedKiB(); h0 >= 0 && h1 >= h0 {
				s.HostReportedKiB = h1 - h0
			}
			rows[i].Samples = append(rows[i].Samples, s)
			est := ""
			if s.XferEstimated {
				est = "~"
			}
			if s.BelowNoise {
				est = "(below the noise of smbclient's fixed cost) ~"
			}
			b.logf("%-8s %-15s run %d/%d: %s%.1f %s (incl. connect %.1f), peak RSS %.1f MiB %s",
				rows[i].Scenario, c.name, r+1, runs, est, work/s.Xfer.Seconds(), unit, work/s.Total.Seconds(),
				float64(s.RSSKiB)/1024, s.Session)
		}
	}
	for i, rw := range rows {
		if clients[i].run == nil { // alias of another row
			continue
		}
		rw.summarize()
	}
	// smbclient-best with the default options is the default row.
	for i, c := range clients {
		if c.run != nil {
			continue
		}
		for _, src := range rows {
			if src.Client == cSmbclient && src.Scenario == rows[i].Scenario {
				cp := *src
				cp.Client, cp.How, cp.SameAs = c.name, c.how, cSmbclient
				rows[i] = &cp
				break
			}
		}
	}
	b.rows = append(b.rows, rows...)
	return nil
}

func (rw *row) summarize() {
	var xs, ts []float64
	below := 0
	for _, s := range rw.Samples {
		if s.BelowNoise {
			below++
		}
		xs = append(xs, rw.Work/s.Xfer.Seconds())
		ts = append(ts, rw.Work/s.Total.Seconds())
		rw.PeakRSSMiB = max(rw.PeakRSSMiB, float64(s.RSSKiB)/1024)
		rw.XferEstimated = rw.XferEstimated || s.XferEstimated
		if s.Session != "" {
			rw.Session = s.Session
		}
	}
	rw.Rates = xs
	rw.Rate, rw.RateTotal = median(xs), median(ts)
	rw.NotMeasurable = below*2 > len(rw.Samples)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianDur(v []time.Duration) time.Duration {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// gosmbSample runs j in a child and turns the result into a sample after
// check has verified it.
func (b *bench) gosmbSample(j *job, check func(res *jobResult) error) (sample, error) {
	j.Timeout = b.cfg.timeout
	ctx, cancel := context.WithTimeout(b.ctx, b.cfg.timeout+30*time.Second)
	defer cancel()
	res, wall, err := runChild(ctx, j)
	if err != nil {
		return sample{}, err
	}
	if err := check(res); err != nil {
		return sample{}, err
	}
	return sample{
		Xfer: res.Xfer,
		// The whole child, exec to exit (the Go runtime's start, Dial,
		// the work, Close), as smbclient's total is its whole process.
		Total:   max(wall, res.Dial+res.Xfer+res.Close),
		RSSKiB:  res.PeakRSSKiB,
		Session: res.Session,
		GC:      &gcInfo{Mallocs: res.Mallocs, TotalAlloc: res.TotalAlloc, NumGC: res.NumGC, PauseTotal: res.PauseTotal},
	}, nil
}

// newJob is a job against srv's main share.
func newJob(srv *sambatest.Server, kind string, one bool) *job {
	return &job{Kind: kind, Addr: dialAddr(srv), User: srv.User, Password: srv.Password, Share: srv.Share, OneInFlight: one, Transfer: gosmbTransfer, Connections: gosmbConns, NoBatching: gosmbNoBatching, Verify: verifyKind}
}

// gosmbTransfer is the gosmb client's Transfer options (-gosmb-chunk,
// -gosmb-window, -gosmb-conn-window, -gosmb-conn-read-window); set once
// before measuring.
var gosmbTransfer ops.Options

// gosmbConns is the gosmb client's Options.Connections (-gosmb-conns).
var gosmbConns int

// gosmbNoBatching is every gosmb client's Options.NoBatching
// (-gosmb-no-batching).
var gosmbNoBatching bool

// poolConns is the gosmb-pool client's Options.Connections (-pool-conns).
var poolConns = 2

func withPool(j *job) { j.Connections = poolConns }

func poolHow(how string) string { return fmt.Sprintf("as gosmb, Connections: %d; ", poolConns) + how }

// profile runs j once more, not counted, under the CPU profiler.
func (b *bench) profile(id string, j *job, check func(res *jobResult) error) error {
	if b.cfg.cpuprofile == "" {
		return nil
	}
	if err := os.MkdirAll(b.cfg.cpuprofile, 0o755); err != nil {
		return err
	}
	j.CPUProfile = fmt.Sprintf("%s/%s.pprof", b.cfg.cpuprofile, id)
	s, err := b.gosmbSample(j, check)
	if err != nil {
		return fmt.Errorf("profiling run: %w", err)
	}
	b.logf("%-6s gosmb (profiled, not counted): %.1f s transfer, profile %s", id, s.Xfer.Seconds(), j.CPUProfile)
	b.meta.Profiles = append(b.meta.Profiles, j.CPUProfile)
	return nil
}

// smbclientSample turns an smbclient run into a sample. The transfer time
// is smbclient's own measurement (bytes / its "average" rate) when it
// printed one and useOwn is set; otherwise the wall time minus smbclient's
// fixed cost, measured again right now (the machine's load drifts).
func (b *bench) smbclientSample(r smbRun, bytes int64, useOwn bool) (sample, error) {
	s := sample{Total: r.wall, RSSKiB: r.rssKiB}
	if useOwn && r.rate > 0 {
		s.Xfer = time.Duration(float64(bytes) / r.rate * float64(time.Second))
		return s, nil
	}
	fixed, err := b.fixedCost(1)
	if err != nil {
		return s, err
	}
	return estimated(s, fixed), nil
}

// estimated sets s.Xfer to its Total less the fixed cost, marked as an
// estimate, and BelowNoise when what is left is under twice the fixed
// cost's spread: then the work cannot be told apart from the wobble of
// smbclient's start and logon (listing 1,000 names takes a few ms of the
// 130 ms an smbclient process needs here), and any rate from it is noise.
func estimated(s sample, fixed fixedCost) sample {
	s.Xfer, s.XferEstimated = minusFixed(s.Total, fixed.median), true
	s.FixedCost, s.FixedSpread = fixed.median, fixed.spread
	s.BelowNoise = s.Total-fixed.median < 2*fixed.spread
	return s
}

// minusFixed is wall − fixed, but never below 5% of wall: the fixed cost
// is noisy, and a near-zero time would print an absurd rate.
func minusFixed(wall, fixed time.Duration) time.Duration {
	return max(wall-fixed, wall/20)
}

// fixedCost is what smbclient processes cost that do no work: the median
// wall time of baseRuns batches and its spread (slowest − fastest).
type fixedCost struct{ median, spread time.Duration }

// fixedCost times baseRuns batches of n smbclient processes started at
// once that only connect, log on and leave (-c pwd does no I/O).
func (b *bench) fixedCost(n int) (fixedCost, error) {
	var ws []time.Duration
	for range b.cfg.baseRuns {
		ctx, cancel := b.smbCtx()
		t0 := time.Now()
		errs := make(chan error, n)
		for range n {
			go func() {
				_, err := smbclientCmd{srv: b.plain, command: "pwd"}.run(ctx)
				errs <- err
			}()
		}
		var first error
		for range n {
			if err := <-errs; err != nil && first == nil {
				first = err
			}
		}
		cancel()
		if first != nil {
			return fixedCost{}, fmt.Errorf("smbclient fixed cost: %w", first)
		}
		ws = append(ws, time.Since(t0))
	}
	return fixedCost{median: medianDur(ws), spread: slices.Max(ws) - slices.Min(ws)}, nil
}

func (b *bench) measureBaseline() error {
	d, err := b.fixedCost(1)
	if err != nil {
		return err
	}
	b.meta.SmbclientFixedCost = d.median
	b.logf("smbclient fixed cost (exec + logon + logoff, median of %d): %v, spread %v", b.cfg.baseRuns, d.median.Round(time.Millisecond), d.spread.Round(time.Millisecond))
	return nil
}
