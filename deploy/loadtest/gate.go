package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// maxStartLoad is the highest 1-minute load average at the start of a run whose figures may become
// results/latest.*: above it other programs share the cores and the figures say more about them than about
// skillcert.
const maxStartLoad = 0.5

// LoadAverage is /proc/loadavg at one moment: the 1-, 5- and 15-minute load averages.
type LoadAverage struct {
	At      time.Time `json:"at"`
	One     float64   `json:"load1"`
	Five    float64   `json:"load5"`
	Fifteen float64   `json:"load15"`
}

// parseLoadavg reads the first three fields of /proc/loadavg ("0.23 0.86 1.72 2/109 32158").
func parseLoadavg(data string, at time.Time) (LoadAverage, error) {
	f := strings.Fields(data)
	if len(f) < 3 {
		return LoadAverage{}, fmt.Errorf("loadavg: %q has fewer than three fields", strings.TrimSpace(data))
	}
	var v [3]float64
	for i := range v {
		n, err := strconv.ParseFloat(f[i], 64)
		if err != nil || n < 0 {
			return LoadAverage{}, fmt.Errorf("loadavg: field %d is %q, not a load", i+1, f[i])
		}
		v[i] = n
	}
	return LoadAverage{At: at, One: v[0], Five: v[1], Fifteen: v[2]}, nil
}

// readLoadavg reads the machine's load average now.
func readLoadavg() (LoadAverage, error) {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return LoadAverage{}, err
	}
	return parseLoadavg(string(data), time.Now().UTC())
}

// Gate is the decision on where a run's results go, with the load averages it rests on.
type Gate struct {
	Start     LoadAverage `json:"start"`
	End       LoadAverage `json:"end"`
	Limit     float64     `json:"limit_load1"`
	Disturbed bool        `json:"disturbed"`  // other programs ran: the figures are not the machine's own
	Forced    bool        `json:"forced"`     // -allow-disturbed wrote latest.* anyway
	Name      string      `json:"written_as"` // file name without extension: latest, run-<time> or <mode>-<profile>-<time>
	Reason    string      `json:"reason"`
}

// gateResults decides the file name of a run's results. A run that started with a 1-minute load above
// maxStartLoad is disturbed: it goes to run-<time> (or <prefix>-<time> when prefix is set, as the production
// profile does), unless force is set (quick mode only), when it becomes latest labelled disturbed. A run
// with a prefix (the production profile, or commits made unsafe) never overwrites latest: latest is the
// durable dev-server figure the issue tracks.
func gateResults(start, end LoadAverage, quick, force bool, prefix string) Gate {
	g := Gate{Start: start, End: end, Limit: maxStartLoad, Name: "latest"}
	stamp := start.At.UTC().Format("2006-01-02-1504")
	g.Disturbed = start.One > maxStartLoad
	switch {
	case prefix != "":
		g.Name = prefix + "-" + stamp
		g.Reason = "a " + prefix + " run writes its own file; latest holds the durable dev-server figures"
		if g.Disturbed {
			g.Reason += fmt.Sprintf("; disturbed: 1-minute load %.2f at the start (limit %.2f)", start.One, maxStartLoad)
		}
	case !g.Disturbed:
		g.Reason = fmt.Sprintf("undisturbed: 1-minute load %.2f at the start (limit %.2f)", start.One, maxStartLoad)
	case force && quick:
		g.Forced = true
		g.Reason = fmt.Sprintf("DISTURBED: 1-minute load %.2f at the start (limit %.2f); written as latest because of -allow-disturbed",
			start.One, maxStartLoad)
	default:
		g.Name = "run-" + stamp
		g.Reason = fmt.Sprintf("not written as latest: 1-minute load %.2f at the start is above %.2f, so other programs shared the cores",
			start.One, maxStartLoad)
		if force {
			g.Reason += " (-allow-disturbed applies to quick mode only)"
		}
	}
	return g
}

// settledLoad reads the load average until its 1-minute figure is at most maxStartLoad or wait has passed,
// and returns the last reading: building the load test itself (go run) lifts the 1-minute average for a
// while, and an idle machine should not be taken for a busy one because of it.
func settledLoad(wait time.Duration, read func() (LoadAverage, error), sleep func(time.Duration)) (LoadAverage, error) {
	const step = 5 * time.Second
	l, err := read()
	for waited := time.Duration(0); err == nil && l.One > maxStartLoad && waited < wait; waited += step {
		sleep(step)
		l, err = read()
	}
	return l, err
}
