// Package web is the Chinese web UI of skillcert: the applicant portal at /, the staff workbench at
// /staff/ and public pages, rendered on the server with html/template and a little htmx.
//
// The pages hold no business rules. Every read and every action is a call to the gateway's own JSON API
// (the API interface), made with the signed-in user's bearer token, which the browser keeps in an
// HttpOnly, SameSite session cookie. Every form carries a CSRF token, and every page is sent with a
// nonce-based Content-Security-Policy.
package web
