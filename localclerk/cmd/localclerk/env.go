package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// envFileHeader marks a file localclerk wrote; only such a file is
// overwritten, so an app's own .env is never clobbered.
const envFileHeader = "# Written by localclerk: the environment that points an app at it."

// defaultDataFile keeps the instance in the user's cache directory, out of
// the project localclerk is started from; .localclerk/ (ignored by this
// repository's .gitignore) when there is no cache directory.
func defaultDataFile() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "localclerk", "localclerk.db")
	}
	return filepath.Join(".localclerk", "localclerk.db")
}

// shellLine quotes the value of a NAME=value line so that a POSIX shell
// (and dotenv loaders) read it back unchanged: single quotes, with any
// single quote written as '\”.
func shellLine(line string) string {
	name, value, _ := strings.Cut(line, "=")
	return name + "=" + shellQuote(value)
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellPath quotes a path for the hint printed in the banner when it has
// characters a shell would split or expand.
func shellPath(p string) string {
	if p != "" && strings.Trim(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/+") == "" {
		if !strings.Contains(p, "/") {
			return "./" + p // '.' looks a bare name up in PATH
		}
		return p
	}
	return shellQuote(p)
}

// writeEnvFile writes the lines as NAME='value', readable by
// `set -a; . FILE` and by dotenv loaders, mode 0600 (it holds the secret
// key). It refuses to replace a file localclerk did not write.
func writeEnvFile(path string, lines []string) error {
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("env file: %w", err)
	default:
		first, _, _ := bytes.Cut(old, []byte("\n"))
		if string(first) != envFileHeader {
			return fmt.Errorf("env file %s exists and was not written by localclerk; not overwriting it (choose another -env-file)", path)
		}
	}
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	fmt.Fprintln(w, envFileHeader)
	fmt.Fprintln(w, "# Load it with: set -a; . FILE; set +a   (or any dotenv loader)")
	for _, l := range lines {
		fmt.Fprintln(w, shellLine(l))
	}
	w.Flush()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".localclerk-env-*")
	if err != nil {
		return fmt.Errorf("env file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("env file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("env file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("env file: %w", err)
	}
	return nil
}
