package webhooks

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Errors of [ReplayGuard.Check].
var (
	// ErrReplayed: the message id was already checked within the window.
	// The delivery is a replay (or a redelivery of a message already
	// processed); acknowledge it without processing it again.
	ErrReplayed = errors.New("webhooks: message already delivered")
	// ErrReplayGuardFull: the guard holds its maximum of unexpired ids and
	// cannot record another. Answer 503 so Clerk retries the delivery later
	// rather than process it unrecorded.
	ErrReplayGuardFull = errors.New("webhooks: replay guard is full")
)

// DefaultReplayGuardSize is the default bound on the ids a [ReplayGuard]
// remembers.
const DefaultReplayGuardSize = 100_000

// ReplayGuardOptions configures a [ReplayGuard].
type ReplayGuardOptions struct {
	// Tolerance is the Verifier's timestamp tolerance (zero means
	// [DefaultTolerance]). An id is remembered for twice as long: a
	// captured request passes verification until its timestamp plus the
	// tolerance, and it may first arrive as early as its timestamp minus
	// the tolerance.
	Tolerance time.Duration
	// MaxEntries bounds the ids remembered at once (zero means
	// [DefaultReplayGuardSize]).
	MaxEntries int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// ReplayGuard rejects a webhook delivery whose message id (svix-id) it has
// already seen within the replay window. Signature verification bounds a
// captured delivery to the timestamp tolerance; within that window only
// deduplication stops it being replayed. It keeps ids in memory, so an
// application running several instances needs a shared store instead (a
// unique key on the message id with the same lifetime). Safe for
// concurrent use.
type ReplayGuard struct {
	now    func() time.Time
	window time.Duration
	max    int

	mu    sync.Mutex
	seen  map[string]time.Time // id → when it expires
	queue []seenID             // in order of recording, so of expiry
	head  int                  // first live entry of queue
}

type seenID struct {
	id      string
	expires time.Time
}

// NewReplayGuard returns a guard configured by o; a negative Tolerance or
// MaxEntries is an error.
func NewReplayGuard(o ReplayGuardOptions) (*ReplayGuard, error) {
	if o.Tolerance < 0 {
		return nil, fmt.Errorf("webhooks: ReplayGuardOptions.Tolerance: negative tolerance %v", o.Tolerance)
	}
	if o.MaxEntries < 0 {
		return nil, fmt.Errorf("webhooks: ReplayGuardOptions.MaxEntries: negative size %d", o.MaxEntries)
	}
	g := &ReplayGuard{now: o.Now, window: 2 * o.Tolerance, max: o.MaxEntries, seen: map[string]time.Time{}}
	if g.now == nil {
		g.now = time.Now
	}
	if o.Tolerance == 0 {
		g.window = 2 * DefaultTolerance
	}
	if g.max == 0 {
		g.max = DefaultReplayGuardSize
	}
	return g, nil
}

// Check records id and returns nil the first time it sees id within the
// window, [ErrReplayed] after that, and [ErrReplayGuardFull] when it
// cannot record id. Call it with [Event.MessageID] after verification, so
// that only signed deliveries take up room.
func (g *ReplayGuard) Check(id string) error {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.expire(now)
	if exp, ok := g.seen[id]; ok && now.Before(exp) {
		return fmt.Errorf("%w: %s", ErrReplayed, id)
	}
	if len(g.queue)-g.head >= g.max {
		return ErrReplayGuardFull
	}
	exp := now.Add(g.window)
	g.seen[id] = exp
	g.queue = append(g.queue, seenID{id, exp})
	return nil
}

// Forget removes id, so that a redelivery of a message whose processing
// failed is accepted.
func (g *ReplayGuard) Forget(id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.seen, id)
}

// expire drops the entries whose time has passed. The window is constant,
// so the queue is in expiry order; an entry whose id was forgotten or
// recorded again later is skipped without touching the map.
func (g *ReplayGuard) expire(now time.Time) {
	for g.head < len(g.queue) && !now.Before(g.queue[g.head].expires) {
		e := g.queue[g.head]
		if exp, ok := g.seen[e.id]; ok && exp.Equal(e.expires) {
			delete(g.seen, e.id)
		}
		g.queue[g.head] = seenID{}
		g.head++
	}
	// Reclaim the consumed prefix once it dominates the slice.
	if g.head > 0 && g.head >= len(g.queue)/2 {
		g.queue = append(g.queue[:0], g.queue[g.head:]...)
		g.head = 0
	}
}
