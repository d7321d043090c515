package netbios

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
	"testing/iotest"
)

// frame returns a SESSION MESSAGE carrying payload.
func frame(t testing.TB, payload []byte) []byte {
	t.Helper()
	b := make([]byte, HeaderLen, HeaderLen+len(payload))
	if err := PutHeader(b, len(payload)); err != nil {
		t.Fatal(err)
	}
	return append(b, payload...)
}

var keepAlive = []byte{0x85, 0, 0, 0}

func TestPutHeader(t *testing.T) {
	tests := []struct {
		n    int
		want []byte
	}{
		{0, []byte{0, 0, 0, 0}},
		{0x44, []byte{0, 0, 0, 0x44}},
		{0x1ffff, []byte{0, 1, 0xff, 0xff}}, // the NetBIOS 17-bit maximum
		{0x123456, []byte{0, 0x12, 0x34, 0x56}},
		{MaxPayloadLen, []byte{0, 0xff, 0xff, 0xff}},
	}
	for _, tt := range tests {
		b := make([]byte, HeaderLen)
		if err := PutHeader(b, tt.n); err != nil {
			t.Fatalf("PutHeader(%d): %v", tt.n, err)
		}
		if !bytes.Equal(b, tt.want) {
			t.Errorf("PutHeader(%d) = % x, want % x", tt.n, b, tt.want)
		}
	}
	if err := PutHeader(make([]byte, 4), 1<<24); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("PutHeader(1<<24) error = %v, want ErrFrameTooLarge", err)
	}
	if err := PutHeader(make([]byte, 4), -1); err == nil {
		t.Error("PutHeader(-1) succeeded")
	}
	if err := PutHeader(make([]byte, 3), 1); err == nil {
		t.Error("PutHeader into 3 bytes succeeded")
	}
}

func TestFrameRoundTrip(t *testing.T) {
	payloads := [][]byte{
		[]byte("\xfeSMB first"),
		{},
		bytes.Repeat([]byte{0xab}, 0x1ffff),
		bytes.Repeat([]byte{0xcd}, 0x20001), // needs the 24-bit form
		[]byte("last"),
	}
	var stream []byte
	for _, p := range payloads {
		stream = append(stream, frame(t, p)...)
	}
	for _, oneByte := range []bool{false, true} {
		var r io.Reader = bytes.NewReader(stream)
		if oneByte {
			r = iotest.OneByteReader(r)
		}
		fr := NewFrameReader(r, 1<<20)
		for i, p := range payloads {
			got, err := fr.ReadFrame(nil)
			if err != nil {
				t.Fatalf("frame %d: %v", i, err)
			}
			if !bytes.Equal(got, p) {
				t.Fatalf("frame %d: got %d bytes, want %d", i, len(got), len(p))
			}
		}
		if _, err := fr.ReadFrame(nil); err != io.EOF {
			t.Fatalf("after last frame: %v, want io.EOF", err)
		}
		if _, err := fr.Next(); err != io.EOF {
			t.Fatalf("sticky EOF: %v", err)
		}
	}
}

func TestFrameReaderNetBIOSHeader(t *testing.T) {
	// RFC 1002 4.3.1 form: flags 0x01 extends the length to 17 bits.
	payload := bytes.Repeat([]byte{7}, 0x10005)
	stream := append([]byte{0x00, 0x01, 0x00, 0x05}, payload...)
	got, err := NewFrameReader(bytes.NewReader(stream), 0).ReadFrame(nil)
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("ReadFrame = %d bytes, %v; want %d bytes", len(got), err, len(payload))
	}
}

func TestFrameReaderSkipsKeepAlive(t *testing.T) {
	var stream []byte
	stream = append(stream, keepAlive...)
	stream = append(stream, keepAlive...)
	stream = append(stream, frame(t, []byte("one"))...)
	stream = append(stream, keepAlive...)
	stream = append(stream, frame(t, []byte("two"))...)
	stream = append(stream, keepAlive...)
	fr := NewFrameReader(bytes.NewReader(stream), 100)
	for _, want := range []string{"one", "two"} {
		got, err := fr.ReadFrame(make([]byte, 0, 100))
		if err != nil || string(got) != want {
			t.Fatalf("ReadFrame = %q, %v; want %q", got, err, want)
		}
	}
	// A keep-alive just before a clean end is still a clean end.
	if _, err := fr.ReadFrame(nil); err != io.EOF {
		t.Fatalf("end: %v, want io.EOF", err)
	}
}

