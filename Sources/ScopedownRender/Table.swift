/// A plain-text table for terminals: a header, a rule, left-aligned columns (right-aligned where
/// asked), every cell sanitized with `SafeText.terminal`. `render(width:)` fits the table in a given
/// number of columns by truncating the cells of shrinkable columns with `…`: ids and scopes in the
/// middle (their ends tell them apart), names at the end; a row never wraps.
public struct Table: Sendable {
    public enum Alignment: Sendable { case left, right }
    /// How a column gives way when the table is too wide.
    public enum Fit: Sendable {
        /// Never truncated (counts, yes/no, short keywords).
        case keep
        /// Truncated at the end (names: their beginning identifies them).
        case end
        /// Truncated in the middle (ids and scopes: both ends matter).
        case middle
    }
    public var columns: [String]
    public var alignments: [Alignment]
    public var fits: [Fit]
    public var rows: [[String]]

    public init(columns: [String], alignments: [Alignment]? = nil, fits: [Fit]? = nil, rows: [[String]] = []) {
        self.columns = columns
        self.alignments = alignments ?? Array(repeating: .left, count: columns.count)
        self.fits = fits ?? Array(repeating: .keep, count: columns.count)
        self.rows = rows
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    /// Removes the column titled `title` when no row has anything in it (a column of blanks only
    /// takes room from the others).
    public mutating func dropEmptyColumn(_ title: String) {
        guard let i = columns.firstIndex(of: title), rows.allSatisfy({ i >= $0.count || $0[i].isEmpty }) else { return }
        columns.remove(at: i)
        alignments.remove(at: i)
        fits.remove(at: i)
        rows = rows.map { var r = $0; if i < r.count { r.remove(at: i) }; return r }
    }

    /// The narrowest a shrinkable column gets: its header, and at least a few characters.
    static let minimumColumn = 6

    /// The table in at most `width` columns when its shrinkable columns allow it (nil: everything,
    /// however wide). Shrinkable columns share the room left by the others: the widest give way first.
    public func render(width: Int? = nil) -> String {
        let header = columns.map(SafeText.terminal)
        let body = rows.map { row in (0..<columns.count).map { $0 < row.count ? SafeText.terminal(row[$0]) : "" } }
        var widths = header.map(\.count)
        for row in body { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        if let width {
            widths = Self.fitted(widths, headers: header.map(\.count), fits: fits, width: width)
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, raw) in cells.enumerated() {
                let c = raw.count > widths[i] ? Self.truncate(raw, to: widths[i], fit: fits[i] == .middle ? .middle : .end) : raw
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                let isLast = i == cells.count - 1
                if alignments[i] == .right { parts.append(pad + c) } else { parts.append(isLast ? c : c + pad) }
            }
            var s = parts.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in body { out += line(row) + "\n" }
        return out
    }

    /// Column widths within `width`: the room the kept columns leave is shared among the
    /// shrinkable ones in proportion to what they would need beyond their floor (a header, and
    /// at least `minimumColumn` characters), so a long name keeps more than a short keyword.
    static func fitted(_ natural: [Int], headers: [Int], fits: [Fit], width: Int) -> [Int] {
        let gaps = 2 * max(0, natural.count - 1)
        if natural.reduce(0, +) + gaps <= width { return natural }
        let floor = natural.indices.map { fits[$0] == .keep ? natural[$0] : min(natural[$0], max(headers[$0], minimumColumn)) }
        let shrinkable = natural.indices.filter { fits[$0] != .keep }
        let kept = natural.indices.filter { fits[$0] == .keep }.map { natural[$0] }.reduce(0, +)
        let room = width - gaps - kept - shrinkable.map { floor[$0] }.reduce(0, +)
        var widths = floor
        guard room > 0 else { return widths }
        let wants = shrinkable.map { natural[$0] - floor[$0] }
        let totalWant = wants.reduce(0, +)
        var given = 0
        for (k, i) in shrinkable.enumerated() {
            let share = totalWant == 0 ? 0 : room * wants[k] / totalWant
            widths[i] += min(wants[k], share)
            given += min(wants[k], share)
        }
        // The rounding remainder, one column at a time, to the columns still short of their need.
        var left = room - given
        while left > 0 {
            guard let i = shrinkable.filter({ widths[$0] < natural[$0] }).max(by: { natural[$0] - widths[$0] < natural[$1] - widths[$1] }) else { break }
            widths[i] += 1
            left -= 1
        }
        return widths
    }

    /// `s` in `width` characters with `…` at the end or in the middle.
    public static func truncate(_ s: String, to width: Int, fit: Fit) -> String {
        guard s.count > width else { return s }
        guard width > 1 else { return String(s.prefix(max(0, width))) }
        switch fit {
        case .middle:
            let head = (width - 1) / 2
            return String(s.prefix(head)) + "…" + String(s.suffix(width - 1 - head))
        case .end, .keep:
            return String(s.prefix(width - 1)) + "…"
        }
    }
}

/// CSV with a header row; every cell through `SafeText.csvCell`. Lines end with `\n`.
public struct CSV: Sendable {
    public var header: [String]
    public var rows: [[String]]
    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }
    public mutating func append(_ row: [String]) { rows.append(row) }
    public func render() -> String {
        var out = header.map(SafeText.csvCell).joined(separator: ",") + "\n"
        for r in rows { out += r.map(SafeText.csvCell).joined(separator: ",") + "\n" }
        return out
    }
}

/// Prose lines for a terminal of a given width: wrapped at spaces, continuation lines under the
/// line's own indent plus two; a word longer than the width is cut (ids never make a line wider).
public enum TextWrap {
    public static func wrap(_ line: String, width: Int) -> [String] {
        guard line.count > width, width > 8 else { return [line] }
        let indent = String(line.prefix { $0 == " " })
        let hanging = indent + "  "
        var out: [String] = []
        var current = ""
        for word in line.dropFirst(indent.count).split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let prefix = out.isEmpty && current.isEmpty ? indent : (current.isEmpty ? hanging : "")
            let candidate = current.isEmpty ? prefix + word : current + " " + word
            // A word too long for any line stays where it is and is cut, rather than leaving a gap.
            if candidate.count <= width || current.isEmpty || hanging.count + word.count > width {
                current = candidate
            } else {
                out.append(current)
                current = hanging + word
            }
            while current.count > width {
                out.append(String(current.prefix(width)))
                current = hanging + String(current.dropFirst(width))
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
