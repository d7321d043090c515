package engine

import (
	"context"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/gosmb/gosmb/netbios"
	"github.com/gosmb/gosmb/proto/smb2"
)

// Config tunes a Conn. The zero value is usable.
type Config struct {
	// Logger receives diagnostics. Nil means zap.NewNop(). Secrets are
	// never logged.
	Logger *zap.Logger
	// MaxFrameSize caps one incoming frame; larger frames are rejected
	// before any allocation and end the connection. Default 16 MiB + 64 KiB.
	MaxFrameSize int
	// CreditTarget is the credit balance the client asks the server for
	// on every request. Default 512.
	CreditTarget uint32
	// WriteTimeout bounds a single frame write; a write that cannot finish
	// (the server stopped reading) ends the connection. Default 60s.
	WriteTimeout time.Duration
	// NoBatching turns off the merging of small self-contained compound
	// chains (CREATE ... CLOSE on a disk share) that wait for the socket
	// at the same time into one compound frame. Frames that queue up
	// still leave in one writev.
	NoBatching bool
}

const defaultMaxFrame = 16<<20 + 64<<10

func (c *Config) withDefaults() Config {
	out := *c
	if out.Logger == nil {
		out.Logger = zap.NewNop()
	}
	if out.MaxFrameSize <= 0 {
		out.MaxFrameSize = defaultMaxFrame
	}
	if out.CreditTarget == 0 {
		out.CreditTarget = 512
	}
	if out.WriteTimeout <= 0 {
		out.WriteTimeout = 60 * time.Second
	}
	return out
}

// Conn is one SMB connection over a caller-supplied net.Conn. It owns one
// reader goroutine from New until Close.
type Conn struct {
	nc  net.Conn
	cfg Config
	log *zap.Logger

	ctx    context.Context // done when the connection is closed; cause is the close error
	cancel context.CancelCauseFunc

	readerDone chan struct{} // closed when readLoop returns

	writeSem chan struct{} // one slot: serialises frame writes on nc; a channel so a waiter can give up when its context ends

	sendMu       sync.Mutex  // guards sendQ, queuedMerge and sendItem.taken
	sendQ        []*sendItem // frames and chains waiting for writeSem (batch.go)
	queuedMerge  int         // chains in sendQ still to encode
	queueLen     atomic.Int64
	mergeOut     atomic.Int64  // merged-eligible chains queued or unanswered
	kick         chan struct{} // wakes the flusher (cap 1)
	frames       atomic.Uint64 // see Stats
	mergedChains atomic.Uint64

	// workers bounds the goroutines that verify signatures or decrypt
	// large responses off the reader (see offloadMin); one slot per CPU.
	workers chan struct{}

	bg sync.WaitGroup // short-lived goroutines (late CANCEL, OnAbandoned, writes handed off by senders whose context ended); Close waits for them

	// epoch is when the connection began: sends and receives are timed
	// as monotonic nanoseconds since (mono), which no clock step moves.
	epoch        time.Time
	lastRecvMono atomic.Int64 // mono of the last bytes read; stored by the reader (stampReader), read by anyone
	frameMono    atomic.Int64 // mono of the last frame header read; stored by readLoop, for round trips
	minRTT       atomic.Int64 // nanoseconds + 1 (0: none yet); see MinRTT

	credits creditGate

	mu       sync.Mutex // guards following
	pending  pendingTable
	sessions map[uint64]*Session
	closed   bool
	closeErr error

	neg atomic.Pointer[Negotiated] // set once by Negotiate

}

// New starts the engine on nc: it launches the reader goroutine and returns
// at once. The connection starts with one credit, as [MS-SMB2] 3.2.4.1.5
// says, enough for NEGOTIATE.
func New(nc net.Conn, cfg Config) *Conn {
	cfg = cfg.withDefaults()
	c := &Conn{
		nc:         nc,
		cfg:        cfg,
		log:        cfg.Logger,
		readerDone: make(chan struct{}),
		writeSem:   make(chan struct{}, 1),
		workers:    make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
		sessions:   make(map[uint64]*Session),
		kick:       make(chan struct{}, 1),
	}
	c.ctx, c.cancel = context.WithCancelCause(context.Background())
	c.credits.acct.avail = 1
	c.credits.acct.target = cfg.CreditTarget
	c.pending.init()
	c.epoch = time.Now()
	fr := netbios.NewFrameReader(stampReader{nc, c}, cfg.MaxFrameSize)
	go c.readLoop(fr)
	c.bg.Add(1)
	go c.flusher()
	return c
}

// Negotiated returns the outcome of NEGOTIATE, or nil before it.
func (c *Conn) Negotiated() *Negotiated { return c.neg.Load() }

// Context is done when the connection is closed; context.Cause gives the
// error that closed it.
func (c *Conn) Context() context.Context { return c.ctx }

// Credits returns the current credit balance and the credits charged to
// requests in flight.
func (c *Conn) Credits() (avail, inFlight uint32) { return c.credits.snapshot() }

// PeakCredits returns the most credits the server has let this connection
// hold unspent at once. A request or compound chain that costs no more
// can go out once the requests in flight are answered, on a server that
// tops the balance back up as Samba and Windows do; avail+inFlight can be
// more than that (Samba's "smb2 max credits" caps only what it has
// granted and the client not yet spent), and a request sized to it may
// never find its credits free at once (ErrNoCredits).
func (c *Conn) PeakCredits() uint32 { return c.credits.peak() }

// LastReceive returns when bytes last arrived (the connection's start
// before any): a frame still arriving counts, however long it takes.
func (c *Conn) LastReceive() time.Time {
	// On the monotonic clock, so time.Since and comparisons with
	// time.Now ignore wall-clock steps.
	return c.epoch.Add(time.Duration(c.lastRecvMono.Load()))
}

// MinRTT returns the shortest time a request other than READ or WRITE
// (which carry bulk data) took from Send, once it had its credits, to its
// response, so far on this connection: the link's round trip plus the
// server's quickest answer. 0 before any response, and 0 where round
// trips are shorter than the clock's resolution (coarse on some systems).
func (c *Conn) MinRTT() time.Duration { return time.Duration(max(c.minRTT.Load()-1, 0)) }

// mono returns the monotonic nanoseconds since the connection began.
func (c *Conn) mono() int64 { return int64(time.Since(c.epoch)) }

// noteRTT keeps d if it is the shortest round trip yet. A negative d
// cannot come from the monotonic clock and is ignored.
func (c *Conn) noteRTT(d int64) {
	if d < 0 {
		return
	}
	for {
		old := c.minRTT.Load()
		if (old != 0 && old <= d+1) || c.minRTT.CompareAndSwap(old, d+1) {
			return
		}
	}
}

// Pending returns the number of requests awaiting a response.
func (c *Conn) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pending.len()
}

// multiCredit reports whether CreditCharge is meaningful (2.1 and later).
func (c *Conn) multiCredit() bool {
	n := c.neg.Load()
	return n != nil && n.Dialect != smb2.Dialect202 && n.Capabilities&capLargeMTU != 0
}

// capLargeMTU is SMB2_GLOBAL_CAP_LARGE_MTU. See [MS-SMB2] 2.2.4.
const capLargeMTU = 0x00000004
