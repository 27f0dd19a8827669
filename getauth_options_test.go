package clerk

import (
	"reflect"
	"testing"
)

// TestApplyAuthOptions: options combine in order, as the functions they
// replaced did: types accumulate, the last type option decides list
// semantics, the last TreatPendingAsSignedOut wins, and a caller's slice
// is never written to.
func TestApplyAuthOptions(t *testing.T) {
	callers := make([]TokenType, 1, 4) // spare capacity an append could reuse
	callers[0] = TokenTypeAPIKey
	rows := []struct {
		name string
		opts []AuthOption
		want authOptions
	}{
		{"none", nil, authOptions{}},
		{"one type", []AuthOption{AcceptsToken(TokenTypeAPIKey)}, authOptions{types: []TokenType{TokenTypeAPIKey}}},
		{"two types", []AuthOption{AcceptsToken(TokenTypeAPIKey, TokenTypeM2MToken)}, authOptions{types: []TokenType{TokenTypeAPIKey, TokenTypeM2MToken}, list: true}},
		{"list of one", []AuthOption{AcceptsTokenList(TokenTypeAPIKey)}, authOptions{types: []TokenType{TokenTypeAPIKey}, list: true}},
		{"types accumulate", []AuthOption{AcceptsToken(TokenTypeAPIKey), AcceptsToken(TokenTypeM2MToken)}, authOptions{types: []TokenType{TokenTypeAPIKey, TokenTypeM2MToken}, list: true}},
		{"any", []AuthOption{AcceptsAnyToken()}, authOptions{any: true}},
		{"pending kept", []AuthOption{TreatPendingAsSignedOut(false)}, authOptions{keepPending: true}},
		{"last pending wins", []AuthOption{TreatPendingAsSignedOut(false), TreatPendingAsSignedOut(true)}, authOptions{}},
		{"zero option ignored", []AuthOption{{}}, authOptions{}},
		{"caller's slice", []AuthOption{AcceptsToken(callers...), AcceptsToken(TokenTypeOAuthToken)}, authOptions{types: []TokenType{TokenTypeAPIKey, TokenTypeOAuthToken}, list: true}},
	}
	for _, r := range rows {
		if got := applyAuthOptions(r.opts); !reflect.DeepEqual(got, r.want) {
			t.Errorf("%s: %+v, want %+v", r.name, got, r.want)
		}
	}
	if got := callers[:2][1]; got != "" {
		t.Errorf("applyAuthOptions appended %q into the caller's array", got)
	}
}

// TestGetAuthOptionsDoNotAllocate: options are values, so GetAuth with
// options costs no more allocations than without.
func TestGetAuthOptionsDoNotAllocate(t *testing.T) {
	opts := []AuthOption{AcceptsToken(TokenTypeAPIKey, TokenTypeM2MToken), TreatPendingAsSignedOut(false)}
	if n := testing.AllocsPerRun(100, func() { _ = applyAuthOptions(opts) }); n != 0 {
		t.Fatalf("applyAuthOptions allocates %v times", n)
	}
}
