#!/usr/bin/env bash
# Interop test: Clerk's own @clerk/express and @clerk/backend (pinned in
# package.json / package-lock.json) against localclerk, built from this
# repository. Installs its npm dependencies into interop/node_modules,
# starts localclerk/cmd/localclerk on loopback with a temporary seeded data file, runs
# check.mjs and prints its final "N passed, M failed" line. Exit status 0
# only when every check passed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"

command -v node >/dev/null || { echo "interop: node is not installed"; echo "0 passed, 1 failed"; exit 1; }

# npm ci only when the lock file changed since the last install.
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
stamp="$here/node_modules/.goclerk-lock-sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "interop: npm ci"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi

tmp="$(mktemp -d)"
lc_pid=""
cleanup() {
  if [ -n "$lc_pid" ] && kill -0 "$lc_pid" 2>/dev/null; then
    kill "$lc_pid" 2>/dev/null || true
    wait "$lc_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$root" && go build -o "$tmp/localclerk" ./localclerk/cmd/localclerk)
# check.mjs listens for localclerk's webhooks on a free loopback port.
webhook_port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
"$tmp/localclerk" -addr 127.0.0.1:0 -data "$tmp/localclerk.db" -seed -refresh-cookie -env-file "$tmp/env" \
  -webhook-url "http://127.0.0.1:$webhook_port/webhooks" >"$tmp/banner" 2>"$tmp/log" &
lc_pid=$!

for _ in $(seq 1 200); do
  grep -q '^Press Ctrl+C' "$tmp/banner" 2>/dev/null && break
  if ! kill -0 "$lc_pid" 2>/dev/null; then
    echo "interop: localclerk exited before it was ready:"; cat "$tmp/banner" "$tmp/log"
    echo "0 passed, 1 failed"; exit 1
  fi
  sleep 0.05
done
if ! grep -q '^Press Ctrl+C' "$tmp/banner"; then
  echo "interop: localclerk did not start within 10 s:"; cat "$tmp/banner" "$tmp/log"
  echo "0 passed, 1 failed"; exit 1
fi

# The instance's environment, read back the way the README tells users to
# load it: set -a; . the -env-file.
envline() { (set -a; . "$tmp/env"; set +a; printenv "$1"); }
INTEROP_PUBLISHABLE_KEY="$(envline CLERK_PUBLISHABLE_KEY)"
INTEROP_SECRET_KEY="$(envline CLERK_SECRET_KEY)"
INTEROP_API_URL="$(envline CLERK_API_URL)"
INTEROP_FAPI_URL="$(envline CLERK_FAPI_URL)"
INTEROP_MACHINE_SECRET="$(envline CLERK_MACHINE_SECRET_KEY)"
INTEROP_API_KEY="$(sed -n 's/^ *API key  *//p' "$tmp/banner" | head -n1)"
INTEROP_ENV_FILE="$tmp/env"
INTEROP_WEBHOOK_PORT="$webhook_port"
INTEROP_WEBHOOK_SECRET="$(envline CLERK_WEBHOOK_SIGNING_SECRET)"
export INTEROP_PUBLISHABLE_KEY INTEROP_SECRET_KEY INTEROP_API_URL INTEROP_FAPI_URL INTEROP_MACHINE_SECRET INTEROP_API_KEY INTEROP_ENV_FILE \
  INTEROP_WEBHOOK_PORT INTEROP_WEBHOOK_SECRET

# Only the explicit options configure the SDKs: no CLERK_* from the caller.
set +e
env $(env | sed -n 's/^\(CLERK_[A-Za-z0-9_]*\)=.*/-u \1/p') CLERK_TELEMETRY_DISABLED=1 \
  node "$here/check.mjs" 2>&1 | tee "$tmp/checks"
status=${PIPESTATUS[0]}
set -e
summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/checks" | tail -n1 || true)"
if [ -z "$summary" ]; then
  summary="0 passed, 1 failed"
  [ "$status" -ne 0 ] || status=1
fi
if [ "$status" -ne 0 ]; then
  echo "interop: localclerk log:"; sed 's/^/  /' "$tmp/log"
  echo "$summary"
fi
exit "$status"
