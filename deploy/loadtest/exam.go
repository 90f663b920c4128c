package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// seatKey is what an exam session is for: applications of one batch, region, occupation and level.
type seatKey struct {
	region, occupation string
	level              int
}

// seatState holds, for one key, how many paid applications wait for a seat and where each was seated.
type seatState struct {
	mu      sync.Mutex        // one assignment per key at a time
	waiting atomic.Int64      // paid applications of the key that asked for a seat and have none yet
	seated  map[string]string // application ID → exam session ID (guarded by mu)
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
		st = &seatState{seated: map[string]string{}}
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

// seat returns the exam session the paid application appID was seated in, creating and assigning sessions
// until it has one.
func (s *seating) seat(ctx context.Context, k seatKey, appID string) (string, error) {
	st := s.state(k)
	st.waiting.Add(1) // before queueing for the key, so the session in progress is sized for us too
	st.mu.Lock()
	defer st.mu.Unlock()
	for attempt := 0; attempt < 5; attempt++ {
		if sid, ok := st.seated[appID]; ok {
			return sid, nil
		}
		var session struct {
			ID string `json:"id"`
		}
		body := map[string]any{"batch_id": s.batchID, "region": k.region, "occupation_code": k.occupation,
			"level": k.level, "starts_at": s.examAt.Format(time.RFC3339), "venue": k.region + "职业技能鉴定考点",
			"capacity": min(max(st.waiting.Load(), 1), 10000)}
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
		for _, seat := range res.Seats {
			st.seated[seat.ApplicationID] = session.ID
		}
		st.waiting.Add(-int64(len(res.Seats)))
	}
	if sid, ok := st.seated[appID]; ok {
		return sid, nil
	}
	s.api.errors.add("POST /api/v1/exam-sessions/{id}/assign", 200, "application not seated after 5 sessions")
	return "", fmt.Errorf("application %s not seated", appID)
}
