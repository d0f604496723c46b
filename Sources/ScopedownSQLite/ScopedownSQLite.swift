// ScopedownSQLite: see docs/architecture.md
