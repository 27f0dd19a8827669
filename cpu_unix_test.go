//go:build unix

package clerk

import (
	"syscall"
	"testing"
)

// reportCPU adds cpu-ns/op, the process's CPU time (user+sys, GC included)
// per operation: on a host shared with other jobs it moves far less than
// the wall time. Call it after the setup; run the returned func at the end.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
