// Package uitest drives the web UI in headless Chromium (chromedp) against the real stack: Postgres,
// Temporal and MinIO from internal/devstack, the real worker and the gateway with the UI mounted. Screenshots
// of every page, at phone and desktop sizes, are written under testout/ui/.
//
// `make test` runs the short smoke (TestSmoke*); `make test-ui` runs every journey (SKILLCERT_UI_FULL=1).
package uitest
