/// Large values the executable keeps until the process exits instead of freeing them one object at a
/// time just before exiting (freeing a large evaluator object by object is measurable, and the
/// kernel reclaims the memory at exit anyway). Only the `scopedown` executable turns this on;
/// commands run in-process (tests) free their values as usual.
public enum ProcessLifetime {
    nonisolated(unsafe) public static var isCommandLineProcess = false
    nonisolated(unsafe) private static var kept: [AnyObject] = []

    static func keepUntilExit(_ value: AnyObject) {
        if isCommandLineProcess { kept.append(value) }
    }
}
