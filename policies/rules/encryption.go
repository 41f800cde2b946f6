package rules

func encryptionRules() []Rule { return nil }
