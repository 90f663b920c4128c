package prodstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"time"
)

// maxProxyBody is the largest request body the proxy buffers (the gateway's own limit, SKILLCERT_BODY_LIMIT).
const maxProxyBody = 16 << 20

// proxy is a small round-robin reverse proxy in front of the gateways. A request whose connection to one
// gateway cannot even be opened (that gateway is down) goes to the next one: nothing was sent, so this is
// safe for every method. When a gateway dies mid-request, Go's transport sends the request again only if it
// may be replayed: an idempotent method, or a request carrying an Idempotency-Key (the gateway answers a
// repeat with the first outcome); any other request gets 502 and its client decides.
type proxy struct {
	addr     string // where it listens
	backends []*url.URL
	inflight []atomic.Int64 // requests sent to each backend and not yet answered
	next     atomic.Uint64
	server   *http.Server
	rp       *httputil.ReverseProxy
}

// startProxy listens on addr and serves until close.
func startProxy(addr string, backends []string) (*proxy, error) {
	p := &proxy{}
	for _, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			return nil, err
		}
		p.backends = append(p.backends, u)
	}
	p.inflight = make([]atomic.Int64, len(p.backends))
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme = "http"
			r.SetXForwarded()
		},
		Transport: &failover{p: p, tr: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute}},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, `{"error":{"code":"unavailable","message":"网关暂不可用，请稍后重试"}}`)
		},
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("proxy on %s: %w", addr, err)
	}
	p.addr = l.Addr().String()
	p.server = &http.Server{Handler: p.rp, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.server.Serve(l) }()
	return p, nil
}

func (p *proxy) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = p.server.Shutdown(ctx)
}

// failover sends a request to the backends in round-robin order, moving on only when the connection could
// not be opened.
type failover struct {
	p  *proxy
	tr *http.Transport
}

func (f *failover) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, maxProxyBody+1))
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		if len(body) > maxProxyBody {
			return &http.Response{StatusCode: http.StatusRequestEntityTooLarge, Body: http.NoBody, Request: r,
				Header: http.Header{}, ProtoMajor: 1, ProtoMinor: 1}, nil
		}
	}
	start := f.p.next.Add(1)
	var lastErr error
	for i := range f.p.backends {
		n := (int(start) + i) % len(f.p.backends)
		b := f.p.backends[n]
		out := r.Clone(r.Context())
		out.URL.Scheme, out.URL.Host, out.Host = b.Scheme, b.Host, r.Host
		if body != nil {
			out.Body = io.NopCloser(bytes.NewReader(body))
			out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			out.ContentLength = int64(len(body))
		}
		f.p.inflight[n].Add(1)
		resp, err := f.tr.RoundTrip(out)
		f.p.inflight[n].Add(-1)
		if err == nil {
			return resp, nil
		}
		lastErr = err
		if !isDialError(err) {
			return nil, err
		}
	}
	return nil, lastErr
}

// isDialError reports an error from opening the connection, before any byte of the request was sent.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
