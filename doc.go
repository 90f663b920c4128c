// Package skillcert is the domain of 职业技能等级认定 (skill-level certification) for technical staff of
// government agencies and public institutions in Inner Mongolia (docs/DOMAIN.md). It owns the rules and
// the words every other package uses: levels, pathways, eligibility, ID numbers and person checks, the
// materials checklist and image budgets, scoring and blind double entry, fees, certificate numbers and
// serials, the working-day calendar, the case lifecycle (Status, Event and the transition table), the
// audit chain's hashing, the vocabulary of people and tasks (Role, TaskType, TaskStatus, Decision,
// Verdict, with the Parse functions that refuse bad input in Chinese) and the error codes (*Error). It
// imports only the standard library and does no I/O: the workflow orders these rules in time, the
// activities and the gateway perform their side effects.
package skillcert
