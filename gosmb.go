// Package gosmb is an asynchronous SMB client: SMB 2.0.2 to 3.1.1 with
// NTLM authentication, signing and encryption, many requests in flight on
// one connection.
//
// Every operation returns a *future.Future: block with Wait(ctx), or select
// on Done() and read Result(). The context given to an operation is its
// lifetime (when it ends, the request is cancelled on the server with SMB2
// CANCEL); the context given to Wait bounds only that wait.
//
//	c, err := gosmb.Dial(ctx, "fileserver:445", &gosmb.Options{User: "alice", Password: pw})
//	if err != nil { ... }
//	defer c.Close()
//	if _, err := c.Echo(ctx).Wait(ctx); err != nil { ... }
package gosmb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/gosmb/gosmb/auth"
	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/netbios"
	"github.com/gosmb/gosmb/ops"
	"github.com/gosmb/gosmb/proto/smb2"
)

// Dialect is an SMB2/3 dialect revision.
type Dialect = smb2.Dialect

// Dialects gosmb speaks.
const (
	SMB202 = smb2.Dialect202
	SMB210 = smb2.Dialect210
	SMB300 = smb2.Dialect300
	SMB302 = smb2.Dialect302
	SMB311 = smb2.Dialect311
)

// TransferOptions tunes READ/WRITE request sizes and the bytes in flight
// per transfer and per connection (Options.Transfer).
type TransferOptions = ops.Options

// SigningPolicy says when to sign (pysmb's sign_options).
type SigningPolicy = engine.SigningPolicy

// Signing policies.
const (
	SignWhenRequired  = engine.SignWhenRequired
	SignWhenSupported = engine.SignWhenSupported
	SignNever         = engine.SignNever
	SignRequired      = engine.SignRequired
)

// Options configures Dial. The zero value does not log on anonymously:
// Dial fails with an error matching auth.ErrConfig (after NEGOTIATE)
// unless User or Anonymous is set.
type Options struct {
	// Credentials. At most one of Password, PasswordFunc (called once per
	// logon, so once per connection and concurrently when Connections > 1)
	// or NTHash (16 bytes, pass-the-hash) authenticates User in Domain;
	// none means an empty password. More than one is an auth.ErrConfig.
	User         string
	Password     string
	PasswordFunc func() (string, error)
	NTHash       []byte
	Domain       string
	// Workstation is the client name sent in NTLM; empty means none. With
	// NetBIOSName it is also the NetBIOS calling name, cut at its first
	// dot and to 15 bytes (empty: the host name's first label).
	Workstation string
	// Anonymous logs on with a null session (enough for IPC$ on servers
	// that allow it). User, Domain and the secrets must then be empty.
	Anonymous bool
	// NTLMv1 opts into NTLMv1 with extended session security instead of
	// NTLMv2 (pysmb's use_ntlm_v2=False). Servers must allow it.
	NTLMv1 bool
	// RefuseGuest fails the logon (an *AuthError matching ErrGuestRefused)
	// when the server makes it a guest session instead of logging the user
	// on: Samba's "map to guest", or someone on the path, since a guest
	// session has no key to sign with. Windows refuses such "insecure
	// guest logons" by default; pysmb, and gosmb by default, accept them
	// (Session().IsGuest() tells). Whatever this says, a logon with
	// credentials is refused when the server makes it an anonymous (null)
	// session (ErrUnexpectedNullSession), or a guest session although it
	// said it requires signing (ErrSigningUnavailable).
	RefuseGuest bool

	// MinDialect and MaxDialect bound the dialects offered; zero means
	// SMB 2.0.2 and SMB 3.1.1.
	MinDialect, MaxDialect Dialect
	// Signing policy; the default signs when either side requires it.
	Signing SigningPolicy
	// Encrypt asks for encryption of the whole session (SMB 3.x).
	Encrypt bool

	// Connections is the number of TCP connections (each with its own
	// session) the Client opens; 0 means 1. Operations go to the one with
	// the fewest requests outstanding, so many concurrent operations
	// spread over several server processes. One transfer stays on one
	// connection.
	Connections int
	// MaxActiveOperations bounds the Client's operations (the methods
	// returning Futures) that run at once, each on a goroutine of its
	// own; later ones wait in order, as a Future without a goroutine,
	// and fail at once if their context ends meanwhile. An operation
	// running the caller's io.Reader, io.Writer or progress callback
	// does not count while it does. 0 means 1,024 per connection (more
	// than the server's credits let run at once); negative, no limit.
	MaxActiveOperations int

	// NetBIOSName, when set, makes Dial open a NetBIOS session (port 139
	// style) with this called name ("*SMBSERVER" is accepted by Samba)
	// before speaking SMB.
	NetBIOSName string

	// Dialer opens the TCP connection; nil means a net.Dialer.
	Dialer func(ctx context.Context, network, addr string) (net.Conn, error)
	// Logger receives diagnostics; nil means none. Secrets are never logged.
	Logger *zap.Logger
	// CreditTarget is the SMB2 credit balance to ask for; 0 means
	// Transfer.ConnWindow/64 KiB + 256, at least 512 (1,280 with the
	// default 64 MiB ConnWindow).
	CreditTarget uint32
	// Transfer tunes READ/WRITE sizes and the bytes one transfer keeps
	// in flight.
	Transfer TransferOptions
	// KeepAlive is the interval of the ECHO that checks an idle connection
	// is alive: once nothing has arrived for an interval an ECHO goes out,
	// and if nothing arrives within the next interval the server is taken
	// for dead and every pending operation fails with an error matching
	// net.ErrClosed, so a dead server is noticed after two to three
	// intervals. 0 means 60s; a negative value disables it (a File's
	// methods without a context then wait for a silent server for as
	// long as TCP does).
	KeepAlive time.Duration
	// LogoffTimeout bounds the LOGOFF sent by Close; 0 means 2s.
	LogoffTimeout time.Duration
	// NoBatching stops the engine from merging small self-contained
	// compounds (CREATE … CLOSE on a disk share, as GetAttributes and
	// small-file transfers send) that wait for the socket at the same
	// time into one frame. Merging is on by default: under load the
	// server then reads and answers several of them at once, which on
	// Samba roughly halves its CPU time per GetAttributes. Turn it off
	// for a server that mishandles unrelated compound requests.
	NoBatching bool
}

