/// Proleptic Gregorian calendar arithmetic in UTC, without Foundation date formatters (determinism
/// and speed): Howard Hinnant's `days_from_civil` / `civil_from_days`.
public enum CivilDate {
    /// Days since 1970-01-01 of a civil date.
    public static func days(year y0: Int, month m: Int, day d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number (days since 1970-01-01).
    public static func civil(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// `YYYY-MM-DD` of a day number.
    public static func dayString(_ day: Int) -> String {
        let c = civil(fromDays: day)
        let y = String(c.year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + two(c.month) + "-" + two(c.day)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` of seconds since the epoch.
    public static func isoString(_ t: Int64) -> String {
        let day = Int(t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
        let rem = Int(t - Int64(day) * 86_400)
        return dayString(day) + "T" + two(rem / 3600) + ":" + two(rem / 60 % 60) + ":" + two(rem % 60) + "Z"
    }
}
