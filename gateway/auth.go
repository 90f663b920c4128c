package gateway

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// Tokens are "v1.<payload>.<mac>": payload is base64url JSON claims, mac is base64url
// HMAC-SHA256(key, "v1."+payload). They carry no personal data beyond the user ID and role.

// claims are the signed contents of a token. ID names the token on the deny list (logout); Version is the
// user's token version when it was issued (a password change raises it); Audience says where the token is
// valid: audienceAPI everywhere, audienceCodec only on the codec endpoints.
type claims struct {
	Subject   string `json:"sub"`
	Role      string `json:"role"`
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp"`
	ID        string `json:"jti"`
	Version   int64  `json:"tv"`
	Audience  string `json:"aud"`
}

// Token audiences.
const (
	audienceAPI   = "api"
	audienceCodec = "codec"
)

// tokenSigner issues and verifies tokens.
type tokenSigner struct {
	key []byte
	ttl time.Duration
}

const tokenPrefix = "v1."

// issue returns a token for the user at token version, valid for audience, and its expiry.
func (s *tokenSigner) issue(userID, role string, version int64, audience string, now time.Time) (string, time.Time, error) {
	exp := now.Add(s.ttl).Truncate(time.Second)
	payload, err := json.Marshal(claims{Subject: userID, Role: role, IssuedAt: now.Unix(), ExpiresAt: exp.Unix(),
		ID: randomSecret(16), Version: version, Audience: audience})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("encode token claims: %w", err)
	}
	body := tokenPrefix + base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(s.mac(body)), exp, nil
}

func (s *tokenSigner) mac(body string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(body))
	return m.Sum(nil)
}

// errBadToken is returned for any token that does not verify; callers answer 401 without saying why.
var errBadToken = errors.New("invalid token")

// verify checks the signature and expiry of token and returns its claims.
func (s *tokenSigner) verify(token string, now time.Time) (claims, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return claims{}, errBadToken
	}
	i := strings.LastIndexByte(token, '.')
	if i <= len(tokenPrefix) {
		return claims{}, errBadToken
	}
	body, sig := token[:i], token[i+1:]
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(body)) {
		return claims{}, errBadToken
	}
	payload, err := base64.RawURLEncoding.DecodeString(body[len(tokenPrefix):])
	if err != nil {
		return claims{}, errBadToken
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil || c.Subject == "" || c.ID == "" || c.Audience == "" {
		return claims{}, errBadToken
	}
	if now.Unix() >= c.ExpiresAt {
		return claims{}, errBadToken
	}
	return c, nil
}

// Password hashes are PHC strings: $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>, base64 without
// padding. The parameters are one of OWASP's equivalent argon2id settings: 7 MiB, 5 passes, 1 lane (the
// same work as 19 MiB and 2 passes, at a third of the memory, so that concurrent logins stay small).
// Hashes made with other parameters (19 MiB, 2 passes before 2026-11-29) still verify, and are replaced by
// one with these parameters at the next successful login.
const (
	argonMemory  = 7 * 1024
	argonTime    = 5
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// hashPassword returns the argon2id PHC string of pw with a random salt.
func hashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// checkPassword reports whether pw matches the PHC string encoded, using the parameters stored in it.
func checkPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil {
		return false
	}
	if memory == 0 || memory > maxArgonMemory || passes == 0 || passes > 16 || threads == 0 {
		return false // refuse parameters that would let a stored hash exhaust the server
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// maxArgonMemory is the most memory (KiB) a stored hash may ask for: more is refused, not computed.
const maxArgonMemory = 64 * 1024

// argonParams returns the memory (KiB) a stored hash asks for, and whether it has the current parameters.
func argonParams(encoded string) (memoryKiB int64, current bool) {
	parts := strings.Split(encoded, "$")
	var memory, passes uint32
	var threads uint8
	if len(parts) != 6 {
		return argonMemory, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil || memory == 0 {
		return argonMemory, false
	}
	return int64(min(memory, maxArgonMemory)), memory == argonMemory && passes == argonTime && threads == argonThreads
}

// dummyHash is verified against when a login names no account, so that unknown logins take as long as
// wrong passwords.
var dummyHash = func() string {
	h, err := hashPassword("unused-dummy-password-1")
	if err != nil {
		panic(err)
	}
	return h
}()
