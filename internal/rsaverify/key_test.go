package rsaverify

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/cpu"
)

// testKey loads a private key of testdata (generated once with
// rsa.GenerateKey; test keys only).
func testKey(tb testing.TB, bits int) *rsa.PrivateKey {
	tb.Helper()
	b, err := os.ReadFile("testdata/rsa" + itoa(bits) + ".pem")
	if err != nil {
		tb.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

// kernelExpected is where the prepared path must be taken: a build with
// the kernel on a CPU that has BMI2 and ADX.
var kernelExpected = kernelBuilt && runtime.GOARCH == "amd64" && cpu.X86.HasBMI2 && cpu.X86.HasADX

func digest(h crypto.Hash, msg []byte) []byte {
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256(msg)
		return d[:]
	case crypto.SHA384:
		d := sha512.Sum384(msg)
		return d[:]
	}
	d := sha512.Sum512(msg)
	return d[:]
}

// same asserts that k and crypto/rsa agree on (hash, hashed, sig) and that
// the outcome is want (true: valid).
func same(t *testing.T, k *Key, hash crypto.Hash, hashed, sig []byte, want bool, what string) {
	t.Helper()
	got := k.VerifyPKCS1v15(hash, hashed, sig) == nil
	std := rsa.VerifyPKCS1v15(k.Public(), hash, hashed, sig) == nil
	if got != std || got != want {
		t.Errorf("%s: prepared key says valid=%v, crypto/rsa says %v, want %v", what, got, std, want)
	}
}

func TestPreparedWhereTheKernelRuns(t *testing.T) {
	for _, c := range []struct {
		bits     int
		prepared bool
	}{{2040, false}, {2048, true}, {2504, true}, {3072, true}, {4096, true}} {
		k := New(&testKey(t, c.bits).PublicKey)
		if want := c.prepared && kernelExpected; k.prepared() != want {
			t.Errorf("%d-bit key: prepared=%v, want %v", c.bits, k.prepared(), want)
		}
	}
	pub := testKey(t, 2048).PublicKey
	pub.E = 3
	if New(&pub).prepared() {
		t.Error("a key with e = 3 was prepared; only 65537 is")
	}
}

func TestVerifyMatchesCryptoRSA(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(1, 2))
	for _, bits := range []int{2040, 2048, 2504, 3072, 4096} {
		priv := testKey(t, bits)
		k := New(&priv.PublicKey)
		for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512} {
			msg := []byte("header.payload " + itoa(bits) + h.String())
			hashed := digest(h, msg)
			sig, err := rsa.SignPKCS1v15(rand.Reader, priv, h, hashed)
			if err != nil {
				t.Fatal(err)
			}
			name := itoa(bits) + "/" + h.String()
			same(t, k, h, hashed, sig, true, name+" valid")
			for i := 0; i < 64; i++ {
				bad := append([]byte(nil), sig...)
				bit := rng.IntN(8 * len(bad))
				bad[bit/8] ^= 1 << (bit % 8)
				same(t, k, h, hashed, bad, false, name+" one bit flipped")
			}
			other := digest(h, []byte("another message"))
			same(t, k, h, other, sig, false, name+" another digest")
			same(t, k, crypto.SHA256, digest(crypto.SHA256, msg), sig, h == crypto.SHA256, name+" verified as SHA-256")
			same(t, k, h, hashed[1:], sig, false, name+" short digest")
			same(t, k, h, hashed, sig[1:], false, name+" short signature")
			same(t, k, h, hashed, append([]byte{0}, sig...), false, name+" long signature")
			same(t, k, h, hashed, make([]byte, len(sig)), false, name+" zero signature")
			n := priv.N.FillBytes(make([]byte, len(sig)))
			same(t, k, h, hashed, n, false, name+" s = N")
			np1 := new(big.Int).Add(priv.N, big.NewInt(1)).FillBytes(make([]byte, len(sig)))
			same(t, k, h, hashed, np1, false, name+" s = N+1")
			// s + N is s modulo N, but not a signature.
			if sn := new(big.Int).Add(new(big.Int).SetBytes(sig), priv.N); (sn.BitLen()+7)/8 == len(sig) {
				same(t, k, h, hashed, sn.FillBytes(make([]byte, len(sig))), false, name+" s + N")
			}
		}
	}
}

