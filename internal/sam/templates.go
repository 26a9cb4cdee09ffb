package sam

// policyTemplates returns the SAM policy templates by name. Policy templates
// are not expanded yet; an entry naming one is reported as invalid.
func policyTemplates() map[string]any { return nil }