func TestFrameReaderErrors(t *testing.T) {
	tests := []struct {
		name   string
		stream []byte
		want   error
	}{
		{"empty", nil, io.EOF},
		{"header 1 byte", []byte{0}, io.ErrUnexpectedEOF},
		{"header 3 bytes", []byte{0, 0, 0}, io.ErrUnexpectedEOF},
		{"keepalive then partial header", append(keepAlive[:4:4], 0, 0), io.ErrUnexpectedEOF},
		{"payload cut", append([]byte{0, 0, 0, 5}, "abc"...), io.ErrUnexpectedEOF},
		{"payload missing", []byte{0, 0, 0, 5}, io.ErrUnexpectedEOF},
		{"too large", []byte{0, 0, 0x01, 0x01}, ErrFrameTooLarge},
		{"positive response", []byte{0x82, 0, 0, 0}, ErrUnexpectedPacket},
		{"session request", []byte{0x81, 0, 0, 0x44}, ErrUnexpectedPacket},
		{"unknown type", []byte{0x42, 0, 0, 0}, ErrUnexpectedPacket},
		{"keepalive with length", []byte{0x85, 0, 0, 1, 0}, ErrUnexpectedPacket},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr := NewFrameReader(bytes.NewReader(tt.stream), 256)
			_, err := fr.ReadFrame(nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ReadFrame error = %v, want %v", err, tt.want)
			}
			// Errors are sticky.
			if _, err2 := fr.Next(); err2 != err {
				t.Fatalf("second Next error = %v, want %v", err2, err)
			}
			if err2 := fr.ReadPayload(make([]byte, 256)); err2 != err {
				t.Fatalf("ReadPayload after error = %v, want %v", err2, err)
			}
		})
	}
}

func TestReadPayloadMisuse(t *testing.T) {
	stream := append(frame(t, []byte("hello")), frame(t, []byte("world"))...)
	fr := NewFrameReader(bytes.NewReader(stream), 100)
	if err := fr.ReadPayload(make([]byte, 10)); err == nil {
		t.Fatal("ReadPayload before Next succeeded")
	}
	n, err := fr.Next()
	if err != nil || n != 5 {
		t.Fatalf("Next = %d, %v", n, err)
	}
	if err := fr.ReadPayload(make([]byte, 4)); err == nil {
		t.Fatal("ReadPayload into a short buffer succeeded")
	}
	// The frame is still readable after the short-buffer error.
	p := make([]byte, 10)
	if err := fr.ReadPayload(p); err != nil || string(p[:n]) != "hello" {
		t.Fatalf("ReadPayload = %q, %v", p[:n], err)
	}
	if err := fr.ReadPayload(p); err == nil {
		t.Fatal("second ReadPayload for one frame succeeded")
	}
}

func TestNextDiscardsUnreadPayload(t *testing.T) {
	big := bytes.Repeat([]byte{1}, 5000)
	stream := append(frame(t, big), frame(t, []byte("next"))...)
	fr := NewFrameReader(bytes.NewReader(stream), 10000)
	if n, err := fr.Next(); err != nil || n != len(big) {
		t.Fatalf("Next = %d, %v", n, err)
	}
	got, err := fr.ReadFrame(nil)
	if err != nil || string(got) != "next" {
		t.Fatalf("ReadFrame after skipping = %q, %v", got, err)
	}
	// Discarding a payload cut short by EOF is an unexpected EOF.
	fr = NewFrameReader(bytes.NewReader(frame(t, big)[:100]), 10000)
	if _, err := fr.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := fr.Next(); err != io.ErrUnexpectedEOF {
		t.Fatalf("Next over a cut payload = %v, want io.ErrUnexpectedEOF", err)
	}
}

// cycleReader serves data over and over without allocating.
type cycleReader struct {
	data []byte
	off  int
}

func (c *cycleReader) Read(p []byte) (int, error) {
	n := copy(p, c.data[c.off:])
	c.off = (c.off + n) % len(c.data)
	return n, nil
}

// zeroReader is an endless stream of zero bytes.
type zeroReader struct{ n int64 }

func (z *zeroReader) Read(p []byte) (int, error) {
	clear(p)
	z.n += int64(len(p))
	return len(p), nil
}

