// ScopedownImport: see docs/architecture.md
