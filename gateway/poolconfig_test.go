package gateway

import "testing"

func TestPoolConfigPlansEachQuery(t *testing.T) {
	c, err := poolConfig("postgres://u@127.0.0.1:5432/db")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.ConnConfig.RuntimeParams["plan_cache_mode"]; got != "force_custom_plan" {
		t.Fatalf("plan_cache_mode %q, want force_custom_plan", got)
	}
	if got := c.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"]; got != "0" {
		t.Fatalf("max_parallel_workers_per_gather %q, want 0", got)
	}
	c, err = poolConfig("postgres://u@127.0.0.1:5432/db?plan_cache_mode=auto&max_parallel_workers_per_gather=2")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.ConnConfig.RuntimeParams["plan_cache_mode"]; got != "auto" {
		t.Fatalf("an explicit plan_cache_mode was overridden: %q", got)
	}
	if got := c.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"]; got != "2" {
		t.Fatalf("an explicit max_parallel_workers_per_gather was overridden: %q", got)
	}
	if _, err := poolConfig("::not a url"); err == nil {
		t.Fatal("bad URL accepted")
	}
}
