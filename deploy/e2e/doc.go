// Package e2e drives the whole system — the real gateway and worker binaries against the real Temporal,
// Postgres and MinIO of the dev stack — through the HTTP contract of API.md, the way clients do. Its tests
// kill the worker with SIGKILL in the middle of the runs to show that nothing is lost or done twice.
package e2e
