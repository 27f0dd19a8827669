#!/usr/bin/env bash
# govulncheck over every module, offline: the vulnerability database is
# built from the OSV files that the golang.org/x/vulndb module carries
# (data/osv), fetched through the Go module proxy, because the database's
# own host is not reachable from CI. Bump VULNDB to refresh the data.
set -euo pipefail
cd "$(dirname "$0")/.."
VULNDB=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018
GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.10.0

src=$(go mod download -json "$VULNDB" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
db="${TMPDIR:-/tmp}/goclerk-vulndb-${VULNDB##*@}"
if [ ! -f "$db/index/db.json" ]; then
  rm -rf "$db"
  # indexdb writes the index/ and ID/ layout govulncheck reads with -db file://.
  (cd "$src" && GOFLAGS=-mod=mod go run ./cmd/indexdb -vulns data/osv -out "$db")
fi
# Advisories accepted with a reason, per module directory. Each one is
# re-examined when the database is bumped.
#   adapters/echo: GO-2026-6875 (Proxy middleware forwards X-Real-IP) and
#   GO-2026-6872 (RealIP trusts X-Forwarded-For) are filed against every
#   echo v4 release with no fixed version; echo v5 fixed both and
#   adapters/echov5 is the adapter we recommend. The adapter calls neither
#   the Proxy middleware nor RealIP; an echo v4 application carries the
#   advisories whether or not it uses goclerk.
accepted() {
  case "$1" in
    adapters/echo) echo "GO-2026-6875 GO-2026-6872" ;;
  esac
}
# Built, not `go run`: go run turns govulncheck's exit code 3 ("found
# vulnerabilities") into 1, which cannot be told from a failure.
bin="${TMPDIR:-/tmp}/goclerk-govulncheck"
GOBIN="$bin" go install "$GOVULNCHECK"
status=0
for dir in $(go list -m -f '{{.Dir}}'); do
  rel=${dir#"$PWD"}; rel=${rel#/}; rel=${rel:-.}
  echo "-- govulncheck $rel"
  rc=0
  out=$(cd "$dir" && "$bin/govulncheck" -db "file://$db" ./... 2>&1) || rc=$?
  echo "$out"
  case $rc in
    0) continue ;;
    3) ;; # vulnerabilities found: only accepted ones may remain
    *) status=1; continue ;;
  esac
  for id in $(echo "$out" | sed -n 's/^Vulnerability #[0-9]*: \(GO-[0-9-]*\)$/\1/p'); do
    case " $(accepted "$rel") " in
      *" $id "*) echo "   $id accepted for $rel (see .ci/govulncheck.sh)" ;;
      *) echo "   $id is not accepted for $rel"; status=1 ;;
    esac
  done
done
exit "$status"
