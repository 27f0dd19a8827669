package webhooks

import (
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestGuard(t *testing.T, max int) (*ReplayGuard, *testClock) {
	t.Helper()
	c := &testClock{t: time.Unix(1764100000, 0)}
	g, err := NewReplayGuard(ReplayGuardOptions{Tolerance: time.Minute, MaxEntries: max, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return g, c
}

func TestReplayGuardWindow(t *testing.T) {
	g, c := newTestGuard(t, 0)
	if err := g.Check("msg_1"); err != nil {
		t.Fatalf("first delivery: %v", err)
	}
	c.advance(2*time.Minute - time.Second)
	if err := g.Check("msg_1"); !errors.Is(err, ErrReplayed) {
		t.Fatalf("replay inside the window: %v", err)
	}
	if err := g.Check("msg_2"); err != nil {
		t.Fatalf("other id: %v", err)
	}
	// Two tolerances after first sight no captured copy verifies any more.
	c.advance(time.Second)
	if err := g.Check("msg_1"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	if err := g.Check("msg_1"); !errors.Is(err, ErrReplayed) {
		t.Fatalf("re-recorded id: %v", err)
	}
}

func TestReplayGuardForget(t *testing.T) {
	g, c := newTestGuard(t, 0)
	g.Check("msg_1")
	g.Forget("msg_1")
	c.advance(time.Second)
	if err := g.Check("msg_1"); err != nil {
		t.Fatalf("redelivery after Forget: %v", err)
	}
	// The first recording expiring must not drop the second one.
	c.advance(2*time.Minute - time.Second)
	if err := g.Check("msg_1"); !errors.Is(err, ErrReplayed) {
		t.Fatalf("second recording lost when the first expired: %v", err)
	}
}

func TestReplayGuardBounded(t *testing.T) {
	g, c := newTestGuard(t, 3)
	for i := range 3 {
		if err := g.Check("msg_" + strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Check("msg_new"); !errors.Is(err, ErrReplayGuardFull) {
		t.Fatalf("full guard: %v", err)
	}
	// Full is not forgetful: recorded ids still count as replays.
	if err := g.Check("msg_0"); !errors.Is(err, ErrReplayed) {
		t.Fatalf("replay into a full guard: %v", err)
	}
	c.advance(2 * time.Minute)
	if err := g.Check("msg_new"); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := len(g.queue) - g.head; n != 1 || len(g.seen) != 1 {
		t.Errorf("expired entries kept: queue %d, map %d", n, len(g.seen))
	}
}

func TestReplayGuardConcurrent(t *testing.T) {
	g, c := newTestGuard(t, 0)
	var accepted atomic.Int32
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if g.Check("msg_same") == nil {
				accepted.Add(1)
			}
			g.Check("msg_" + strconv.Itoa(i))
			if i%8 == 0 {
				c.advance(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	if n := accepted.Load(); n != 1 {
		t.Fatalf("one id accepted %d times", n)
	}
}

func TestReplayGuardOptions(t *testing.T) {
	if _, err := NewReplayGuard(ReplayGuardOptions{Tolerance: -time.Second}); err == nil {
		t.Error("negative tolerance accepted")
	}
	if _, err := NewReplayGuard(ReplayGuardOptions{MaxEntries: -1}); err == nil {
		t.Error("negative size accepted")
	}
	g, err := NewReplayGuard(ReplayGuardOptions{})
	if err != nil || g.window != 2*DefaultTolerance || g.max != DefaultReplayGuardSize {
		t.Errorf("defaults: %v %v %d", err, g.window, g.max)
	}
}
