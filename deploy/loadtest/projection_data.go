package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"skillcert"
	"skillcert/workflows"
)

// The synthetic projection: applications over four batches (three finished, one running), the running
// batch's open tasks, and the certificates of the certified applications, with the spread of a province:
// regions by population, lower levels more common, most finished applications certified.

// weighted is a value with its weight.
type weighted[T any] struct {
	v T
	w int
}

// choose picks a value by weight with u uniform in [0, 1).
func choose[T any](items []weighted[T], u float64) T {
	total := 0
	for _, it := range items {
		total += it.w
	}
	x := int(u * float64(total))
	for _, it := range items {
		if x < it.w {
			return it.v
		}
		x -= it.w
	}
	return items[len(items)-1].v
}

// projBatch is a batch of the synthetic data.
type projBatch struct {
	id      string
	opens   time.Time // registration opened
	running bool      // the current batch: its applications are in progress
	weight  int
}

func projBatches(now time.Time) []projBatch {
	year := 365 * 24 * time.Hour
	return []projBatch{
		{id: "bench-2021-1", opens: now.Add(-2 * year), weight: 18},
		{id: "bench-2021-2", opens: now.Add(-2*year + year/2), weight: 20},
		{id: "bench-2022-1", opens: now.Add(-year), weight: 27},
		{id: "bench-current", opens: now.Add(-60 * 24 * time.Hour), running: true, weight: 35},
	}
}

var (
	levelMix   = []weighted[int]{{5, 30}, {4, 30}, {3, 22}, {2, 13}, {1, 5}}
	pathwayMix = []weighted[skillcert.Pathway]{{skillcert.PathwayStandard, 85}, {skillcert.PathwayLateral, 5},
		{skillcert.PathwayTitle, 7}, {skillcert.PathwayVeteran, 3}}
	finishedMix = []weighted[skillcert.Status]{{skillcert.StatusCertified, 66}, {skillcert.StatusFailed, 12},
		{skillcert.StatusRejected, 6}, {skillcert.StatusExpired, 5}, {skillcert.StatusWithdrawn, 4},
		{skillcert.StatusAbandoned, 6}, {skillcert.StatusRevoked, 1}}
	runningMix = []weighted[skillcert.Status]{{skillcert.StatusDraft, 8}, {skillcert.StatusPreliminaryReview, 24},
		{skillcert.StatusCorrectionNeeded, 3}, {skillcert.StatusReReview, 14}, {skillcert.StatusAwaitingPayment, 12},
		{skillcert.StatusExamScheduled, 10}, {skillcert.StatusScoring, 12}, {skillcert.StatusComprehensiveReview, 4},
		{skillcert.StatusCertified, 5}, {skillcert.StatusRejected, 3}, {skillcert.StatusWithdrawn, 2},
		{skillcert.StatusExpired, 1}, {skillcert.StatusFailed, 2}}
)

// regionMix spreads applications over the 14 regions as regionWeights does.
func regionMix() []weighted[string] {
	out := make([]weighted[string], len(skillcert.Regions))
	for i, r := range skillcert.Regions {
		out[i] = weighted[string]{r, regionWeights[i]}
	}
	return out
}

// taskSpec is an open task an application in status s has.
type taskSpec struct{ typ, role string }

// openTasks are the open tasks of an application in status s (as the workflow opens them).
func openTasks(s skillcert.Status) []taskSpec {
	switch s {
	case skillcert.StatusPreliminaryReview:
		return []taskSpec{{"preliminary_review", "city_reviewer"}}
	case skillcert.StatusReReview:
		return []taskSpec{{"re_review", "provincial_reviewer"}}
	case skillcert.StatusScoring:
		return []taskSpec{{"score_entry", "provincial_reviewer"}, {"score_entry", "city_reviewer"}}
	case skillcert.StatusComprehensiveReview:
		return []taskSpec{{"comprehensive_review", "committee_member"}}
	}
	return nil
}

