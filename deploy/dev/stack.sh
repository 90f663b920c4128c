#!/usr/bin/env bash
# The dev/test stack: a private Postgres cluster, MinIO and the Temporal dev server, on loopback.
#
#   deploy/dev/stack.sh up       start what is not running, wait until ready, write and print $DATA/stack.env
#   deploy/dev/stack.sh down     stop what this script started (pid file + matching /proc/PID/cmdline only)
#   deploy/dev/stack.sh status   show what runs; exit 0 only when everything runs
#   deploy/dev/stack.sh env      print the environment the stack serves (same as stack.env)
#
# Environment: SKILLCERT_DATA_DIR (default <repo>/.data/dev), SKILLCERT_PG_PORT (55432), SKILLCERT_TEMPORAL_PORT (7233),
# SKILLCERT_TEMPORAL_UI_PORT (8233), SKILLCERT_MINIO_PORT (9000), SKILLCERT_MINIO_CONSOLE_PORT (9001),
# SKILLCERT_MINIO_ACCESS_KEY, SKILLCERT_MINIO_SECRET_KEY, SKILLCERT_CODEC_ENDPOINT (default: /codec of
# SKILLCERT_PUBLIC_URL or of SKILLCERT_HTTP_ADDR), SKILLCERT_TEMPORAL_UI_SERVER_BIN (run the Temporal UI as its own
# process), DATABASE_URL (use it instead of a
# private cluster), SKILLCERT_STACK_WATCH_PID (stop the stack by itself once that process is gone; used by tests;
# with SKILLCERT_STACK_WATCH_REMOVE=1 it also deletes the data folder then).
# Data persists across up/down in $SKILLCERT_DATA_DIR.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
data_dir

PG_PORT="${SKILLCERT_PG_PORT:-55432}"
TEMPORAL_PORT="${SKILLCERT_TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${SKILLCERT_TEMPORAL_UI_PORT:-8233}"
MINIO_PORT="${SKILLCERT_MINIO_PORT:-9000}"
MINIO_CONSOLE_PORT="${SKILLCERT_MINIO_CONSOLE_PORT:-9001}"
MINIO_ACCESS_KEY="${SKILLCERT_MINIO_ACCESS_KEY:-skillcert}"
MINIO_SECRET_KEY="${SKILLCERT_MINIO_SECRET_KEY:-skillcert-dev-secret}"
# The gateway's codec server, for the Temporal Web UI: derived from where the gateway listens, on every start.
codec_default() {
	local addr="${SKILLCERT_HTTP_ADDR:-127.0.0.1:8080}" host
	[ -z "${SKILLCERT_PUBLIC_URL:-}" ] || { printf '%s/codec\n' "${SKILLCERT_PUBLIC_URL%/}"; return; }
	host="${addr%:*}"
	case "$host" in "" | 0.0.0.0 | "[::]") host=127.0.0.1 ;; esac
	printf 'http://%s:%s/codec\n' "$host" "${addr##*:}"
}
CODEC_ENDPOINT="${SKILLCERT_CODEC_ENDPOINT:-$(codec_default)}"
PGDATA_DIR="$DATA/pg"
STACK_SH="$DEV_DIR/stack.sh"

# Search attributes of the project (see workflows/); registered at start and checked on every start.
SEARCH_ATTRIBUTES=(
	SkillcertStatus=Keyword
	SkillcertRegion=Keyword
	SkillcertBatch=Keyword
	SkillcertOccupation=Keyword
	SkillcertLevel=Int
)

# ---- Postgres ---------------------------------------------------------------------------------------------

# pg_setup sets PGBIN, PG_OS_USER and as_pg (runs a command as the OS user owning the cluster; initdb refuses root).
pg_setup() {
	PGBIN="$(pg_bindir)" || die "initdb not found; run deploy/dev/setup.sh or set DATABASE_URL"
	if [ "$(id -u)" -ne 0 ]; then
		PG_OS_USER="$(id -un)"
		as_pg() { "$@"; }
		return
	fi
	PG_OS_USER=postgres
	if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
		PG_OS_USER=skillcert-pg
		id -u "$PG_OS_USER" >/dev/null 2>&1 ||
			useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_OS_USER"
	fi
	as_pg() { runuser -u "$PG_OS_USER" -- "$@"; }
	as_pg test -x "$DATA" ||
		die "user $PG_OS_USER cannot reach $DATA; make its parent folders traversable (chmod o+x) or choose another SKILLCERT_DATA_DIR"
}

