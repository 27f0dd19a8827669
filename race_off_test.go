//go:build !race

package clerk_test

const raceEnabled = false
