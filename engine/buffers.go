package engine

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// Receive buffers are pooled by size class, a power of two plus headroom
// for the headers, so that large READ responses do not churn the garbage
// collector and a 1 MiB READ does not take a 2 MiB buffer. A frame buffer is shared by
// the responses of one compound frame and returns to its pool when the
// last of them is released.

const (
	minPooledShift = 16 // 64 KiB: smaller frames are left to the GC
	maxPooledShift = 25 // 32 MiB
	headroom       = 4096
)

func classSize(class int) int { return 1<<(class+minPooledShift) + headroom }

var framePools [maxPooledShift - minPooledShift + 1]sync.Pool

// frameBuf is one receive buffer with a reference count.
type frameBuf struct {
	b     []byte
	class int // index into framePools, or -1 when not pooled
	refs  atomic.Int32
}

// getFrame returns a buffer of length n with one reference.
func getFrame(n int) *frameBuf {
	class := -1
	if n >= 1<<minPooledShift/2 {
		shift := minPooledShift
		if n > 1<<minPooledShift+headroom {
			shift = bits.Len(uint(n - headroom - 1))
		}
		if shift <= maxPooledShift {
			class = shift - minPooledShift
		}
	}
	var fb *frameBuf
	if class >= 0 {
		if v := framePools[class].Get(); v != nil {
			fb = v.(*frameBuf)
		} else {
			fb = &frameBuf{b: make([]byte, classSize(class)), class: class}
		}
		fb.b = fb.b[:n]
	} else {
		fb = &frameBuf{b: make([]byte, n), class: -1}
	}
	fb.refs.Store(1)
	return fb
}

func (f *frameBuf) retain() { f.refs.Add(1) }

// release drops a reference; the last one returns the buffer to its pool.
func (f *frameBuf) release() {
	if f == nil {
		return
	}
	switch n := f.refs.Add(-1); {
	case n == 0 && f.class >= 0:
		f.b = f.b[:cap(f.b)]
		framePools[f.class].Put(f)
	case n < 0:
		panic("engine: frame buffer released twice")
	}
}
