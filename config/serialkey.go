package config

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strings"
)

// serialKeyLabel separates the derived serial key from every other use of SKILLCERT_ID_HASH_KEY.
const serialKeyLabel = "skillcert/certificate-serial-permutation/v1"

// SerialKey returns the key of the certificate-serial permutation (skillcert.SerialPermutation) and where it
// came from. SKILLCERT_CERT_SERIAL_KEY wins when set (at least 16 characters). Otherwise, in production, the
// key is derived from SKILLCERT_ID_HASH_KEY by HMAC-SHA256 with a fixed label: production requires that key
// (API.md names the five keys a production start needs, and this is not one of them), it never changes while
// IDs are stored, and the derived key reveals nothing about it. Otherwise it returns nil: the development key.
func SerialKey(getenv func(string) string) (key []byte, source string, err error) {
	e := Env(getenv)
	if v := e.Raw("SKILLCERT_CERT_SERIAL_KEY"); v != "" {
		if len(v) < 16 {
			return nil, "", fmt.Errorf("config: SKILLCERT_CERT_SERIAL_KEY must have at least 16 characters")
		}
		return []byte(v), "SKILLCERT_CERT_SERIAL_KEY", nil
	}
	env, err := e.Environment()
	if err != nil {
		return nil, "", err
	}
	if base := strings.TrimSpace(getenv("SKILLCERT_ID_HASH_KEY")); env == Production && base != "" {
		m := hmac.New(sha256.New, []byte(base))
		m.Write([]byte(serialKeyLabel))
		return m.Sum(nil), "derived from SKILLCERT_ID_HASH_KEY", nil
	}
	return nil, "development key", nil
}
