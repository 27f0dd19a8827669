package localclerk

import (
	"strings"
	"testing"
)

// FuzzParsePhoneNumber: whatever the input, the parser either refuses it
// or answers an E.164 number (a + and 7 to 15 digits, the first not 0)
// that parses to itself, and never reads past maxPhoneInput bytes.
func FuzzParsePhoneNumber(f *testing.F) {
	for _, s := range []string{"+12015550123", "+1 (201) 555-0123", "+44 20 7946 0958", "2015550123", "", "+", "++1",
		"+0123456789", "+1234567890123456", "+1 201 555 012", "+\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668", strings.Repeat(" ", 80) + "+12015550123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		n, ok := parsePhoneNumber(raw)
		if !ok {
			if n != "" {
				t.Fatalf("refused %q but answered %q", raw, n)
			}
			return
		}
		if len(raw) > maxPhoneInput {
			t.Fatalf("accepted %d bytes", len(raw))
		}
		if len(n) < 8 || len(n) > 16 || n[0] != '+' || n[1] == '0' || strings.Trim(n[1:], "0123456789") != "" {
			t.Fatalf("%q parsed to %q, not E.164", raw, n)
		}
		if again, ok := parsePhoneNumber(n); !ok || again != n {
			t.Fatalf("%q does not parse to itself: %q %v", n, again, ok)
		}
		if isTestPhone(n) && !strings.HasPrefix(n, "+1") {
			t.Fatalf("test number %q outside +1", n)
		}
	})
}
