package localclerk

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// The Clerk browser SDK pair localclerk serves and is tested with. clerk-js
// and @clerk/ui are released together; a ui build only loads into the
// clerk-js versions it was built for, so both are pinned as a pair.
const (
	ClerkJSVersion = "6.40.0"
	ClerkUIVersion = "1.36.0"
)

// bundlePackages maps the URL package name to its pinned version.
var bundlePackages = map[string]string{"clerk-js": ClerkJSVersion, "ui": ClerkUIVersion}

// DefaultBundleDir is where InstallBundles puts the packages by default
// and where an instance looks for them when Options.BundleDir is empty:
// <user cache dir>/goclerk/npm. LOCALCLERK_BUNDLE_DIR overrides it.
func DefaultBundleDir() string {
	if d := os.Getenv("LOCALCLERK_BUNDLE_DIR"); d != "" {
		return d
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "goclerk-npm")
	}
	return filepath.Join(dir, "goclerk", "npm")
}

// bundleRoot is the directory of one installed package: <dir>/<name>@<version>.
func bundleRoot(dir, name, version string) string {
	return filepath.Join(dir, name+"@"+version)
}

// BundlesInstalled reports whether the pinned clerk-js and ui packages are
// unpacked in dir.
func BundlesInstalled(dir string) bool {
	for name, v := range bundlePackages {
		if _, err := os.Stat(filepath.Join(bundleRoot(dir, name, v), "dist")); err != nil {
			return false
		}
	}
	return true
}

// InstallBundles downloads the pinned @clerk/clerk-js and @clerk/ui
// packages with `npm pack` (the only network use, and only here) and
// unpacks them into dir. Installed packages are left alone. Only the
// prebuilt browser bundles are used, so no dependencies are installed.
func InstallBundles(ctx context.Context, dir string) error {
	if BundlesInstalled(dir) {
		return nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return errors.New("localclerk: npm is needed to install Clerk's browser bundles (install Node.js)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("localclerk: create %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(dir, ".pack-")
	if err != nil {
		return fmt.Errorf("localclerk: %w", err)
	}
	defer os.RemoveAll(tmp)
	for name, v := range bundlePackages {
		spec := "@clerk/" + name + "@" + v
		cmd := exec.CommandContext(ctx, npm, "pack", "--silent", "--pack-destination", tmp, spec)
		cmd.Dir = tmp
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("localclerk: npm pack %s: %w\n%s", spec, err, out)
		}
		tgz := filepath.Join(tmp, strings.TrimSpace(lastLine(string(out))))
		staging := filepath.Join(tmp, name)
		if err := untarPackage(tgz, staging); err != nil {
			return fmt.Errorf("localclerk: unpack %s: %w", spec, err)
		}
		dst := bundleRoot(dir, name, v)
		os.RemoveAll(dst)
		if err := os.Rename(staging, dst); err != nil {
			return fmt.Errorf("localclerk: install %s: %w", spec, err)
		}
	}
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// untarPackage extracts an npm tarball (whose entries sit under
// "package/") into dst, refusing entries that would escape it.
func untarPackage(tgz, dst string) error {
	f, err := os.Open(tgz)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		rel, ok := strings.CutPrefix(path.Clean(h.Name), "package/")
		if !ok || rel == "" || strings.HasPrefix(rel, "../") {
			continue
		}
		p := filepath.Join(dst, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		out, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, io.LimitReader(tr, 64<<20))
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
}

// bundleVersionMatches accepts the version selectors Clerk's SDKs put in
// script URLs: the exact version, its major ("6"), or "latest".
func bundleVersionMatches(requested, pinned string) bool {
	major, _, _ := strings.Cut(pinned, ".")
	return requested == pinned || requested == major || requested == "latest"
}

// handleBundle serves /npm/@clerk/<name>@<version>/dist/<file> from the
// locally installed packages; never from a CDN.
func (inst *Instance) handleBundle(w http.ResponseWriter, r *http.Request) {
	spec := r.PathValue("spec")
	name, version, _ := strings.Cut(spec, "@")
	pinned, ok := bundlePackages[name]
	file := path.Clean("/" + r.PathValue("file"))
	if !ok || !bundleVersionMatches(version, pinned) || strings.Contains(file, "..") {
		http.Error(w, fmt.Sprintf("localclerk serves @clerk/clerk-js@%s and @clerk/ui@%s only (asked for @clerk/%s)", ClerkJSVersion, ClerkUIVersion, spec), http.StatusNotFound)
		return
	}
	dir := inst.opts.BundleDir
	if dir == "" {
		dir = DefaultBundleDir()
	}
	p := filepath.Join(bundleRoot(dir, name, pinned), "dist", filepath.FromSlash(file))
	fi, err := os.Stat(p)
	if err != nil || fi.IsDir() {
		if !BundlesInstalled(dir) {
			inst.log.Warn("localclerk: Clerk's browser bundles are not installed", "dir", dir)
			http.Error(w, fmt.Sprintf("localclerk: Clerk's browser bundles are not installed in %s.\n"+
				"Install them once (uses npm): go run github.com/goclerk/clerk/examples/clerkjs -install-bundles\n"+
				"or call localclerk.InstallBundles, or set Options.BundleDir / LOCALCLERK_BUNDLE_DIR.", dir), http.StatusNotFound)
			return
		}
		http.NotFound(w, r)
		return
	}
	if ct := mime.TypeByExtension(path.Ext(file)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if path.Ext(file) == ".js" {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	// Scripts are loaded with crossorigin="anonymous" from the app's pages.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeFile(w, r, p)
}
