// ScopedownRender: see docs/architecture.md
