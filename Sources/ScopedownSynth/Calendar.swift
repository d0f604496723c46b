import ScopedownCore

/// Minimal UTC calendar arithmetic (no Foundation date formatters: determinism and speed).
enum UTCCalendar {
    /// Days since 1970-01-01 of a civil date.
    static func days(year: Int, month: Int, day: Int) -> Int { CivilDate.days(year: year, month: month, day: day) }

    /// Civil date of a day number.
    static func civil(_ z: Int) -> (year: Int, month: Int, day: Int) { CivilDate.civil(fromDays: z) }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// `YYYY-MM-DD`.
    static func dateString(_ day: Int) -> String {
        let c = civil(day)
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.fffffffZ` for second `secondOfDay` of `day` plus `ticks` (100 ns).
    static func appendTimestamp(_ out: inout [UInt8], datePrefix: [UInt8], secondOfDay: Int, ticks: Int) {
        out.append(contentsOf: datePrefix)
        out.append(UInt8(ascii: "T"))
        append2(&out, secondOfDay / 3600)
        out.append(UInt8(ascii: ":"))
        append2(&out, (secondOfDay / 60) % 60)
        out.append(UInt8(ascii: ":"))
        append2(&out, secondOfDay % 60)
        out.append(UInt8(ascii: "."))
        var digits = [UInt8](repeating: 48, count: 7)
        var t = ticks
        for i in stride(from: 6, through: 0, by: -1) { digits[i] = UInt8(48 + t % 10); t /= 10 }
        out.append(contentsOf: digits)
        out.append(UInt8(ascii: "Z"))
    }

    @inline(__always) static func append2(_ out: inout [UInt8], _ v: Int) {
        out.append(UInt8(48 + (v / 10) % 10))
        out.append(UInt8(48 + v % 10))
    }
}
