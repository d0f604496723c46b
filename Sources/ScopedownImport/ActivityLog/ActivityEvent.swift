import ScopedownCore
// What a scanner produces (the event values themselves are Core's: ActivityEvents.swift), and
// Activity Log timestamps.

/// True when a failed event's sub-status, result signature, status code or properties name an
/// authorization failure (HTTP 403, `Forbidden`, `AuthorizationFailed`, `LinkedAuthorizationFailed`):
/// a **denied attempt**.
package func isAuthorizationFailureText(_ lowercased: String) -> Bool {
    lowercased.contains("authorizationfailed") || lowercased.contains("forbidden") || lowercased.contains("403")
}

/// What a scanner produced for one chunk of input.
package struct ScannedBatch: Sendable {
    /// Which scanner produced it (local ids are per scanner).
    public var scanner: Int
    public var chunkIndex: Int
    public var events: [ScannedEvent] = []
    /// Strings first seen in this batch, per table, in local-id order (ids continue across batches
    /// of the same scanner).
    public var newStrings: [[String]] = Array(repeating: [], count: StringTable.allCases.count)
    /// The raw records (one per event, same order) when `--keep-events` asked for them.
    public var rawRecords: [String]? = nil
    /// Lines in the chunk (JSON Lines) for error positions.
    public var lineCount: Int = 0
    /// The chunk's records (lines or elements) in order, for the file's identity.
    public var fingerprint = RecordSequenceFingerprint()
    public var bytes: Int = 0
    /// Records without `authorization.action` (not RBAC-checked events: health, alerts, ...).
    public var withoutAuthorization: Int = 0
    /// Records with an action but no parseable time.
    public var withoutTime: Int = 0
    public var error: ActivityChunkError? = nil

    public init(scanner: Int, chunkIndex: Int) {
        self.scanner = scanner
        self.chunkIndex = chunkIndex
    }
}

/// A scan error inside a chunk: the 0-based line within the chunk and the 1-based column.
package struct ActivityChunkError: Sendable {
    public var line: Int
    public var column: Int
    public var message: String
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}

/// ISO-8601 timestamps (`2023-12-12T12:06:20.0559464Z`, `...+02:00`, a space instead of `T`) to
/// seconds since the epoch. Returns nil for anything else.
public enum ActivityTime {
    public static func parse(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        let n = end - start
        guard n >= 19 else { return nil }
        func d(_ i: Int) -> Int? {
            let c = p[start + i]
            return c >= 0x30 && c <= 0x39 ? Int(c - 0x30) : nil
        }
        guard let y0 = d(0), let y1 = d(1), let y2 = d(2), let y3 = d(3), p[start + 4] == 0x2D,
              let m0 = d(5), let m1 = d(6), p[start + 7] == 0x2D, let d0 = d(8), let d1 = d(9),
              p[start + 10] == 0x54 || p[start + 10] == 0x20 || p[start + 10] == 0x74,
              let h0 = d(11), let h1 = d(12), p[start + 13] == 0x3A, let i0 = d(14), let i1 = d(15),
              p[start + 16] == 0x3A, let s0 = d(17), let s1 = d(18) else { return nil }
        let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
        let month = m0 * 10 + m1, day = d0 * 10 + d1
        let hour = h0 * 10 + h1, minute = i0 * 10 + i1, second = s0 * 10 + s1
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        if i < n, p[start + i] == 0x2E {
            i += 1
            while i < n, let _ = d(i) { i += 1 }
        }
        var offset = 0
        if i < n {
            let c = p[start + i]
            if c == 0x5A || c == 0x7A {
                i += 1
            } else if c == 0x2B || c == 0x2D, i + 6 <= n, let a = d(i + 1), let b = d(i + 2), p[start + i + 3] == 0x3A,
                      let e = d(i + 4), let f = d(i + 5) {
                offset = ((a * 10 + b) * 60 + (e * 10 + f)) * 60 * (c == 0x2B ? 1 : -1)
                i += 6
            } else {
                return nil
            }
        }
        guard i == n else { return nil }
        return Int64(daysFromCivil(year, month, day)) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
    }

    public static func parse(_ s: String) -> Int64? {
        var bytes = Array(s.trimmingSpaces().utf8)
        let iso = bytes.withUnsafeMutableBufferPointer { b -> Int64? in
            guard let base = b.baseAddress else { return nil }
            return parse(UnsafePointer(base), 0, b.count)
        }
        return iso ?? parsePortal(s)
    }

    /// The Azure portal's CSV export of Log Analytics results writes UTC times as
    /// `9/29/2020, 11:11:02.578 PM` (column `TimeGenerated [UTC]`).
    public static func parsePortal(_ s: String) -> Int64? {
        let parts = s.trimmingSpaces().split(separator: ",", maxSplits: 1).map { String($0).trimmingSpaces() }
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "/").compactMap { Int($0) }
        guard date.count == 3, (1...12).contains(date[0]), (1...31).contains(date[1]), date[2] >= 1000 else { return nil }
        let timeAndMeridiem = parts[1].split(separator: " ")
        guard timeAndMeridiem.count == 2 else { return nil }
        let meridiem = timeAndMeridiem[1].uppercased()
        guard meridiem == "AM" || meridiem == "PM" else { return nil }
        let hms = timeAndMeridiem[0].split(separator: ":")
        guard hms.count == 3, var hour = Int(hms[0]), let minute = Int(hms[1]),
              let second = Int(hms[2].split(separator: ".").first ?? ""), (1...12).contains(hour), minute < 60, second < 61 else { return nil }
        if meridiem == "AM" && hour == 12 { hour = 0 } else if meridiem == "PM" && hour != 12 { hour += 12 }
        return Int64(daysFromCivil(date[2], date[0], date[1])) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 of a civil date (`CivilDate.days`).
    public static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int { CivilDate.days(year: y, month: m, day: d) }

    /// The civil date of a day number (`CivilDate.civil`).
    public static func civil(fromDays z: Int) -> (year: Int, month: Int, day: Int) { CivilDate.civil(fromDays: z) }

    /// `YYYY-MM-DD` of a day number (`CivilDate.dayString`).
    public static func dayString(_ day: Int) -> String { CivilDate.dayString(day) }

    /// `YYYY-MM-DDTHH:MM:SSZ` of seconds since the epoch (`CivilDate.isoString`).
    public static func isoString(_ t: Int64) -> String { CivilDate.isoString(t) }

    /// Parses `YYYY-MM-DD` to a day number.
    public static func parseDay(_ s: String) -> Int? {
        let b = Array(s.trimmingSpaces().utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        var digits: [Int] = []
        for i in [0, 1, 2, 3, 5, 6, 8, 9] {
            guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
            digits.append(Int(b[i] - 0x30))
        }
        let y = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        let m = digits[4] * 10 + digits[5], d = digits[6] * 10 + digits[7]
        guard (1...12).contains(m), (1...31).contains(d) else { return nil }
        return daysFromCivil(y, m, d)
    }
}
