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
