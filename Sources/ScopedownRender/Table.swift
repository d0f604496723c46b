/// A plain-text table for terminals: a header, a rule, left-aligned columns (right-aligned where
/// asked), every cell sanitized with `SafeText.terminal`.
public struct Table: Sendable {
    public enum Alignment: Sendable { case left, right }
    public var columns: [String]
    public var alignments: [Alignment]
    public var rows: [[String]]

    public init(columns: [String], alignments: [Alignment]? = nil, rows: [[String]] = []) {
        self.columns = columns
        self.alignments = alignments ?? Array(repeating: .left, count: columns.count)
        self.rows = rows
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    public func render() -> String {
        let header = columns.map(SafeText.terminal)
        let body = rows.map { row in (0..<columns.count).map { $0 < row.count ? SafeText.terminal(row[$0]) : "" } }
        var widths = header.map(\.count)
        for row in body { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, c) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - c.count)
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
