package netbios

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"sync"
	"time"
)

// Retry parameters of RFC 1002 6. [MS-NBTE] 3.1.2 lowers the unicast
// timeout from RFC 1002's 5 seconds to 1.5 seconds; we follow Windows.
const (
	DefaultTries            = 3                      // BCAST_REQ_RETRY_COUNT, UCAST_REQ_RETRY_COUNT
	DefaultBroadcastTimeout = 250 * time.Millisecond // BCAST_REQ_RETRY_TIMEOUT
	DefaultUnicastTimeout   = 1500 * time.Millisecond
)

// maxDatagram is the read buffer of a NameService. RFC 1002 limits
// datagrams to 576 bytes by default, but node status responses of busy
// hosts exceed that.
const maxDatagram = 64 << 10

// ErrNoResponse is wrapped by the error a query returns when no usable
// response arrived in any try. For a broadcast query this is how a name
// that nobody owns shows.
var ErrNoResponse = errors.New("netbios: no response")

// ErrNameNotFound is matched (errors.Is) by a *ResponseError with RCode
// NAM_ERR.
var ErrNameNotFound = errors.New("netbios: name not found")

// ResponseError is a negative response to a name service query.
type ResponseError struct {
	Op     string // "name query" or "node status"
	Name   string
	Suffix byte
	RCode  RCode
}

// Error names the query and the response code.
func (e *ResponseError) Error() string {
	return fmt.Sprintf("netbios: %s %s<%02x>: negative response %v", e.Op, e.Name, e.Suffix, e.RCode)
}

// Is reports whether target is ErrNameNotFound and the response code says
// the name does not exist.
func (e *ResponseError) Is(target error) bool {
	return target == ErrNameNotFound && e.RCode == RCodeNameError
}

// NameServiceConfig tunes a NameService. The zero value gives RFC 1002
// behaviour.
type NameServiceConfig struct {
	// Tries is how many times a request is sent before giving up.
	// Default DefaultTries (3).
	Tries int
	// BroadcastTimeout is the wait after each broadcast try. Default
	// DefaultBroadcastTimeout (250ms).
	BroadcastTimeout time.Duration
	// UnicastTimeout is the wait after each unicast try. Default
	// DefaultUnicastTimeout (1.5s).
	UnicastTimeout time.Duration
	// Port is the name service port QueryIPForName sends to, and the port
	// QueryName uses when its address has none. Default 137.
	Port int
	// Scope is the NetBIOS scope of the names queried. Default none.
	Scope string
}

func (c *NameServiceConfig) withDefaults() NameServiceConfig {
	out := *c
	if out.Tries <= 0 {
		out.Tries = DefaultTries
	}
	if out.BroadcastTimeout <= 0 {
		out.BroadcastTimeout = DefaultBroadcastTimeout
	}
	if out.UnicastTimeout <= 0 {
		out.UnicastTimeout = DefaultUnicastTimeout
	}
	if out.Port <= 0 {
		out.Port = NameServicePort
	}
	return out
}

// NameService is a NetBIOS name service client (RFC 1002 4.2) on one UDP
// socket: name queries, unicast or broadcast (QueryName), and node status
// (QueryIPForName). Queries may run concurrently; one reader goroutine
// hands each response to the query with its transaction id.
//
// It is tested against a real nmbd in a network namespace (nmbd_test.go).
// Note that nmbd without WINS does not answer a query for a name it does
// not hold, so a missing name usually ends in ErrNoResponse after the
// retries rather than ErrNameNotFound, which needs a WINS server.
type NameService struct {
	conn net.PacketConn
	cfg  NameServiceConfig

	done       chan struct{} // closed by the reader when it stops
	readerErr  error         // why the reader stopped; written before done is closed
	closeOnce  sync.Once
	closeError error

	mu      sync.Mutex // guards following
	nextID  uint16
	pending map[uint16]chan<- datagram
}

// datagram is a response handed from the reader to a query.
type datagram struct {
	b    []byte
	from net.Addr
}

// NewNameService returns a NameService using conn, which it owns from now
// on: Close closes it. conn is normally a UDP socket from
// net.ListenPacket("udp4", ...); Go enables SO_BROADCAST on those, which
// broadcast queries need.
func NewNameService(conn net.PacketConn, cfg NameServiceConfig) *NameService {
	ns := &NameService{
		conn:    conn,
		cfg:     cfg.withDefaults(),
		done:    make(chan struct{}),
		nextID:  uint16(rand.Uint32()),
		pending: make(map[uint16]chan<- datagram),
	}
	go ns.readLoop()
	return ns
}

// ListenNameService opens a UDP socket on an ephemeral port of all IPv4
// addresses and returns a NameService on it.
func ListenNameService(cfg NameServiceConfig) (*NameService, error) {
	conn, err := net.ListenPacket("udp4", ":0")
	if err != nil {
		return nil, fmt.Errorf("netbios: name service: %w", err)
	}
	return NewNameService(conn, cfg), nil
}

