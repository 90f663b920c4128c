// Package worker is the skillcert worker as a library: it reads its configuration, connects to Temporal,
// Postgres and MinIO, and registers ApplicationWorkflow (package workflows) with its activities (package
// activities) on the application task queue. Run is the whole program; cmd/worker only handles signals.
package worker
