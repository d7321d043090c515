package smbcrypto

import "unsafe"

// anyOverlap reports whether x and y share any byte of memory.
func anyOverlap(x, y []byte) bool {
	return len(x) > 0 && len(y) > 0 &&
		uintptr(unsafe.Pointer(&x[0])) <= uintptr(unsafe.Pointer(&y[len(y)-1])) &&
		uintptr(unsafe.Pointer(&y[0])) <= uintptr(unsafe.Pointer(&x[len(x)-1]))
}

// inexactOverlap reports whether x and y share memory without starting at
// the same address. Starting at the same address is the in-place case that
// the streaming operations here (CTR, and CBC-MAC done before the overwrite)
// handle.
func inexactOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 || &x[0] == &y[0] {
		return false
	}
	return anyOverlap(x, y)
}

// sliceForAppend extends in by n bytes, reusing its capacity when it has n
// bytes plus extra spare, and otherwise allocating a new array with that
// spare. It returns the whole slice and the n-byte tail.
func sliceForAppend(in []byte, n, extra int) (head, tail []byte) {
	total := len(in) + n
	if cap(in)-total >= extra {
		head = in[:total]
	} else {
		head = make([]byte, total, total+extra)
		copy(head, in)
	}
	return head, head[len(in):]
}
