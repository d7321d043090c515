package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// meta says where and how the numbers were taken.
type meta struct {
	Command            string         `json:"command"`
	Start              time.Time      `json:"start"`
	End                time.Time      `json:"end"`
	GoVersion          string         `json:"go_version"`
	Smbclient          string         `json:"smbclient_version"`
	Kernel             string         `json:"kernel"`
	Source             string         `json:"source"` // git commit of the working directory, if any
	CPUs               int            `json:"cpus"`
	LoadStart          string         `json:"loadavg_start"`
	LoadEnd            string         `json:"loadavg_end"`
	Runs               int            `json:"runs"`
	RTT                time.Duration  `json:"added_rtt_ns"`
	SmbclientFixedCost time.Duration  `json:"smbclient_fixed_cost_ns"`
	Profiles           []string       `json:"cpu_profiles,omitempty"`
	Load               []scenarioLoad `json:"loadavg_per_scenario"`
}

// scenarioLoad is /proc/loadavg when a scenario's measurements began: the
// machine is shared, and a busy neighbour shows here.
type scenarioLoad struct {
	Scenario string `json:"scenario"`
	Start    string `json:"loadavg"`
}

func newMeta(cfg *config) *meta {
	m := &meta{
		Command:   "go run ./cmd/gosmb-bench " + strings.Join(cfg.args, " "),
		Start:     time.Now().UTC(),
		GoVersion: runtime.Version(),
		Smbclient: smbclientVersion(),
		CPUs:      runtime.NumCPU(),
		LoadStart: loadavg(),
		Runs:      cfg.runs,
		RTT:       cfg.rtt,
	}
	m.Source = sourceVersion()
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		m.Kernel = strings.TrimSpace(string(out))
	}
	m.Command = strings.TrimSpace(m.Command)
	return m
}

// sourceVersion names the code measured: the git commit of the current
// directory, marked when tracked files have uncommitted changes (go run
// builds those too).
func sourceVersion() string {
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown (not a git checkout)"
	}
	v := "commit " + strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		v += " + uncommitted changes"
	}
	return v
}

