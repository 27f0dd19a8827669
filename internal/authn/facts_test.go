package authn

import (
	"net/http/httptest"
	"testing"
)

// Repeated headers are read as Node reads them: the first Authorization and
// Referer win; other headers are joined with ", ".
func TestFactsRepeatedHeaders(t *testing.T) {
	r := httptest.NewRequest("GET", "/p?q=1", nil)
	r.Header["Authorization"] = []string{"Bearer first", "Bearer second"}
	r.Header["Referer"] = []string{"https://a.example/", "https://b.example/"}
	r.Header["Accept"] = []string{"text/html", "application/json"}
	r.Header["Cookie"] = []string{"a=1", "b=2; a=3"}
	f := FactsFromRequest(r, false)
	if f.Authorization != "Bearer first" || TokenInHeader(f.Authorization) != "first" {
		t.Errorf("Authorization = %q, want the first header", f.Authorization)
	}
	if f.Referrer != "https://a.example/" {
		t.Errorf("Referer = %q, want the first header", f.Referrer)
	}
	if f.Accept != "text/html, application/json" {
		t.Errorf("Accept = %q, want both joined", f.Accept)
	}
	if f.Cookies.Get("a") != "1" || f.Cookies.Get("b") != "2" {
		t.Errorf("cookies = %v, want a=1 (first wins) and b=2", f.Cookies)
	}
}
