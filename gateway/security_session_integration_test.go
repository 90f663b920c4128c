package gateway

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"skillcert/api"
	"skillcert/client"
)

// TestFinding12LogoutRevokesToken: logout answers 204 and that token is refused (401) from then on, on
// this gateway and on another one; other sessions of the same user go on.
func TestFinding12LogoutRevokesToken(t *testing.T) {
	g := startGateway(t)
	ctx := t.Context()
	a := g.registerApplicant(t, "郑十")
	other := g.login(t, a.Phone, applicantPassword)
	must(g.as(a.Token).Me(ctx))(t)
	if err := g.as(a.Token).Logout(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := g.as(a.Token).Me(ctx)
	wantAPIError(t, err, 401, "unauthorized", "")
	_, err = g.as(a.Token).Applications(ctx)
	wantAPIError(t, err, 401, "unauthorized", "")
	wantAPIError(t, g.as(a.Token).Logout(ctx), 401, "unauthorized", "")
	must(g.as(other).Me(ctx))(t)
	second := g.extraGateway(t, nil)
	_, err = second.as(a.Token).Me(ctx)
	wantAPIError(t, err, 401, "unauthorized", "")
	must(second.as(other).Me(ctx))(t)
	wantAPIError(t, g.as("").Logout(ctx), 401, "unauthorized", "")
}

// TestFinding12PasswordChangeRevokesAllTokens: changing the password refuses every earlier token of the
// user, and only the new password signs in.
func TestFinding12PasswordChangeRevokesAllTokens(t *testing.T) {
	g := startGateway(t)
	ctx := t.Context()
	a := g.registerApplicant(t, "冯十一")
	other := g.login(t, a.Phone, applicantPassword)
	wantAPIError(t, g.as(a.Token).ChangePassword(ctx, "wrong-Passw0rd", "NewPassw0rd2026"), 422, "invalid", "current_password")
	wantAPIError(t, g.as(a.Token).ChangePassword(ctx, applicantPassword, "short"), 422, "invalid", "new_password")
	must(g.as(a.Token).Me(ctx))(t) // refused changes revoke nothing
	if err := g.as(a.Token).ChangePassword(ctx, applicantPassword, "NewPassw0rd2026"); err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{a.Token, other} {
		_, err := g.as(token).Me(ctx)
		wantAPIError(t, err, 401, "unauthorized", "")
	}
	_, err := g.as("").Login(ctx, a.Phone, applicantPassword)
	wantAPIError(t, err, 401, "unauthorized", "")
	fresh := g.login(t, a.Phone, "NewPassw0rd2026")
	must(g.as(fresh).Me(ctx))(t)
	// Guessing the current password with a token is throttled like logins (one wrong guess above).
	for range 4 {
		wantAPIError(t, g.as(fresh).ChangePassword(ctx, "guess-Passw0rd", "Another2026pass"), 422, "invalid", "current_password")
	}
	wantAPIError(t, g.as(fresh).ChangePassword(ctx, "NewPassw0rd2026", "Another2026pass"), 429, "rate_limited", "")
}

// TestFinding12CodecCookieIsForCodecOnly: the token in the codec cookie opens the codec endpoints and
// nothing else, whether sent as the cookie or as a bearer token.
func TestFinding12CodecCookieIsForCodecOnly(t *testing.T) {
	g := startGateway(t)
	login, raw, _ := codecSignIn(t, g, "admin", testAdminPassword)
	if login.StatusCode != 200 {
		t.Fatalf("codec sign-in: %d %s", login.StatusCode, raw)
	}
	var token string
	for _, c := range (&http.Response{Header: login.Header}).Cookies() {
		if c.Name == codecCookie {
			token = c.Value
		}
	}
	if token == "" {
		t.Fatalf("no codec cookie: %v", login.Header["Set-Cookie"])
	}
	plain := `{"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJhIjoxfQ=="}]}`
	encode := func(token string, headers ...string) {
		t.Helper()
		if r, raw, _ := g.send(t, token, "POST", "/codec/encode", plain, headers...); r.StatusCode != 200 {
			t.Fatalf("codec encode: %d %s", r.StatusCode, raw)
		}
	}
	encode("", "Cookie", codecCookie+"="+token)
	encode(token) // as a bearer token too: the audience decides
	wantAPIError(t, errOf(g.as(token).Me(t.Context())), 401, "unauthorized", "")
	wantAPIError(t, errOf(g.as(token).StaffUsers(t.Context())), 401, "unauthorized", "")
	// An API token still works on the codec endpoints (the Temporal CLI sends one).
	encode(g.adminToken(t))
}

// loginFrom tries a login as if from the client ip behind a trusted proxy at 127.0.0.1, with what a
// client may have put in front of X-Forwarded-For itself. It returns the answer and, for an error answer, the
// typed error (nil otherwise).
func loginFrom(t *testing.T, g *testGateway, ip, spoofed, login, password string) (*http.Response, error) {
	t.Helper()
	xff := ip
	if spoofed != "" {
		xff = spoofed + ", " + ip
	}
	r, _, e := g.send(t, "", "POST", "/api/v1/auth/login", api.LoginRequest{Login: login, Password: password},
		"X-Forwarded-For", xff)
	if e == nil {
		return r, nil
	}
	return r, e
}

// wantLoginOK fails the test unless a login of loginFrom answered 200: wantLoginOK(t)(loginFrom(...)).
func wantLoginOK(t *testing.T) func(*http.Response, error) {
	return func(r *http.Response, err error) {
		t.Helper()
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("login: %d %v, want 200", r.StatusCode, err)
		}
	}
}

