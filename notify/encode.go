package notify

import (
	"encoding/base64"
	"strings"
)

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// wrap76 breaks base64 text into lines of 76 characters (RFC 2045).
func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s + "\r\n")
	return b.String()
}
