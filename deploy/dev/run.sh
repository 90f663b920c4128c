#!/usr/bin/env bash
# `make dev`: the whole system on this machine.
#
#   deploy/dev/run.sh         install what is missing, start the stack, build and run worker and gateway, print
#                             the URLs, and wait; Ctrl-C stops the worker, the gateway and the stack
#   deploy/dev/run.sh down    `make dev-down`: stop all of that from another terminal
#
# The gateway migrates the database, seeds demo data (SKILLCERT_DEV_SEED=1) and prints the credentials.
# Environment: everything stack.sh reads, plus SKILLCERT_HTTP_ADDR (default 127.0.0.1:8080); all other settings
# of worker and gateway pass through.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
data_dir

# stop_apps stops worker and gateway started by run.sh (pid file + matching command line only).
stop_apps() {
	local name bin pid
	for name in gateway worker; do
		bin="$SKILLCERT_ROOT/bin/$name"
		if pid=$(owned_pid "$name" "$bin"); then
			stop_pid "$pid" "$name"
		fi
		rm -f "$PIDS/$name.pid"
	done
}

if [ "${1:-}" = down ]; then
	[ -d "$PIDS" ] && stop_apps
	exec "$DEV_DIR/stack.sh" down
fi
[ $# -eq 0 ] || die "usage: $0 [down]"

started=$SECONDS
"$DEV_DIR/setup.sh"
"$DEV_DIR/tools.sh" >/dev/null
# mailpit receives the e-mail reminders (stack.sh starts it when SKILLCERT_MAILPIT_BIN is set).
eval "export $("$DEV_DIR/tools.sh" mailpit)"
# The Temporal Web UI runs as its own process with the codec server configured (stack.sh, temporal-ui.sh).
eval "export $("$DEV_DIR/tools.sh" temporal-ui-server)"

export SKILLCERT_HTTP_ADDR="${SKILLCERT_HTTP_ADDR:-127.0.0.1:8080}"
http_host="${SKILLCERT_HTTP_ADDR%:*}"
case "$http_host" in "" | 0.0.0.0 | "[::]") http_host=127.0.0.1 ;; esac
BASE_URL="http://$http_host:${SKILLCERT_HTTP_ADDR##*:}"
export SKILLCERT_CODEC_ENDPOINT="${SKILLCERT_CODEC_ENDPOINT:-$BASE_URL/codec}"

cleaned=0
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	[ "$cleaned" = 1 ] && return
	cleaned=1
	log ""
	log "dev: stopping worker, gateway and the stack ..."
	stop_apps
	"$DEV_DIR/stack.sh" down || true
	log "dev: stopped"
}
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap cleanup EXIT

"$DEV_DIR/stack.sh" up >/dev/null
set -a
# shellcheck disable=SC1091
source "$DATA/stack.env"
set +a

(cd "$SKILLCERT_ROOT" && go build -o bin/ ./cmd/worker ./cmd/gateway) || die "go build failed"

# The admin password and the payment secret of this data folder: generated once into a file only root can
# read, shown on this terminal only (never in the logs). SKILLCERT_ADMIN_PASSWORD, when given, is applied to
# the existing admin by the explicit one-off command `gateway set-password` once the gateway is up: a
# gateway start itself never changes a password.
secrets="$DATA/dev-secrets.env"
if [ ! -f "$secrets" ]; then
	(
		umask 077
		printf 'DEV_ADMIN_PASSWORD=%s\nDEV_PAYMENT_SECRET=%s\n' \
			"Adm1n$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" "$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" >"$secrets"
	)
fi
# shellcheck disable=SC1090
source "$secrets"
admin_given="${SKILLCERT_ADMIN_PASSWORD:+1}"
export SKILLCERT_ADMIN_PASSWORD="${SKILLCERT_ADMIN_PASSWORD:-$DEV_ADMIN_PASSWORD}"
export SKILLCERT_PAYMENT_SECRET="${SKILLCERT_PAYMENT_SECRET:-$DEV_PAYMENT_SECRET}"
export SKILLCERT_DEMO_PASSWORD="${SKILLCERT_DEMO_PASSWORD:-Demo2022skill}"

