package engine

import (
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/proto/smb2"
)

// call is one request awaiting its final response.
type call struct {
	mid     uint64 // MessageId (SMB2); MID|PID<<16 for SMB1
	charge  uint32 // credits charged, returned to the balance by the final response
	cmd     smb2.Command
	treeID  uint32
	sess    *Session
	encrypt bool // the request was encrypted for its share; so is its CANCEL
	// mustBeSigned: the response must carry a valid signature even if
	// the session does not sign everything.
	mustBeSigned bool
	onAbandoned  func(*Response) // see Request.OnAbandoned
	resolve      future.Resolver[*Response]
	stop         func() bool // stops the context watcher
	mergeEnd     bool        // last request of a merged-eligible chain (batch.go)
	sent         int64       // Conn.mono when sendChain had its credits and ids, before it queued the chain for the socket (for Conn.MinRTT)

	// guarded by Conn.mu:
	asyncID   uint64 // from an interim STATUS_PENDING response
	isAsync   bool
	abandoned bool // the caller gave up; the response only returns credits
}

// stopWatch stops the context watcher, if any. Call it once the call has
// left the pending table (its stop field can no longer change then).
func (c *call) stopWatch() {
	if c.stop != nil {
		c.stop()
	}
}

// pendingTable maps MessageId to the request awaiting it. It has no lock of
// its own; Conn.mu guards it. A nil map means the connection is closed.
type pendingTable struct {
	m map[uint64]*call
}

func (p *pendingTable) init() { p.m = make(map[uint64]*call) }

func (p *pendingTable) add(c *call) bool {
	if p.m == nil {
		return false
	}
	p.m[c.mid] = c
	return true
}

func (p *pendingTable) get(mid uint64) *call { return p.m[mid] }

func (p *pendingTable) remove(mid uint64) { delete(p.m, mid) }

func (p *pendingTable) len() int { return len(p.m) }

// takeAll empties the table for good and returns what it held.
func (p *pendingTable) takeAll() map[uint64]*call {
	m := p.m
	p.m = nil
	return m
}
