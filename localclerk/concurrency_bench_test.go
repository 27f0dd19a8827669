package localclerk

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// These benchmarks measure what a test suite signing in from several
// workers does to everyone else: whether password checks run in parallel,
// and whether JWKS and handshake reads wait behind them. They use bcrypt's
// default cost (the production one), not the low cost the tests use.
//
//	go test -run '^$' -bench 'PasswordSignIn|ReadLatency' -count 6 . | tee new.txt
//	benchstat new.txt

const benchPassword = "bench-password-1"

// benchInstance starts an instance with a user whose password is hashed at
// bcrypt's default cost.
func benchInstance(b *testing.B) *Instance {
	b.Helper()
	old := bcryptCost
	bcryptCost = bcrypt.DefaultCost
	inst, err := Start(context.Background(), Options{testKey: sharedTestKey(b), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { inst.Close(); bcryptCost = old })
	body := `{"email_address":["bench@example.com"],"password":"` + benchPassword + `"}`
	req, _ := http.NewRequest("POST", inst.BackendAPIURL+"/v1/users", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+inst.SecretKey)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		b.Fatalf("create user: %d", res.StatusCode)
	}
	return inst
}

// benchSignIn signs the bench user in on a fresh client with the Frontend
// API (one request: identifier and password), returning the client's dev
// browser id.
func benchSignIn(hc *http.Client, inst *Instance) (string, error) {
	db, err := benchDevBrowser(hc, inst)
	if err != nil {
		return "", err
	}
	f := url.Values{"strategy": {"password"}, "identifier": {"bench@example.com"}, "password": {benchPassword}}
	req, _ := http.NewRequest("POST", inst.FrontendAPIURL+"/v1/client/sign_ins?__clerk_db_jwt="+db, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var m struct {
		Response struct {
			Status string `json:"status"`
		} `json:"response"`
	}
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil || res.StatusCode != 200 || m.Response.Status != "complete" {
		return "", fmt.Errorf("sign-in: %d %q %v", res.StatusCode, m.Response.Status, err)
	}
	return db, nil
}

func benchDevBrowser(hc *http.Client, inst *Instance) (string, error) {
	res, err := hc.Post(inst.FrontendAPIURL+"/v1/dev_browser", "", nil)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var db struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(res.Body).Decode(&db); err != nil || db.ID == "" {
		return "", fmt.Errorf("dev browser: %d %v", res.StatusCode, err)
	}
	return db.ID, nil
}

// BenchmarkPasswordSignIn is a whole Frontend API password sign-in, one at
// a time and from 4 clients at once; on 2 cores the parallel ns/op should
// be about half the serial one.
func BenchmarkPasswordSignIn(b *testing.B) {
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("clients=%d", workers), func(b *testing.B) {
			inst := benchInstance(b)
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
			var next atomic.Int64
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			b.ResetTimer()
			for range workers {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						if _, err := benchSignIn(hc, inst); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signins/s")
		})
	}
}

// BenchmarkReadLatency measures JWKS and handshake requests idle and while
// 4 clients sign in with passwords in a loop, reporting the p99 latency.
func BenchmarkReadLatency(b *testing.B) {
	for _, load := range []int{0, 4} {
		for _, read := range []string{"jwks", "handshake"} {
			name := "idle"
			if load > 0 {
				name = fmt.Sprintf("signins=%d", load)
			}
			b.Run(name+"/"+read, func(b *testing.B) {
				inst := benchInstance(b)
				hc := &http.Client{
					Transport:     &http.Transport{MaxIdleConnsPerHost: 8},
					CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
				}
				target := inst.FrontendAPIURL + "/.well-known/jwks.json"
				if read == "handshake" {
					db, err := benchSignIn(hc, inst)
					if err != nil {
						b.Fatal(err)
					}
					target = inst.FrontendAPIURL + "/v1/client/handshake?redirect_url=" +
						url.QueryEscape("http://localhost:3000/") + "&__clerk_db_jwt=" + db
				}
				stop := make(chan struct{})
				var wg sync.WaitGroup
				var loadErr atomic.Value
				var warm sync.WaitGroup // every load client has signed in once
				warm.Add(load)
				for range load {
					wg.Go(func() {
						for i := 0; ; i++ {
							if i == 1 {
								warm.Done()
							}
							select {
							case <-stop:
								return
							default:
							}
							if _, err := benchSignIn(hc, inst); err != nil {
								loadErr.Store(err)
								if i == 0 {
									warm.Done()
								}
								return
							}
						}
					})
				}
				warm.Wait()
				lat := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for range b.N {
					t0 := time.Now()
					res, err := hc.Get(target)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 && res.StatusCode != http.StatusTemporaryRedirect {
						b.Fatalf("%s: %d", read, res.StatusCode)
					}
					lat = append(lat, time.Since(t0))
				}
				b.StopTimer()
				close(stop)
				wg.Wait()
				if err, ok := loadErr.Load().(error); ok {
					b.Fatal(err)
				}
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			})
		}
	}
}
