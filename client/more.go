package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"

	"skillcert/api"
)

// ImportScores uploads a score file (CSV or XLSX) as multipart/form-data with the file in a part named file
// (provincial; POST /api/v1/scores/import). A file with bad rows is an *Error 422 naming each row.
func (c *Client) ImportScores(ctx context.Context, filename string, data []byte) (api.ImportResponse, error) {
	var out api.ImportResponse
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		return out, err
	}
	if _, err := fw.Write(data); err != nil {
		return out, err
	}
	if err := mw.Close(); err != nil {
		return out, err
	}
	const path = "/api/v1/scores/import"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+path, &buf)
	if err != nil {
		return out, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	if c.IdempotencyKey != "" {
		req.Header.Set("Idempotency-Key", c.IdempotencyKey)
	}
	resp, raw, err := c.Send(req)
	if err != nil {
		return out, err
	}
	if err := ErrorOf(resp, raw); err != nil {
		return out, err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, fmt.Errorf("decode POST %s: %w", path, err)
	}
	return out, nil
}

// Health reports whether the gateway process is up (GET /healthz); unlike Ready it asks no dependency.
func (c *Client) Health(ctx context.Context) (api.Health, error) {
	var out api.Health
	return out, c.Do(ctx, http.MethodGet, "/healthz", nil, &out)
}
