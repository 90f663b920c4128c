#!/usr/bin/env bash
# `make vuln`: checks the module's dependencies, and the Go standard library, against the Go vulnerability
# database with govulncheck (pinned, built once into the tool cache).
#
# The database lives on the internet. When it (or the module proxy, to build govulncheck the first time)
# cannot be reached, this says so plainly and exits 0: a network error never fails CI. Vulnerabilities that
# the code actually reaches exit 3, as govulncheck does.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GOVULNCHECK_VERSION="${GOVULNCHECK_VERSION:-v1.9.0}"
bin="$CACHE/bin/govulncheck-$GOVULNCHECK_VERSION/govulncheck"

network_error() {
	grep -qiE 'dial tcp|no such host|connection refused|i/o timeout|network is unreachable|tls: |TLS handshake|proxyconnect|could not (fetch|download)|fetching vulnerabilities|server misbehaving|status code [45][0-9][0-9]|context deadline exceeded' <<<"$1"
}

if [ ! -x "$bin" ]; then
	log "vuln: building govulncheck $GOVULNCHECK_VERSION (first run only) ..."
	tmp=$(mktemp -d)
	if ! out=$(cd / && GOBIN="$tmp" GOFLAGS= go install "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION" 2>&1); then
		rm -rf "$tmp"
		if network_error "$out"; then
			log "vuln: SKIPPED: govulncheck could not be built because the module proxy is unreachable:"
			log "$(tail -n 3 <<<"$out")"
			exit 0
		fi
		log "$out"
		die "vuln: building govulncheck failed"
	fi
	mkdir -p "$(dirname "$bin")"
	mv -f "$tmp/govulncheck" "$bin"
	rm -rf "$tmp"
fi

cd "$SKILLCERT_ROOT" || exit 1
out=$("$bin" ./... 2>&1)
rc=$?
case "$rc" in
0)
	printf '%s\n' "$out"
	log "vuln: no known vulnerability reaches the code (database checked)"
	;;
3)
	printf '%s\n' "$out"
	log "vuln: known vulnerabilities reach the code (above)"
	;;
*)
	if network_error "$out"; then
		log "vuln: SKIPPED: the Go vulnerability database is unreachable from here, nothing was checked:"
		log "$(tail -n 3 <<<"$out")"
		exit 0
	fi
	printf '%s\n' "$out"
	log "vuln: govulncheck failed (exit $rc)"
	;;
esac
exit "$rc"
