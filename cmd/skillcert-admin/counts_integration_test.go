package main

import (
	"context"
	"testing"
)

// verifyCounts fails when the statistics counters (migration 00050) differ from a count of the applications.
func (w *world) verifyCounts(t *testing.T) {
	t.Helper()
	var wrong int
	err := w.pool.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM (SELECT region, level, status, batch_id, occupation_code, count(*) AS n
		                              FROM applications GROUP BY 1, 2, 3, 4, 5) a
		        FULL JOIN (SELECT * FROM application_counts WHERE count <> 0) c
		             USING (region, level, status, batch_id, occupation_code)
		        WHERE a.n IS DISTINCT FROM c.count)
		     + (SELECT count(*) FROM (SELECT region, level, status, count(*) AS n FROM applications GROUP BY 1, 2, 3) a
		        FULL JOIN (SELECT * FROM application_status_counts WHERE count <> 0) c USING (region, level, status)
		        WHERE a.n IS DISTINCT FROM c.count)`).Scan(&wrong)
	if err != nil {
		t.Fatal(err)
	}
	if wrong != 0 {
		t.Errorf("%d statistics groups differ from a count of the applications", wrong)
	}
}
