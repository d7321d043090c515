package engine

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"time"

	"github.com/gosmb/gosmb/proto/smb2"
)

// Batching. Every frame goes through one queue. A sender appends its
// frame, then either takes writeSem and writes everything queued (its own
// frame and any that arrived while the socket was busy) with one writev,
// or finds that the sender holding writeSem wrote it. Under load, frames
// that queue up behind a write leave together, and small self-contained
// chains (see mergeable) waiting next to each other are encoded as one
// compound frame: the server then receives, parses and answers N chains
// with one read and one send instead of N. Without contention a frame is
// written at once, as before.

// maxMergedChains bounds how many chains share one compound frame: the
// server answers a compound as a whole, so the first chain's response
// waits for the last one's.
const maxMergedChains = 8

// deferMin is the number of merged-eligible chains that must be
// unanswered (or queued) before a new one waits for company instead of
// being written at once: with that many queued at the server, holding a
// chain back until more arrive, or until the backlog drops, costs the
// server no idle time.
const deferMin = 2 * maxMergedChains

// maxMergedBytes bounds the size of the requests merged into one frame.
const maxMergedBytes = 32 << 10

// flushBytes is how much a flush hands to one writev before starting
// another, each with its own WriteTimeout.
const flushBytes = 1 << 20

// sendItem is one chain waiting for the socket: an encoded frame, or a
// mergeable chain that whoever writes it encodes, possibly together with
// its neighbours in the queue.
type sendItem struct {
	frame  net.Buffers // encoded frame; nil for a chain still to encode
	done   func()      // releases frame's pooled buffer once written
	caller bool        // frame holds the caller's Payload (vectored)

	// A chain still to encode.
	hs      []smb2.Header
	reqs    []*Request
	sess    *Session
	encrypt bool
	size    int

	taken   bool          // a writer has taken it off the queue; guarded by sendMu
	written chan struct{} // closed once written, or once writing it failed
	err     error         // set before written is closed
}

// mergeable reports whether a chain may be encoded into one compound frame
// with others: it is a CREATE on a disk share, alone or followed, on the
// handle it opens, by QUERY_INFO, SET_INFO or a READ of at most 1 MiB and
// then the CLOSE of that handle. Samba cancels any request but a CREATE
// that would go asynchronous in the middle of a compound ([MS-SMB2]
// 3.3.5.2.7 allows it to), a CLOSE waiting for an earlier WRITE among
// them. Such chains are compounds already; merging only moves the final
// CLOSE into the middle of one, and the CLOSE of a handle that nothing
// asynchronous used has nothing to wait for.
func mergeable(hs []smb2.Header, reqs []*Request) bool {
	if hs[0].Command != smb2.CommandCreate || reqs[0].Session == nil {
		return false
	}
	for i, r := range reqs {
		if !r.diskShare || r.Session != reqs[0].Session || len(r.Payload) > 0 || r.OnSent != nil || r.Sign || r.NoVerify {
			return false
		}
		if i == 0 {
			continue
		}
		if hs[i].Flags&smb2.FlagRelatedOperations == 0 {
			return false
		}
		switch hs[i].Command {
		case smb2.CommandQueryInfo, smb2.CommandSetInfo:
		case smb2.CommandRead:
			if r.CreditCharge > 16 {
				return false
			}
		case smb2.CommandClose:
			if i != len(reqs)-1 {
				return false
			}
		default:
			return false
		}
	}
	return len(reqs) == 1 || hs[len(hs)-1].Command == smb2.CommandClose
}

// enqueue appends it to the send queue. For a mergeable chain it reports
// whether the chain should wait for company: enough such chains are
// outstanding that the server will not run dry, and fewer than a full
// frame's worth are queued. A deferred chain goes out with the next
// chain that does not wait, with the one that fills a frame, or, once the
// backlog drops under deferMin, from the flusher goroutine.
func (c *Conn) enqueue(it *sendItem) (deferred bool) {
	merge := it.frame == nil // read before a writer can take it
	c.sendMu.Lock()
	c.sendQ = append(c.sendQ, it)
	if merge {
		c.queuedMerge++
	}
	nq := c.queuedMerge
	c.queueLen.Store(int64(len(c.sendQ)))
	c.sendMu.Unlock()
	if !merge {
		return false
	}
	// Counted before the check, so that the reader's decrement below
	// deferMin either comes after (and sees the queued chain, and kicks
	// the flusher) or before (and this check sees it).
	out := c.mergeOut.Add(1)
	return out > deferMin && nq < maxMergedChains
}

