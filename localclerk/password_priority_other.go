//go:build !linux

package localclerk

// lowerThreadPriority does nothing where no per-thread priority is
// available from the standard library; the password gate still leaves a P
// free for other requests.
func lowerThreadPriority() {}
