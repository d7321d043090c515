package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gosmb/gosmb"
)

// progress prints one line to stderr, rewritten in place, with the bytes
// moved by all of a command's transfers together.
type progress struct {
	w     io.Writer
	total atomic.Int64 // expected bytes, 0 when unknown
	done  atomic.Int64
	start time.Time
	stop  chan struct{}
	wg    sync.WaitGroup
	width int // of the last line; owned by the printing goroutine, then finish
	once  sync.Once
}

// startProgress returns nil when --progress is off; every method accepts
// a nil receiver.
func (e *env) startProgress() *progress {
	if !e.g.progress {
		return nil
	}
	p := &progress{w: e.stderr, start: time.Now(), stop: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.print("\r")
			}
		}
	}()
	return p
}

// expect adds n to the bytes expected in total.
func (p *progress) expect(n int64) {
	if p != nil {
		p.total.Add(n)
	}
}

// option returns the CallOption that reports one transfer's progress.
func (p *progress) option() []gosmb.CallOption {
	if p == nil {
		return nil
	}
	var last int64 // the callback runs on the transfer's goroutine only
	return []gosmb.CallOption{gosmb.WithProgress(func(done int64) {
		p.done.Add(done - last)
		last = done
	})}
}

func (p *progress) print(prefix string) {
	done, total := p.done.Load(), p.total.Load()
	el := time.Since(p.start)
	rate := ""
	if s := el.Seconds(); s > 0 {
		rate = humanSize(int64(float64(done)/s)) + "/s"
	}
	line := humanSize(done)
	if total > 0 {
		line += fmt.Sprintf(" / %s (%d%%)", humanSize(total), done*100/total)
	}
	line = fmt.Sprintf("%s  %s  %s", line, rate, el.Round(100*time.Millisecond))
	pad := p.width - len(line)
	p.width = len(line)
	if pad < 0 {
		pad = 0
	}
	fmt.Fprintf(p.w, "%s%s%*s", prefix, line, pad, "")
}

// finish stops the ticker and prints the final line; later calls do
// nothing.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.once.Do(func() {
		close(p.stop)
		p.wg.Wait()
		p.print("\r")
		fmt.Fprintln(p.w)
	})
}
