#!/usr/bin/env bash
# Installs the OS packages the dev stack and the tests need, only when they are missing:
#   postgresql            initdb/pg_ctl for the private Postgres cluster (skipped when DATABASE_URL is set)
#   poppler-utils         pdftotext, used by tests that read generated PDFs
#   fonts-droid-fallback  DroidSansFallbackFull.ttf, the CJK font embedded in generated PDFs
#   fonts-dejavu-core     DejaVuSans.ttf, for digits and Latin letters (the CJK font has none)
#   chromium              headless browser of the web UI tests (web/uitest)
#   bubblewrap            bwrap, the sandbox of pdfinfo/pdftotext (namespaces; inspect/README.md)
# Installs only as root with apt-get; otherwise prints the command to run. Silent when nothing is missing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

missing=()
if [ -z "${DATABASE_URL:-}" ] && ! pg_bindir >/dev/null; then
	missing+=(postgresql)
fi
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ -f "$CJK_FONT" ] || missing+=(fonts-droid-fallback)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	log "setup: missing OS packages: ${missing[*]}"
	log "setup: install them with: sudo apt-get install -y ${missing[*]}"
	# Postgres is required to run the stack; the others only matter for PDF features and their tests.
	for p in "${missing[@]}"; do
		[ "$p" = postgresql ] && die "postgresql is required (or set DATABASE_URL)"
	done
	exit 0
fi

log "setup: installing ${missing[*]} (apt-get) ..."
aptlog=$(mktemp "${TMPDIR:-/tmp}/skillcert-apt.XXXXXX")
if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$aptlog" 2>&1; then
	tail -n 30 "$aptlog" >&2
	die "apt-get install ${missing[*]} failed (full log: $aptlog)"
fi
rm -f "$aptlog"
log "setup: installed ${missing[*]}"
