import Foundation
import Testing

/// Locations of test data. Tests that use the real Azure data in `../shared/azure` (beside the
/// checkout in CI) are marked `.enabled(if: SharedData.isAvailable, SharedData.skipMessage)` so a
/// fresh clone without it skips them with a visible message instead of failing.
public enum SharedData {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared/azure` beside the checkout (or `$SCOPEDOWN_SHARED/azure`).
    public static let azure: URL = {
        if let env = ProcessInfo.processInfo.environment["SCOPEDOWN_SHARED"] {
            return URL(fileURLWithPath: env).appendingPathComponent("azure")
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/azure")
    }()

    public static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: azure.appendingPathComponent("builtin-roles.json").path)
    }

    public static let skipMessage: Comment =
        "../shared/azure is not beside this checkout: skipping tests on the real Azure data"

    public static func url(_ relative: String) -> URL { azure.appendingPathComponent(relative) }

    /// The project's own fixtures folder.
    public static func fixture(_ relative: String) -> URL {
        packageRoot.appendingPathComponent("fixtures").appendingPathComponent(relative)
    }
}

/// Runs more randomized cases when `SCOPEDOWN_RANDOM_CASES` asks for it.
public enum RandomCases {
    public static func count(default n: Int) -> Int {
        if let s = ProcessInfo.processInfo.environment["SCOPEDOWN_RANDOM_CASES"], let v = Int(s), v > 0 { return v }
        return n
    }
}

/// A small deterministic PRNG (SplitMix64) for seeded random tests and tenants.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Golden files: compared byte for byte; `SCOPEDOWN_UPDATE_GOLDEN=1` rewrites them instead.
public enum Golden {
    public static var updating: Bool { ProcessInfo.processInfo.environment["SCOPEDOWN_UPDATE_GOLDEN"] == "1" }

    /// True when the file at `url` holds exactly `actual` (always true after rewriting it).
    public static func matches(_ actual: String, at url: URL) throws -> Bool {
        if updating {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url, options: .atomic)
            return true
        }
        return try String(contentsOf: url, encoding: .utf8) == actual
    }
}

/// Compares `actual` with the golden file at `fixtures/<relative>` (see `Golden`).
public func matchesGolden(_ actual: String, _ relative: String) throws -> Bool {
    try Golden.matches(actual, at: SharedData.fixture(relative))
}
