package rules

func workloadRules() []Rule { return nil }