// appRow is one synthetic application with what the other tables need of it. Indexes into the catalog
// keep a million of them small.
type appRow struct {
	id, applicant             uuid.UUID
	batch, region, occupation uint8
	employer                  uint8
	level                     int8
	pathway                   skillcert.Pathway
	status                    skillcert.Status
	createdAt, updated        time.Time
	certificate               string
}

// projCatalog is what rows index into.
type projCatalog struct {
	batches []projBatch
	occs    []skillcert.Occupation
	regions []weighted[string]
}

func (c projCatalog) batchOf(r appRow) projBatch                 { return c.batches[r.batch] }
func (c projCatalog) regionOf(r appRow) string                   { return c.regions[r.region].v }
func (c projCatalog) occupationOf(r appRow) skillcert.Occupation { return c.occs[r.occupation] }
func (c projCatalog) employerOf(r appRow) string {
	return fmt.Sprintf("%s第%d行政服务中心", c.regionOf(r), int(r.employer)+1)
}

// genApp draws an application of applicant; avoid is the batch of the applicant's other application (or
// -1), so that no one has two applications in one batch.
func (c projCatalog) genApp(rng *rand.Rand, applicant uuid.UUID, avoid int) appRow {
	var r appRow
	r.id = uuidFrom(rng)
	r.applicant = applicant
	bw := make([]weighted[int], len(c.batches))
	for k, b := range c.batches {
		bw[k] = weighted[int]{k, b.weight}
	}
	b := choose(bw, rng.Float64())
	if b == avoid {
		b = (b + 1 + rng.IntN(len(c.batches)-1)) % len(c.batches)
	}
	r.batch = uint8(b)
	rw := make([]weighted[int], len(c.regions))
	for k, reg := range c.regions {
		rw[k] = weighted[int]{k, reg.w}
	}
	r.region = uint8(choose(rw, rng.Float64()))
	r.level = int8(choose(levelMix, rng.Float64()))
	for {
		r.occupation = uint8(rng.IntN(len(c.occs)))
		if c.occs[r.occupation].Offers(skillcert.Level(r.level)) {
			break
		}
	}
	r.pathway = choose(pathwayMix, rng.Float64())
	if c.batches[b].running {
		r.status = choose(runningMix, rng.Float64())
	} else {
		r.status = choose(finishedMix, rng.Float64())
	}
	r.employer = uint8(rng.IntN(60))
	r.createdAt = c.batches[b].opens.Add(time.Duration(rng.Int64N(int64(30 * 24 * time.Hour))))
	r.updated = r.createdAt.Add(time.Duration(rng.Int64N(int64(20 * 24 * time.Hour))))
	return r
}

// uuidFrom draws a random (version 4 shaped) UUID from rng, so runs are reproducible.
func uuidFrom(rng *rand.Rand) uuid.UUID {
	var u uuid.UUID
	for i := 0; i < 16; i += 8 {
		v := rng.Uint64()
		for k := 0; k < 8; k++ {
			u[i+k] = byte(v >> (8 * k))
		}
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

// viewCache renders the view JSON of each (level, pathway, status) once.
type viewCache map[string][]byte

// view is the projected view of r: its checklist (all accepted once submitted), scores when scored.
func (c viewCache) view(r appRow, occ skillcert.Occupation) []byte {
	key := fmt.Sprintf("%d|%s|%s|%s", r.level, r.pathway, r.status, occ.Code)
	if b, ok := c[key]; ok {
		return b
	}
	v := workflows.View{OccupationName: occ.Name}
	for _, rule := range skillcert.Checklist(skillcert.Level(r.level), r.pathway) {
		st := workflows.DocAccepted
		if r.status == skillcert.StatusDraft {
			st = workflows.DocMissing
		}
		v.Checklist = append(v.Checklist, workflows.ChecklistItem{DocType: rule.DocType, Label: rule.Label, Required: rule.Required, Status: st})
	}
	if r.status == skillcert.StatusCertified || r.status == skillcert.StatusFailed {
		theory, skill := skillcert.Score(825), skillcert.Score(764)
		v.Scores = workflows.ScoresView{Theory: &theory, Skill: &skill}
	}
	b, _ := json.Marshal(v)
	c[key] = b
	return b
}
