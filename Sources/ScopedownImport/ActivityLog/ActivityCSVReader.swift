// CSV inputs: the Log Analytics `AzureActivity` table exported as CSV (REFERENCE.md
// §1.9.3), and the pre-aggregated usage CSV that queries/usage-aggregate.kql produces. RFC 4180:
// quoted fields, doubled quotes, CRLF, newlines inside quotes. Read in the calling thread.
import ScopedownCore

/// Streams CSV records from an `ActivitySource`.
struct ActivityCSVStream {
    let source: ActivitySource
    var buffer: [UInt8]
    var pos = 0
    var eof = false
    /// 1-based line of the next record.
    var line = 1
    let name: String
    /// The longest record accepted (a quoted field may span lines): the JSON Lines reader's bound.
    var maxRecordBytes = 64 << 20

    mutating func fill() throws -> Bool {
        if eof { return false }
        if pos > 0 {
            buffer.removeFirst(pos)
            pos = 0
        }
        // The buffer at least doubles while a record is incomplete, so a long record is parsed
        // again a logarithmic number of times, not once per megabyte.
        if try source.read(into: &buffer, max: Swift.max(1 << 20, buffer.count)) == 0 { eof = true; return false }
        return true
    }

    /// An incomplete record of `maxRecordBytes` or more is an error naming the line it starts on.
    private func checkRecordLength(at end: Int? = nil) throws {
        guard (end ?? buffer.count) - pos >= maxRecordBytes else { return }
        let limit = maxRecordBytes >= 1 << 20 ? "\(maxRecordBytes >> 20) MiB" : "\(maxRecordBytes) bytes"
        throw Diagnostic.error("a record longer than \(limit)", file: name, line: line,
                               help: "a CSV record (with the newlines inside its quoted fields) is at most \(limit); an unbalanced quote makes the rest of the file one field")
    }

    /// The next record's fields, or nil at the end.
    mutating func next() throws -> [String]? {
        while true {
            if pos >= buffer.count {
                let more = try fill()
                if !more { return nil }
            }
            if let r = try parse() { return r }
            try checkRecordLength()
            let more = try fill()
            if !more {
                // the final record has no newline: parse what is left as complete
                if pos < buffer.count { buffer.append(0x0A); eof = true; continue }
                return nil
            }
        }
    }

    /// Parses one record starting at `pos` if it is complete in the buffer.
    private mutating func parse() throws -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var i = pos
        var quoted = false
        var fieldStart = true
        var newlines = 0
        let n = buffer.count
        while i < n {
            let b = buffer[i]
            if quoted {
                if b == 0x22 {
                    if i + 1 < n {
                        if buffer[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                        quoted = false; i += 1; continue
                    }
                    if eof { quoted = false; i += 1; continue }
                    return nil
                }
                if b == 0x0A { newlines += 1 }
                field.append(b)
                i += 1
                continue
            }
            if b == 0x22 && fieldStart { quoted = true; fieldStart = false; i += 1; continue }
            if b == 0x2C {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                fieldStart = true
                i += 1
                continue
            }
            if b == 0x0A || b == 0x0D {
                if b == 0x0D {
                    if i + 1 >= n && !eof { return nil }
                    if i + 1 < n && buffer[i + 1] == 0x0A { i += 1 }
                }
                if i + 1 - pos > maxRecordBytes { try checkRecordLength(at: i + 1) }
                fields.append(String(decoding: field, as: UTF8.self))
                pos = i + 1
                line += 1 + newlines
                return fields
            }
            fieldStart = false
            field.append(b)
            i += 1
        }
        if quoted && eof {
            throw Diagnostic.error("unterminated quoted field", file: name, line: line)
        }
        return nil
    }
}