pg_running() {
	[ -f "$PGDATA_DIR/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" status -D "$PGDATA_DIR" >/dev/null 2>&1
}

pg_up() {
	pg_setup
	if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
		rm -rf "$PGDATA_DIR"
		mkdir -p "$PGDATA_DIR"
		chown "$PG_OS_USER" "$PGDATA_DIR"
		chmod 700 "$PGDATA_DIR"
		as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust --encoding=UTF8 --no-locale \
			>"$LOGS/initdb.log" 2>&1 || { tail -n 20 "$LOGS/initdb.log" >&2; die "initdb failed"; }
	fi
	if ! grep -q '^# skillcert dev/test settings' "$PGDATA_DIR/postgresql.conf"; then
		cat >>"$PGDATA_DIR/postgresql.conf" <<-'CONF'
			# skillcert dev/test settings
			max_connections = 200
			timezone = 'Asia/Shanghai'
		CONF
	fi
	# Every commit is durable: a write the API acknowledged survives a crash of Postgres. Data folders from
	# before this rule had `synchronous_commit = off` in postgresql.conf, and ALTER SYSTEM may have put a
	# weakening setting in postgresql.auto.conf: drop any line that sets synchronous_commit, fsync or
	# full_page_writes, in any spelling, from both, so the durable defaults apply. (Only the load tester may
	# turn synchronous_commit off, on its own private cluster after start, with SKILLCERT_BENCH_UNSAFE_COMMIT=1.)
	for conf in "$PGDATA_DIR/postgresql.conf" "$PGDATA_DIR/postgresql.auto.conf"; do
		[ -f "$conf" ] && sed -i -E '/^[[:space:]]*(synchronous_commit|fsync|full_page_writes)[[:space:]]*(=|[[:space:]])/d' "$conf"
	done
	if ! pg_running; then
		port_busy "$PG_PORT" && die "port $PG_PORT (SKILLCERT_PG_PORT) is already in use"
		touch "$LOGS/postgres.log"
		chown "$PG_OS_USER" "$LOGS/postgres.log"
		as_pg "$PGBIN/pg_ctl" start -D "$PGDATA_DIR" -w -t 60 -l "$LOGS/postgres.log" \
			-o "-p $PG_PORT -h 127.0.0.1 -k ''" >/dev/null 9>&- ||
			{ tail -n 20 "$LOGS/postgres.log" >&2; die "postgres did not start"; }
	fi
	head -n1 "$PGDATA_DIR/postmaster.pid" >"$PIDS/postgres.pid"
	local i
	for ((i = 0; i < 300; i++)); do
		"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres && break
		sleep 0.1
	done
	"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres || die "postgres on port $PG_PORT is not ready"
	if [ -z "$("$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAqc \
		"SELECT 1 FROM pg_database WHERE datname = 'skillcert'")" ]; then
		"$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres skillcert
	fi
}

pg_down() {
	[ -f "$PGDATA_DIR/PG_VERSION" ] || return 0
	pg_setup
	# Ours: the pid recorded at start, or (when a start was interrupted before recording it) the postmaster
	# of our own data folder.
	if ! owned_pid postgres "$PGDATA_DIR" >/dev/null; then
		local pid
		pid=$(head -n1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)
		if ! [[ "$pid" =~ ^[0-9]+$ ]] || [[ "$(proc_cmdline "$pid")" != *"$PGDATA_DIR"* ]]; then
			rm -f "$PIDS/postgres.pid"
			return 0
		fi
	fi
	as_pg "$PGBIN/pg_ctl" stop -D "$PGDATA_DIR" -m fast -w -t 60 >/dev/null 2>&1 || true
	rm -f "$PIDS/postgres.pid"
}

# ---- MinIO ------------------------------------------------------------------------------------------------

minio_pid() { owned_pid minio "$MINIO_BIN" "$DATA/minio"; }

minio_ready() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$MINIO_PORT/minio/health/live"; }

minio_start() {
	minio_pid >/dev/null && return 0
	[ -x "$MINIO_BIN" ] || die "$MINIO_BIN is missing; run deploy/dev/tools.sh"
	port_busy "$MINIO_PORT" && die "port $MINIO_PORT (SKILLCERT_MINIO_PORT) is already in use"
	port_busy "$MINIO_CONSOLE_PORT" && die "port $MINIO_CONSOLE_PORT (SKILLCERT_MINIO_CONSOLE_PORT) is already in use"
	# A KMS master key, generated once per data folder, so SSE-S3 (server-side encryption) works.
	if [ ! -s "$DATA/minio-kms.key" ]; then
		(umask 077 && printf 'skillcert-dev:%s\n' "$(head -c 32 /dev/urandom | base64)" >"$DATA/minio-kms.key")
	fi
	mkdir -p "$DATA/minio"
	MINIO_ROOT_USER="$MINIO_ACCESS_KEY" MINIO_ROOT_PASSWORD="$MINIO_SECRET_KEY" \
		MINIO_KMS_SECRET_KEY="$(head -n1 "$DATA/minio-kms.key")" MINIO_UPDATE=off MINIO_BROWSER=on \
		setsid "$MINIO_BIN" server "$DATA/minio" --address "127.0.0.1:$MINIO_PORT" \
		--console-address "127.0.0.1:$MINIO_CONSOLE_PORT" --quiet --anonymous \
		>>"$LOGS/minio.log" 2>&1 </dev/null 9>&- &
	echo $! >"$PIDS/minio.pid"
}

# ---- Temporal ---------------------------------------------------------------------------------------------

temporal_pid() { owned_pid temporal "$TEMPORAL_BIN" "$DATA/temporal.sqlite"; }

temporal_ready() {
	"$TEMPORAL_BIN" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" --command-timeout 2s \
		>/dev/null 2>&1
}

temporal_start() {
	temporal_pid >/dev/null && return 0
	[ -x "$TEMPORAL_BIN" ] || die "$TEMPORAL_BIN is missing; run deploy/dev/tools.sh"
	port_busy "$TEMPORAL_PORT" && die "port $TEMPORAL_PORT (SKILLCERT_TEMPORAL_PORT) is already in use"
	port_busy "$TEMPORAL_UI_PORT" && die "port $TEMPORAL_UI_PORT (SKILLCERT_TEMPORAL_UI_PORT) is already in use"
	local args=() sa
	for sa in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa"); done
	# With the ui-server (make dev) the UI is its own process; otherwise (tests) the CLI's embedded UI.
	if ui_on; then
		args+=(--headless)
	else
		args+=(--ui-port "$TEMPORAL_UI_PORT" --ui-codec-endpoint "$CODEC_ENDPOINT")
	fi
	# Activities start from the workflow task's answer (eager) and tasks go to one partition of each
	# queue (four are still read, so a backlog written before drains): a regular activity's round trip
	# went from 40-90 ms to about 10 ms (deploy/loadtest/ROUNDTRIP.md).
	args+=(--dynamic-config-value system.enableActivityEagerExecution=true
		--dynamic-config-value matching.numTaskqueueWritePartitions=1)
	setsid "$TEMPORAL_BIN" server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" \
		--db-filename "$DATA/temporal.sqlite" \
		--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
		"${args[@]}" \
		--log-level warn --log-format json --color never \
		>>"$LOGS/temporal.log" 2>&1 </dev/null 9>&- &
	echo $! >"$PIDS/temporal.pid"
}

# temporal_search_attributes adds project search attributes missing from an older data folder
# (start-dev registers them only when it creates the namespace).
temporal_search_attributes() {
	local have sa
	have=$("$TEMPORAL_BIN" operator search-attribute list --address "127.0.0.1:$TEMPORAL_PORT" \
		--namespace default -o json 2>/dev/null) || die "cannot list Temporal search attributes"
	for sa in "${SEARCH_ATTRIBUTES[@]}"; do
		[[ "$have" == *"\"${sa%%=*}\""* ]] && continue
		"$TEMPORAL_BIN" operator search-attribute create --address "127.0.0.1:$TEMPORAL_PORT" --namespace default \
			--name "${sa%%=*}" --type "${sa#*=}" >/dev/null ||
			die "cannot register search attribute ${sa%%=*}"
	done
}

# ---- common -----------------------------------------------------------------------------------------------

# wait_ready NAME PIDFN READYFN SECONDS waits for READYFN, failing early when the process exits.
wait_ready() {
	local name="$1" pidfn="$2" readyfn="$3" limit="$4" i
	for ((i = 0; i < limit * 4; i++)); do
		"$readyfn" && return 0
		if ! "$pidfn" >/dev/null; then
			tail -n 20 "$LOGS/$name.log" >&2
			die "$name exited during start (log: $LOGS/$name.log)"
		fi
		sleep 0.25
	done
	tail -n 20 "$LOGS/$name.log" >&2
	die "$name not ready after $limit s (log: $LOGS/$name.log)"
}

# ---- Temporal Web UI (only when SKILLCERT_TEMPORAL_UI_SERVER_BIN names the ui-server; make dev does) -------
# Its own process (deploy/dev/temporal-ui.sh) so that its codec settings (endpoint derived above, browser
# credentials on) are configured for the admin; the CLI's embedded UI cannot send credentials by itself.

ui_on() { [ -n "${SKILLCERT_TEMPORAL_UI_SERVER_BIN:-}" ] && [ -x "$SKILLCERT_TEMPORAL_UI_SERVER_BIN" ]; }
ui_pid() { owned_pid temporal-ui "$DATA/temporal-ui"; } # found for `down` without the variable too
ui_ready() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$TEMPORAL_UI_PORT/"; }
ui_start() {
	ui_on || return 0
	local want
	want=$(SKILLCERT_CODEC_ENDPOINT="$CODEC_ENDPOINT" "$DEV_DIR/temporal-ui.sh" config) || die "bad Temporal UI settings"
	if ui_pid >/dev/null; then
		# Restarted when the codec endpoint or a port changed since it started.
		[ "$want" = "$(cat "$DATA/temporal-ui/config/base.yaml" 2>/dev/null)" ] && return 0
		ui_stop
	fi
	temporal_pid >/dev/null && ! ui_pid >/dev/null && port_busy "$TEMPORAL_UI_PORT" &&
		die "port $TEMPORAL_UI_PORT is taken (by Temporal's embedded UI of an older start?); run stack.sh down first"
	port_busy "$TEMPORAL_UI_PORT" && die "port $TEMPORAL_UI_PORT (SKILLCERT_TEMPORAL_UI_PORT) is already in use"
	SKILLCERT_CODEC_ENDPOINT="$CODEC_ENDPOINT" SKILLCERT_TEMPORAL_PORT="$TEMPORAL_PORT" \
		SKILLCERT_TEMPORAL_UI_PORT="$TEMPORAL_UI_PORT" \
		setsid "$DEV_DIR/temporal-ui.sh" run "$DATA/temporal-ui" >>"$LOGS/temporal-ui.log" 2>&1 </dev/null 9>&- &
	echo $! >"$PIDS/temporal-ui.pid"
	wait_ready temporal-ui ui_pid ui_ready 60
}
ui_stop() {
	local pid
	if pid=$(ui_pid); then stop_pid "$pid" temporal-ui; fi
	rm -f "$PIDS/temporal-ui.pid"
}

# ---- mailpit (only when SKILLCERT_MAILPIT_BIN names it; make dev does) -----------------------------------
# The local SMTP server that receives the e-mail reminders, with a web inbox.

MAILPIT_SMTP_PORT="${SKILLCERT_MAILPIT_SMTP_PORT:-1025}"
MAILPIT_PORT="${SKILLCERT_MAILPIT_PORT:-8025}"
mailpit_on() { [ -n "${SKILLCERT_MAILPIT_BIN:-}" ] && [ -x "$SKILLCERT_MAILPIT_BIN" ]; }
mailpit_pid() { owned_pid mailpit mailpit "$DATA/mailpit.db"; } # found for `down` without the variable too
mailpit_ready() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$MAILPIT_PORT/readyz"; }
mailpit_start() {
	mailpit_on || return 0
	mailpit_pid >/dev/null && return 0
	port_busy "$MAILPIT_SMTP_PORT" && die "port $MAILPIT_SMTP_PORT (SKILLCERT_MAILPIT_SMTP_PORT) is already in use"
	port_busy "$MAILPIT_PORT" && die "port $MAILPIT_PORT (SKILLCERT_MAILPIT_PORT) is already in use"
	setsid "$SKILLCERT_MAILPIT_BIN" --database "$DATA/mailpit.db" --smtp "127.0.0.1:$MAILPIT_SMTP_PORT" \
		--listen "127.0.0.1:$MAILPIT_PORT" >>"$LOGS/mailpit.log" 2>&1 </dev/null 9>&- &
	echo $! >"$PIDS/mailpit.pid"
	wait_ready mailpit mailpit_pid mailpit_ready 30
}
mailpit_stop() {
	local pid
	if pid=$(mailpit_pid); then stop_pid "$pid" mailpit; fi
	rm -f "$PIDS/mailpit.pid"
}
mailpit_env() {
	mailpit_on || return 0
	printf 'SKILLCERT_SMTP_ADDR=127.0.0.1:%s\nMAILPIT_URL=http://127.0.0.1:%s\n' "$MAILPIT_SMTP_PORT" "$MAILPIT_PORT"
}

database_url() {
	if [ -n "${DATABASE_URL:-}" ]; then
		printf '%s\n' "$DATABASE_URL"
	else
		printf 'postgres://postgres@127.0.0.1:%s/skillcert?sslmode=disable\n' "$PG_PORT"
	fi
}

print_env() {
	cat <<-ENV
		DATABASE_URL=$(database_url)
		TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT
		TEMPORAL_NAMESPACE=default
		TEMPORAL_UI_URL=http://127.0.0.1:$TEMPORAL_UI_PORT
		SKILLCERT_MINIO_ENDPOINT=127.0.0.1:$MINIO_PORT
		SKILLCERT_MINIO_ACCESS_KEY=$MINIO_ACCESS_KEY
		SKILLCERT_MINIO_SECRET_KEY=$MINIO_SECRET_KEY
		MINIO_CONSOLE_URL=http://127.0.0.1:$MINIO_CONSOLE_PORT
		SKILLCERT_DATA_DIR=$DATA
	ENV
	mailpit_env
}

lock_stack() {
	mkdir -p "$DATA" "$PIDS" "$LOGS"
	exec 9>"$DATA/.stack.lock"
	flock 9
}

watchdog_start() {
	local owner="${SKILLCERT_STACK_WATCH_PID:-}"
	[ -n "$owner" ] || return 0
	[[ "$owner" =~ ^[0-9]+$ ]] || die "SKILLCERT_STACK_WATCH_PID must be a pid"
	owned_pid watchdog "$STACK_SH" _watch >/dev/null && return 0
	SKILLCERT_DATA_DIR="$DATA" setsid bash "$STACK_SH" _watch "$owner" >>"$LOGS/watchdog.log" 2>&1 </dev/null 9>&- &
	echo $! >"$PIDS/watchdog.pid"
}

# up_failed STATUS runs when up exits: on failure it stops the services rather than leave half a stack behind.
up_failed() {
	[ "$1" -eq 0 ] && return
	log "stack: start failed; stopping what runs"
	stop_services
}

cmd_up() {
	lock_stack
	# The postgres OS user must be able to reach $DATA/pg and write $LOGS/postgres.log, whatever the umask.
	chmod 755 "$DATA" "$LOGS" 2>/dev/null || true
	[ "$DATA" != "$SKILLCERT_ROOT/.data/dev" ] || chmod 755 "$SKILLCERT_ROOT/.data" 2>/dev/null || true
	local minio_was temporal_was
	minio_pid >/dev/null && minio_was=1 || minio_was=0
	temporal_pid >/dev/null && temporal_was=1 || temporal_was=0
	# On failure or interruption, stop everything rather than leave half a stack behind.
	# The watchdog stays: it still has to clean up after its owner.
	trap 'up_failed $?' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	watchdog_start # first, so that it covers an owner that dies while we start
	temporal_start # the slowest to become ready, so it goes next
	minio_start
	[ -n "${DATABASE_URL:-}" ] || pg_up
	wait_ready minio minio_pid minio_ready 60
	wait_ready temporal temporal_pid temporal_ready 120
	[ "$temporal_was" = 1 ] || temporal_search_attributes
	ui_start
	mailpit_start
	trap - EXIT INT TERM HUP
	print_env >"$DATA/stack.env.tmp"
	mv -f "$DATA/stack.env.tmp" "$DATA/stack.env"
	[ "$minio_was$temporal_was" = 11 ] || log "stack: up (data in $DATA)"
	cat "$DATA/stack.env"
}

stop_all() {
	local pid
	if pid=$(owned_pid watchdog "$STACK_SH" _watch) && [ "$pid" != "$$" ]; then stop_pid "$pid" watchdog; fi
	rm -f "$PIDS/watchdog.pid"
	stop_services
}

stop_services() {
	local pid
	if pid=$(temporal_pid); then stop_pid "$pid" temporal; fi
	rm -f "$PIDS/temporal.pid"
	if pid=$(minio_pid); then stop_pid "$pid" minio; fi
	rm -f "$PIDS/minio.pid"
	ui_stop
	mailpit_stop
	pg_down
}

cmd_down() {
	[ -d "$DATA" ] || return 0
	lock_stack
	stop_all
}

cmd_status() {
	local ok=0 pid
	if [ -n "${DATABASE_URL:-}" ]; then
		echo "postgres  external ($DATABASE_URL)"
	elif pid=$(owned_pid postgres "$PGDATA_DIR" 2>/dev/null); then
		echo "postgres  running  pid $pid"
	else
		echo "postgres  stopped"
		ok=3
	fi
	if pid=$(minio_pid); then
		echo "minio     running  pid $pid"
	else
		echo "minio     stopped"
		ok=3
	fi
	if pid=$(temporal_pid); then
		echo "temporal  running  pid $pid"
	else
		echo "temporal  stopped"
		ok=3
	fi
	if pid=$(ui_pid); then echo "temporal-ui running  pid $pid"; fi
	if pid=$(owned_pid watchdog "$STACK_SH" _watch); then
		echo "watchdog  running  pid $pid (stops the stack when pid $(proc_cmdline "$pid" | awk '{print $NF}') exits)"
	fi
	echo "data      $DATA"
	[ "$ok" -eq 0 ] && [ -f "$DATA/stack.env" ] && sed 's/^/          /' "$DATA/stack.env"
	return $ok
}

# cmd_watch OWNER stops the stack once process OWNER is gone (started by up when SKILLCERT_STACK_WATCH_PID is set).
cmd_watch() {
	local owner="$1"
	while kill -0 "$owner" 2>/dev/null; do sleep 1; done
	log "stack: owner pid $owner is gone; stopping the stack"
	rm -f "$PIDS/watchdog.pid"
	bash "$STACK_SH" down
	# SKILLCERT_STACK_WATCH_REMOVE=1: the folder is a throwaway test stack; delete it (only if it is a stack folder).
	if [ "${SKILLCERT_STACK_WATCH_REMOVE:-}" = 1 ] && [ -f "$DATA/.stack.lock" ]; then
		rm -rf "$DATA"
	fi
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
env) print_env ;;
_watch) cmd_watch "${2:?owner pid}" ;;
*)
	echo "usage: $0 up|down|status|env" >&2
	exit 2
	;;
esac