// TestMalformedEncodingsRejected signs encodings that are not
// EMSA-PKCS1-v1_5 with the raw private operation: the arithmetic is right,
// so only the encoding comparison can reject them.
func TestMalformedEncodingsRejected(t *testing.T) {
	priv := testKey(t, 2048)
	k := New(&priv.PublicKey)
	hashed := digest(crypto.SHA256, []byte("m"))
	good := func() []byte {
		em := make([]byte, 256)
		t := append(append([]byte(nil), digestInfo[crypto.SHA256]...), hashed...)
		em[1] = 1
		for i := 2; i < len(em)-len(t)-1; i++ {
			em[i] = 0xff
		}
		copy(em[len(em)-len(t):], t)
		return em
	}
	sign := func(em []byte) []byte {
		m := new(big.Int).SetBytes(em)
		return new(big.Int).Exp(m, priv.D, priv.N).FillBytes(make([]byte, 256))
	}
	same(t, k, crypto.SHA256, hashed, sign(good()), true, "the encoding itself")
	for name, mutate := range map[string]func([]byte){
		"first byte 01":           func(em []byte) { em[0] = 1 },
		"block type 02":           func(em []byte) { em[1] = 2 },
		"a padding byte FE":       func(em []byte) { em[100] = 0xfe },
		"no separator":            func(em []byte) { em[256-51-1] = 0xff },
		"SHA-384's prefix":        func(em []byte) { copy(em[256-51:], digestInfo[crypto.SHA384]) },
		"prefix length byte":      func(em []byte) { em[256-51+1] = 0x30 },
		"last digest byte":        func(em []byte) { em[255] ^= 1 },
		"separator moved forward": func(em []byte) { copy(em[2:], em[3:]); em[255] = 0 },
	} {
		em := good()
		mutate(em)
		same(t, k, crypto.SHA256, hashed, sign(em), false, name)
	}
}

func TestMontMulMatchesMathBig(t *testing.T) {
	for _, bits := range []int{2048, 2504, 4096} {
		priv := testKey(t, bits)
		k := New(&priv.PublicKey)
		if !k.prepared() {
			continue // TestPreparedWhereTheKernelRuns says whether that is right
		}
		words := len(k.n)
		r := new(big.Int).Lsh(big.NewInt(1), uint(64*words))
		rInv := new(big.Int).ModInverse(r, priv.N)
		nMinus1 := new(big.Int).Sub(priv.N, big.NewInt(1))
		allOnes := new(big.Int).Mod(new(big.Int).Sub(r, big.NewInt(1)), priv.N) // every word ^0 before the reduction
		pairs := [][2]*big.Int{
			{nMinus1, nMinus1}, // the largest operands: every carry at its largest
			{big.NewInt(1), nMinus1},
			{big.NewInt(0), nMinus1},
			{allOnes, allOnes},
			{allOnes, big.NewInt(1)},
		}
		for range 50 {
			x, _ := rand.Int(rand.Reader, priv.N)
			y, _ := rand.Int(rand.Reader, priv.N)
			pairs = append(pairs, [2]*big.Int{x, y})
		}
		for _, p := range pairs {
			x, y := p[0], p[1]
			z := make([]uint64, words)
			k.montMul(z, toWords(x, words), toWords(y, words), make([]uint64, 2*words))
			want := new(big.Int).Mul(x, y)
			want.Mul(want, rInv).Mod(want, priv.N)
			if got := fromWords(z); got.Cmp(want) != 0 {
				t.Fatalf("%d bits: montMul(%x, %x) = %x, want %x", bits, x, y, got, want)
			}
		}
	}
}

func fromWords(z []uint64) *big.Int {
	b := make([]byte, 8*len(z))
	toBytes(b, z)
	return new(big.Int).SetBytes(b)
}

// FuzzVerifyPKCS1v15 holds the prepared key to crypto/rsa's answer for any
// signature and digest.
func FuzzVerifyPKCS1v15(f *testing.F) {
	priv := testKey(f, 2048)
	k := New(&priv.PublicKey)
	hashed := digest(crypto.SHA256, []byte("seed"))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, hashed)
	f.Add(sig, hashed, uint8(0))
	f.Add(sig[:255], hashed, uint8(0))
	f.Add(sig, hashed[:31], uint8(1))
	f.Add(make([]byte, 256), hashed, uint8(2))
	hashes := []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512, crypto.SHA1}
	f.Fuzz(func(t *testing.T, sig, hashed []byte, h uint8) {
		hash := hashes[int(h)%len(hashes)]
		got := k.VerifyPKCS1v15(hash, hashed, sig) == nil
		std := rsa.VerifyPKCS1v15(&priv.PublicKey, hash, hashed, sig) == nil
		if got != std {
			t.Fatalf("prepared key says valid=%v, crypto/rsa says %v", got, std)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	priv := testKey(b, 2048)
	hashed := digest(crypto.SHA256, []byte("header.payload"))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, hashed)
	b.Run("prepared", func(b *testing.B) {
		k := New(&priv.PublicKey)
		b.ReportAllocs()
		for b.Loop() {
			if k.VerifyPKCS1v15(crypto.SHA256, hashed, sig) != nil {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("crypto-rsa", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rsa.VerifyPKCS1v15(&priv.PublicKey, crypto.SHA256, hashed, sig) != nil {
				b.Fatal("invalid")
			}
		}
	})
}
