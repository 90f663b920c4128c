package client

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"skillcert/api"
)

// TestCallbackSignatureAndKeys: the callback is signed over the exact body sent, the Idempotency-Key goes
// with POSTs only, and an upload carries no bearer token and its fields before the file.
func TestCallbackSignatureAndKeys(t *testing.T) {
	secret := []byte("s3cret")
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/payments/callback":
			body, _ := io.ReadAll(r.Body)
			mac := hmac.New(sha256.New, secret)
			mac.Write(body)
			if r.Header.Get("X-Signature") != hex.EncodeToString(mac.Sum(nil)) {
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"error":{"code":"unauthorized","message":"签名无效","fields":{}}}`)
				return
			}
			_, _ = io.WriteString(w, `{"status":"applied","application_id":"a1","application_status":"exam_scheduled"}`)
		case "/upload":
			if err := r.ParseMultipartForm(1 << 20); err != nil || r.FormValue("key") != "k1" || r.Header.Get("Authorization") != "" {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			got = append(got, r.Method+" "+r.Header.Get("Idempotency-Key"))
			_, _ = io.WriteString(w, `{"application_id":"a1","component":"theory","state":"pending","status":"scoring","status_label":"成绩评定"}`)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	c := New(srv.URL).WithToken("tok").WithIdempotencyKey("key-1")
	res, err := c.PaymentCallback(ctx, secret, api.PaymentCallback{OrderID: "o1", ApplicationID: "a1", AmountFen: 100, PaidAt: "2022-06-21T09:00:00Z"})
	if err != nil || res.ApplicationStatus != "exam_scheduled" {
		t.Fatalf("callback: %+v %v", res, err)
	}
	if _, err := c.PaymentCallback(ctx, []byte("wrong"), api.PaymentCallback{OrderID: "o1"}); err == nil {
		t.Fatal("a callback signed with another secret was accepted")
	}
	if _, err := c.EnterScore(ctx, "a1", "theory", 78.5); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Statistics(ctx, "region"); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "POST key-1" || got[1] != "GET " {
		t.Fatalf("requests %q", got)
	}
	if err := c.Upload(ctx, api.Upload{URL: srv.URL + "/upload", Method: "POST", Fields: map[string]string{"key": "k1"}}, "a.pdf", []byte("%PDF")); err != nil {
		t.Fatalf("upload: %v", err)
	}
}
