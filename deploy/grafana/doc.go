// Package grafana holds the Grafana dashboard of skillcert (skillcert.json) and the tests that check its
// metric names and queries against the code.
package grafana
