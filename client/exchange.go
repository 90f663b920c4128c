package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Exchange sends one request and returns the status and the whole answer whatever the status, for callers
// that check statuses themselves (the load test expects a given one, and records every answer's time).
// body is sent as is when it is a []byte, encoded as JSON otherwise (none when nil); headers are name, value
// pairs. err is only a failure to send, to read the answer or of Check: status is 0 when no answer came.
func (c *Client) Exchange(ctx context.Context, method, path string, body any, headers ...string) (status int, answer []byte, err error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return 0, nil, fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, data, err := c.Send(req)
	if resp == nil {
		return 0, nil, err
	}
	return resp.StatusCode, data, err
}
