//go:build !unix

package localclerk

import (
	"errors"
	"fmt"
	"os"
)

// lockDataFile opens the data file for writing, reporting one the user
// cannot write; a second instance is not detected on this platform.
func lockDataFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return nil, fmt.Errorf("%w: %s cannot be written (or created) by this user: %v; localclerk needs to write its data file", ErrDataFileReadOnly, path, err)
		}
		return nil, fmt.Errorf("localclerk: open data file %s: %w", path, err)
	}
	return f, nil
}
