package main

import (
	"errors"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/gosmb/gosmb/internal/sambatest"
)

// With -rtt, every client reaches smbd through a proxy in this process
// that holds each chunk of bytes for rtt/2 in each direction: loopback has
// next to no latency, so without it pipelining has nothing to hide. The
// proxy adds latency only; bandwidth stays whatever the machine can copy.

// proxyPort maps a server to the port of its proxy, when there is one.
// Written before the first measurement, read-only afterwards.
var proxyPort = map[*sambatest.Server]int{}

// dialAddr is where clients connect for srv.
func dialAddr(srv *sambatest.Server) string {
	if p, ok := proxyPort[srv]; ok {
		return net.JoinHostPort(srv.Host, strconv.Itoa(p))
	}
	return srv.Addr
}

// smbclientArgs is srv.SmbclientArgs with the port replaced by the proxy's.
func smbclientArgs(srv *sambatest.Server) []string {
	args := append([]string(nil), srv.SmbclientArgs()...)
	if p, ok := proxyPort[srv]; ok {
		for i := 0; i+1 < len(args); i++ {
			if args[i] == "-p" {
				args[i+1] = strconv.Itoa(p)
			}
		}
	}
	return args
}

var proxyBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

type delayProxy struct {
	ln     net.Listener
	target string
	delay  time.Duration // one way
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

func startProxy(srv *sambatest.Server, rtt time.Duration) (*delayProxy, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(srv.Host, "0"))
	if err != nil {
		return nil, err
	}
	p := &delayProxy{ln: ln, target: srv.Addr, delay: rtt / 2, conns: map[net.Conn]struct{}{}}
	proxyPort[srv] = ln.Addr().(*net.TCPAddr).Port
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

func (p *delayProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *delayProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		if !p.track(c) || !p.track(s) {
			c.Close()
			s.Close()
			continue
		}
		p.wg.Add(2)
		go p.pipe(s, c)
		go p.pipe(c, s)
	}
}

// pipe copies src to dst, each chunk no earlier than delay after it was
// read. The queue bounds what is held (at most 1024 reads).
func (p *delayProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	type chunk struct {
		b  *[]byte
		n  int
		at time.Time
	}
	q := make(chan chunk, 1024)
	go func() {
		defer close(q)
		for {
			buf := proxyBufs.Get().(*[]byte)
			n, err := src.Read(*buf)
			if n > 0 {
				q <- chunk{buf, n, time.Now().Add(p.delay)}
			} else {
				proxyBufs.Put(buf)
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		if w := time.Until(c.at); w > 0 {
			time.Sleep(w)
		}
		_, err := dst.Write((*c.b)[:c.n])
		proxyBufs.Put(c.b)
		if err != nil {
			src.Close()
			for range q { // let the reader finish
			}
			break
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
}

func (p *delayProxy) Close() error {
	err := p.ln.Close()
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}