// LocalAddr returns the address of the socket.
func (ns *NameService) LocalAddr() net.Addr { return ns.conn.LocalAddr() }

// Close closes the socket and waits for the reader to stop. Queries in
// progress fail with an error that wraps net.ErrClosed. Close is
// idempotent.
func (ns *NameService) Close() error {
	ns.closeOnce.Do(func() {
		ns.closeError = ns.conn.Close()
		<-ns.done
	})
	return ns.closeError
}

// readLoop reads datagrams until the socket fails or is closed, handing
// responses to the queries waiting for their transaction ids. It never
// blocks on a query: a query that is not keeping up loses datagrams, as
// it would on the network.
func (ns *NameService) readLoop() {
	buf := make([]byte, maxDatagram)
	for {
		n, from, err := ns.conn.ReadFrom(buf)
		if err != nil {
			// The socket is ours and has no deadline, so any error
			// (normally net.ErrClosed from Close) is final.
			if !errors.Is(err, net.ErrClosed) {
				err = fmt.Errorf("netbios: name service: %w (%w)", net.ErrClosed, err)
			}
			ns.readerErr = err
			close(ns.done)
			return
		}
		var h NSHeader
		if h.Decode(buf[:n]) != nil || !h.Response {
			continue
		}
		ns.mu.Lock()
		ch := ns.pending[h.ID]
		ns.mu.Unlock()
		if ch == nil {
			continue
		}
		select {
		case ch <- datagram{b: append([]byte(nil), buf[:n]...), from: from}:
		default:
		}
	}
}

// register allocates a transaction id not in use and a channel for its
// responses.
func (ns *NameService) register() (uint16, <-chan datagram) {
	ch := make(chan datagram, 8)
	ns.mu.Lock()
	defer ns.mu.Unlock()
	for {
		id := ns.nextID
		ns.nextID++
		if _, busy := ns.pending[id]; !busy {
			ns.pending[id] = ch
			return id, ch
		}
	}
}

func (ns *NameService) unregister(id uint16) {
	ns.mu.Lock()
	delete(ns.pending, id)
	ns.mu.Unlock()
}

// query is the part of a name service exchange that differs between
// request types.
type query interface {
	// request encodes the request with transaction id.
	request(id uint16) ([]byte, error)
	// handle looks at a response carrying the query's id. It returns done
	// when the query is complete, successfully or with err. When not done,
	// a non-nil err says why the datagram was ignored.
	handle(d datagram) (done bool, err error)
	// answered reports, when a try times out, whether the responses so far
	// complete the query.
	answered() bool
	// String describes the query for errors.
	String() string
}

// exchange runs q against to: up to Tries sends, each followed by a wait of
// timeout, stopping early when q is done, ctx ends or the NameService
// closes.
func (ns *NameService) exchange(ctx context.Context, q query, to net.Addr, timeout time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("netbios: %v: %w", q, err)
	}
	id, ch := ns.register()
	defer ns.unregister(id)
	pkt, err := q.request(id)
	if err != nil {
		return err
	}
	var lastIgnored error
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for range ns.cfg.Tries {
		if _, err := ns.conn.WriteTo(pkt, to); err != nil {
			select {
			case <-ns.done:
				return ns.closedError(q)
			default:
			}
			return fmt.Errorf("netbios: %v: %w", q, err)
		}
		timer.Reset(timeout)
	wait:
		for {
			select {
			case d := <-ch:
				done, err := q.handle(d)
				if done {
					return err
				}
				if err != nil {
					lastIgnored = err
				}
			case <-timer.C:
				if q.answered() {
					return nil
				}
				break wait
			case <-ctx.Done():
				return fmt.Errorf("netbios: %v: %w", q, ctx.Err())
			case <-ns.done:
				return ns.closedError(q)
			}
		}
	}
	if lastIgnored != nil {
		return fmt.Errorf("netbios: %v: %w after %d tries (last response ignored: %w)", q, ErrNoResponse, ns.cfg.Tries, lastIgnored)
	}
	return fmt.Errorf("netbios: %v: %w after %d tries", q, ErrNoResponse, ns.cfg.Tries)
}

func (ns *NameService) closedError(q query) error {
	return fmt.Errorf("netbios: %v: %w", q, ns.readerErr)
}

