package localclerk

import "syscall"

// lowerThreadPriority sets the calling thread's nice value to 19, the
// lowest priority. On Linux, setpriority with a thread id affects that
// thread only; the caller is locked to it. Raising the nice value needs no
// privilege. A failure leaves the thread at normal priority, which is
// only slower for the others.
func lowerThreadPriority() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
}
