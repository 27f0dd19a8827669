//go:build unix

package localclerk

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockDataFile takes an exclusive advisory lock (flock) on the data file,
// held until the returned file is closed, so that a second localclerk on
// the same file is refused instead of sharing it. flock locks are apart
// from the fcntl locks SQLite takes, so they do not disturb SQLite's own
// locking. The file is opened for writing (created, mode 0600, when
// missing), which is also where a data file the user cannot write is
// reported, before anything else reads it.
func lockDataFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return nil, fmt.Errorf("%w: %s cannot be written (or created) by this user: %v; localclerk needs to write its data file", ErrDataFileReadOnly, path, err)
		}
		return nil, fmt.Errorf("localclerk: open data file %s: %w", path, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			break
		}
	}
	switch {
	case err == nil:
		return f, nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		f.Close()
		return nil, fmt.Errorf("%w: %s is open in another localclerk; stop it or pass another -data file", ErrDataFileInUse, path)
	default:
		// A file system without flock support: run unlocked rather than
		// not at all.
		return f, nil
	}
}
