package e2e

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"skillcert/api"
)

// TestBatchFanOutSurvivesGatewayKill: the organiser extends a batch's payment window; the gateway is
// SIGKILLed as soon as the first case has the new deadline, in the middle of the fan-out. Every running
// case of the batch still ends with the new deadline (the fan-out is a workflow). SKILLCERT_FANOUT_CASES
// sets the number of cases: 6 in `make test`, 200 in `make fanout`.
func TestBatchFanOutSurvivesGatewayKill(t *testing.T) {
	cases := 6
	if v := os.Getenv("SKILLCERT_FANOUT_CASES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SKILLCERT_FANOUT_CASES=%q", v)
		}
		cases = n
	}
	s := startSystem(t)
	a := s.actors()
	s.batch(a.admin, "e2e-fanout", 24*time.Hour, 96*time.Hour)
	names := []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"}
	var apps []string
	for i := range cases {
		p := s.newApplicant(names[i%len(names)])
		app := s.apply(p, "e2e-fanout", 5, nil)
		s.decide(a.city1, app.ID, "preliminary_review", "approve")
		s.decide(a.prov1, app.ID, "re_review", "approve")
		apps = append(apps, app.ID)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	newDue := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Second)
	changed := func() int {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM applications WHERE batch_id = 'e2e-fanout' AND payment_due_at = $1`, newDue).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	patched := make(chan string, 1)
	go func() {
		closes := newDue.Format(time.RFC3339)
		_, err := s.as(a.admin).PatchBatch(context.Background(), "e2e-fanout", api.BatchRequest{PaymentClosesAt: &closes})
		patched <- fmt.Sprint(statusOf(err), " ", err)
	}()
	atKill := 0
	for deadline := time.Now().Add(30 * time.Second); atKill == 0 && time.Now().Before(deadline); {
		atKill = changed()
	}
	_ = s.gateway.Process.Signal(syscall.SIGKILL)
	_, _ = s.gateway.Process.Wait()
	t.Logf("gateway killed with %d of %d cases moved; the PATCH answered %s", atKill, cases, <-patched)
	if atKill == 0 {
		t.Fatal("no case moved within 30 s of the PATCH")
	}
	s.gateway = s.start("gateway")
	s.waitReady()

	var moved int
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(250 * time.Millisecond) {
		if moved = changed(); moved == cases || time.Now().After(deadline) {
			break
		}
	}
	if moved != cases {
		t.Fatalf("%d of %d cases have the new deadline %v", moved, cases, newDue)
	}
	p := s.get(a.admin, apps[len(apps)-1])
	if p.Deadlines.PaymentDueAt == nil || !p.Deadlines.PaymentDueAt.Equal(newDue) {
		t.Fatalf("the last case answers deadline %v, want %v", p.Deadlines.PaymentDueAt, newDue)
	}
}