// QueryName resolves name<suffix> to IPv4 addresses with NAME QUERY
// REQUESTs (RFC 1002 4.2.12) sent to addr, a name server or a host
// (unicast) or a subnet's broadcast address (broadcast). A nil addr means
// the limited broadcast 255.255.255.255; a zero port means the configured
// port.
//
// A unicast query returns the addresses of the first positive response, or
// a *ResponseError for a negative one (errors.Is(err, ErrNameNotFound) when
// the name does not exist). A broadcast query, once a positive response
// has arrived, keeps collecting responses until the end of that try's
// timeout and returns the addresses of all of them, so a group name
// resolves to every member that answered; negative responses, which
// RFC 1002 forbids in broadcast mode, are ignored. With no response after
// all tries the error wraps ErrNoResponse. ctx bounds the whole query.
func (ns *NameService) QueryName(ctx context.Context, name string, suffix byte, addr *net.UDPAddr, broadcast bool) ([]net.IP, error) {
	if addr == nil {
		if !broadcast {
			return nil, errors.New("netbios: name query: no address for a unicast query")
		}
		addr = &net.UDPAddr{IP: net.IPv4bcast}
	}
	if addr.Port == 0 {
		a := *addr
		a.Port = ns.cfg.Port
		addr = &a
	}
	want, err := rawName(name, suffix)
	if err != nil {
		return nil, fmt.Errorf("netbios: name query: %w", err)
	}
	q := &nameQuery{
		req:       NameQueryRequest{Broadcast: broadcast, Name: name, Suffix: suffix, Scope: ns.cfg.Scope},
		wantName:  trimName(want[:NameLen-1]),
		broadcast: broadcast,
	}
	timeout := ns.cfg.UnicastTimeout
	if broadcast {
		timeout = ns.cfg.BroadcastTimeout
	}
	if err := ns.exchange(ctx, q, addr, timeout); err != nil {
		return nil, err
	}
	return q.ips, nil
}

// nameQuery is the state of one QueryName.
type nameQuery struct {
	req       NameQueryRequest
	wantName  string // req.Name upper-cased, as responders return it
	broadcast bool
	ips       []net.IP
}

func (q *nameQuery) String() string {
	return fmt.Sprintf("name query %s<%02x>", q.req.Name, q.req.Suffix)
}

func (q *nameQuery) request(id uint16) ([]byte, error) {
	q.req.ID = id
	return q.req.Append(make([]byte, 0, q.req.Size()))
}

func (q *nameQuery) handle(d datagram) (bool, error) {
	var resp NameQueryResponse
	if err := resp.Decode(d.b); err != nil {
		return false, err
	}
	if resp.Name != q.wantName || resp.Suffix != q.req.Suffix || resp.Scope != q.req.Scope {
		return false, fmt.Errorf("%w: response from %v names %s<%02x>", ErrMalformedPacket, d.from, resp.Name, resp.Suffix)
	}
	if resp.RCode != RCodeOK {
		err := &ResponseError{Op: "name query", Name: q.req.Name, Suffix: q.req.Suffix, RCode: resp.RCode}
		return !q.broadcast, err
	}
	for _, e := range resp.Entries {
		ip := net.IP(e.IP.AsSlice())
		if !slices.ContainsFunc(q.ips, ip.Equal) {
			q.ips = append(q.ips, ip)
		}
	}
	if len(resp.Entries) == 0 {
		return false, fmt.Errorf("%w: positive response from %v without addresses", ErrMalformedPacket, d.from)
	}
	return !q.broadcast, nil
}

func (q *nameQuery) answered() bool { return len(q.ips) > 0 }

// QueryIPForName asks the host at ip for the names it has registered, with
// a NODE STATUS REQUEST for the wildcard name (RFC 1002 4.2.17) sent to
// ip and the configured port. It returns the names of the first response,
// or an error wrapping ErrNoResponse. ctx bounds the whole query.
func (ns *NameService) QueryIPForName(ctx context.Context, ip net.IP) ([]NodeName, error) {
	resp, err := ns.NodeStatus(ctx, ip)
	if err != nil {
		return nil, err
	}
	return resp.Names, nil
}

// NodeStatus is QueryIPForName returning the whole NODE STATUS RESPONSE,
// for callers that want the unit ID (MAC address) as well.
func (ns *NameService) NodeStatus(ctx context.Context, ip net.IP) (*NodeStatusResponse, error) {
	if ip.To4() == nil {
		return nil, fmt.Errorf("netbios: node status: %v is not an IPv4 address", ip)
	}
	q := &statusQuery{req: NodeStatusRequest{Name: WildcardName, Scope: ns.cfg.Scope}}
	if err := ns.exchange(ctx, q, &net.UDPAddr{IP: ip, Port: ns.cfg.Port}, ns.cfg.UnicastTimeout); err != nil {
		return nil, err
	}
	return q.resp, nil
}

// statusQuery is the state of one node status query.
type statusQuery struct {
	req  NodeStatusRequest
	resp *NodeStatusResponse
}

func (q *statusQuery) String() string { return "node status" }

func (q *statusQuery) request(id uint16) ([]byte, error) {
	q.req.ID = id
	return q.req.Append(make([]byte, 0, q.req.Size()))
}

func (q *statusQuery) handle(d datagram) (bool, error) {
	var resp NodeStatusResponse
	if err := resp.Decode(d.b); err != nil {
		return false, err
	}
	if resp.RCode != RCodeOK {
		return true, &ResponseError{Op: "node status", Name: q.req.Name, Suffix: q.req.Suffix, RCode: resp.RCode}
	}
	q.resp = &resp
	return true, nil
}

func (q *statusQuery) answered() bool { return q.resp != nil }
