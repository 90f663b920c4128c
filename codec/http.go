package codec

import (
	"net/http"

	"go.temporal.io/sdk/converter"
)

// NewHTTPHandler serves the Temporal codec-server protocol (POST …/encode and …/decode) for c. Callers
// must put authentication in front of it: decoding reveals the payloads.
func NewHTTPHandler(c *Codec) http.Handler { return converter.NewPayloadCodecHTTPHandler(c) }

// DataConverterFromEnv returns the data and failure converters for a Temporal client built from
// SKILLCERT_CODEC_KEYS (the development keyring when unset; dev reports that).
func DataConverterFromEnv(getenv func(string) string) (dc converter.DataConverter, fc converter.FailureConverter, c *Codec, dev bool, err error) {
	c, dev, err = FromEnv(getenv)
	if err != nil {
		return nil, nil, nil, false, err
	}
	return c.DataConverter(), c.FailureConverter(), c, dev, nil
}
