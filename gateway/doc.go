// Package gateway is skillcert's HTTP API (docs/API.md) as a library: the Fiber route table with its
// middleware (body limits, authentication, roles, idempotency), the handlers for accounts, applications,
// documents, payments, inboxes, exams, scores, evaluations, certificates and administration, the codec
// server and the OpenAPI document. It owns translating HTTP to Workflow Updates and projection reads, and
// the one mapping from errors to HTTP statuses; the rules themselves live in package skillcert and the case
// state in package workflows. Its answers are the types of package api, which package client decodes; the
// OpenAPI document names them as components. Handlers reach the projection and the workflows through small
// interfaces (services.go) where a unit test with a fake helps. Run is the whole program; cmd/gateway only
// handles signals.
package gateway