func TestFrameReaderNoAllocs(t *testing.T) {
	var stream []byte
	stream = append(stream, frame(t, bytes.Repeat([]byte{9}, 1000))...)
	stream = append(stream, keepAlive...)
	stream = append(stream, frame(t, []byte("x"))...)
	fr := NewFrameReader(&cycleReader{data: stream}, 4096)
	buf := make([]byte, 4096)
	allocs := testing.AllocsPerRun(1000, func() {
		n, err := fr.Next()
		if err != nil {
			t.Fatal(err)
		}
		if err := fr.ReadPayload(buf[:n]); err != nil {
			t.Fatal(err)
		}
		if _, err := fr.ReadFrame(buf); err != nil {
			t.Fatal(err)
		}
		if _, err := fr.Next(); err != nil { // left unread: discarded
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per frame, want 0", allocs)
	}
}

// TestFrameTooLargeBeforeAllocation checks that a header announcing 16 MiB is
// rejected without reading or allocating the payload.
func TestFrameTooLargeBeforeAllocation(t *testing.T) {
	for _, hdr := range [][]byte{{0, 0xff, 0xff, 0xff}, {0, 0x01, 0x00, 0x01}} {
		body := &zeroReader{}
		r := io.MultiReader(bytes.NewReader(hdr), body)
		fr := NewFrameReader(r, 1<<16)

		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		got, err := fr.ReadFrame(nil)
		runtime.ReadMemStats(&after)

		if !errors.Is(err, ErrFrameTooLarge) || got != nil {
			t.Fatalf("ReadFrame = %d bytes, %v; want ErrFrameTooLarge", len(got), err)
		}
		if body.n != 0 {
			t.Errorf("read %d payload bytes of a rejected frame", body.n)
		}
		if d := after.TotalAlloc - before.TotalAlloc; d > 16<<10 {
			t.Errorf("allocated %d bytes rejecting a frame", d)
		}
	}
}

// FuzzFrameReader feeds arbitrary streams to a FrameReader and checks it
// against a model of the framing: the same frames, the same ending, no
// allocation beyond the limit.
func FuzzFrameReader(f *testing.F) {
	f.Add([]byte{}, uint16(64), false)
	f.Add([]byte{0, 0, 0, 3, 'a', 'b', 'c'}, uint16(64), false)
	f.Add([]byte{0x85, 0, 0, 0, 0, 0, 0, 1, 'x', 0x85, 0, 0, 0}, uint16(64), true)
	f.Add([]byte{0, 0, 0x01, 0x00}, uint16(64), false)
	f.Add([]byte{0, 0xff, 0xff, 0xff, 1, 2}, uint16(0xffff), false)
	f.Add([]byte{0, 0, 0, 5, 1, 2}, uint16(64), true)
	f.Add([]byte{0x82, 0, 0, 0}, uint16(64), false)
	f.Add([]byte{0x85, 0x01, 0, 0}, uint16(64), false)
	f.Fuzz(func(t *testing.T, data []byte, max16 uint16, oneByte bool) {
		max := int(max16)
		wantFrames, wantErr := modelFrames(data, max)

		cr := &countingReader{r: bytes.NewReader(data)}
		var r io.Reader = cr
		if oneByte {
			r = iotest.OneByteReader(r)
		}
		fr := NewFrameReader(r, max)
		if max == 0 {
			max = MaxPayloadLen
		}
		// No frame can be longer than the input, so this buffer always
		// suffices; the spare byte lets the aliasing check index it.
		buf := make([]byte, 0, min(max, len(data))+1)
		var i int
		for {
			got, err := fr.ReadFrame(buf)
			if err != nil {
				if !errors.Is(err, wantErr) {
					t.Fatalf("error %v after %d frames, model says %v", err, i, wantErr)
				}
				if i != len(wantFrames) {
					t.Fatalf("%d frames, model says %d", i, len(wantFrames))
				}
				if (err == io.EOF || err == io.ErrUnexpectedEOF) && cr.n != len(data) {
					t.Fatalf("%v after %d of %d bytes", err, cr.n, len(data))
				}
				return
			}
			if len(got) > max {
				t.Fatalf("frame of %d bytes over limit %d", len(got), max)
			}
			if len(got) > 0 && &got[0] != &buf[:1][0] {
				t.Fatal("ReadFrame allocated although the buffer was large enough")
			}
			if i >= len(wantFrames) || !bytes.Equal(got, wantFrames[i]) {
				t.Fatalf("frame %d differs from the model", i)
			}
			i++
		}
	})
}

// modelFrames splits a stream the way FrameReader should, without I/O.
func modelFrames(data []byte, max int) ([][]byte, error) {
	if max == 0 {
		max = MaxPayloadLen
	}
	var frames [][]byte
	for {
		if len(data) == 0 {
			return frames, io.EOF
		}
		if len(data) < 4 {
			return frames, io.ErrUnexpectedEOF
		}
		switch data[0] {
		case 0x00:
			n := int(data[1])<<16 | int(data[2])<<8 | int(data[3])
			if n > max {
				return frames, ErrFrameTooLarge
			}
			if len(data) < 4+n {
				return frames, io.ErrUnexpectedEOF
			}
			frames = append(frames, data[4:4+n])
			data = data[4+n:]
		case 0x85:
			if data[1]&1 != 0 || data[2] != 0 || data[3] != 0 {
				return frames, ErrUnexpectedPacket
			}
			data = data[4:]
		default:
			return frames, ErrUnexpectedPacket
		}
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