enum ActivityCSVReader {
    static func read(_ file: InputFile, source: ActivitySource, first: [UInt8], options: ActivityReadOptions,
                     progress: ((Int, Int?, Int) -> Void)?,
                     consumer: (ScannedBatch) throws -> Void,
                     usageRows: ((UsageAggregateRow) throws -> Void)?) throws -> ActivityReadResult {
        var csv = ActivityCSVStream(source: source, buffer: first, name: file.displayName)
        csv.maxRecordBytes = options.maxRecordBytes
        guard let rawHeader = try csv.next() else {
            throw Diagnostic.error("empty file", file: file.displayName)
        }
        let header = rawHeader.map { $0.trimmingSpaces() }
        if header == UsageAggregateRow.header {
            return try readUsage(file, &csv, progress: progress, usageRows: usageRows)
        }
        // the portal names columns like `TimeGenerated [UTC]`: drop the bracketed suffix
        let columns = header.map { name -> String in
            if name.hasSuffix("]"), let open = name.lastIndex(of: "[") { return String(name[..<open]).trimmingSpaces() }
            return name
        }
        if columns == UsageAggregateRow.header {
            return try readUsage(file, &csv, progress: progress, usageRows: usageRows)
        }
        let lower = columns.map { $0.lowercased() }
        guard lower.contains("operationnamevalue") || lower.contains("activitystatusvalue") || lower.contains("authorization") else {
            throw Diagnostic.error("unrecognized CSV header", file: file.displayName, line: 1,
                                   help: "supported CSV inputs: the usage aggregate (header `\(UsageAggregateRow.header.joined(separator: ","))`) and a Log Analytics AzureActivity export (columns `TimeGenerated`, `Authorization`, `Caller`, `ActivityStatusValue`, ...)")
        }
        // Log Analytics AzureActivity rows: each row becomes the JSON object the record scanner reads.
        var scanner = ActivityRecordScanner(scannerID: 0, keepEvents: options.keepEvents)
        var batch = ScannedBatch(scanner: 0, chunkIndex: 0)
        var chunk = 0
        var events = 0, withoutAuthorization = 0, withoutTime = 0
        func flush() throws {
            events += batch.events.count
            withoutAuthorization += batch.withoutAuthorization
            withoutTime += batch.withoutTime
            try consumer(batch)
            chunk += 1
            batch = ScannedBatch(scanner: 0, chunkIndex: chunk)
            progress?(source.rawBytesRead, source.totalRawBytes, events)
        }
        while true {
            let rowLine = csv.line
            guard let row = try csv.next() else { break }
            if row.count == 1 && row[0].isEmpty { continue }
            guard row.count == header.count else {
                throw Diagnostic.error("expected \(header.count) fields, found \(row.count)", file: file.displayName, line: rowLine)
            }
            var json: [UInt8] = [0x7B]
            for (k, (name, value)) in zip(columns, row).enumerated() {
                if k > 0 { json.append(0x2C) }
                appendJSONString(&json, name)
                json.append(0x3A)
                appendJSONString(&json, value)
            }
            json.append(0x7D)
            let failure: ActivityScanError? = json.withUnsafeBufferPointer { b in
                guard let base = b.baseAddress else { return nil }
                var c = ActivityByteCursor(base, start: 0, end: b.count)
                do { try scanner.scanValue(&c, into: &batch) } catch let e as ActivityScanError { return e } catch {
                    return ActivityScanError(offset: 0, message: "\(error)")
                }
                return nil
            }
            if let failure {
                throw Diagnostic.error(failure.message, file: file.displayName, line: rowLine)
            }
            if batch.events.count >= 50_000 { try flush() }
        }
        try flush()
        return ActivityReadResult(layout: .azureActivityCSV, rawBytes: source.rawBytesRead, decodedBytes: 0, events: events,
                                  withoutAuthorization: withoutAuthorization, withoutTime: withoutTime, usageRows: 0)
    }

