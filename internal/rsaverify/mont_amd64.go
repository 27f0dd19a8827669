//go:build !purego

package rsaverify

import "golang.org/x/sys/cpu"

// kernelBuilt: this build has the assembly kernel.
const kernelBuilt = true

// haveKernel: montLoop needs MULX (BMI2) and ADCX/ADOX (ADX).
var haveKernel = cpu.X86.HasBMI2 && cpu.X86.HasADX

// montLoop runs the rows of a Montgomery multiplication of x and y modulo
// n into the zeroed t (2·len(n) words) and returns the carry out of the
// top word: the result is t[len(n):] + carry·R. len(n) is a positive
// multiple of 8.
//
//go:noescape
func montLoop(t, x, y, n []uint64, n0 uint64) (carry uint64)
