package authn

import "testing"

func TestSignInRedirect(t *testing.T) {
	cur := DeriveURL("http", "localhost:8080", "", "", "/dashboard?tab=a b&x=1")
	for _, tc := range []struct {
		name, target, back, dvb, want string
	}{
		{"relative sign-in page", "/sign-in", cur.String(), "",
			"http://localhost:8080/sign-in?redirect_url=http%3A%2F%2Flocalhost%3A8080%2Fdashboard%3Ftab%3Da%2520b%26x%3D1"},
		{"hosted page keeps its query, dev browser added cross-origin", "http://127.0.0.1:4401/sign-in?lang=en", "/dashboard", "dvb_1",
			"http://127.0.0.1:4401/sign-in?lang=en&redirect_url=http%3A%2F%2Flocalhost%3A8080%2Fdashboard&__clerk_db_jwt=dvb_1"},
		{"same host: no dev browser", "/sign-in", "/x", "dvb_1",
			"http://localhost:8080/sign-in?redirect_url=http%3A%2F%2Flocalhost%3A8080%2Fx"},
		{"other port is another origin", "http://localhost:4401/sign-in", "/x", "dvb_1",
			"http://localhost:4401/sign-in?redirect_url=http%3A%2F%2Flocalhost%3A8080%2Fx&__clerk_db_jwt=dvb_1"},
		{"an existing redirect_url is replaced", "https://accounts.example.com/sign-in?redirect_url=https%3A%2F%2Fevil.example", "/x", "",
			"https://accounts.example.com/sign-in?redirect_url=http%3A%2F%2Flocalhost%3A8080%2Fx"},
		{"no return URL", "/sign-in", "", "", "http://localhost:8080/sign-in"},
		{"unparsable target is kept", "http://[::1", "/x", "", "http://[::1"},
	} {
		if got := SignInRedirect(cur, tc.target, tc.back, tc.dvb); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