func (m *meta) finish() {
	m.End = time.Now().UTC()
	m.LoadEnd = loadavg()
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// ratio is gosmb's median rate over another client's, per scenario.
type ratio struct {
	Scenario        string  `json:"scenario"`
	VsSmbclient     float64 `json:"gosmb_over_smbclient,omitempty"`
	VsSmbclientBest float64 `json:"gosmb_over_smbclient_best,omitempty"`
	VsGosmbOne      float64 `json:"gosmb_over_gosmb_1,omitempty"`
	// With connection set-up included on both sides.
	VsSmbclientTotal     float64 `json:"gosmb_over_smbclient_incl_conn,omitempty"`
	VsSmbclientBestTotal float64 `json:"gosmb_over_smbclient_best_incl_conn,omitempty"`
	// Estimated: the smbclient (or smbclient-best) rate divided by is
	// an estimate (its fixed cost subtracted), and so is the ratio.
	SmbclientEstimated     bool `json:"smbclient_estimated,omitempty"`
	SmbclientBestEstimated bool `json:"smbclient_best_estimated,omitempty"`
	// Not measurable: that smbclient rate was below the noise of its
	// fixed cost, so there is no ratio (the Vs field is 0).
	SmbclientNotMeasurable     bool `json:"smbclient_not_measurable,omitempty"`
	SmbclientBestNotMeasurable bool `json:"smbclient_best_not_measurable,omitempty"`
	// VsFasterSmbclient is over the faster of smbclient and
	// smbclient-best in this run: the options chosen for smbclient-best
	// (on the big file, once) are not always the faster on the day.
	VsFasterSmbclient        float64 `json:"gosmb_over_faster_smbclient,omitempty"`
	FasterSmbclientEstimated bool    `json:"faster_smbclient_estimated,omitempty"`
}

func (b *bench) find(scenario, client string) *row {
	for _, r := range b.rows {
		if r.Scenario == scenario && r.Client == client {
			return r
		}
	}
	return nil
}

func (b *bench) scenarioIDs() []string {
	var ids []string
	for _, r := range b.rows {
		if len(ids) == 0 || ids[len(ids)-1] != r.Scenario {
			ids = append(ids, r.Scenario)
		}
	}
	return ids
}

func div(a, b *row, total bool) float64 {
	if a == nil || b == nil || b.Rate == 0 || (b.NotMeasurable && !total) {
		return 0
	}
	if total {
		return a.RateTotal / b.RateTotal
	}
	return a.Rate / b.Rate
}

func (b *bench) ratios() []ratio {
	var out []ratio
	for _, id := range b.scenarioIDs() {
		g := b.find(id, cGosmb)
		s, sb, one := b.find(id, cSmbclient), b.find(id, cSmbBest), b.find(id, cGosmbOne)
		r := ratio{
			Scenario:                   id,
			VsSmbclient:                div(g, s, false),
			VsSmbclientBest:            div(g, sb, false),
			VsGosmbOne:                 div(g, one, false),
			VsSmbclientTotal:           div(g, s, true),
			VsSmbclientBestTotal:       div(g, sb, true),
			SmbclientEstimated:         s != nil && s.XferEstimated,
			SmbclientBestEstimated:     sb != nil && sb.XferEstimated,
			SmbclientNotMeasurable:     s != nil && s.NotMeasurable,
			SmbclientBestNotMeasurable: sb != nil && sb.NotMeasurable,
		}
		// The faster smbclient, when both were measured and neither is
		// below the noise (else which is faster is not known).
		if s != nil && sb != nil && !s.NotMeasurable && !sb.NotMeasurable {
			f := s
			if sb.Rate > s.Rate {
				f = sb
			}
			r.VsFasterSmbclient, r.FasterSmbclientEstimated = div(g, f, false), f.XferEstimated
		}
		out = append(out, r)
	}
	return out
}

// cost is a signed or encrypted download's rate over the plain one.
type cost struct {
	Scenario string             `json:"scenario"`
	Clients  map[string]float64 `json:"rate_over_plain"`
}

func (b *bench) costs() []cost {
	var out []cost
	for _, id := range b.scenarioIDs() {
		if !strings.HasPrefix(id, "f.") || id == "f.plain" {
			continue
		}
		c := cost{Scenario: id, Clients: map[string]float64{}}
		for _, cl := range []string{cGosmb, cGosmbOne, cSmbclient, cSmbBest} {
			base := b.find("f.plain", cl)
			if base == nil {
				base = b.find("a", cl)
			}
			if v := div(b.find(id, cl), base, false); v != 0 {
				c.Clients[cl] = v
			}
		}
		if len(c.Clients) > 0 {
			out = append(out, c)
		}
	}
	return out
}

func (b *bench) printJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Meta        *meta         `json:"meta"`
		Rows        []*row        `json:"rows"`
		Ratios      []ratio       `json:"ratios"`
		Costs       []cost        `json:"signing_encryption_cost,omitempty"`
		Calibration []calibration `json:"smbclient_calibration,omitempty"`
	}{b.meta, b.rows, b.ratios(), b.costs(), b.calib})
}

func fmtRate(v float64, est bool) string {
	s := fmt.Sprintf("%.0f", v)
	if v < 100 {
		s = fmt.Sprintf("%.1f", v)
	}
	if est {
		s = "~" + s
	}
	return s
}

func fmtRatio(v float64) string {
	if v == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", v)
}

// fmtRatioEst is fmtRatio marked "~" when it rests on an estimate, and
// "n/m" when the rate it would be over is not measurable.
func fmtRatioEst(v float64, estimated, notMeasurable bool) string {
	if notMeasurable {
		return "n/m"
	}
	if v != 0 && estimated {
		return "~" + fmtRatio(v)
	}
	return fmtRatio(v)
}

