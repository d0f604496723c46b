// ScopedownStore: see docs/architecture.md
