package codec

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
)

// TestEncryptedPayloadsDoNotCompress is why ConnectionOptions turns gzip off: an encoded payload of
// repetitive JSON (as compressible as a payload gets) does not shrink under gzip.
func TestEncryptedPayloadsDoNotCompress(t *testing.T) {
	c, err := Parse(DevKeyring)
	if err != nil {
		t.Fatal(err)
	}
	p, err := converter.GetDefaultDataConverter().ToPayload(map[string]string{"note": strings.Repeat("初审通过 ", 400)})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := c.Encode([]*commonpb.Payload{p})
	if err != nil {
		t.Fatal(err)
	}
	plain, cipher := gzipped(t, p.Data), gzipped(t, enc[0].Data)
	if plain*10 > len(p.Data) {
		t.Fatalf("the plain payload should compress well: %d → %d bytes", len(p.Data), plain)
	}
	if cipher < len(enc[0].Data) {
		t.Fatalf("ciphertext compressed from %d to %d bytes: gzip would pay for itself", len(enc[0].Data), cipher)
	}
}

func TestConnectionOptionsWithoutGzip(t *testing.T) {
	if _, ok := ConnectionOptions().GrpcCompression.(*client.GrpcCompressionNone); !ok {
		t.Fatalf("GrpcCompression = %T, want none", ConnectionOptions().GrpcCompression)
	}
}

func gzipped(t *testing.T, data []byte) int {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Len()
}
