# shellcheck shell=bash disable=SC2034 # the variables are used by the scripts sourcing this file
# Shared settings and helpers for the dev-stack scripts. Source it; do not run it.
#
# Everything here is configured from the environment:
#   SKILLCERT_CACHE      tool cache (default ~/.cache/skillcert); binaries live in $SKILLCERT_CACHE/bin/<tool>-<version>/
#   SKILLCERT_DATA_DIR   data folder of the stack (default <repo>/.data/dev)

SKILLCERT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEV_DIR="$SKILLCERT_ROOT/deploy/dev"

TEMPORAL_VERSION=v1.5.1
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
SQLC_VERSION=v1.31.1
# The production profile (deploy/prod): the real Temporal server, its SQL schema tool and the Web UI server.
TEMPORAL_SERVER_VERSION=v1.29.1
TEMPORAL_UI_SERVER_VERSION=v2.42.1

CACHE="${SKILLCERT_CACHE:-$HOME/.cache/skillcert}"
TEMPORAL_BIN="$CACHE/bin/temporal-$TEMPORAL_VERSION/temporal"
MINIO_BIN="$CACHE/bin/minio-$MINIO_VERSION/minio"
SQLC_BIN="$CACHE/bin/sqlc-$SQLC_VERSION/sqlc"
TEMPORAL_SERVER_BIN="$CACHE/bin/temporal-server-$TEMPORAL_SERVER_VERSION/server"
TEMPORAL_SQL_TOOL_BIN="$CACHE/bin/temporal-sql-tool-$TEMPORAL_SERVER_VERSION/sql"
TEMPORAL_UI_SERVER_BIN="$CACHE/bin/temporal-ui-server-$TEMPORAL_UI_SERVER_VERSION/server"

# The CJK font used when rendering PDFs (package fonts-droid-fallback).
CJK_FONT=/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf

# log prints a progress line on stderr, so stdout stays machine-readable.
log() { printf '%s\n' "$*" >&2; }

# die prints an error on stderr and exits.
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# abs_path prints the absolute form of a (possibly not yet existing) path.
abs_path() {
	case "$1" in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}

# pg_bindir prints the directory holding initdb/pg_ctl, preferring the newest /usr/lib/postgresql/<v>/bin.
pg_bindir() {
	local best
	best=$(for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && echo "$d"; done | sort -V | tail -n1)
	if [ -z "$best" ] && command -v initdb >/dev/null 2>&1; then
		best="$(dirname "$(readlink -f "$(command -v initdb)")")"
	fi
	[ -n "$best" ] || return 1
	printf '%s\n' "$best"
}

# port_busy succeeds when something listens on 127.0.0.1:$1.
port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# proc_cmdline prints the command line of pid $1 (empty for gone or zombie processes).
proc_cmdline() {
	[ -r "/proc/$1/cmdline" ] || return 0
	tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
}

# owned_pid NAME WORD... prints the pid recorded in $PIDS/NAME.pid when that process is alive and its
# command line contains every WORD; this is how the scripts make sure they only ever signal their own processes.
owned_pid() {
	local name="$1" file pid cmd word
	shift
	file="$PIDS/$name.pid"
	[ -f "$file" ] || return 1
	pid=$(head -n1 "$file" 2>/dev/null)
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	cmd=$(proc_cmdline "$pid")
	[ -n "$cmd" ] || return 1
	for word in "$@"; do
		[[ "$cmd" == *"$word"* ]] || return 1
	done
	printf '%s\n' "$pid"
}

# stop_pid PID LABEL sends SIGTERM, waits up to 20 s, then SIGKILL.
stop_pid() {
	local pid="$1" label="$2" i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 200; i++)); do
		[ -n "$(proc_cmdline "$pid")" ] || return 0
		sleep 0.1
	done
	log "$label (pid $pid) did not stop after 20 s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
}

# data_dir resolves SKILLCERT_DATA_DIR and sets DATA, PIDS and LOGS.
data_dir() {
	DATA="$(abs_path "${SKILLCERT_DATA_DIR:-$SKILLCERT_ROOT/.data/dev}")"
	PIDS="$DATA/pids"
	LOGS="$DATA/logs"
}

# free_ports N prints N distinct loopback ports (below the Linux ephemeral range) on which nothing listens.
free_ports() {
	local n="$1" port found=" "
	while [ $(($(wc -w <<<"$found"))) -lt "$n" ]; do
		port=$((20000 + RANDOM % 12000))
		[[ "$found" == *" $port "* ]] && continue
		port_busy "$port" && continue
		found+="$port "
	done
	# shellcheck disable=SC2086 # split into one port per line
	printf '%s\n' $found
}
