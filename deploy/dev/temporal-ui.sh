#!/usr/bin/env bash
# The Temporal Web UI (temporalio/ui-server, its own process) with the gateway's codec server built in, so an
# admin who signed in at <gateway>/codec/login sees decoded payloads without setting anything in the UI.
#
#   deploy/dev/temporal-ui.sh run DIR    write DIR/config/base.yaml and run the UI in the foreground (exec)
#   deploy/dev/temporal-ui.sh config     print that configuration
#
# Environment: SKILLCERT_TEMPORAL_UI_SERVER_BIN (from `deploy/dev/tools.sh temporal-ui-server`),
# SKILLCERT_TEMPORAL_PORT (7233), SKILLCERT_TEMPORAL_UI_PORT (8233), SKILLCERT_CODEC_ENDPOINT (the gateway's /codec; stack.sh derives it from
# SKILLCERT_PUBLIC_URL or SKILLCERT_HTTP_ADDR). stack.sh starts it when
# SKILLCERT_TEMPORAL_UI_SERVER_BIN is set (make dev).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

UI_PORT="${SKILLCERT_TEMPORAL_UI_PORT:-8233}"
CODEC="${SKILLCERT_CODEC_ENDPOINT:?SKILLCERT_CODEC_ENDPOINT names the gateway codec endpoint}"
[[ "$UI_PORT" =~ ^[0-9]+$ ]] || die "SKILLCERT_TEMPORAL_UI_PORT must be a port number"
url_re='^https?://[][A-Za-z0-9.:-]+(/[A-Za-z0-9/._-]*)?$'
[[ "$CODEC" =~ $url_re ]] || die "SKILLCERT_CODEC_ENDPOINT is not a plain http(s) URL: $CODEC"

# ui_config prints the ui-server configuration. includeCredentials makes the browser send the HttpOnly codec
# cookie with every decode call (the gateway allows both loopback origins of this port, with credentials).
ui_config() {
	cat <<-YAML
		temporalGrpcAddress: 127.0.0.1:${SKILLCERT_TEMPORAL_PORT:-7233}
		host: 127.0.0.1
		port: $UI_PORT
		publicPath: ""
		enableUi: true
		defaultNamespace: default
		notifyOnNewVersion: false
		refreshInterval: 1m
		cors:
		  cookieInsecure: true
		  allowOrigins:
		    - http://127.0.0.1:$UI_PORT
		    - http://localhost:$UI_PORT
		codec:
		  endpoint: "$CODEC"
		  passAccessToken: false
		  includeCredentials: true
		  defaultErrorMessage: "解码失败：请管理员先在 ${CODEC%/}/login 登录"
		  defaultErrorLink: "${CODEC%/}/login"
	YAML
}

case "${1:-}" in
config) ui_config ;;
run)
	dir="$(abs_path "${2:?usage: $0 run DIR}")"
	bin="${SKILLCERT_TEMPORAL_UI_SERVER_BIN:?run deploy/dev/tools.sh temporal-ui-server and set SKILLCERT_TEMPORAL_UI_SERVER_BIN}"
	[ -x "$bin" ] || die "$bin is missing; run deploy/dev/tools.sh temporal-ui-server"
	mkdir -p "$dir/config"
	ui_config >"$dir/config/base.yaml.tmp"
	mv -f "$dir/config/base.yaml.tmp" "$dir/config/base.yaml"
	# ui-server listens on an inner port (config/skillcert.yaml overrides base.yaml's); the UI's port is
	# served by cmd/temporal-ui-proxy, which redirects http://localhost:PORT to http://127.0.0.1:PORT so
	# that the page and the gateway's codec are one site whichever name was typed (the codec cookie is
	# SameSite), and which runs ui-server as its child.
	inner=$(free_ports 1)
	printf 'port: %s\n' "$inner" >"$dir/config/skillcert.yaml"
	(cd "$SKILLCERT_ROOT" && go build -o "$dir/temporal-ui-proxy" ./cmd/temporal-ui-proxy) || die "go build temporal-ui-proxy failed"
	exec "$dir/temporal-ui-proxy" -listen "127.0.0.1:$UI_PORT" -upstream "127.0.0.1:$inner" -- \
		"$bin" --root "$dir" --config config --env skillcert start
	;;
*)
	echo "usage: $0 run DIR | config" >&2
	exit 2
	;;
esac
