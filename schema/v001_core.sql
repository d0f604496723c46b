-- v001: core inventory tables (owned by ScopedownStore; see docs/architecture.md)
SELECT 1;
