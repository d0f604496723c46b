// ScopedownSynth: see docs/architecture.md