// testNet returns a random address of TEST-NET-2, so runs do not share throttle state.
func testNet() string { return fmt.Sprintf("198.51.100.%d", 1+rand.IntN(254)) }

// TestFinding11ThrottleIsPerAccountAndAddress: five wrong admin passwords from one address throttle that
// address for admin, not admin for everyone; the count lives in Postgres, so another gateway (or this one
// after a restart) sees it too.
func TestFinding11ThrottleIsPerAccountAndAddress(t *testing.T) {
	g := startGateway(t)
	proxied := map[string]string{"SKILLCERT_TRUST_PROXY": "127.0.0.1/32"}
	first := g.extraGateway(t, proxied)
	attacker, colleague := testNet(), testNet()
	for colleague == attacker {
		colleague = testNet()
	}
	for range 5 {
		wantAPIError(t, errOf(loginFrom(t, first, attacker, "", "admin", "wrong-Passw0rd")), 401, "unauthorized", "")
	}
	r, err := loginFrom(t, first, attacker, "", "admin", testAdminPassword)
	wantAPIError(t, err, 429, "rate_limited", "")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	wantLoginOK(t)(loginFrom(t, first, colleague, "", "admin", testAdminPassword))
	// Another gateway, started after the failures, knows them.
	second := g.extraGateway(t, proxied)
	wantAPIError(t, errOf(loginFrom(t, second, attacker, "", "admin", testAdminPassword)), 429, "rate_limited", "")
	wantLoginOK(t)(loginFrom(t, second, colleague, "", "admin", testAdminPassword))
	// One address failing across many accounts is throttled on its own (ten times the limit).
	sprayer := testNet()
	for i := range 50 {
		wantAPIError(t, errOf(loginFrom(t, second, sprayer, "", fmt.Sprintf("nobody%d", i), "wrong-Passw0rd")), 401, "unauthorized", "")
	}
	wantAPIError(t, errOf(loginFrom(t, second, sprayer, "", "admin", testAdminPassword)), 429, "rate_limited", "")
}

// TestFinding05ForwardedForDoesNotBypassThrottle: behind a trusted proxy, a random X-Forwarded-For per
// attempt does not reset the login throttle.
func TestFinding05ForwardedForDoesNotBypassThrottle(t *testing.T) {
	g := startGateway(t)
	a := g.registerApplicant(t, "陈十二")
	proxied := g.extraGateway(t, map[string]string{"SKILLCERT_TRUST_PROXY": "127.0.0.1/32"})
	client := testNet()
	for range 5 {
		wantAPIError(t, errOf(loginFrom(t, proxied, client, testNet(), a.Phone, "wrong-Passw0rd")), 401, "unauthorized", "")
	}
	wantAPIError(t, errOf(loginFrom(t, proxied, client, testNet(), a.Phone, applicantPassword)), 429, "rate_limited", "")
	// Without a trusted proxy, X-Forwarded-For is not read at all: every attempt is 127.0.0.1's.
	b := g.registerApplicant(t, "陈十三")
	for range 5 {
		wantAPIError(t, errOf(loginFrom(t, g, testNet(), "", b.Phone, "wrong-Passw0rd")), 401, "unauthorized", "")
	}
	wantAPIError(t, errOf(loginFrom(t, g, testNet(), "", b.Phone, applicantPassword)), 429, "rate_limited", "")
}

