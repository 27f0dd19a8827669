//go:build !amd64 || purego

package rsaverify

// Without the amd64 kernel crypto/rsa is faster than Montgomery
// arithmetic in Go, so every key is verified there.
const kernelBuilt, haveKernel = false, false

func montLoop(t, x, y, n []uint64, n0 uint64) uint64 { panic("rsaverify: no kernel") }
