package localclerk

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// privateDataFile makes the data file readable by its owner only: it holds
// the signing key, the secret key and password hashes. A missing file is
// created empty with mode 0600 (an empty file is an empty SQLite
// database); SQLite gives the -wal and -shm files it creates the main
// file's mode. An existing file and its -wal/-shm, perhaps written by an
// earlier version, lose any group and other permissions.
func privateDataFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("localclerk: create data file %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("localclerk: data file %s: %w", p, err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, st.Mode().Perm()&0o700); err != nil {
				return fmt.Errorf("localclerk: make data file %s private: %w", p, err)
			}
		}
	}
	return nil
}