// TestIssue12SeedNeverResetsAdminPassword: a gateway started with another SKILLCERT_ADMIN_PASSWORD leaves
// the existing admin's password alone; `gateway set-password` sets a password explicitly and revokes the
// account's tokens.
func TestIssue12SeedNeverResetsAdminPassword(t *testing.T) {
	g := startGateway(t)
	adminBefore := g.adminToken(t)
	other := g.extraGateway(t, map[string]string{"SKILLCERT_ADMIN_PASSWORD": "Another2022admin"})
	ctx := t.Context()
	wantAPIError(t, errOf(other.as("").Login(ctx, "admin", "Another2022admin")), 401, "unauthorized", "")
	other.login(t, "admin", testAdminPassword)
	must(g.as(adminBefore).Me(ctx))(t)

	username := fmt.Sprintf("setpw_%d", rand.IntN(1_000_000_000))
	must(g.as(adminBefore).CreateUser(ctx, api.CreateUserRequest{Username: username,
		Password: "Staff2022pass", Name: "改密测试", Role: roleSupervisor}))(t)
	old := g.login(t, username, "Staff2022pass")
	env := func(extra map[string]string) func(string) string {
		return func(k string) string {
			if v, ok := extra[k]; ok {
				return v
			}
			return g.env[k]
		}
	}
	run := func(extra map[string]string, args ...string) error {
		return Run(context.Background(), append([]string{"gateway", "set-password"}, args...), env(extra))
	}
	if err := run(nil, username); err == nil || !strings.Contains(err.Error(), newPasswordVar) {
		t.Fatalf("set-password without %s: %v", newPasswordVar, err)
	}
	if err := run(map[string]string{newPasswordVar: "weak"}, username); err == nil {
		t.Fatal("set-password accepted a weak password")
	}
	if err := run(map[string]string{newPasswordVar: "Fresh2026secret"}, "nobody_"+username); err == nil {
		t.Fatal("set-password of an unknown account succeeded")
	}
	if err := run(map[string]string{newPasswordVar: "Fresh2026secret"}, username); err != nil {
		t.Fatalf("set-password: %v", err)
	}
	wantAPIError(t, errOf(g.as(old).Me(ctx)), 401, "unauthorized", "")
	wantAPIError(t, errOf(g.as("").Login(ctx, username, "Staff2022pass")), 401, "unauthorized", "")
	g.login(t, username, "Fresh2026secret")
}

// codecSignIn posts the codec sign-in form as a browser does: it opens the page first, for the CSRF cookie
// and the form's token.
func codecSignIn(t *testing.T, g *testGateway, login, password string) (*http.Response, []byte, *client.Error) {
	t.Helper()
	page, raw, _ := g.send(t, "", "GET", "/codec/login", nil)
	if page.StatusCode != 200 {
		t.Fatalf("sign-in page: %d %s", page.StatusCode, raw)
	}
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(string(raw))
	if m == nil {
		t.Fatalf("no CSRF token in the sign-in page: %s", raw)
	}
	var cookies []string
	for _, c := range (&http.Response{Header: page.Header}).Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	form := url.Values{"login": {login}, "password": {password}, "csrf_token": {m[1]}}.Encode()
	return g.send(t, "", "POST", "/codec/login", form, "Content-Type", "application/x-www-form-urlencoded",
		"Cookie", strings.Join(cookies, "; "))
}

// TestFindingAlsoCodecSignInIsCSRFProtected: the codec sign-in page (the gateway's one HTML form so far)
// carries the page headers with a fresh nonce, and its form is refused without the page's CSRF token.
func TestFindingAlsoCodecSignInIsCSRFProtected(t *testing.T) {
	g := startGateway(t)
	page, raw, _ := g.send(t, "", "GET", "/codec/login", nil)
	if page.StatusCode != 200 {
		t.Fatalf("sign-in page: %d %s", page.StatusCode, raw)
	}
	csp := page.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "'nonce-") || strings.Contains(csp, "unsafe-inline") || page.Header.Get("Referrer-Policy") != "same-origin" {
		t.Fatalf("sign-in page headers: %v", page.Header)
	}
	form := "application/x-www-form-urlencoded"
	_, _, e := g.send(t, "", "POST", "/codec/login", "login=admin&password="+testAdminPassword, "Content-Type", form)
	wantStatusError(t, e, 403, "forbidden", "csrf_token")
	if r, raw, _ := codecSignIn(t, g, "admin", testAdminPassword); r.StatusCode != 200 {
		t.Fatalf("codec sign-in: %d %s", r.StatusCode, raw)
	}
}
