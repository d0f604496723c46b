/// Minimal UTC calendar arithmetic (no Foundation date formatters: determinism and speed).
enum UTCCalendar {
    /// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Civil date of a day number (civil_from_days).
    static func civil(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

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
