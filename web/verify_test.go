package web

import (
	"bytes"
	"strings"
	"testing"
)

// TestVerifyPageNameCheck: the verification page says whether the typed name is the holder's, says
// nothing about a name when none was typed, and shows only the masked name.
func TestVerifyPageNameCheck(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		matches *bool
		want    string
	}{{&yes, "所填姓名与持证人姓名一致"}, {&no, "所填姓名与持证人姓名不一致"}, {nil, ""}} {
		p := page{Title: "证书查询", Assets: loadAssets(), Form: map[string]string{},
			Data: certificate{Number: "S1", Status: "valid", NameMasked: "李*报", NameMatches: c.matches}}
		var buf bytes.Buffer
		if err := templates["verify"].ExecuteTemplate(&buf, "layout", p); err != nil {
			t.Fatal(err)
		}
		html := buf.String()
		switch {
		case c.want == "" && strings.Contains(html, `id="cert-name"`):
			t.Errorf("a name check is shown though none was asked")
		case c.want != "" && !strings.Contains(html, c.want):
			t.Errorf("matches=%v: the page lacks %q", *c.matches, c.want)
		case c.matches != nil && !*c.matches && strings.Contains(html, "与持证人姓名一致<"):
			t.Errorf("a mismatch is shown as a match")
		}
		if !strings.Contains(html, "李*报") {
			t.Errorf("the masked name is missing")
		}
	}
}
