package rules

func taggingRules() []Rule { return nil }