    static func appendJSONString(_ out: inout [UInt8], _ s: String) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    static func readUsage(_ file: InputFile, _ csv: inout ActivityCSVStream, progress: ((Int, Int?, Int) -> Void)?,
                          usageRows: ((UsageAggregateRow) throws -> Void)?) throws -> ActivityReadResult {
        var rows = 0
        while true {
            let line = csv.line
            guard let f = try csv.next() else { break }
            if f.count == 1 && f[0].isEmpty { continue }
            guard f.count == UsageAggregateRow.header.count else {
                throw Diagnostic.error("expected \(UsageAggregateRow.header.count) fields, found \(f.count)", file: file.displayName, line: line)
            }
            func bad(_ column: Int, _ what: String) -> Diagnostic {
                Diagnostic.error("\(what) in column `\(UsageAggregateRow.header[column])`: `\(TextSanitizer.clean(f[column]))`", file: file.displayName, line: line,
                                 help: "the file imports nothing until every row is valid")
            }
            let action = f[2].trimmingSpaces(), scope = f[3].trimmingSpaces()
            guard !action.isEmpty else { throw bad(2, "missing action") }
            guard !scope.isEmpty else { throw bad(3, "missing scope") }
            if let problem = UsageRowSyntax.actionProblem(action) { throw bad(2, problem) }
            if let problem = UsageRowSyntax.scopeProblem(scope) { throw bad(3, problem) }
            // the day may come as `2024-05-01` or as a KQL datetime `2024-05-01T00:00:00Z`
            let dayText = f[4].trimmingSpaces()
            guard let day = ActivityTime.parseDay(String(dayText.prefix(10))) else { throw bad(4, "expected a day (YYYY-MM-DD)") }
            guard let uses = Int(f[5].trimmingSpaces()), uses >= 0 else { throw bad(5, "expected a non-negative integer") }
            guard let denied = Int(f[6].trimmingSpaces().isEmpty ? "0" : f[6].trimmingSpaces()), denied >= 0 else {
                throw bad(6, "expected a non-negative integer")
            }
            var first: Int64?, last: Int64?
            if !f[7].trimmingSpaces().isEmpty {
                guard let t = ActivityTime.parse(f[7]) else { throw bad(7, "expected an ISO-8601 time") }
                first = t
            }
            if !f[8].trimmingSpaces().isEmpty {
                guard let t = ActivityTime.parse(f[8]) else { throw bad(8, "expected an ISO-8601 time") }
                last = t
            }
            let row = UsageAggregateRow(principalID: f[0].trimmingSpaces(), caller: f[1].trimmingSpaces(), action: action,
                                        scope: scope, day: day, uses: uses, deniedAttempts: denied, firstSeen: first,
                                        lastSeen: last, roleAssignmentID: f[9].trimmingSpaces())
            try usageRows?(row)
            rows += 1
            if rows % 100_000 == 0 { progress?(csv.source.rawBytesRead, csv.source.totalRawBytes, rows) }
        }
        return ActivityReadResult(layout: .usageCSV, rawBytes: csv.source.rawBytesRead, decodedBytes: 0, events: 0,
                                  withoutAuthorization: 0, withoutTime: 0, usageRows: rows)
    }
}

/// The syntax of a usage-aggregate row's action and scope: an operation name
/// (`Provider.Namespace/type[/...]/operation`, REFERENCE.md §1.2) and an ARM scope (§1.8).
enum UsageRowSyntax {
    /// Nil when `action` is an operation name; else what is wrong with it.
    static func actionProblem(_ action: String) -> String? {
        if action.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            return "expected an operation name (`Provider.Namespace/type/operation`), found spaces or control characters"
        }
        if action.contains("*") { return "expected an operation name, found a wildcard pattern" }
        let parts = action.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, !parts.contains(where: \.isEmpty) else {
            return "expected an operation name (`Provider.Namespace/type[/...]/operation`)"
        }
        let namespace = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard namespace.count >= 2, namespace.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber } }) else {
            return "expected a provider namespace such as `Microsoft.Compute` before the first `/`"
        }
        return nil
    }

    /// Nil when `scope` is an ARM scope; else what is wrong with it.
    static func scopeProblem(_ scope: String) -> String? {
        if scope.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "expected an ARM scope, found control characters"
        }
        guard scope.hasPrefix("/") else { return "expected an ARM scope starting with `/`" }
        if scope == "/" { return nil }
        var body = Substring(scope.dropFirst())
        if body.hasSuffix("/") { body = body.dropLast() }
        let parts = body.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains(where: { String($0).trimmingSpaces().isEmpty }) { return "expected an ARM scope, found an empty segment" }
        switch parts[0].lowercased() {
        case "subscriptions":
            guard parts.count >= 2, AzureID.isGUID(String(parts[1])) else {
                return "expected a subscription id (a GUID) after `/subscriptions/`"
            }
            if parts.count >= 3, parts[2].lowercased() == "resourcegroups", parts.count < 4 { return "expected a resource group name" }
        case "providers":
            guard parts.count >= 3 else { return "expected `/providers/{Namespace}/{type}/{name}`" }
        default:
            return "expected an ARM scope (`/subscriptions/...`, `/providers/...` or `/`)"
        }
        return nil
    }
}
