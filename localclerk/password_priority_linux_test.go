package localclerk

import (
	"runtime"
	"syscall"
	"testing"
)

// threadNice is the calling thread's nice value. The raw getpriority
// system call answers 20 - nice.
func threadNice(t *testing.T) int {
	t.Helper()
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		t.Error(err) // Error, not Fatal: called from other goroutines too
	}
	return 20 - p
}

// TestPasswordWorkRunsAtLowestPriority: a bcrypt computation runs on a
// thread at nice 19, and the threads that run everything else keep their
// priority afterwards.
func TestPasswordWorkRunsAtLowestPriority(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := threadNice(t)
	inside := withPasswordSlot(func() int { return threadNice(t) })
	if inside != 19 {
		t.Errorf("nice inside the password slot = %d, want 19", inside)
	}
	if after := threadNice(t); after != before {
		t.Errorf("the caller's thread went from nice %d to %d", before, after)
	}
	// Many rounds: no lowered thread is handed back to the scheduler.
	for range 20 {
		withPasswordSlot(func() int { return 0 })
	}
	done := make(chan int)
	for range 8 {
		go func() { done <- threadNice(t) }()
	}
	for range 8 {
		if n := <-done; n != before {
			t.Errorf("a goroutine after the password work ran at nice %d, want %d", n, before)
		}
	}
}
