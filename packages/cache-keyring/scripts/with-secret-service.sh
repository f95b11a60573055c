#!/usr/bin/env bash
# Runs a command in a private D-Bus session with gnome-keyring's Secret Service, its login
# keyring created and unlocked with a throwaway password in a temporary data directory, so no
# real keyring is touched. What .ci/run uses for the keyring cache's conformance run; the
# tests start the same session themselves (test/secret-service.ts).
#   packages/cache-keyring/scripts/with-secret-service.sh node conformance/dist/bin.js ...
set -euo pipefail
if [ -z "${OIDCFLOW_IN_SECRET_SERVICE:-}" ]; then
  exec env OIDCFLOW_IN_SECRET_SERVICE=1 dbus-run-session -- "$0" "$@"
fi
data="$(mktemp -d)"
printf %s oidcflow-test-keyring |
  XDG_DATA_HOME="$data" gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
keyring=$!
trap 'kill "$keyring" 2>/dev/null || true; rm -rf "$data"' EXIT
# Ready when the Secret Service name is owned on the bus (bounded: 100 × 0.1 s).
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
    string:org.freedesktop.secrets 2>/dev/null | grep -q true; then
    "$@"
    exit $?
  fi
  sleep 0.1
done
echo "gnome-keyring-daemon did not start a Secret Service within 10 s" >&2
exit 1
