package digest

import (
	"crypto/sha256"
	"crypto/sha512"
	"strings"
	"testing"
)

func TestDigestsMatchCrypto(t *testing.T) {
	src := strings.Repeat("eyJhbGciOiJSUzI1NiJ9.abc-_XYZ", 600)
	for _, n := range []int{0, 1, 55, 64, 745, stackMax - 1, stackMax, stackMax + 1, 16 << 10} {
		s := src[:n]
		if got, want := SHA256(s), sha256.Sum256([]byte(s)); got != want {
			t.Errorf("SHA256 of %d bytes = %x, want %x", n, got, want)
		}
		if got, want := SHA384(s), sha512.Sum384([]byte(s)); got != want {
			t.Errorf("SHA384 of %d bytes = %x, want %x", n, got, want)
		}
		if got, want := SHA512(s), sha512.Sum512([]byte(s)); got != want {
			t.Errorf("SHA512 of %d bytes = %x, want %x", n, got, want)
		}
	}
}

// The point of the package: a token-sized input is hashed without a heap
// allocation (the buffer stays on the stack).
func TestDigestsDoNotAllocate(t *testing.T) {
	s := strings.Repeat("x", 745)
	var sink byte
	for name, f := range map[string]func(){
		"SHA256": func() { d := SHA256(s); sink ^= d[0] },
		"SHA384": func() { d := SHA384(s); sink ^= d[0] },
		"SHA512": func() { d := SHA512(s); sink ^= d[0] },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s of 745 bytes: %v allocations, want 0", name, n)
		}
	}
	_ = sink
}

func FuzzSHA256(f *testing.F) {
	f.Add("")
	f.Add(strings.Repeat("a", stackMax+1))
	f.Fuzz(func(t *testing.T, s string) {
		if SHA256(s) != sha256.Sum256([]byte(s)) {
			t.Fatalf("SHA256(%q) differs from crypto/sha256", s)
		}
	})
}
