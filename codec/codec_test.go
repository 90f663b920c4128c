package codec

import (
	"bytes"
	"strings"
	"testing"

	"go.temporal.io/sdk/converter"
)

func TestRoundTripAndCiphertext(t *testing.T) {
	c, err := Parse(DevKeyring)
	if err != nil {
		t.Fatal(err)
	}
	dc := c.DataConverter()
	secret := "11010519491231002X"
	p, err := dc.ToPayload(map[string]string{"id_number": secret})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.Data, []byte(secret)) {
		t.Fatal("payload data contains the plaintext")
	}
	if got := string(p.Metadata[metadataEncoding]); got != encodingName {
		t.Fatalf("encoding %q", got)
	}
	var back map[string]string
	if err := dc.FromPayload(p, &back); err != nil {
		t.Fatal(err)
	}
	if back["id_number"] != secret {
		t.Fatalf("round trip gave %v", back)
	}
}

func TestRotationDecryptsOldKeys(t *testing.T) {
	k1 := "k1:" + strings.Repeat("QUFB", 10) + "QUE=" // 32 bytes of 'A'
	old, err := Parse(k1)
	if err != nil {
		t.Fatal(err)
	}
	p, err := old.DataConverter().ToPayload("hello")
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := Parse(DevKeyring + "," + k1)
	if err != nil {
		t.Fatal(err)
	}
	var s string
	if err := rotated.DataConverter().FromPayload(p, &s); err != nil || s != "hello" {
		t.Fatalf("rotated keyring could not read old payload: %v %q", err, s)
	}
	fresh, _ := rotated.DataConverter().ToPayload("x")
	if string(fresh.Metadata[metadataKeyID]) != "dev1" {
		t.Fatalf("new payloads must use the first key, got %q", fresh.Metadata[metadataKeyID])
	}
	if _, err := Parse("bad"); err == nil {
		t.Fatal("malformed keyring accepted")
	}
	if _, err := Parse("k:AAAA"); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestTamperedPayloadRefused(t *testing.T) {
	c, _ := Parse(DevKeyring)
	p, _ := c.DataConverter().ToPayload("x")
	p.Data[len(p.Data)-1] ^= 1
	var s string
	if err := c.DataConverter().FromPayload(p, &s); err == nil {
		t.Fatal("tampered payload decoded")
	}
	var _ converter.PayloadCodec = c
}
