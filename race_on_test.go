//go:build race

package clerk_test

// raceEnabled tells TestModules to pass -race to the nested modules.
const raceEnabled = true