func (b *bench) printMarkdown(w io.Writer) {
	m := b.meta
	fmt.Fprintf(w, "Command: `%s`  \n", m.Command)
	fmt.Fprintf(w, "Code: %s  \n", m.Source)
	fmt.Fprintf(w, "Date: %s – %s UTC, %s, smbclient %s, %s, %d CPUs, load average %s at start, %s at end  \n",
		m.Start.Format("2006-01-02 15:04"), m.End.Format("15:04"), m.GoVersion, strings.TrimPrefix(m.Smbclient, "Version "), m.Kernel, m.CPUs, m.LoadStart, m.LoadEnd)
	if m.RTT > 0 {
		fmt.Fprintf(w, "Added round-trip time: %v (every client goes through a delaying proxy to smbd).  \n", m.RTT)
	}
	var ls []string
	for _, l := range m.Load {
		ls = append(ls, l.Scenario+": "+l.Start)
	}
	if len(ls) > 0 {
		fmt.Fprintf(w, "Load average when each scenario began: %s  \n", strings.Join(ls, "; "))
	}
	fmt.Fprintf(w, "smbclient fixed cost (exec, logon, logoff: `-c pwd`, median of 3) at start: %v; it is measured again for each estimated (~) smbclient sample. Medians of %d runs.\n\n",
		m.SmbclientFixedCost.Round(time.Millisecond), m.Runs)

	fmt.Fprintln(w, "| scenario | client | rate | each run | rate incl. connect | peak RSS MiB | how |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|---|")
	for _, r := range b.rows {
		how := r.How
		if r.Session != "" {
			how += "; " + r.Session
		}
		var each []string
		for i, x := range r.Rates {
			if i < len(r.Samples) && r.Samples[i].BelowNoise {
				each = append(each, "n/m")
				continue
			}
			each = append(each, fmtRate(x, false))
		}
		rate := fmtRate(r.Rate, r.XferEstimated) + " " + r.Unit
		if r.NotMeasurable {
			rate = "n/m"
		}
		fmt.Fprintf(w, "| %s %s | %s | %s | %s | %s | %.1f | %s |\n", r.Scenario, r.Title, r.Client,
			rate, strings.Join(each, ", "), fmtRate(r.RateTotal, false), r.PeakRSSMiB, how)
	}
	if slices.ContainsFunc(b.rows, func(r *row) bool { return slices.ContainsFunc(r.Samples, func(s sample) bool { return s.BelowNoise }) }) {
		fmt.Fprintln(w, "\nn/m (not measurable): smbclient's work took less than twice the spread of its fixed-cost runs, so subtracting that cost leaves noise, not a rate.")
	}

	fmt.Fprintln(w, "\nRatios of median rates (above 1: gosmb is faster; ~: over an estimated smbclient rate):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | gosmb / smbclient | gosmb / smbclient-best | gosmb / faster of the two | gosmb / gosmb-1 | incl. connect: gosmb / smbclient | incl. connect: gosmb / smbclient-best |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|")
	for _, r := range b.ratios() {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", r.Scenario,
			fmtRatioEst(r.VsSmbclient, r.SmbclientEstimated, r.SmbclientNotMeasurable),
			fmtRatioEst(r.VsSmbclientBest, r.SmbclientBestEstimated, r.SmbclientBestNotMeasurable),
			fmtRatioEst(r.VsFasterSmbclient, r.FasterSmbclientEstimated, r.SmbclientNotMeasurable || r.SmbclientBestNotMeasurable),
			fmtRatio(r.VsGosmbOne), fmtRatio(r.VsSmbclientTotal), fmtRatio(r.VsSmbclientBestTotal))
	}

	if cs := b.costs(); len(cs) > 0 {
		fmt.Fprintln(w, "\nSigned or encrypted download rate over the plain one measured in the same rounds (f.plain), same client:")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| scenario | gosmb | gosmb-1 | smbclient | smbclient-best |")
		fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
		for _, c := range cs {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", c.Scenario, fmtRatio(c.Clients[cGosmb]), fmtRatio(c.Clients[cGosmbOne]),
				fmtRatio(c.Clients[cSmbclient]), fmtRatio(c.Clients[cSmbBest]))
		}
	}

	if len(b.calib) > 0 {
		fmt.Fprintln(w, "\nsmbclient options tried for smbclient-best (big file, MB/s):")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| direction | options | runs | median | chosen |")
		fmt.Fprintln(w, "|---|---|---|--:|---|")
		for _, c := range b.calib {
			fmt.Fprintf(w, "| %s | `%s` | %s | %.0f | %s |\n", c.Direction, c.Options, fmtRates(c.MBps), c.Median, map[bool]string{true: "yes"}[c.Chosen])
		}
	}

	fmt.Fprintln(w, "\ngosmb's Go runtime during the timed part (median run by time):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | client | allocated | per unit of work | mallocs | GCs | GC pause |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|")
	for _, r := range b.rows {
		if r.Client != cGosmb && r.Client != cGosmbOne && r.Client != cGosmbPool {
			continue
		}
		s := medianSample(r.Samples)
		if s == nil || s.GC == nil {
			continue
		}
		unit := "MB"
		if r.Unit != "MB/s" {
			unit = "op"
		}
		fmt.Fprintf(w, "| %s | %s | %.1f MiB | %.0f KiB/%s | %d | %d | %v |\n", r.Scenario, r.Client,
			float64(s.GC.TotalAlloc)/(1<<20), float64(s.GC.TotalAlloc)/1024/r.Work, unit, s.GC.Mallocs, s.GC.NumGC,
			s.GC.PauseTotal.Round(time.Microsecond))
	}
	fmt.Fprintln(w, "\nsmbd's work per run: CPU time and minor page faults of all its processes, whole run (connect, work, disconnect; median run by time):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | client | smbd CPU | per unit of work | smbd minor faults | per unit of work |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|")
	for _, r := range b.rows {
		s := medianSample(r.Samples)
		if s == nil || r.Work <= 0 {
			continue
		}
		cpu, unit := float64(s.SmbdCPU)/float64(time.Millisecond)/r.Work, "ms/MB"
		if r.Unit != "MB/s" {
			cpu, unit = float64(s.SmbdCPU)/float64(time.Microsecond)/r.Work, "µs/op"
		}
		fmt.Fprintf(w, "| %s | %s | %.2f s | %.*f %s | %d | %.1f |\n", r.Scenario, r.Client,
			s.SmbdCPU.Seconds(), map[bool]int{true: 2, false: 0}[unit == "ms/MB"], cpu, unit, s.SmbdFaults, float64(s.SmbdFaults)/r.Work)
	}
	writeHostReported(w, b.rows)
	if len(m.Profiles) > 0 {
		fmt.Fprintf(w, "\nCPU profiles (one extra gosmb run each, not counted): %s\n", strings.Join(m.Profiles, " "))
	}
}

