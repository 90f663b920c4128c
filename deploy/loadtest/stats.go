package main

import (
	"math"
	"slices"
	"sort"
	"sync"
	"time"
)

// Latency is the summary of one endpoint's latencies, in milliseconds.
type Latency struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
	Mean  float64 `json:"mean_ms"`
}

// percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of sorted durations: the smallest value
// such that at least p % of the values are at or below it. It returns 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// summarize computes count, p50, p95, p99, max and mean of ds (which it sorts in place).
func summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	var total time.Duration
	for _, d := range ds {
		total += d
	}
	return Latency{
		Count: len(ds),
		P50:   ms(percentile(ds, 50)),
		P95:   ms(percentile(ds, 95)),
		P99:   ms(percentile(ds, 99)),
		Max:   ms(ds[len(ds)-1]),
		Mean:  ms(total / time.Duration(len(ds))),
	}
}

// ms converts d to milliseconds rounded to 0.01 ms.
func ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*100) / 100
}

// recorder collects latencies per endpoint (a route template such as "POST /api/v1/tasks/{id}/claim").
// It is safe for concurrent use.
type recorder struct {
	mu      sync.Mutex
	byRoute map[string][]time.Duration
}

func newRecorder() *recorder { return &recorder{byRoute: map[string][]time.Duration{}} }

// add records one request of route that took d.
func (r *recorder) add(route string, d time.Duration) {
	r.mu.Lock()
	r.byRoute[route] = append(r.byRoute[route], d)
	r.mu.Unlock()
}

// summary returns the latency summary of every route seen.
func (r *recorder) summary() map[string]Latency {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]Latency, len(r.byRoute))
	for route, ds := range r.byRoute {
		out[route] = summarize(slices.Clone(ds))
	}
	return out
}

// reset forgets every latency recorded.
func (r *recorder) reset() {
	r.mu.Lock()
	r.byRoute = map[string][]time.Duration{}
	r.mu.Unlock()
}

// total is the number of requests recorded.
func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ds := range r.byRoute {
		n += len(ds)
	}
	return n
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
