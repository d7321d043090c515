package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRoundsStartOneClientFurtherOn: every client runs once per round,
// each round starts with the next client, and each row gets its own
// client's samples in the order they ran.
func TestRoundsStartOneClientFurtherOn(t *testing.T) {
	var order []string
	mk := func(name string) client {
		n := 0
		return client{name: name, run: func(r int) (sample, error) {
			order = append(order, name)
			n++
			return sample{Xfer: time.Duration(n) * time.Second, Total: time.Duration(n) * time.Second}, nil
		}}
	}
	b := &bench{cfg: &config{}, ctx: context.Background(), meta: &meta{}}
	if err := b.measureRuns(3, "x", "test", "op/s", 6, []client{mk("a"), mk("b"), mk("c")}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "b", "c", "a", "c", "a", "b"}, order); diff != "" {
		t.Errorf("run order (-want +got):\n%s", diff)
	}
	for _, rw := range b.rows {
		if diff := cmp.Diff([]float64{6, 3, 2}, rw.Rates); diff != "" {
			t.Errorf("%s: rates (-want +got):\n%s", rw.Client, diff)
		}
	}
}

// Each run records how much free memory the guest handed back to its
// host meanwhile, when the kernel says (page_reporting), and the report
// lists it per run; without that file there is no figure and no table.
func TestHostReportedPerRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reported_kib")
	defer func(p string) { reportedKiBPath = p }(reportedKiBPath)
	reportedKiBPath = path
	total := 1000
	write := func() {
		if err := os.WriteFile(path, []byte(strconv.Itoa(total)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write()
	grow := []int{0, 2048, 300 << 10}
	run := 0
	c := client{name: "x", run: func(int) (sample, error) {
		total += grow[run]
		run++
		write()
		return sample{Xfer: time.Second, Total: time.Second}, nil
	}}
	b := &bench{cfg: &config{}, ctx: context.Background(), meta: &meta{}}
	if err := b.measureRuns(3, "b", "test", "MB/s", 1, []client{c}); err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, s := range b.rows[0].Samples {
		got = append(got, s.HostReportedKiB)
	}
	if diff := cmp.Diff([]int64{0, 2048, 300 << 10}, got); diff != "" {
		t.Errorf("HostReportedKiB per run (-want +got):\n%s", diff)
	}
	var out strings.Builder
	writeHostReported(&out, b.rows)
	if !strings.Contains(out.String(), "| b | x | 0, 2, 300 |") {
		t.Errorf("report:\n%s\nwant a row | b | x | 0, 2, 300 |", out.String())
	}

	reportedKiBPath = filepath.Join(t.TempDir(), "none")
	b = &bench{cfg: &config{}, ctx: context.Background(), meta: &meta{}}
	run = 0
	if err := b.measureRuns(1, "b", "test", "MB/s", 1, []client{c}); err != nil {
		t.Fatal(err)
	}
	if s := b.rows[0].Samples[0]; s.HostReportedKiB != -1 {
		t.Errorf("HostReportedKiB without page_reporting: %d, want -1", s.HostReportedKiB)
	}
	out.Reset()
	writeHostReported(&out, b.rows)
	if out.Len() != 0 {
		t.Errorf("report without page_reporting:\n%s\nwant nothing", out.String())
	}
}

// A ratio over an estimated smbclient rate is marked "~" in the report,
// and one over a measured rate is not.
func TestRatiosOverEstimatesAreMarked(t *testing.T) {
	b := &bench{cfg: &config{}, ctx: context.Background(), meta: &meta{}}
	b.rows = []*row{
		{Scenario: "d", Client: cGosmb, Rate: 100, RateTotal: 90},
		{Scenario: "d", Client: cSmbclient, Rate: 10, RateTotal: 9, XferEstimated: true},
		{Scenario: "a", Client: cGosmb, Rate: 100, RateTotal: 90},
		{Scenario: "a", Client: cSmbclient, Rate: 20, RateTotal: 18},
	}
	var out strings.Builder
	b.printMarkdown(&out)
	for _, want := range []string{"| d | ~10.00× |", "| a | 5.00× |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// An smbclient run whose work took less than twice the spread of the
// fixed-cost runs is below the noise; a row where most runs are has no
// rate and no ratio ("n/m"), while one that clears the noise keeps both.
func TestRatesBelowTheNoiseAreNotMeasurable(t *testing.T) {
	fixed := fixedCost{median: 130 * time.Millisecond, spread: 10 * time.Millisecond}
	mk := func(totals ...time.Duration) []sample {
		var ss []sample
		for _, d := range totals {
			ss = append(ss, estimated(sample{Total: d}, fixed))
		}
		return ss
	}
	ms := time.Millisecond
	noisy := &row{Scenario: "c.ls", Client: cSmbclient, Unit: "files/s", Work: 1000, Samples: mk(140*ms, 190*ms, 145*ms)}
	clear := &row{Scenario: "c.up", Client: cSmbclient, Unit: "files/s", Work: 1000, Samples: mk(1130*ms, 1140*ms, 135*ms)}
	for _, rw := range []*row{noisy, clear} {
		rw.summarize()
	}
	if got := []bool{noisy.Samples[0].BelowNoise, noisy.Samples[1].BelowNoise, noisy.Samples[2].BelowNoise}; !cmp.Equal(got, []bool{true, false, true}) {
		t.Errorf("BelowNoise of 140, 190, 145 ms against 130 ± 10 ms: %v", got)
	}
	if !noisy.NotMeasurable || clear.NotMeasurable {
		t.Fatalf("NotMeasurable: noisy %v, clear %v; want true, false", noisy.NotMeasurable, clear.NotMeasurable)
	}
	if clear.Rate != 1000 { // the median run: 1 s of work
		t.Errorf("clear row's rate %v, want 1000", clear.Rate)
	}

	b := &bench{cfg: &config{}, ctx: context.Background(), meta: &meta{}}
	b.rows = []*row{
		{Scenario: "c.ls", Client: cGosmb, Unit: "files/s", Rate: 5000, RateTotal: 4000},
		noisy,
		{Scenario: "c.up", Client: cGosmb, Unit: "files/s", Rate: 3000, RateTotal: 2500},
		clear,
		// smbclient-best slower than the default on the day: the faster
		// column divides by the default's rate.
		{Scenario: "c.up", Client: cSmbBest, Unit: "files/s", Rate: 600, RateTotal: 500, XferEstimated: true},
	}
	var out strings.Builder
	b.printMarkdown(&out)
	for _, want := range []string{
		"| c.ls  | smbclient | n/m | n/m, 16667, n/m |",
		"| c.up  | smbclient | ~1000 files/s | 1000, 990, n/m |",
		"n/m (not measurable)",
		"| c.ls | n/m | – | n/m |",
		"| c.up | ~3.00× | ~5.00× | ~3.00× |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "| c.ls | ~") {
		t.Errorf("a ratio over a rate below the noise was printed:\n%s", out.String())
	}
}
