package skillcert

import "testing"

func TestBlindAuditDetails(t *testing.T) {
	cases := []struct{ action, in, want string }{
		{ActionScoreEntered, `{"component":"theory","score":88.5}`, `{"component":"theory"}`},
		{ActionScoreEntered, `{"component":"skill","score":"61","value":61}`, `{"component":"skill"}`},
		{ActionScoreEntered, `[88.5]`, ``},
		{ActionScoreEntered, `88.5`, ``},
		{"score_confirmed", `{"component":"theory","score":88.5}`, `{"component":"theory","score":88.5}`},
		{"score_mismatch", `{"first_score":70,"score":71}`, `{"first_score":70,"score":71}`},
	}
	for _, c := range cases {
		if got := string(BlindAuditDetails(c.action, []byte(c.in))); got != c.want {
			t.Errorf("BlindAuditDetails(%s, %s) = %s, want %s", c.action, c.in, got, c.want)
		}
	}
}
