package gateway

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"skillcert"
)

// Request bodies are never inflated. Fiber's c.Body() decodes gzip, deflate and brotli bodies without a
// cap, so a few hundred kilobytes of gzip would become gigabytes before any size check or authentication.
// No route documents a compressed body, so refuseContentEncoding answers 415 to every request that declares
// one, before anything reads the body; what the handlers read is then always the raw bytes, which Fiber's
// global BodyLimit already bounded. Routes measure and sign the raw body (rawBody), never c.Body().

// refuseContentEncoding answers 415 to a request whose body has a Content-Encoding other than identity (a
// request without a body passes: there is nothing to inflate).
func refuseContentEncoding(c *fiber.Ctx) error {
	enc := strings.TrimSpace(c.Get(fiber.HeaderContentEncoding))
	if enc == "" || strings.EqualFold(enc, "identity") || len(rawBody(c)) == 0 {
		return c.Next()
	}
	return skillcert.FieldError(skillcert.EUNSUPPORTED, fiber.HeaderContentEncoding,
		"不接受压缩的请求体（Content-Encoding），请发送未压缩的内容")
}

// rawBody is the request body exactly as received (never decompressed).
func rawBody(c *fiber.Ctx) []byte { return c.Request().Body() }
