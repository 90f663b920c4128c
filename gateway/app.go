package gateway

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"skillcert"
	"skillcert/gateway/websec"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// app holds the gateway's dependencies; every handler is a method on it.
type app struct {
	cfg      config
	log      *slog.Logger
	pool     *pgxpool.Pool
	q        *db.Queries
	tasks    taskStore   // the inbox and task actions' queries (a.q)
	updater  caseUpdater // workflow commands (temporalUpdater)
	temporal client.Client
	store    objectStore
	pdf      pdfRenderer // nil when no CJK font was found; PDF routes then answer 503
	codec    fiberHandler
	tokens   *tokenSigner
	ids      *idCipher
	logins   *loginThrottle
	hashing  *hashBudget // bounds the memory of concurrent argon2id
	metrics  *metrics
	csrf     *websec.CSRF // CSRF tokens of the HTML forms (routes with HTML set)
	now      func() time.Time
	routes   []route
	traces   fiber.Handler // the tracing middleware; nil when tracing is off

	internalSecret string          // value of internalHeader on the web UI's in-process API calls
	webRoutes      map[string]bool // "METHOD /path" of the web UI's pages (not part of the API document)

	dataConverter converter.DataConverter // decodes payloads of workflow histories (admin history)
	fees          skillcert.FeeTable
	policy        workflows.Policy
}

// fiberHandler is an http.Handler adapted to Fiber (the codec server).
type fiberHandler = fiber.Handler

// objectStore is what the gateway needs from object storage (implemented over package objectstore).
type objectStore interface {
	// PresignUpload returns a presigned POST policy for key admitting at most maxBytes of contentType.
	PresignUpload(ctx context.Context, key, contentType string, maxBytes int64, ttl time.Duration) (upload, error)
	// PresignDownload returns a short-lived GET URL of one version of key (the current one when versionID
	// is empty) that downloads as filename (the stored Content-Disposition when filename is empty).
	PresignDownload(ctx context.Context, key, versionID, filename string, ttl time.Duration) (string, error)
	// Read returns the bytes of one version of key (the current one when versionID is empty) and the
	// version read, refusing objects over maxBytes.
	Read(ctx context.Context, key, versionID string, maxBytes int64) ([]byte, string, error)
	// NamedCopy returns the version of dstKey that is a copy of srcKey's version srcVersion stored with
	// the Content-Disposition disposition, making it when missing.
	NamedCopy(ctx context.Context, srcKey, srcVersion, dstKey, contentType, disposition string) (string, error)
	// Ping checks that the bucket is reachable.
	Ping(ctx context.Context) error
}

// Role sets used by the route table.
var (
	rolesApplicant = []string{roleApplicant}
	rolesAdmin     = []string{roleAdmin}
	rolesStaff     = []string{roleCityReviewer, roleProvincialReviewer, roleCommitteeMember, roleSupervisor, roleAdmin}
	rolesReaders   = []string{roleApplicant, roleCityReviewer, roleProvincialReviewer, roleCommitteeMember, roleSupervisor, roleAdmin}
)

// route is one entry of the route table: it registers the handler with its middleware and describes the
// operation in the OpenAPI document, so the two cannot drift apart.
type route struct {
	Method  string
	Path    string   // Fiber syntax: /api/v1/applications/:id
	Public  bool     // no token needed (a token, if sent, is still read)
	Roles   []string // roles admitted when not public; empty admits every signed-in user
	Handler fiber.Handler

	Summary     string
	Tag         string
	Request     any    // zero value of the JSON body type, for the OpenAPI schema
	Response    any    // zero value of the success body type
	Status      int    // success status (default 200)
	ContentType string // success media type when not JSON (application/pdf, text/html, …)
	Errors      []int  // error statuses worth documenting beyond the defaults
	Query       []string
	Idempotent  bool          // honours Idempotency-Key (creating POSTs)
	BodyLimit   int           // bytes; default defaultBodyLimit
	Hidden      bool          // left out of the OpenAPI document (the document itself)
	AuthLimited bool          // counted against the stricter per-IP limit of the auth endpoints
	CookieAuth  string        // name of a cookie that may carry the token instead of Authorization
	HTML        bool          // an HTML page: nonce CSP and page headers (websec.Headers), CSRF check of forms
	Before      fiber.Handler // runs before authentication (CORS headers that 401s must carry too)
}

// honoursIdempotencyKey reports whether the route runs the idempotency middleware: routes marked
// Idempotent and every signed-in POST (every POST that acts on a case), except the codec's decoding.
func (r route) honoursIdempotencyKey() bool {
	return r.Idempotent || (r.Method == fiber.MethodPost && !r.Public && !strings.HasPrefix(r.Path, "/codec"))
}

// defaultBodyLimit bounds JSON bodies; routes that take files raise it.
const defaultBodyLimit = 64 << 10

// openAPIPath converts /a/:id to /a/{id}.
func (r route) openAPIPath() string {
	parts := strings.Split(r.Path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "{" + strings.TrimSuffix(strings.TrimPrefix(p, ":"), "?") + "}"
		}
	}
	return strings.Join(parts, "/")
}

// registerRoutes adds every route of the table to f, each with its own middleware chain.
func (a *app) registerRoutes(f *fiber.App) {
	for _, r := range a.routes {
		var chain []fiber.Handler
		if r.Before != nil {
			chain = append(chain, r.Before)
		}
		chain = append(chain, a.bodyLimit(r))
		if r.HTML {
			chain = append(chain, websec.Headers(), a.csrf.Protect)
		}
		chain = append(chain, a.authenticate(r))
		if r.honoursIdempotencyKey() {
			chain = append(chain, a.idempotent)
		}
		chain = append(chain, r.Handler)
		f.Add(r.Method, r.Path, chain...)
	}
}