// Client is a connection to one SMB server with one authenticated session.
// It is safe for concurrent use; every method returns at once with a Future.
// It does not reconnect: once its connections are lost (the server closed
// them, or the keepalive gave up) every operation fails with an error
// matching net.ErrClosed, and the caller must Close it and Dial again.
type Client struct {
	host      string
	opts      Options
	links     []*link // one per TCP connection; links[0] is the primary
	closeOnce sync.Once
	pickMu    sync.Mutex // take's pick and count, together
	work      opGroup    // the operations under way
}

// link is one TCP connection of a Client with its session, its connected
// shares and its window of bytes in flight.
type link struct {
	c      *Client
	conn   *engine.Conn
	sess   *engine.Session
	trees  treeCache
	budget *ops.Budget
	kaDone chan struct{} // closed when the keepalive goroutine returns; nil without one
	// ops counts the operations running on this link, so that a burst
	// started at once spreads before any of it has sent a request.
	ops atomic.Int64
}

// Dial connects to addr (host or host:port; port 445 by default),
// negotiates, authenticates and returns a ready Client. ctx bounds the
// whole dial (30s when it has no deadline); it does not bound the Client's
// life. A logon the server rejects is an *AuthError carrying the NTSTATUS;
// inconsistent credentials in Options match auth.ErrConfig, and
// negotiation outcomes match the sentinels ErrNoCommonDialect,
// ErrSigningRequired, ErrSigningUnavailable and ErrEncryptionUnavailable.
func Dial(ctx context.Context, addr string, opts *Options) (*Client, error) {
	f := DialAsync(ctx, addr, opts)
	c, err := f.Wait(ctx)
	if err != nil && !f.IsDone() {
		// ctx ended first. DialAsync closes a Client it makes after
		// that; one made just before, that nobody will see, is closed
		// here once the handshake returns.
		go func() {
			if c, err := f.Wait(context.Background()); err == nil {
				c.Close()
			}
		}()
	}
	return c, err
}

// DialAsync is Dial returning a Future that resolves once authentication
// succeeds or fails (pysmb's onAuthOK/onAuthFailed). A Client whose
// handshake completes after ctx has ended is closed, and the Future fails
// with ctx's cause: a caller that stopped waiting leaves nothing behind.
func DialAsync(ctx context.Context, addr string, opts *Options) *future.Future[*Client] {
	return future.Go(func() (*Client, error) {
		var o Options
		if opts != nil {
			o = *opts
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			host, port = addr, strconv.Itoa(DefaultPort)
			if o.NetBIOSName != "" {
				port = "139"
			}
		}
		dial := o.Dialer
		if dial == nil {
			var d net.Dialer
			dial = d.DialContext
		}
		open := func(ctx context.Context) (net.Conn, error) {
			nc, err := dial(ctx, "tcp", net.JoinHostPort(host, port))
			if err != nil {
				return nil, err
			}
			if o.NetBIOSName != "" {
				if err := netbios.SessionRequest(ctx, nc, o.NetBIOSName, netbios.CallingName(o.Workstation)); err != nil {
					nc.Close()
					return nil, err
				}
			}
			return nc, nil
		}
		c, err := newClient(ctx, host, o, open)
		if err == nil && ctx.Err() != nil {
			// The caller may have stopped waiting: a Client it never
			// sees must not stay logged on.
			c.Close()
			return nil, context.Cause(ctx)
		}
		return c, err
	})
}

