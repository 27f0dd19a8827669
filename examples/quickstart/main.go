// Command quickstart is a small net/http application that shows all of
// goclerk: a public page, a dashboard behind RequireAuth, /api/me, an
// organization page driven by organization sync, a permission-gated page,
// an API route that accepts API keys, and a user list from the Backend API.
//
// With no CLERK_* variables it starts localclerk, an offline Clerk-compatible
// instance, in the same process (seeded with demo users; data kept in the
// user cache directory). With CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY set
// it uses that Clerk instance instead.
//
//	go run ./examples/quickstart
//
// Environment: ADDR (default localhost:3000), LOCALCLERK_ADDR (default
// localhost:3100), QUICKSTART_DATA_DIR (default <user cache dir>/goclerk-quickstart),
// QUICKSTART_TOKEN_LIFETIME (localclerk session token lifetime, default 60s).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	ln, err := net.Listen("tcp", envOr("ADDR", "localhost:3000"))
	if err != nil {
		return fmt.Errorf("listen: %w (set ADDR to use another address)", err)
	}
	appURL := "http://" + displayAddr(ln.Addr().String())

	setup, err := setupClerk(ctx, appURL, out)
	if err != nil {
		ln.Close()
		return err
	}
	defer setup.close()

	handler, err := newApp(setup, appURL)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(out, "\nquickstart: open %s (listening)\n", appURL)

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// displayAddr shows loopback listeners as localhost, the name browsers and
// the demo instance agree on.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
