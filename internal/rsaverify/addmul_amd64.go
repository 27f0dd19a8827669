//go:build !purego

package rsaverify

import "golang.org/x/sys/cpu"

// kernelBuilt: this build has the assembly kernel.
const kernelBuilt = true

// haveKernel: the kernel needs MULX (BMI2) and ADCX/ADOX (ADX).
var haveKernel = cpu.X86.HasBMI2 && cpu.X86.HasADX

// addMulVVW sets z += x·y and returns the carry word. len(z) == len(x), a
// positive multiple of 8.
//
//go:noescape
func addMulVVW(z, x []uint64, y uint64) (carry uint64)
