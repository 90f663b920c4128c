package gateway

import (
	"context"
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"

	"skillcert/schema/db"
	"skillcert/workflows"
)

// freeSeats returns the seat numbers 1..capacity not in taken, lowest first.
func freeSeats(capacity int32, taken []int32) []int32 {
	var free []int32
	for n := int32(1); n <= capacity; n++ {
		if _, found := slices.BinarySearch(taken, n); !found {
			free = append(free, n)
		}
	}
	return free
}

// reserveSeats gives the free seats of the session to the waiting applications, in one transaction that
// locks the session row, so concurrent assignments cannot give a seat twice.
func (a *app) reserveSeats(ctx context.Context, sessionID, by string) error {
	tx, err := a.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin seat assignment: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	q := a.q.WithTx(tx)
	s, err := q.LockExamSession(ctx, sessionID)
	if err != nil {
		return fmt.Errorf("lock exam session: %w", err)
	}
	if err := q.ReleaseStaleSeats(ctx, s.ID); err != nil {
		return fmt.Errorf("free stale seats: %w", err)
	}
	taken, err := q.ListTakenSeats(ctx, s.ID)
	if err != nil {
		return fmt.Errorf("list seats: %w", err)
	}
	free := freeSeats(s.Capacity, taken)
	if len(free) == 0 {
		return nil
	}
	ids, err := q.ListSeatCandidates(ctx, db.ListSeatCandidatesParams{BatchID: s.BatchID, Region: s.Region,
		OccupationCode: s.OccupationCode, Level: s.Level, Lim: int32(len(free))})
	if err != nil {
		return fmt.Errorf("list waiting applications: %w", err)
	}
	for i, id := range ids {
		if err := q.InsertExamSeat(ctx, db.InsertExamSeatParams{SessionID: s.ID, Seat: free[i], ApplicationID: id, AssignedBy: by}); err != nil {
			return fmt.Errorf("seat application %s: %w", id, err)
		}
	}
	return tx.Commit(ctx)
}

// assignSeats seats every paid application of the session's batch, region, occupation and level that has no
// seat yet, up to capacity, then tells each application's workflow (assign_exam), which issues the
// admission ticket. Seats already given keep their numbers; seats whose workflow has not heard of them yet
// (an earlier call that failed half-way) are announced again.
func (a *app) assignSeats(c *fiber.Ctx) error {
	s, err := a.loadExamSession(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), user(c)
	// Another session seating the same application at the same moment makes the insert of its seat fail on
	// the unique application_id; the next attempt no longer sees that application as waiting.
	for attempt := 1; ; attempt++ {
		err := a.reserveSeats(ctx, s.ID, p.ID)
		if err == nil {
			break
		}
		if !isUniqueViolation(err) || attempt == 3 {
			return err
		}
	}
	pending, err := a.q.ListUnannouncedSeats(ctx, s.ID)
	if err != nil {
		return fmt.Errorf("list seats to announce: %w", err)
	}
	out := assignResponse{SessionID: s.ID, Seats: []seatView{}, Skipped: []skippedSeat{}, Capacity: s.Capacity}
	for _, seat := range pending {
		err := a.update(ctx, seat.ApplicationID, workflows.UpdateAssignExam, workflows.AssignExamRequest{
			SessionID: s.ID, Seat: int(seat.Seat), Venue: s.Venue, StartsAt: s.StartsAt, Actor: p.actor()}, nil)
		if err != nil {
			status, body := classify(err)
			if status >= 500 {
				return err // the seat stays reserved; a retry announces it
			}
			if derr := a.q.DeleteExamSeat(detached(c), db.DeleteExamSeatParams{SessionID: s.ID, ApplicationID: seat.ApplicationID}); derr != nil {
				return fmt.Errorf("free seat of %s: %w", seat.ApplicationID, derr)
			}
			out.Skipped = append(out.Skipped, skippedSeat{ApplicationID: seat.ApplicationID, Reason: body.Message})
			continue
		}
		out.Seats = append(out.Seats, seatView{ApplicationID: seat.ApplicationID, Seat: seat.Seat})
	}
	out.Assigned = len(out.Seats)
	if s, err = a.q.GetExamSession(ctx, s.ID); err != nil {
		return fmt.Errorf("read exam session: %w", err)
	}
	out.Seated = s.Seated
	return c.JSON(out)
}
