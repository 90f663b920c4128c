package client

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"mime/multipart"
	"net/http"

	"skillcert/api"
)

// CreateApplication files an application (POST /api/v1/applications); with WithIdempotencyKey a repeat
// after a lost answer returns the first application.
func (c *Client) CreateApplication(ctx context.Context, req api.CreateApplicationRequest) (api.Application, error) {
	var out api.Application
	return out, c.Do(ctx, http.MethodPost, "/api/v1/applications", req, &out)
}

// CheckEligibility evaluates the eligibility rules on a draft without filing it.
func (c *Client) CheckEligibility(ctx context.Context, req api.CreateApplicationRequest) (api.Eligibility, error) {
	var out api.Eligibility
	return out, c.Do(ctx, http.MethodPost, "/api/v1/eligibility/check", req, &out)
}

// Applications lists the applicant's own applications (GET /api/v1/applications).
func (c *Client) Applications(ctx context.Context) ([]api.Application, error) {
	var out []api.Application
	return out, c.Do(ctx, http.MethodGet, "/api/v1/applications", nil, &out)
}

// Application reads one application (GET /api/v1/applications/{id}).
func (c *Client) Application(ctx context.Context, id string) (api.Application, error) {
	var out api.Application
	return out, c.Do(ctx, http.MethodGet, p("/api/v1/applications/", id), nil, &out)
}

// AddDocument announces a document and returns where to upload its bytes (POST .../documents).
func (c *Client) AddDocument(ctx context.Context, applicationID string, req api.UploadRequest) (api.UploadGrant, error) {
	var out api.UploadGrant
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/applications/", applicationID, "/documents"), req, &out)
}

// Upload sends data to a presigned upload as API.md describes: a multipart POST with the policy fields and
// then the file, or a PUT with the given headers. A non-2xx answer of the storage is an *Error.
func (c *Client) Upload(ctx context.Context, up api.Upload, filename string, data []byte) error {
	method, body, headers := http.MethodPut, data, up.Headers
	if up.Method != http.MethodPut {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range up.Fields {
			if err := mw.WriteField(k, v); err != nil {
				return err
			}
		}
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			return err
		}
		if _, err := fw.Write(data); err != nil {
			return err
		}
		if err := mw.Close(); err != nil {
			return err
		}
		method, body, headers = http.MethodPost, buf.Bytes(), map[string]string{"Content-Type": mw.FormDataContentType()}
	}
	req, err := http.NewRequestWithContext(ctx, method, up.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, raw, err := c.send(req, false) // the storage sees no token
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &Error{Status: resp.StatusCode, Body: api.Error{Message: string(raw)}}
	}
	return nil
}

// CompleteDocument asks the gateway to check an uploaded document (POST .../documents/{id}/complete).
func (c *Client) CompleteDocument(ctx context.Context, applicationID, documentID string) (api.DocumentAccepted, error) {
	var out api.DocumentAccepted
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/applications/", applicationID, "/documents/", documentID, "/complete"), nil, &out)
}

// Submit hands a draft (or a corrected application) in for review (POST .../submit).
func (c *Client) Submit(ctx context.Context, applicationID string) (api.Application, error) {
	var out api.Application
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/applications/", applicationID, "/submit"), nil, &out)
}

// Withdraw withdraws an application (POST .../withdraw).
func (c *Client) Withdraw(ctx context.Context, applicationID, reason string) (api.Application, error) {
	var out api.Application
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/applications/", applicationID, "/withdraw"), api.ReasonRequest{Reason: reason}, &out)
}

// PaymentOrder opens (or returns) the application's payment order (POST .../payment).
func (c *Client) PaymentOrder(ctx context.Context, applicationID string) (api.PaymentOrder, error) {
	var out api.PaymentOrder
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/applications/", applicationID, "/payment"), nil, &out)
}

// PaymentCallback sends the payment platform's notification signed with secret (X-Signature, the hex
// HMAC-SHA256 of the raw body).
func (c *Client) PaymentCallback(ctx context.Context, secret []byte, cb api.PaymentCallback) (api.PaymentCallbackResponse, error) {
	var out api.PaymentCallbackResponse
	raw, err := json.Marshal(cb)
	if err != nil {
		return out, err
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(raw)
	return out, c.Do(ctx, http.MethodPost, "/api/v1/payments/callback", json.RawMessage(raw), &out,
		"X-Signature", hex.EncodeToString(mac.Sum(nil)))
}

// Download reads a file answer (a PDF, a roster export) at path, e.g. /api/v1/applications/{id}/form.pdf;
// it returns the body and its content type.
func (c *Client) Download(ctx context.Context, path string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+path, nil)
	if err != nil {
		return nil, "", err
	}
	resp, raw, err := c.Send(req)
	if err != nil {
		return nil, "", err
	}
	if resp.StatusCode/100 != 2 {
		return nil, "", errorOf(resp.StatusCode, raw)
	}
	return raw, resp.Header.Get("Content-Type"), nil
}

// Certificate looks a certificate up in the public registry; a non-empty name is also checked against the
// holder's (NameMatches).
func (c *Client) Certificate(ctx context.Context, number, name string) (api.Certificate, error) {
	var out api.Certificate
	return out, c.Do(ctx, http.MethodGet, p("/api/v1/certificates/", number)+query(Paging{}, "name", name), nil, &out)
}

// Occupations lists the occupations and their levels.
func (c *Client) Occupations(ctx context.Context) ([]api.Occupation, error) {
	var out []api.Occupation
	return out, c.Do(ctx, http.MethodGet, "/api/v1/occupations", nil, &out)
}

// Batches lists the batches with their windows.
func (c *Client) Batches(ctx context.Context) ([]api.Batch, error) {
	var out []api.Batch
	return out, c.Do(ctx, http.MethodGet, "/api/v1/batches", nil, &out)
}

// Regions lists the 14 regions (盟市) in their official order.
func (c *Client) Regions(ctx context.Context) ([]string, error) {
	var out []string
	return out, c.Do(ctx, http.MethodGet, "/api/v1/regions", nil, &out)
}

// Ready reports whether the gateway's dependencies answer (GET /readyz): an *Error 503 when not.
func (c *Client) Ready(ctx context.Context) (api.Health, error) {
	var out api.Health
	return out, c.Do(ctx, http.MethodGet, "/readyz", nil, &out)
}
