// Package codec encrypts every Temporal payload with AES-256-GCM, so workflow inputs, results and failure
// messages are ciphertext in the Temporal server's database and Web UI. Keys carry an ID; the first key of the
// keyring encrypts, every key decrypts, so keys can be rotated without losing old histories.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

const (
	metadataEncoding = "encoding"
	metadataKeyID    = "encryption-key-id"
	encodingName     = "binary/encrypted"
)

// DevKeyring is the key used when SKILLCERT_CODEC_KEYS is unset. It is for development only; production
// deployments set their own keys.
const DevKeyring = "dev1:c2tpbGxjZXJ0LWRldmVsb3BtZW50LWtleS0zMmJ5dGU="

// Codec is a converter.PayloadCodec that encrypts with AES-256-GCM.
type Codec struct {
	activeID string
	aeads    map[string]cipher.AEAD
}

// Parse reads a keyring "id:base64key,id2:base64key2"; the first key encrypts. Keys are 32 bytes.
func Parse(keyring string) (*Codec, error) {
	c := &Codec{aeads: map[string]cipher.AEAD{}}
	for i, entry := range strings.Split(keyring, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !ok || id == "" {
			return nil, fmt.Errorf("codec key %d: want id:base64", i+1)
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("codec key %q: %w", id, err)
		}
		if len(key) != 32 {
			return nil, fmt.Errorf("codec key %q: %d bytes, want 32", id, len(key))
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("codec key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("codec key %q: %w", id, err)
		}
		if _, dup := c.aeads[id]; dup {
			return nil, fmt.Errorf("codec key %q given twice", id)
		}
		c.aeads[id] = aead
		if i == 0 {
			c.activeID = id
		}
	}
	return c, nil
}

// FromEnv builds the codec from SKILLCERT_CODEC_KEYS, or the development keyring when it is unset
// (dev reports whether that happened, so callers can warn).
func FromEnv(getenv func(string) string) (c *Codec, dev bool, err error) {
	keys := getenv("SKILLCERT_CODEC_KEYS")
	if keys == "" {
		c, err = Parse(DevKeyring)
		return c, true, err
	}
	c, err = Parse(keys)
	return c, false, err
}

// Encode implements converter.PayloadCodec.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := p.Marshal()
		if err != nil {
			return nil, fmt.Errorf("codec: marshal payload: %w", err)
		}
		aead := c.aeads[c.activeID]
		nonce := make([]byte, aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("codec: nonce: %w", err)
		}
		sealed := aead.Seal(nonce, nonce, plain, []byte(c.activeID))
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{metadataEncoding: []byte(encodingName), metadataKeyID: []byte(c.activeID)},
			Data:     sealed,
		}
	}
	return out, nil
}

// Decode implements converter.PayloadCodec. Payloads that are not encrypted pass through unchanged.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[metadataEncoding]) != encodingName {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[metadataKeyID])
		aead, ok := c.aeads[id]
		if !ok {
			return nil, fmt.Errorf("codec: unknown key id %q", id)
		}
		if len(p.Data) < aead.NonceSize() {
			return nil, errors.New("codec: payload too short")
		}
		nonce, sealed := p.Data[:aead.NonceSize()], p.Data[aead.NonceSize():]
		plain, err := aead.Open(nil, nonce, sealed, []byte(id))
		if err != nil {
			return nil, fmt.Errorf("codec: decrypt with key %q: %w", id, err)
		}
		var decoded commonpb.Payload
		if err := decoded.Unmarshal(plain); err != nil {
			return nil, fmt.Errorf("codec: unmarshal payload: %w", err)
		}
		out[i] = &decoded
	}
	return out, nil
}

// DataConverter wraps the SDK's default converter with c.
func (c *Codec) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter encodes failure messages and stack traces with c too.
func (c *Codec) FailureConverter() converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter:          c.DataConverter(),
		EncodeCommonAttributes: true,
	})
}
