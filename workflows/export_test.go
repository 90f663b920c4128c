package workflows

import "skillcert"

// SetLiveRulesForTest replaces the rule data new executions record (nil keeps the current one) and
// returns a function that restores it.
func SetLiveRulesForTest(cal *skillcert.Calendar, rules map[string]skillcert.RuleSet) (restore func()) {
	oldCal, oldRules := liveCalendar, liveRuleSets
	if cal != nil {
		liveCalendar = func() *skillcert.Calendar { return cal }
	}
	if rules != nil {
		liveRuleSets = func() map[string]skillcert.RuleSet { return rules }
	}
	return func() { liveCalendar, liveRuleSets = oldCal, oldRules }
}

// SetExtraValidationForTest adds a rule to every update validator and returns a function that removes it.
func SetExtraValidationForTest(rule func(update string, req any) error) (restore func()) {
	old := extraValidation
	extraValidation = rule
	return func() { extraValidation = old }
}

// StricterRulesForTest are the embedded conditions with 五级 needing 60 years in the occupation.
func StricterRulesForTest() map[string]skillcert.RuleSet {
	sets := map[string]skillcert.RuleSet{}
	for _, name := range skillcert.RuleSetNames() {
		rs, _ := skillcert.RuleSetNamed(name)
		levels := map[skillcert.Level][]skillcert.Alternative{}
		for l, alts := range rs.Levels {
			levels[l] = alts
		}
		levels[skillcert.Level5] = []skillcert.Alternative{{ID: "years", MinOccupationYears: 60}}
		rs.Levels = levels
		sets[name] = rs
	}
	return sets
}
