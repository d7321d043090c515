package smbcrypto

import (
	"testing"
)

const benchSize = 1 << 20

func BenchmarkCMAC(b *testing.B) {
	h, _ := NewCMAC(make([]byte, 16))
	msg := make([]byte, benchSize)
	out := make([]byte, 0, 16)
	b.SetBytes(benchSize)
	for b.Loop() {
		h.Reset()
		h.Write(msg)
		out = h.Sum(out[:0])
	}
}

func BenchmarkSign(b *testing.B) {
	msg := make([]byte, benchSize)
	for _, s := range newTestSigners(b) {
		b.Run(s.Algorithm().String(), func(b *testing.B) {
			b.SetBytes(benchSize)
			for b.Loop() {
				if err := s.Sign(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	msg := make([]byte, benchSize)
	for _, s := range newTestSigners(b) {
		b.Run(s.Algorithm().String(), func(b *testing.B) {
			s.Sign(msg)
			b.SetBytes(benchSize)
			for b.Loop() {
				if err := s.Verify(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSeal(b *testing.B) {
	msg := make([]byte, benchSize)
	for _, c := range allCiphers {
		b.Run(c.String(), func(b *testing.B) {
			e, _ := newPair(b, c)
			dst := make([]byte, 0, TransformHeaderSize+benchSize+16)
			b.SetBytes(benchSize)
			for b.Loop() {
				if _, err := e.Seal(dst, 1, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	for _, c := range allCiphers {
		e, d := newPair(b, c)
		frame, _ := e.Seal(nil, 1, make([]byte, benchSize))
		b.Run(c.String(), func(b *testing.B) {
			dst := make([]byte, 0, benchSize+16)
			b.SetBytes(benchSize)
			for b.Loop() {
				if _, _, err := d.Open(dst, frame); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.String()+"/in-place", func(b *testing.B) {
			// Each round decrypts a fresh copy of the frame in place; the
			// copy is part of the measured time.
			buf := make([]byte, len(frame))
			b.SetBytes(benchSize)
			for b.Loop() {
				copy(buf, frame)
				if _, _, err := d.Open(buf[TransformHeaderSize:TransformHeaderSize], buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
