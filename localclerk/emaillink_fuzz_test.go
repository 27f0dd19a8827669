package localclerk

import (
	"net/url"
	"testing"
)

// FuzzVerifyToken: /v1/verify's token parser never panics, accepts only
// one token of localclerk's length and alphabet, and refuses the rest
// with a 400.
func FuzzVerifyToken(f *testing.F) {
	for _, s := range []string{"token=" + randString(linkTokenLen), "token=", "", "token=a&token=b", "token=%00", "token=" + randString(linkTokenLen-1) + "%C3%A9", "x=y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		tok, aerr := parseVerifyToken(q)
		if aerr != nil {
			if aerr.StatusCode != 400 || tok != "" {
				t.Fatalf("%q: %v %q", raw, aerr, tok)
			}
			return
		}
		if len(q["token"]) != 1 || tok != q.Get("token") || len(tok) != linkTokenLen {
			t.Fatalf("%q accepted as %q", raw, tok)
		}
		for _, c := range tok {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				t.Fatalf("%q accepted with %q", raw, c)
			}
		}
	})
}
