#!/usr/bin/env bash
# Vets and tests every nested adapter module (each has its own go.mod, so
# `go test ./...` at the repository root does not reach them).
# Usage: adapters/test.sh [extra go test flags]
set -euo pipefail
cd "$(dirname "$0")"
status=0
for mod in chi connect echo echov5 fiber gin grpc; do
	echo "== adapters/$mod"
	if ! (cd "$mod" && go vet ./... && go test -race "$@" ./...); then
		echo "FAIL adapters/$mod"
		status=1
	fi
done
exit "$status"
