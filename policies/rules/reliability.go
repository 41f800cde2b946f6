package rules

func reliabilityRules() []Rule { return nil }
