package engine

import (
	"encoding/binary"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gosmb/gosmb/netbios"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// fakeServer is a scripted SMB2 server over net.Pipe built from the
// project's own codec. Its loop reads requests into reqs; the test decides
// what to answer, when and in which order.
type fakeServer struct {
	t    testing.TB
	nc   net.Conn
	reqs chan fakeReq
	wmu  sync.Mutex
	done chan struct{}
}

type fakeReq struct {
	h     smb2.Header
	body  []byte
	frame int // index of the transport frame it arrived in
	raw   []byte
}

// newFake starts an engine Conn wired to a fake server.
func newFake(t testing.TB, cfg Config) (*Conn, *fakeServer) {
	return newFakeWrapped(t, cfg, nil)
}

// newFakeWrapped is newFake with the client's end of the pipe wrapped.
func newFakeWrapped(t testing.TB, cfg Config, wrap func(net.Conn) net.Conn) (*Conn, *fakeServer) {
	t.Helper()
	cli, srv := net.Pipe()
	s := &fakeServer{t: t, nc: srv, reqs: make(chan fakeReq, 4096), done: make(chan struct{})}
	go s.loop()
	var nc net.Conn = cli
	if wrap != nil {
		nc = wrap(cli)
	}
	c := New(nc, cfg)
	t.Cleanup(func() {
		c.Close()
		s.nc.Close()
		<-s.done
	})
	return c, s
}

func (s *fakeServer) loop() {
	defer close(s.done)
	defer close(s.reqs)
	fr := netbios.NewFrameReader(s.nc, 1<<20)
	for frame := 0; ; frame++ {
		buf, err := fr.ReadFrame(nil)
		if err != nil {
			return
		}
		if len(buf) >= 4 && [4]byte(buf[0:4]) == smb2.TransformProtocolID {
			var h smb2.Header
			h.Decode(buf[52:])
			s.reqs <- fakeReq{h: h, frame: frame, raw: append([]byte(nil), buf...)}
			continue
		}
		for len(buf) > 0 {
			var h smb2.Header
			if err := h.Decode(buf); err != nil {
				s.t.Errorf("fake server: bad request: %v", err)
				return
			}
			end := len(buf)
			if h.NextCommand != 0 && int(h.NextCommand) <= len(buf) {
				end = int(h.NextCommand)
			}
			s.reqs <- fakeReq{h: h, body: append([]byte(nil), buf[smb2.HeaderSize:end]...), frame: frame, raw: append([]byte(nil), buf[:end]...)}
			buf = buf[end:]
		}
	}
}

// next returns the next request, failing the test after a timeout.
func (s *fakeServer) next() fakeReq {
	s.t.Helper()
	select {
	case r, ok := <-s.reqs:
		if !ok {
			s.t.Fatal("fake server: connection closed while waiting for a request")
		}
		return r
	case <-time.After(5 * time.Second):
		s.t.Fatal("fake server: no request within 5s")
	}
	panic("unreachable")
}

// nextRaw returns the next frame's raw payload as the server read it
// (TRANSFORM frames are not split).
func (s *fakeServer) nextRaw() []byte {
	s.t.Helper()
	return s.next().raw
}

// respond writes a final response to req.
func (s *fakeServer) respond(req fakeReq, status ntstatus.Status, credits uint16, body []byte) error {
	h := smb2.Header{
		Command:   req.h.Command,
		Status:    status,
		Credits:   credits,
		Flags:     smb2.FlagServerToRedir,
		MessageID: req.h.MessageID,
		SessionID: req.h.SessionID,
		TreeID:    req.h.TreeID,
	}
	return s.writeMsg(&h, body)
}

// interim writes a STATUS_PENDING interim response carrying asyncID.
func (s *fakeServer) interim(req fakeReq, asyncID uint64, credits uint16) error {
	h := smb2.Header{
		Command:   req.h.Command,
		Status:    ntstatus.Pending,
		Credits:   credits,
		Flags:     smb2.FlagServerToRedir | smb2.FlagAsyncCommand,
		MessageID: req.h.MessageID,
		AsyncID:   asyncID,
		SessionID: req.h.SessionID,
	}
	return s.writeMsg(&h, []byte{9, 0, 0, 0, 0, 0, 0, 0, 0})
}

// respondAsync writes the final response to a request that went async.
func (s *fakeServer) respondAsync(req fakeReq, asyncID uint64, status ntstatus.Status, credits uint16, body []byte) error {
	h := smb2.Header{
		Command:   req.h.Command,
		Status:    status,
		Credits:   credits,
		Flags:     smb2.FlagServerToRedir | smb2.FlagAsyncCommand,
		MessageID: req.h.MessageID,
		AsyncID:   asyncID,
		SessionID: req.h.SessionID,
	}
	return s.writeMsg(&h, body)
}

func (s *fakeServer) writeMsg(h *smb2.Header, body []byte) error {
	frame := make([]byte, netbios.HeaderLen+smb2.HeaderSize+len(body))
	h.Put(frame[netbios.HeaderLen:])
	copy(frame[netbios.HeaderLen+smb2.HeaderSize:], body)
	if err := netbios.PutHeader(frame, len(frame)-netbios.HeaderLen); err != nil {
		return err
	}
	return s.writeRaw(frame)
}

func (s *fakeServer) writeRaw(b []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err := s.nc.Write(b)
	return err
}

// echoBody is an ECHO request body extended with a tag the fake server
// copies back, so a test can tell which response reached which Future.
func echoBody(tag uint64) []byte {
	b := make([]byte, 12)
	binary.LittleEndian.PutUint16(b, 4)
	binary.LittleEndian.PutUint64(b[4:], tag)
	return b
}

func echoReq(tag uint64) *Request {
	return &Request{Header: smb2.Header{Command: smb2.CommandEcho}, Body: echoBody(tag)}
}

func tagOf(body []byte) uint64 {
	if len(body) < 12 {
		return ^uint64(0)
	}
	return binary.LittleEndian.Uint64(body[4:])
}
