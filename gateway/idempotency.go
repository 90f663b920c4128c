package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"github.com/google/uuid"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/schema/db"
)

// anonymousUser keys the idempotency records of requests made without a token (registration, the payment
// callback).
const anonymousUser = "00000000-0000-0000-0000-000000000000"

// staleReservation is how long a request may hold its Idempotency-Key before a repeat takes it over: far
// longer than any request runs (the server's write timeout), so only a request whose gateway stopped is
// taken over.
const staleReservation = 2 * time.Minute

// requestIdentity is what a request's workflow Update IDs derive from: the Idempotency-Key (with its
// owner) when the client sent one, else the request itself (actor, route, target, body hash).
type requestIdentity struct {
	key     string
	derived string
}

type identityKey struct{}

// hasIdempotencyKey reports whether the request carries an Idempotency-Key (and may repeat one whose
// outcome the client never got).
func hasIdempotencyKey(ctx context.Context) bool {
	id, _ := ctx.Value(identityKey{}).(requestIdentity)
	return id.key != ""
}

func withIdentity(ctx context.Context, id requestIdentity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// idempotent makes a POST that acts on a case repeatable. With an Idempotency-Key header, the first
// outcome (status and body, errors included, but not 401, 408, 429 or 5xx, which a repeat may change) is
// stored and returned again for every repeat of the same request by the same user; a key reused for a
// different request is refused (422); a repeat while the first is still running gets 409, unless the first
// was left unfinished (the gateway stopped) for staleReservation, when the repeat runs again. Every
// request also gets its identity, from which the workflow Update IDs derive (updateID), so a repeat never
// acts twice in the workflow either.
func (a *app) idempotent(c *fiber.Ctx) error {
	owner := anonymousUser
	if p := user(c); p != nil {
		owner = p.ID
	}
	sum := sha256.Sum256(c.Body())
	fingerprint := c.Method() + " " + c.Path() + " " + hex.EncodeToString(sum[:])
	key := c.Get("Idempotency-Key")
	if key == "" {
		c.SetUserContext(withIdentity(c.UserContext(), requestIdentity{derived: owner + " " + fingerprint}))
		return c.Next()
	}
	if len(key) > 200 {
		return errMalformed("Idempotency-Key 过长（上限 200 个字符）")
	}
	c.SetUserContext(withIdentity(c.UserContext(), requestIdentity{key: owner + " " + key}))
	ctx := c.UserContext()

	_, err := a.q.ReserveIdempotencyKey(ctx, db.ReserveIdempotencyKeyParams{UserID: owner, Key: key, Request: fingerprint})
	switch {
	case err == nil:
	case errors.Is(err, pgx.ErrNoRows):
		prev, err := a.q.GetIdempotencyKey(ctx, db.GetIdempotencyKeyParams{UserID: owner, Key: key})
		if err != nil {
			return err
		}
		if prev.Request != fingerprint {
			return skillcert.FieldError(skillcert.EINVALID, "Idempotency-Key", "该 Idempotency-Key 已用于另一个请求")
		}
		if prev.Status == 0 {
			_, err := a.q.TakeOverIdempotencyKey(ctx, db.TakeOverIdempotencyKeyParams{UserID: owner, Key: key,
				Request: fingerprint, StaleBefore: time.Now().Add(-staleReservation)})
			if errors.Is(err, pgx.ErrNoRows) {
				return errConflict("相同 Idempotency-Key 的请求仍在处理中，请稍后重试")
			}
			if err != nil {
				return err
			}
			break
		}
		c.Set("Idempotent-Replayed", "true")
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Status(int(prev.Status)).Send(prev.Body)
	default:
		return err
	}

	if err := c.Next(); err != nil {
		if herr := a.handleError(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	if !replayable(status) {
		_ = a.q.ReleaseIdempotencyKey(detached(c), db.ReleaseIdempotencyKeyParams{UserID: owner, Key: key})
		return nil
	}
	body := append([]byte(nil), c.Response().Body()...)
	if err := a.q.FinishIdempotencyKey(detached(c), db.FinishIdempotencyKeyParams{UserID: owner, Key: key,
		Status: int32(status), Body: body}); err != nil {
		a.log.Warn("store idempotent answer", "error", err, "request_id", requestID(c))
	}
	return nil
}

// replayable reports whether an outcome is final, so that a repeat gets it again.
func replayable(status int) bool {
	switch status {
	case http.StatusUnauthorized, http.StatusRequestTimeout, http.StatusTooManyRequests:
		return false
	}
	return status >= 200 && status < 500
}

// updateID is the workflow Update ID of the named update to an application within the current request:
// the same for every repeat of the request, so Temporal answers a repeat with the first update's outcome
// instead of running it again. Without an Idempotency-Key the identity includes the application's
// projected sequence number, so that a deliberate repeat after the case moved on (the same score entered
// again after a mismatch) is a new update. Empty (a fresh random ID) outside a request.
func (a *app) updateID(ctx context.Context, applicationID, name string) string {
	id, ok := ctx.Value(identityKey{}).(requestIdentity)
	if !ok {
		return ""
	}
	basis := "key " + id.key
	if id.key == "" {
		seq, err := a.q.GetApplicationSeq(ctx, applicationID)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return "" // no stable identity: a fresh ID, as before
		}
		basis = "request " + id.derived + " seq " + strconv.FormatInt(seq, 10)
	}
	sum := sha256.Sum256([]byte(basis + "\x00" + name + "\x00" + applicationID))
	return "u-" + hex.EncodeToString(sum[:16])
}

// applicationIDSpace is the UUIDv5 name space of application IDs derived from an Idempotency-Key.
var applicationIDSpace = uuid.MustParse("6d1f4a52-8c0e-5b7e-9a43-2f0c1e7d9b61")

// newApplicationID is the ID of an application a request creates. With an Idempotency-Key it derives from
// the key and its owner, so a repeat whose first answer was lost (the gateway was killed, the client timed
// out) reaches the same workflow and, through the Update ID, the first outcome, rather than creating a
// second application that the duplicate check would then refuse. Without a key it is random.
func newApplicationID(ctx context.Context) string {
	id, ok := ctx.Value(identityKey{}).(requestIdentity)
	if !ok || id.key == "" {
		return uuid.NewString()
	}
	return uuid.NewSHA1(applicationIDSpace, []byte(id.key)).String()
}
