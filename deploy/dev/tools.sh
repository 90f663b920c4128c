#!/usr/bin/env bash
# Builds the pinned tools into the cache, once, keyed by version, and prints their paths as shell assignments:
#   deploy/dev/tools.sh [temporal] [minio] [sqlc] [mailpit]     (default: temporal minio)
#   eval "$(deploy/dev/tools.sh)"                      # sets SKILLCERT_TEMPORAL_BIN, SKILLCERT_MINIO_BIN
# Concurrent callers wait on a lock instead of building twice. Progress goes to stderr; stdout has only the paths.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v go >/dev/null 2>&1 || die "go is not on PATH"

# build NAME PACKAGE@VERSION TARGET [ENV...] runs go install into a temporary GOBIN and moves the result to TARGET.
build() {
	local name="$1" pkg="$2" target="$3" tmp blog
	shift 3
	[ -x "$target" ] && return 0
	mkdir -p "$CACHE/bin"
	exec 8>"$CACHE/bin/.build.lock"
	flock 8
	if [ -x "$target" ]; then # built by someone else while we waited
		exec 8>&-
		return 0
	fi
	log "tools: building $pkg (first run only; this takes a few minutes) ..."
	tmp=$(mktemp -d "$CACHE/bin/.build-$name.XXXXXX")
	blog="$tmp/build.log"
	local start=$SECONDS
	if ! (cd / && env GOBIN="$tmp" GOFLAGS= "$@" go install "$pkg") >"$blog" 2>&1; then
		tail -n 30 "$blog" >&2
		cp "$blog" "$CACHE/bin/build-$name.log" 2>/dev/null || true
		rm -rf "$tmp"
		exec 8>&-
		die "building $pkg failed (log: $CACHE/bin/build-$name.log)"
	fi
	mkdir -p "$(dirname "$target")"
	mv -f "$tmp/$(basename "$target")" "$target"
	rm -rf "$tmp"
	exec 8>&-
	log "tools: built $target in $((SECONDS - start)) s"
}

want=("$@")
[ ${#want[@]} -eq 0 ] && want=(temporal minio)
for tool in "${want[@]}"; do
	case "$tool" in
	temporal)
		build temporal "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION" "$TEMPORAL_BIN"
		printf 'SKILLCERT_TEMPORAL_BIN=%s\n' "$TEMPORAL_BIN"
		;;
	minio)
		build minio "github.com/minio/minio@$MINIO_VERSION" "$MINIO_BIN"
		printf 'SKILLCERT_MINIO_BIN=%s\n' "$MINIO_BIN"
		;;
	sqlc)
		build sqlc "github.com/sqlc-dev/sqlc/cmd/sqlc@$SQLC_VERSION" "$SQLC_BIN" CGO_ENABLED=1
		printf 'SKILLCERT_SQLC_BIN=%s\n' "$SQLC_BIN"
		;;
	mailpit) # local SMTP server with a web inbox, for the e-mail reminders in make dev and the tests
		MAILPIT_VERSION="${MAILPIT_VERSION:-v1.33.1}"
		MAILPIT_BIN="$CACHE/bin/mailpit-$MAILPIT_VERSION/mailpit"
		build mailpit "github.com/axllent/mailpit@$MAILPIT_VERSION" "$MAILPIT_BIN"
		printf 'SKILLCERT_MAILPIT_BIN=%s\n' "$MAILPIT_BIN"
		;;
	*) die "unknown tool $tool (want temporal, minio, sqlc or mailpit)" ;;
	esac
done
