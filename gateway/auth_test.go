package gateway

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestTokenVerify(t *testing.T) {
	now := time.Date(2022, 6, 21, 9, 0, 0, 0, time.UTC)
	signer := &tokenSigner{key: []byte("0123456789abcdef0123456789abcdef"), ttl: time.Hour}
	token, exp, err := signer.issue("user-1", roleApplicant, 0, audienceAPI, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(time.Hour); !exp.Equal(want) {
		t.Fatalf("expiry = %v, want %v", exp, want)
	}
	payloadEnd := strings.LastIndexByte(token, '.')
	otherKey := &tokenSigner{key: []byte("another key of enough length!!!"), ttl: time.Hour}
	otherToken, _, _ := otherKey.issue("user-1", roleApplicant, 0, audienceAPI, now)
	forged := tokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin-1","role":"admin","iat":0,"exp":9999999999,"jti":"x","aud":"api"}`)) +
		token[payloadEnd:]

	tests := []struct {
		name    string
		token   string
		at      time.Time
		wantErr bool
	}{
		{"valid", token, now.Add(30 * time.Minute), false},
		{"expired", token, now.Add(time.Hour), true},
		{"signed with another key", otherToken, now, true},
		{"payload swapped, old signature", forged, now, true},
		{"signature truncated", token[:len(token)-2], now, true},
		{"no prefix", strings.TrimPrefix(token, tokenPrefix), now, true},
		{"empty", "", now, true},
		{"garbage", "v1.!!!.???", now, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := signer.verify(tt.token, tt.at)
			if (err != nil) != tt.wantErr {
				t.Fatalf("verify err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && (c.Subject != "user-1" || c.Role != roleApplicant) {
				t.Fatalf("claims = %+v", c)
			}
		})
	}
}

func TestPasswordHash(t *testing.T) {
	hash, err := hashPassword("correct horse 1")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := hashPassword("correct horse 1")
	if hash == again {
		t.Fatal("two hashes of the same password are equal: salt not random")
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=7168,t=5,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string with the expected parameters", hash)
	}
	parts := strings.Split(hash, "$")
	tests := []struct {
		name    string
		encoded string
		pw      string
		want    bool
	}{
		{"right password", hash, "correct horse 1", true},
		{"wrong password", hash, "correct horse 2", false},
		{"empty password", hash, "", false},
		{"other algorithm", strings.Replace(hash, "argon2id", "argon2i", 1), "correct horse 1", false},
		{"huge memory refused", strings.Join([]string{"", "argon2id", "v=19", "m=4194304,t=2,p=1", parts[4], parts[5]}, "$"), "correct horse 1", false},
		{"more than 64 MiB refused", strings.Join([]string{"", "argon2id", "v=19", "m=65537,t=5,p=1", parts[4], parts[5]}, "$"), "correct horse 1", false},
		{"truncated", strings.Join(parts[:5], "$"), "correct horse 1", false},
		{"not base64", strings.Join([]string{"", "argon2id", "v=19", "m=19456,t=2,p=1", "***", parts[5]}, "$"), "correct horse 1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkPassword(tt.encoded, tt.pw); got != tt.want {
				t.Fatalf("checkPassword = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIDCipher(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	c, err := newIDCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	const number = "11010519491231002X"
	a, err := c.seal(number)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.seal(number)
	if string(a) == string(b) {
		t.Fatal("sealing twice gave the same bytes: nonce reused")
	}
	if strings.Contains(string(a), number) {
		t.Fatal("the sealed value contains the number in clear")
	}
	got, err := c.open(a)
	if err != nil || got != number {
		t.Fatalf("open = %q, %v", got, err)
	}
	tampered := append([]byte(nil), a...)
	tampered[len(tampered)-1] ^= 1
	if _, err := c.open(tampered); err == nil {
		t.Fatal("a tampered value opened")
	}
	other, _ := newIDCipher([]byte("fedcba9876543210fedcba9876543210"))
	if _, err := other.open(a); err == nil {
		t.Fatal("opened with the wrong key")
	}
	if _, err := c.open(a[:10]); err == nil {
		t.Fatal("a truncated value opened")
	}
	if _, err := newIDCipher(key[:16]); err == nil {
		t.Fatal("accepted a 16-byte key")
	}
}

// TestLoginThrottleDecision: a key is throttled once it has its limit of failures in the window, until the
// failure that reached the limit leaves it.
func TestLoginThrottleDecision(t *testing.T) {
	now := time.Date(2022, 6, 21, 9, 10, 0, 0, time.UTC)
	ago := func(m int) time.Time { return now.Add(-time.Duration(m) * time.Minute) }
	window := 15 * time.Minute
	if _, ok := throttled([]time.Time{ago(1), ago(2)}, 3, window, now); ok {
		t.Fatal("throttled below the limit")
	}
	wait, ok := throttled([]time.Time{ago(1), ago(2), ago(4), ago(9)}, 3, window, now)
	if !ok || wait != 11*time.Minute {
		t.Fatalf("4 failures, limit 3: throttled=%v wait=%v, want true 11m (the 3rd newest, 4 min ago, leaves in 11)", ok, wait)
	}
}
