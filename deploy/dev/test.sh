#!/usr/bin/env bash
# `make test`: unit and integration tests. Starts ONE private stack (Postgres, Temporal, MinIO) on free loopback
# ports in a temporary folder, names it to every test package through SKILLCERT_TEST_STACK (see internal/devstack),
# runs go test, and always stops the stack and deletes the folder afterwards, also on failure or Ctrl-C.
#
#   deploy/dev/test.sh [go test arguments]     (default: -count=1 -timeout 60m ./...)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$DEV_DIR/setup.sh"
"$DEV_DIR/tools.sh" >/dev/null

dir=$(mktemp -d "${TMPDIR:-/tmp}/skillcert-test-XXXXXX")
chmod 755 "$dir" # the postgres OS user runs the cluster in there
cleanup() {
	SKILLCERT_DATA_DIR="$dir" "$DEV_DIR/stack.sh" down || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Ports found free can be taken before the services bind them; try again with new ones then.
for attempt in 1 2 3; do
	read -r -d '' pg temporal ui minio console < <(free_ports 5) || true
	if out=$(env SKILLCERT_DATA_DIR="$dir" DATABASE_URL= \
		SKILLCERT_PG_PORT="$pg" SKILLCERT_TEMPORAL_PORT="$temporal" SKILLCERT_TEMPORAL_UI_PORT="$ui" \
		SKILLCERT_MINIO_PORT="$minio" SKILLCERT_MINIO_CONSOLE_PORT="$console" \
		SKILLCERT_STACK_WATCH_PID=$$ SKILLCERT_STACK_WATCH_REMOVE=1 \
		"$DEV_DIR/stack.sh" up 2>&1); then
		break
	fi
	if [[ "$out" != *"already in use"* ]] || [ "$attempt" -eq 3 ]; then
		die "test stack did not start: $out"
	fi
done
log "test: stack up in $dir (Postgres :$pg, Temporal :$temporal, MinIO :$minio)"

export SKILLCERT_TEST_STACK="$dir/stack.env"
[ $# -gt 0 ] || set -- -count=1 -timeout 60m ./...
cd "$SKILLCERT_ROOT"
go test "$@"
