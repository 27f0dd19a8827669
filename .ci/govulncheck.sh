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
status=0
for dir in $(go list -m -f '{{.Dir}}'); do
  echo "-- govulncheck ${dir#"$PWD"}"
  (cd "$dir" && go run "$GOVULNCHECK" -db "file://$db" ./...) || status=1
done
exit "$status"
