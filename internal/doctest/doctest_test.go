package doctest

import (
	"os"
	"testing"
)

// The document keeps the shape RunFirstApp reads: each app's set-up
// commands, main.go, main_test.go and the test commands, in that order.
func TestFirstAppDocShape(t *testing.T) {
	doc, err := os.ReadFile("../../docs/first-app.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"A gin app", "A chi app"} {
		var got []string
		for _, s := range Steps(string(doc), h) {
			if s.file == "" {
				got = append(got, "sh")
			} else {
				got = append(got, s.file)
			}
		}
		want := []string{"sh", "main.go", "main_test.go", "sh"}
		if len(got) != len(want) {
			t.Fatalf("%s: steps %v, want %v", h, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: steps %v, want %v", h, got, want)
			}
		}
	}
}
