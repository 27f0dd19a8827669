package rsaverify

import (
	"math/big"
	"math/bits"
)

// exp65537 sets z = s^65537 mod N for s < N: s is taken into Montgomery
// form (s·R), squared 16 times, and the last multiplication by s in plain
// form leaves the result in plain form.
func (k *Key) exp65537(z, s []uint64) {
	words := len(k.n)
	var a [maxWords]uint64
	var t [2 * maxWords]uint64
	k.montMul(a[:words], s, k.rr, t[:2*words])
	for range 16 {
		k.montMul(a[:words], a[:words], a[:words], t[:2*words])
	}
	k.montMul(z, a[:words], s, t[:2*words])
}

// montMul sets z = x·y·R⁻¹ mod N for x, y < N (word-by-word Montgomery
// multiplication, its rows in montLoop), with t as scratch of 2·len(N)
// words. z may alias x or y: they are read before z is written.
func (k *Key) montMul(z, x, y, t []uint64) {
	words := len(k.n)
	clear(t)
	carry := montLoop(t, x, y, k.n, k.n0)
	// t[words:] + carry·R < 2N: subtract N once if it is not below N.
	var borrow uint64
	for i := range words {
		z[i], borrow = bits.Sub64(t[words+i], k.n[i], borrow)
	}
	if carry == 0 && borrow == 1 {
		copy(z, t[words:2*words])
	}
}

// negInverse is −x⁻¹ mod 2^64 for odd x (Newton's iteration doubles the
// correct low bits each step: 1 → 64 in six).
func negInverse(x uint64) uint64 {
	inv := uint64(1)
	for range 6 {
		inv *= 2 - x*inv
	}
	return -inv
}

// less reports x < y for numbers of the same word count.
func less(x, y []uint64) bool {
	for i := len(x) - 1; i >= 0; i-- {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

func toWords(x *big.Int, words int) []uint64 {
	out := make([]uint64, words)
	b := x.FillBytes(make([]byte, 8*words))
	fromBytes(out, b)
	return out
}

// fromBytes sets z from the big-endian b; false if b does not fit.
func fromBytes(z []uint64, b []byte) bool {
	clear(z)
	for i := range b {
		pos := len(b) - 1 - i // byte position from the least significant end
		if pos/8 >= len(z) {
			if b[i] != 0 {
				return false
			}
			continue
		}
		z[pos/8] |= uint64(b[i]) << (8 * (pos % 8))
	}
	return true
}

// toBytes writes x big-endian into all of b (len(b) ≤ 8·len(x); the words
// above are zero for x < N).
func toBytes(b []byte, x []uint64) {
	for i := range b {
		pos := len(b) - 1 - i
		b[i] = byte(x[pos/8] >> (8 * (pos % 8)))
	}
}
