package gateway

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// idCipher encrypts ID numbers at rest with AES-256-GCM (SKILLCERT_ID_ENC_KEY). A stored value is
// nonce (12 bytes) followed by the sealed number; the additional data binds it to its purpose.
type idCipher struct {
	aead cipher.AEAD
}

var idAAD = []byte("skillcert users.id_number_enc v1")

func newIDCipher(key []byte) (*idCipher, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("id cipher: key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("id cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("id cipher: %w", err)
	}
	return &idCipher{aead: aead}, nil
}

// seal encrypts an ID number.
func (c *idCipher) seal(number string) ([]byte, error) {
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(number)+c.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("id cipher nonce: %w", err)
	}
	return c.aead.Seal(nonce, nonce, []byte(number), idAAD), nil
}

// open decrypts what seal produced.
func (c *idCipher) open(sealed []byte) (string, error) {
	n := c.aead.NonceSize()
	if len(sealed) < n+c.aead.Overhead() {
		return "", errors.New("id cipher: stored value too short")
	}
	plain, err := c.aead.Open(nil, sealed[:n], sealed[n:], idAAD)
	if err != nil {
		return "", fmt.Errorf("id cipher: open: %w", err)
	}
	return string(plain), nil
}
