package localclerk

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
)

// Errors Start returns for a data file it cannot use, for callers (and
// cmd/localclerk) that branch on the cause. Each comes wrapped with the
// file's path and what to do.
var (
	// ErrDataFileInUse: another localclerk holds the data file.
	ErrDataFileInUse = errors.New("localclerk: data file in use")
	// ErrDataFileReadOnly: the data file, or its directory, cannot be
	// written.
	ErrDataFileReadOnly = errors.New("localclerk: data file is read-only")
	// ErrDiskFull: the disk (or SQLite's page limit) has no room to write
	// the data file.
	ErrDiskFull = errors.New("localclerk: disk full")
)

// SQLite's primary result codes that name a cause the user can act on.
const (
	sqliteReadOnly = 8
	sqliteFull     = 13
)

// classifyStoreError gives a write failure of the data file its cause:
// SQLite reports a full disk and a read-only file (or directory, for the
// -wal and -shm files) with result codes, which the extended codes keep in
// their low byte.
func classifyStoreError(path string, err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqliteFull:
		return fmt.Errorf("%w: no room to write data file %s; free some space: %w", ErrDiskFull, path, err)
	case sqliteReadOnly:
		return fmt.Errorf("%w: cannot write data file %s or its directory (-wal, -shm files): %w", ErrDataFileReadOnly, path, err)
	}
	return err
}
