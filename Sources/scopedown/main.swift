import ScopedownCLI

ProcessLifetime.isCommandLineProcess = true
ScopedownCommand.main()
