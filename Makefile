# skillcert — the two commands that matter: `make dev` (run everything) and `make test` (all tests).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go

# Linters run with `go run pkg@version`, pinned; both work with Go 1.26.
STATICCHECK_VERSION ?= v0.8.2
WORKFLOWCHECK_VERSION ?= v0.6.0
# Arguments of `go test` in `make test`.
TEST_ARGS ?= -count=1 -timeout 60m ./...
# Extra flags for the load tester.
BENCH_FLAGS ?=
# Where `make histories` writes; never the corpus itself, whose old histories must stay.
HISTORIES_OUT ?= testout/histories

# `make dev PROFILE=production` is `make prod-local`.
PROFILE ?= dev

.PHONY: help dev dev-down test test-ui lint generate build bench bench-quick histories vuln fanout prod-local prod-local-down test-production chaos audit-verify

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

dev: ## run the whole system: Postgres, Temporal, MinIO, worker, gateway (Ctrl-C stops it all); PROFILE=production: prod-local
ifeq ($(PROFILE),production)
	@$(GO) run ./deploy/prod
else ifeq ($(PROFILE),dev)
	@deploy/dev/run.sh
else
	$(error PROFILE must be dev or production, not $(PROFILE))
endif

dev-down: ## stop everything `make dev` started (from another terminal); PROFILE=production: prod-local-down
ifeq ($(PROFILE),production)
	@$(GO) run ./deploy/prod down
else
	@deploy/dev/run.sh down
endif

prod-local: ## production profile: Temporal server as 4 processes on Postgres, MinIO on 4 drives, UI, 2 workers, 2 gateways behind a proxy
	@$(GO) run ./deploy/prod

prod-local-down: ## stop everything `make prod-local` started (from another terminal)
	@$(GO) run ./deploy/prod down

chaos: ## lifecycles while workers, gateways, Temporal, Postgres, MinIO are SIGKILLed 3x each; deploy/chaos/results/latest.{json,md}
	SKILLCERT_CHAOS=full $(GO) test -count=1 -timeout 60m -run 'TestChaos' -v ./deploy/e2e/

test-production: ## lifecycles on the production profile while a worker, a gateway and Temporal history are SIGKILLed
	SKILLCERT_PRODUCTION_TEST=full $(GO) test -count=1 -timeout 40m -run 'TestProduction' -v ./deploy/e2e/

test: ## unit and integration tests against one private real stack (started and stopped here)
	@deploy/dev/test.sh $(TEST_ARGS)

test-ui: ## every web UI journey in headless Chromium on a private stack (screenshots in testout/ui/)
	@SKILLCERT_UI_FULL=1 deploy/dev/test.sh -count=1 -timeout 30m ./web/...

fanout: ## durable batch fan-out with 200 open cases: signals lost halfway, and the gateway SIGKILLed mid-fan-out (make test runs a few)
	@SKILLCERT_FANOUT_CASES=$${SKILLCERT_FANOUT_CASES:-200} deploy/dev/test.sh -count=1 -v -timeout 60m \
		-run 'TestLostBatchSignalsStillReachCases|TestBatchFanOutSurvivesGatewayKill' ./workflows/ ./deploy/e2e/

lint: ## gofmt, go vet, staticcheck, workflowcheck
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './.data/*' -not -path './bin/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
	$(GO) run go.temporal.io/sdk/contrib/tools/workflowcheck@$(WORKFLOWCHECK_VERSION) ./workflows/...

generate: ## regenerate the sqlc query code (schema/sqlc.yaml) with the pinned, cached sqlc, and docs/CONFIG.md
	@eval "$$(deploy/dev/tools.sh sqlc)" && "$$SKILLCERT_SQLC_BIN" generate -f schema/sqlc.yaml
	$(GO) run ./config/gendoc > docs/CONFIG.md

audit-verify: ## check an exported audit trail offline: make audit-verify FILE=audit.jsonl (from GET /api/v1/admin/exports/audit.jsonl)
	@test -n "$(FILE)" || { echo "usage: make audit-verify FILE=audit.jsonl"; exit 2; }
	$(GO) run ./cmd/audit-verify "$(FILE)"

vuln: ## govulncheck against the Go vulnerability database; says so and passes when the database is unreachable
	@deploy/dev/vuln.sh

build: ## build bin/worker, bin/gateway and bin/skillcert-admin
	$(GO) build -o bin/ ./cmd/worker ./cmd/gateway ./cmd/skillcert-admin

bench: ## full benchmark on a private stack: lifecycles, baselines, idle phase, 1M-row projection (~11 min idle; deploy/loadtest/results/); PROFILE=production: on deploy/prodstack
	$(GO) run ./deploy/loadtest -profile $(PROFILE) $(BENCH_FLAGS)

bench-quick: ## the same with small numbers (under 5 minutes); latest.* only when the load average was ≤ 0.5 at the start
	$(GO) run ./deploy/loadtest -quick -profile $(PROFILE) $(BENCH_FLAGS)

histories: ## record every end state through the HTTP API on a private stack into testout/histories (~1 min)
	$(GO) run ./deploy/histories -out $(HISTORIES_OUT) $(HISTORIES_FLAGS)
	@echo "histories: recorded into $(HISTORIES_OUT); copy them into workflows/testdata/histories under a new"
	@echo "histories: prefix (e.g. <change-id>-<end state>.json) and list them in workflows/replay_test.go"