// writeHostReported lists, for a guest whose kernel hands free memory
// back to its host (page_reporting), how much it handed back during each
// run: a copy into such pages costs more, whichever client made it.
func writeHostReported(w io.Writer, rows []*row) {
	any := false
	for _, r := range rows {
		for _, s := range r.Samples {
			any = any || s.HostReportedKiB >= 0
		}
	}
	if !any {
		return
	}
	fmt.Fprintln(w, "\nFree memory this guest handed back to its host during each run (page_reporting's reported_kib; the next use of such pages costs more, docs/benchmarks.md problem 2):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | client | MiB, each run |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, r := range rows {
		if len(r.Samples) == 0 || r.SameAs != "" {
			continue
		}
		var each []string
		for _, s := range r.Samples {
			if s.HostReportedKiB < 0 {
				each = append(each, "–")
			} else {
				each = append(each, strconv.FormatInt(s.HostReportedKiB/1024, 10))
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", r.Scenario, r.Client, strings.Join(each, ", "))
	}
}

func medianSample(s []sample) *sample {
	if len(s) == 0 {
		return nil
	}
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	for i := 1; i < len(idx); i++ {
		for k := i; k > 0 && s[idx[k]].Xfer < s[idx[k-1]].Xfer; k-- {
			idx[k], idx[k-1] = idx[k-1], idx[k]
		}
	}
	return &s[idx[len(idx)/2]]
}