// NewClient runs the SMB handshake over a connection the caller opened
// (a custom dialer, a proxy, net.Pipe in tests). The Client owns nc, and
// closes it if the handshake fails. ctx bounds the handshake (30s when it
// has no deadline). serverName is the host name used in tree connects.
// With such a connection Options.Connections is ignored: there is one.
func NewClient(ctx context.Context, nc net.Conn, serverName string, opts *Options) (*Client, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.Connections = 1
	used := false
	return newClient(ctx, serverName, o, func(context.Context) (net.Conn, error) {
		if used {
			return nil, errors.New("gosmb: NewClient has a single connection")
		}
		used = true
		return nc, nil
	})
}

// defaultHandshakeTimeout bounds Dial when its context has no deadline: a
// server that accepts TCP and then says nothing must not hang it forever.
const defaultHandshakeTimeout = 30 * time.Second

func newClient(ctx context.Context, host string, o Options, open func(context.Context) (net.Conn, error)) (*Client, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultHandshakeTimeout)
		defer cancel()
	}
	if o.CreditTarget == 0 {
		// Enough credits for the whole connection window in 64 KiB units,
		// plus room for metadata requests.
		cw := o.Transfer.ConnWindow
		if cw <= 0 {
			cw = ops.DefaultConnWindow
		}
		o.CreditTarget = uint32(max(512, cw/(64<<10)+256))
	}
	n := max(o.Connections, 1)
	c := &Client{host: host, opts: o, links: make([]*link, n)}
	switch {
	case o.MaxActiveOperations == 0:
		c.work.limit = 1024 * n
	case o.MaxActiveOperations > 0:
		c.work.limit = o.MaxActiveOperations
	}
	var g errgroup.Group
	for i := range c.links {
		g.Go(func() error {
			nc, err := open(ctx)
			if err != nil {
				return err
			}
			l := &link{c: c, conn: engine.New(nc, engine.Config{Logger: o.Logger, CreditTarget: o.CreditTarget, NoBatching: o.NoBatching}), budget: ops.NewBudget(o.Transfer)}
			l.trees.init(l)
			c.links[i] = l
			if err := l.handshake(ctx); err != nil {
				l.conn.Close()
				return err
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		for _, l := range c.links {
			if l != nil {
				l.conn.Close()
			}
		}
		return nil, err
	}
	ka := o.KeepAlive
	if ka == 0 {
		ka = 60 * time.Second
	}
	if ka > 0 {
		for _, l := range c.links {
			l.kaDone = make(chan struct{})
			go l.keepAlive(ka)
		}
	}
	return c, nil
}

// keepAlive sends an ECHO every interval while the connection lives and
// aborts the connection when one goes unanswered for an interval.
func (l *link) keepAlive(interval time.Duration) {
	defer close(l.kaDone)
	t := time.NewTicker(interval)
	defer t.Stop()
	done := l.conn.Context().Done()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		if time.Since(l.conn.LastReceive()) < interval {
			continue // frames are arriving: the server is alive
		}
		sent := time.Now()
		ctx, cancel := context.WithTimeout(l.conn.Context(), interval)
		_, err := l.sess.Echo(ctx).Wait(ctx)
		cancel()
		// Dead only if nothing at all came back meanwhile: a reply
		// queued behind a long transfer is not a dead server.
		if err != nil && l.conn.Err() == nil && l.conn.LastReceive().Before(sent) {
			l.conn.Abort(fmt.Errorf("keepalive: server did not answer ECHO within %v: %w", interval, err))
			return
		}
	}
}

// take picks a connection for one operation and counts the operation
// there until done is called, so that operations started together spread.
func (c *Client) take() (l *link, done func()) {
	if len(c.links) == 1 {
		return c.links[0], func() {}
	}
	c.pickMu.Lock()
	l = c.pick()
	l.ops.Add(1)
	c.pickMu.Unlock()
	return l, func() { l.ops.Add(-1) }
}

// pick returns the live connection with the fewest requests outstanding
// plus operations running (a closed one has none, and would otherwise win
// every time), or the first if none is live.
func (c *Client) pick() *link {
	if len(c.links) == 1 {
		return c.links[0]
	}
	var best *link
	bestN := 0
	for _, l := range c.links {
		if l.conn.Err() != nil {
			continue
		}
		if n := l.conn.Pending() + int(l.ops.Load()); best == nil || n < bestN {
			best, bestN = l, n
		}
	}
	if best == nil {
		return c.links[0]
	}
	return best
}

func (c *link) handshake(ctx context.Context) error {
	o := &c.c.opts
	dialects, err := dialectRange(o.MinDialect, o.MaxDialect)
	if err != nil {
		return err
	}
	n, err := c.conn.Negotiate(ctx, engine.NegotiateOptions{
		Dialects:       dialects,
		RequireSigning: o.Signing == SignRequired,
		ServerName:     c.c.host,
	})
	if err != nil {
		return err
	}
	_ = n
	mech, err := auth.NewNTLM(auth.NTLMConfig{
		User:         o.User,
		Domain:       o.Domain,
		Workstation:  o.Workstation,
		Password:     o.Password,
		PasswordFunc: o.PasswordFunc,
		NTHash:       o.NTHash,
		Anonymous:    o.Anonymous,
		NTLMv1:       o.NTLMv1,
	})
	if err != nil {
		return err
	}
	sess, err := c.conn.SessionSetup(ctx, engine.SessionOptions{
		Auth:        auth.NewSPNEGO(mech),
		Signing:     o.Signing,
		Encrypt:     o.Encrypt,
		Anonymous:   o.Anonymous,
		RefuseGuest: o.RefuseGuest,
	})
	if err != nil {
		return err
	}
	c.sess = sess
	return nil
}

// dialectRange returns the dialects between min and max inclusive.
func dialectRange(lo, hi Dialect) ([]Dialect, error) {
	if lo == 0 {
		lo = SMB202
	}
	if hi == 0 {
		hi = SMB311
	}
	var out []Dialect
	for _, d := range engine.AllDialects {
		if d >= lo && d <= hi {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("gosmb: no dialect between %s and %s", lo, hi)
	}
	return out, nil
}

// ParseDialect parses "2.0.2", "2.1", "3.0", "3.0.2" or "3.1.1".
func ParseDialect(s string) (Dialect, error) {
	for _, d := range engine.AllDialects {
		if d.String() == s {
			return d, nil
		}
	}
	if v, err := strconv.ParseUint(s, 0, 16); err == nil {
		return Dialect(v), nil
	}
	return 0, fmt.Errorf("gosmb: unknown dialect %q", s)
}

// Dialect returns the negotiated dialect.
func (c *Client) Dialect() Dialect { return c.links[0].conn.Negotiated().Dialect }

// Negotiated returns what NEGOTIATE settled: dialect, sizes, cipher.
func (c *Client) Negotiated() engine.Negotiated { return *c.links[0].conn.Negotiated() }

// Session returns the engine session (signing and encryption state) of
// the primary connection.
func (c *Client) Session() *engine.Session { return c.links[0].sess }

// Echo sends SMB2 ECHO. The Future resolves when the server answers.
func (c *Client) Echo(ctx context.Context) *future.Future[struct{}] {
	return goOp(c, ctx, func(ctx context.Context) (struct{}, error) {
		r, err := c.pick().sess.Echo(ctx).Wait(ctx)
		if err != nil {
			return struct{}{}, err
		}
		if st := r.Status(); !st.IsSuccess() {
			return struct{}{}, &StatusError{Op: "echo", Status: st}
		}
		return struct{}{}, nil
	})
}

// Close ends every operation under way, logs off (bounded by
// LogoffTimeout) and closes the connection. Operations under way and any
// started later fail with an error matching net.ErrClosed, and Close
// returns once their Futures are resolved and their goroutines have
// ended: no goroutine of the Client survives Close. The one exception is
// an operation running the caller's own code (its io.Reader or io.Writer,
// or a progress callback), which Close cannot interrupt and which may be
// what called Close: that operation ends as soon as that code returns,
// with the same error unless its work was all done by then (an upload
// whose reader returns after Close never reports success). A Close
// called while another is under way waits for it.
func (c *Client) Close() error {
	c.closeOnce.Do(c.close)
	return nil
}

func (c *Client) close() {
	idle := c.work.close()
	var wg sync.WaitGroup
	for _, l := range c.links {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.close()
		}()
	}
	wg.Wait()
	<-idle
}

// close logs the link's session off (bounded by LogoffTimeout) and closes
// its connection.
func (l *link) close() {
	if l.conn.Err() == nil && l.sess != nil {
		d := l.c.opts.LogoffTimeout
		if d <= 0 {
			d = 2 * time.Second
		}
		ctx, cancel := context.WithTimeout(context.Background(), d)
		l.sess.Logoff(ctx)
		cancel()
	}
	l.conn.Close()
	if l.kaDone != nil {
		<-l.kaDone
	}
}
