// Placeholder so this test target builds on the evaluator branch before the ScopedownStoreTests land.
// Delete on merge once the target has its own files.
