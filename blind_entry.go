package skillcert

import "encoding/json"

// Double entry is blind: until the second operator has entered a score, nothing shows the first entry's
// value — not the audit trail, the application, or any task. The audit event of a first entry therefore
// records which component was entered and by whom, but not the score; the confirming entry records the
// agreed score and a mismatch records both, so the trail is complete once both entries are in.

// ActionScoreEntered is the audit action of a first score entry, which waits for a second operator.
const ActionScoreEntered = "score_entered"

// blindedKeys are the details of a first entry that must not be recorded or shown.
var blindedKeys = []string{"score", "first_score", "value"}

// BlindAuditDetails returns the details of an audit event as they may be stored and shown: for a first score
// entry without the score (details that are not a JSON object are dropped), otherwise unchanged.
func BlindAuditDetails(action string, details []byte) []byte {
	if action != ActionScoreEntered || len(details) == 0 {
		return details
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(details, &m); err != nil {
		return nil
	}
	for _, k := range blindedKeys {
		delete(m, k)
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return out
}
