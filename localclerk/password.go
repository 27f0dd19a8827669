package localclerk

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// Passwords are stored as bcrypt hashes. localclerk is a development tool,
// but passwords typed into it are often reused ones and its data file may
// be copied around. Hashes written by earlier versions (PBKDF2-SHA256 with
// 4,096 iterations, "pbkdf2$salt$key") still verify and are replaced by a
// bcrypt hash at the next successful sign-in.

// bcryptCost is the bcrypt work factor; tests lower it to keep -race runs
// fast.
var bcryptCost = bcrypt.DefaultCost

// maxPasswordBytes is what bcrypt can hash; longer passwords are refused
// rather than silently truncated.
const maxPasswordBytes = 72

var errPasswordTooLong = newAPIError(http.StatusUnprocessableEntity, "form_password_length_too_long", "Passwords must be 72 characters or fewer.", "Passwords must be 72 characters or fewer.", map[string]any{"param_name": "password"})

// Password checks are the only CPU-heavy work localclerk does (~50 ms of
// bcrypt each), and a test suite signing in from several workers asks for
// many at once. Two rules keep them from stalling everything else (the
// JWKS, handshakes, the other requests):
//
//   - at most passwordSlots() run at once, never every P of GOMAXPROCS, so
//     the Go scheduler always has a P for other goroutines;
//   - each runs on an OS thread of its own at the lowest scheduling
//     priority (lowPriority), so the kernel gives a core to a request's
//     thread the moment it has work, and to bcrypt otherwise.
//
// With GOMAXPROCS at the core count (the default), one check runs at a
// time; cmd/localclerk adds a P per core, so that checks use every core.
var passwordGate struct {
	mu   sync.Mutex
	cond sync.Cond
	busy int
}

func init() { passwordGate.cond.L = &passwordGate.mu }

// passwordSlots is how many bcrypt computations run at once: one per
// core, but never every P of GOMAXPROCS.
func passwordSlots() int { return max(1, min(runtime.NumCPU(), runtime.GOMAXPROCS(0)-1)) }

// withPasswordSlot runs fn, a bcrypt computation, on a low-priority thread
// when a slot is free.
func withPasswordSlot[T any](fn func() T) T {
	g := &passwordGate
	g.mu.Lock()
	for g.busy >= passwordSlots() {
		g.cond.Wait()
	}
	g.busy++
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.busy--
		g.mu.Unlock()
		g.cond.Signal()
	}()
	return lowPriority(fn)
}

// lowPriority runs fn on a goroutine locked to its own OS thread, with the
// thread's scheduling priority lowered where the platform allows it
// (lowerThreadPriority). The goroutine ends without unlocking, so the
// runtime retires the thread and its priority with it: no thread of the
// pool that runs other goroutines is ever left lowered.
func lowPriority[T any](fn func() T) T {
	out := make(chan T, 1)
	go func() {
		runtime.LockOSThread()
		lowerThreadPriority()
		out <- fn()
	}()
	return <-out
}

// hashPassword returns the stored form of a new password.
func hashPassword(pw string) (string, error) {
	if len(pw) > maxPasswordBytes {
		return "", errPasswordTooLong
	}
	type result struct {
		h   []byte
		err error
	}
	res := withPasswordSlot(func() result {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
		return result{h, err}
	})
	h, err := res.h, res.err
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// verifyPassword reports whether pw matches the stored hash. When it does
// and the hash is of an older scheme (or a lower bcrypt cost), upgraded is
// its replacement, to be stored; else upgraded is "".
func verifyPassword(hash, pw string) (ok bool, upgraded string) {
	if rest, isPBKDF2 := strings.CutPrefix(hash, "pbkdf2$"); isPBKDF2 {
		if !checkLegacyPBKDF2(rest, pw) {
			return false, ""
		}
	} else {
		if len(pw) > maxPasswordBytes || withPasswordSlot(func() error { return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) }) != nil {
			return false, ""
		}
		if c, err := bcrypt.Cost([]byte(hash)); err == nil && c >= bcryptCost {
			return true, ""
		}
	}
	h, err := hashPassword(pw)
	if err != nil {
		return true, "" // keep the old hash; the password still matched
	}
	return true, h
}

// checkLegacyPBKDF2 verifies "salt$key" of a PBKDF2-SHA256 hash.
func checkLegacyPBKDF2(saltKey, pw string) bool {
	salt64, key64, found := strings.Cut(saltKey, "$")
	salt, err1 := base64.RawStdEncoding.DecodeString(salt64)
	want, err2 := base64.RawStdEncoding.DecodeString(key64)
	if !found || err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, pw, salt, 4096, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

// upgradePasswordHash stores upgraded as userID's password hash, unless the
// hash changed since old was read (the password was set meanwhile). A
// failure is logged, not returned: the sign-in itself succeeded.
func (inst *Instance) upgradePasswordHash(ctx context.Context, userID, old, upgraded string) {
	if upgraded == "" {
		return
	}
	err := inst.store.update(ctx, func(t *txn) error {
		var u user
		if err := t.get(kindUser, userID, &u); err != nil || u.PasswordHash != old {
			return err
		}
		u.PasswordHash = upgraded
		return t.put(kindUser, u.ID, &u)
	})
	if err != nil {
		inst.log.Warn("localclerk: could not upgrade a password hash", "user", userID, "err", err)
	}
}
