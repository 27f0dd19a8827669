package jwt

import "testing"

func TestLooksLikeJWTShapes(t *testing.T) {
	for s, want := range map[string]bool{"a.b.c": true, "a.b.": false, ".b.c": false, "a..c": false, "a.b.c.d": false, "a.b": false, "": false, "a.b.c=": false, "aZ0-_.x.y": true, "a.b!.c": false} {
		if got := LooksLikeJWT(s); got != want {
			t.Errorf("LooksLikeJWT(%q) = %v, want %v", s, got, want)
		}
	}
}
