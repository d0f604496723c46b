import ScopedownCLI
ScopedownCommand.main()