// mergeDone is called by the reader when the last response of a
// merged-eligible chain arrives.
func (c *Conn) mergeDone() {
	if c.mergeOut.Add(-1) <= deferMin && c.queueLen.Load() > 0 {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
}

// flusher writes deferred chains when the reader says the backlog has
// dropped. The reader itself never writes: a server that stops reading
// would then stop us reading too.
func (c *Conn) flusher() {
	defer c.bg.Done()
	for {
		select {
		case <-c.kick:
		case <-c.ctx.Done():
			return
		}
		select {
		case c.writeSem <- struct{}{}:
			c.flushAndRelease()
		case <-c.ctx.Done():
			return
		}
	}
}

// await returns once it has been written (its error, or nil), or at once
// with errWriteWaitEnded when ctx ends first (it stays queued and goes out
// with the next write), or with the close error when the connection
// closes. While it waits, it takes writeSem whenever free and writes what
// is queued.
//
// A deferred sender does not take writeSem itself: it waits for a writer.
func (c *Conn) await(ctx context.Context, it *sendItem, deferred bool) error {
	sem := c.writeSem
	if deferred {
		sem = nil
	}
	for {
		select {
		case <-it.written:
			return it.err
		default:
		}
		select {
		case <-it.written:
			return it.err
		case sem <- struct{}{}:
			c.flushAndRelease()
		case <-ctx.Done():
			return errWriteWaitEnded
		case <-c.ctx.Done():
			return c.closeError()
		}
	}
}

// flushAndRelease is called holding writeSem: it writes the queue, lets
// go of writeSem, and closes the connection if the write failed.
func (c *Conn) flushAndRelease() {
	err := c.flushQueue()
	<-c.writeSem
	if err != nil {
		c.closeWithError(err)
	}
}

// flushQueue writes everything queued; the caller holds writeSem. Each
// item's written channel is closed after its bytes went out (or failed).
// A write or encoding error is returned for the caller to close the
// connection with, once it has let go of writeSem.
func (c *Conn) flushQueue() error {
	c.sendMu.Lock()
	items := c.sendQ
	c.sendQ = nil
	c.queuedMerge = 0
	c.queueLen.Store(0)
	for _, it := range items {
		it.taken = true
	}
	c.sendMu.Unlock()
	if len(items) == 0 {
		return nil
	}
	if err := c.ctx.Err(); err != nil {
		err = c.closeError()
		finishItems(items, err)
		return nil
	}
	var (
		out   net.Buffers
		dones []func()
		size  int
		from  int // items[from:i] are in out
		err   error
	)
	write := func(upto int) {
		if err == nil && len(out) > 0 {
			c.nc.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout))
			if len(out) == 1 {
				_, err = c.nc.Write(out[0])
			} else {
				_, err = out.WriteTo(c.nc)
			}
			if err != nil {
				err = &ConnError{Err: fmt.Errorf("write: %w", err)}
			}
		}
		for _, d := range dones {
			d()
		}
		finishItems(items[from:upto], err)
		out, dones, size, from = out[:0], dones[:0], 0, upto
	}
	for i := 0; i < len(items); {
		it := items[i]
		j := i + 1
		if it.frame == nil {
			// Merge the mergeable chains that follow, same session and
			// same encryption, within the bounds.
			n := it.size
			for j < len(items) && j-i < maxMergedChains {
				nx := items[j]
				if nx.frame != nil || nx.sess != it.sess || nx.encrypt != it.encrypt || n+nx.size > maxMergedBytes {
					break
				}
				n += nx.size
				j++
			}
			hs, reqs := it.hs, it.reqs
			if j > i+1 {
				hs, reqs = nil, nil
				for _, m := range items[i:j] {
					hs = append(hs, m.hs...)
					reqs = append(reqs, m.reqs...)
				}
			}
			if j > i+1 {
				c.mergedChains.Add(uint64(j - i))
			}
			frame, done, eerr := c.encodeChain(hs, reqs, it.sess)
			if eerr != nil && err == nil {
				err = eerr
			}
			if eerr == nil {
				it.frame, it.done = frame, done
			}
		}
		if err == nil {
			c.frames.Add(1)
			for _, b := range it.frame {
				size += len(b)
			}
			out = append(out, it.frame...)
			if it.done != nil {
				dones = append(dones, it.done)
			}
		}
		i = j
		if size >= flushBytes || err != nil {
			write(i)
		}
	}
	write(len(items))
	return err
}

// finishItems records err for items and wakes their senders.
func finishItems(items []*sendItem, err error) {
	for _, it := range items {
		it.err = err
		close(it.written)
	}
}

// detach is called when the sender of it stops waiting (its context
// ended, or the connection is closing) before it was written. A frame
// holding the caller's payload is copied if still queued, or waited for
// if a writer has it, since the caller may reuse the payload once Send
// returns. That wait is short even when the connection is closing: the
// writer's write fails once the socket is closed, and every taken item is
// finished either way.
func (c *Conn) detach(it *sendItem) {
	if !it.caller {
		return
	}
	c.sendMu.Lock()
	if !it.taken {
		it.frame = net.Buffers{bytes.Join(it.frame, nil)}
		it.caller = false
		c.sendMu.Unlock()
		return
	}
	c.sendMu.Unlock()
	<-it.written
}

// Stats counts what a Conn has written.
type Stats struct {
	Frames       uint64 // transport frames handed to the socket
	MergedChains uint64 // compound chains that shared a frame with others
}

// Stats returns the connection's counters.
func (c *Conn) Stats() Stats {
	return Stats{Frames: c.frames.Load(), MergedChains: c.mergedChains.Load()}
}
