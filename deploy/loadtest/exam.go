package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// seatKey is what an exam session is for: applications of one batch, region, occupation and level.
type seatKey struct {
	region, occupation string
	level              int
}

// seatState holds, for one key, the paid applications that asked for a seat and where each was seated.
type seatState struct {
	mu     sync.Mutex        // one assignment per key at a time
	seated map[string]string // application ID → exam session ID (guarded by mu)

	askMu  sync.Mutex
	asking map[string]bool // applications in seat() for this key, queued or assigning (guarded by askMu)
}

// ask adds appID to, or removes it from, the applications asking for a seat.
func (st *seatState) ask(appID string, asking bool) {
	st.askMu.Lock()
	defer st.askMu.Unlock()
	if asking {
		st.asking[appID] = true
	} else {
		delete(st.asking, appID)
	}
}

// askers is how many applications are asking for a seat now.
func (st *seatState) askers() int {
	st.askMu.Lock()
	defer st.askMu.Unlock()
	return len(st.asking)
}

// seating plays the provincial reviewer who seats paid applicants: when an application of a key needs a
// seat, it opens a session sized for everyone of that key waiting at that moment and assigns it, as a
// reviewer working through the paid list would. One assignment per key runs at a time.
type seating struct {
	api        *apiClient
	provincial account
	batchID    string
	examAt     time.Time

	mu   sync.Mutex
	keys map[seatKey]*seatState
}

func newSeating(api *apiClient, provincial account, batchID string, examAt time.Time) *seating {
	return &seating{api: api, provincial: provincial, batchID: batchID, examAt: examAt, keys: map[seatKey]*seatState{}}
}

func (s *seating) state(k seatKey) *seatState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.keys[k]
	if !ok {
		st = &seatState{seated: map[string]string{}, asking: map[string]bool{}}
		s.keys[k] = st
	}
	return st
}

// assignResponse is the answer of POST /api/v1/exam-sessions/{id}/assign.
type assignResponse struct {
	Seats []struct {
		ApplicationID string `json:"application_id"`
		Seat          int    `json:"seat"`
	} `json:"seats"`
	Skipped []struct {
		ApplicationID string `json:"application_id"`
		Reason        string `json:"reason"`
	} `json:"skipped"`
}

// emptySessions is how many sessions in a row may seat nobody (the application's payment not yet seen by the
// gateway's paid list) before seat gives up.
const emptySessions = 5

// seat returns the exam session the paid application appID was seated in, creating and assigning sessions
// until it has one. The gateway seats the paid applications of the key in payment order, which need not be
// the order in which they ask here: a session may seat applications that have not asked yet (they find
// their seat when they do), so seat goes on while sessions seat someone, and gives up only after
// emptySessions sessions in a row seated nobody.
func (s *seating) seat(ctx context.Context, k seatKey, appID string) (string, error) {
	st := s.state(k)
	st.ask(appID, true) // before queueing for the key, so the session in progress is sized for us too
	defer st.ask(appID, false)
	st.mu.Lock()
	defer st.mu.Unlock()
	for empty := 0; empty < emptySessions; {
		if sid, ok := st.seated[appID]; ok {
			return sid, nil
		}
		var session struct {
			ID string `json:"id"`
		}
		body := map[string]any{"batch_id": s.batchID, "region": k.region, "occupation_code": k.occupation,
			"level": k.level, "starts_at": s.examAt.Format(time.RFC3339), "venue": k.region + "职业技能鉴定考点",
			"capacity": min(max(st.askers(), 1), 10000)}
		if err := s.api.do(ctx, call{method: "POST", route: "/api/v1/exam-sessions", path: "/api/v1/exam-sessions",
			token: s.provincial.Token, body: body, want: 201, out: &session}); err != nil {
			return "", err
		}
		var res assignResponse
		if err := s.api.do(ctx, call{method: "POST", route: "/api/v1/exam-sessions/{id}/assign",
			path: "/api/v1/exam-sessions/" + session.ID + "/assign", token: s.provincial.Token, out: &res}); err != nil {
			return "", err
		}
		if len(res.Skipped) > 0 {
			s.api.errors.add("POST /api/v1/exam-sessions/{id}/assign", 200, "skipped: "+res.Skipped[0].Reason)
			return "", fmt.Errorf("assign %s skipped %s: %s", session.ID, res.Skipped[0].ApplicationID, res.Skipped[0].Reason)
		}
		if len(res.Seats) == 0 {
			empty++
		} else {
			empty = 0
		}
		for _, seat := range res.Seats {
			st.seated[seat.ApplicationID] = session.ID
		}
	}
	if sid, ok := st.seated[appID]; ok {
		return sid, nil
	}
	s.api.errors.add("POST /api/v1/exam-sessions/{id}/assign", 200, fmt.Sprintf("application not seated: %d sessions in a row seated nobody", emptySessions))
	return "", fmt.Errorf("application %s not seated", appID)
}
