package rules

func networkRules() []Rule { return nil }
