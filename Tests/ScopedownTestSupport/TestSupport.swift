// Shared test helpers: fixtures paths, the reference evaluator, random tenants.