export SKILLCERT_DEV_SEED="${SKILLCERT_DEV_SEED:-1}"
# On one developer machine every client shares 127.0.0.1: per-IP limits far above production defaults.
export SKILLCERT_RATE_LIMIT="${SKILLCERT_RATE_LIMIT:-60000}" SKILLCERT_AUTH_RATE_LIMIT="${SKILLCERT_AUTH_RATE_LIMIT:-12000}"
export SKILLCERT_VERIFY_RATE_LIMIT="${SKILLCERT_VERIFY_RATE_LIMIT:-600}"
[ -z "${SKILLCERT_CJK_FONT:-}" ] && [ -f "$CJK_FONT" ] && export SKILLCERT_CJK_FONT="$CJK_FONT"

# start NAME: runs bin/NAME with its output on this terminal (prefixed) and in $LOGS/NAME.log. The log pipe
# ignores Ctrl-C so the program can still log while it shuts down.
start() {
	local name="$1" bin="$SKILLCERT_ROOT/bin/$1"
	if owned_pid "$name" "$bin" >/dev/null; then
		die "$name already runs (pid $(cat "$PIDS/$name.pid")); stop it with: make dev-down"
	fi
	"$bin" > >(trap '' INT TERM; tee -a "$LOGS/$name.log" | sed -u "s/^/$(printf '%-7s' "$name")| /") 2>&1 </dev/null &
	echo $! >"$PIDS/$name.pid"
}
start worker
start gateway
worker_pid=$(cat "$PIDS/worker.pid")
gateway_pid=$(cat "$PIDS/gateway.pid")

# Wait until the gateway answers /readyz (Temporal, Postgres and MinIO reachable), or give up when it exits.
ready=0
for ((i = 0; i < 600; i++)); do
	kill -0 "$gateway_pid" 2>/dev/null || die "the gateway exited during start (log: $LOGS/gateway.log)"
	kill -0 "$worker_pid" 2>/dev/null || die "the worker exited during start (log: $LOGS/worker.log)"
	if curl -fs -o /dev/null --max-time 2 "$BASE_URL/readyz"; then
		ready=1
		break
	fi
	sleep 0.2
done
[ "$ready" = 1 ] || log "dev: warning: $BASE_URL/readyz did not answer 200 within 120 s"
if [ -n "$admin_given" ]; then
	SKILLCERT_NEW_PASSWORD="$SKILLCERT_ADMIN_PASSWORD" "$SKILLCERT_ROOT/bin/gateway" set-password admin >/dev/null ||
		log "dev: warning: could not set the admin password from SKILLCERT_ADMIN_PASSWORD"
fi

cat >&2 <<EOF

  skillcert is running (up in $((SECONDS - started)) s); Ctrl-C or \`make dev-down\` stops everything.
    Web UI       $BASE_URL/  (applicants)   $BASE_URL/staff/  (staff)   $BASE_URL/verify  (certificates)
    Demo staff   admin (password above), provincial1, provincial2, city_hohhot, city_baotou, … (city_<region>),
                 committee1…committee4, supervisor; password ${SKILLCERT_DEMO_PASSWORD:-Demo2022skill}
                 Applicants register themselves at $BASE_URL/register
    API          $BASE_URL/api/v1
    OpenAPI      $BASE_URL/api/v1/openapi.json
    Temporal UI  $TEMPORAL_UI_URL
    Mail         ${MAILPIT_URL:-}  (mailpit: every e-mail the system sends)
    MinIO        $MINIO_CONSOLE_URL  (user $SKILLCERT_MINIO_ACCESS_KEY, password $SKILLCERT_MINIO_SECRET_KEY)
    Postgres     $DATABASE_URL
    Metrics      http://${SKILLCERT_METRICS_ADDR:-127.0.0.1:9464}/metrics
    Logs         $LOGS/

  Credentials (shown here only, never logged):
    admin        admin / $SKILLCERT_ADMIN_PASSWORD   (unless changed since; to reset it:
                 SKILLCERT_NEW_PASSWORD=... bin/gateway set-password admin)
    demo staff   city_<region> and city2_<region> (e.g. city_hohhot), provincial1, provincial2,
                 committee1..committee4, supervisor, supervisor_hohhot / $SKILLCERT_DEMO_PASSWORD
    payments     X-Signature secret $SKILLCERT_PAYMENT_SECRET

EOF

# Run until Ctrl-C, `make dev-down`, or one of the two programs exits.
set +e
wait -n "$worker_pid" "$gateway_pid"
status=$?
set -e
for name in worker gateway; do
	pid_var="${name}_pid"
	[ -n "$(proc_cmdline "${!pid_var}")" ] || log "dev: the $name stopped (log: $LOGS/$name.log)"
done
exit "$status"
