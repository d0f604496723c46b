/// Large values the executable keeps until the process exits instead of freeing them one object at a
/// time just before exiting (freeing the evaluator of a 100,000-assignment tenant costs ~0.1 s: the
/// kernel reclaims the memory at exit anyway). Only the `scopedown` executable turns this on;
/// commands run in-process (tests) free their values as usual.
public enum ProcessLifetime {
    nonisolated(unsafe) public static var isCommandLineProcess = false
    nonisolated(unsafe) private static var kept: [AnyObject] = []

    static func keepUntilExit(_ value: AnyObject) {
        if isCommandLineProcess { kept.append(value) }
    }
}
