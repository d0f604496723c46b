import ArgumentParser
import Dispatch
import ScopedownCore
import ScopedownImport
import ScopedownRender
import ScopedownStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `scopedown usage`: per role assignment, what the Activity Log says it was used for.
struct UsageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Show, per role assignment, the actions it was used for according to the imported Activity Log.",
        discussion: """
        An event whose diagnostic export names the authorizing assignment (evidence) counts for that
        assignment alone; any other event counts for every active assignment of the caller (direct or
        through groups) whose role grants the action at the event's scope or above. Every assignment is
        listed, used or not. Reads and data-plane actions never reach the Activity Log: they are
        unobservable here.

        Example:
          scopedown import --db tenant.db insights-activity-logs/
          scopedown usage --db tenant.db --format json
        """)

    @OptionGroup var db: DatabaseOptions

    @Option(name: .long, help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    @Flag(name: .long, help: "Count PIM-eligible assignments as granting (they are listed either way).")
    var includeEligible = false

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        let report: UsageReport
        do {
            let store = try Store(path: db.db, create: false)
            try store.requireImports()
            report = try store.usageReport(options: EvaluationOptions(includeEligible: includeEligible))
        } catch {
            io.errLine(CLIErrors.describe(error, file: db.db))
            throw ExitCode(1)
        }
        io.out(UsageRendering.render(report, format: format))
    }
}

/// Rendering of the usage report (the JSON shape is documented in docs/cli.md).
enum UsageRendering {
    static func time(_ t: Int64?) -> String? { t.map(ActivityTime.isoString) }

    static func render(_ r: UsageReport, format: OutputFormat) -> String {
        switch format {
        case .json: return jsonText(r)
        case .csv: return csvText(r)
        case .table: return table(r)
        }
    }

    static func json(_ r: UsageReport) -> JSON {
        .object([
            ("assignments", .array(r.assignments.map(json))),
            ("window", window(r)),
        ])
    }

    static func json(_ a: AssignmentUsage) -> JSON {
        .object([
            ("assignment", .string(a.assignment)),
            ("principal", .string(a.principal)),
            ("role", .string(a.role)),
            ("scope", .string(a.scope)),
            ("state", .string(a.state.rawValue)),
            ("usedActions", .strings(a.usedActions)),
            ("uses", .int(a.uses)),
            ("lastUsed", .optional(time(a.lastUsed))),
            ("commonScope", .optional(a.commonScope)),
            ("deniedAttempts", .int(a.deniedAttempts)),
        ])
    }

    static func window(_ r: UsageReport) -> JSON {
        .object([("from", .optional(time(r.windowFrom))), ("to", .optional(time(r.windowTo)))])
    }

    /// `json(r).render(pretty: true) + "\n"`, byte for byte, the assignments rendered in chunks
    /// on every core (each element as the array nests it: two levels deep).
    static func jsonText(_ r: UsageReport, chunks: Int = ParallelText.defaultChunks) -> String {
        var out = "{\n  \"assignments\": "
        if r.assignments.isEmpty {
            out += "[]"
        } else {
            out += "["
            for part in ParallelText.chunks(r.assignments.count, chunks, { range in
                var s = ""
                for i in range {
                    if i > 0 { s += "," }
                    s += "\n    "
                    s += json(r.assignments[i]).render(pretty: true, indent: 2)
                }
                return s
            }) { out += part }
            out += "\n  ]"
        }
        out += ",\n  \"window\": " + window(r).render(pretty: true, indent: 1) + "\n}\n"
        return out
    }

    static let csvHeader = ["assignment", "principal", "role", "scope", "state", "uses", "lastUsed", "deniedAttempts", "commonScope", "usedActions"]

    static func csvRow(_ a: AssignmentUsage) -> [String] {
        [a.assignment, a.principal, a.role, a.scope, a.state.rawValue, String(a.uses), time(a.lastUsed) ?? "", String(a.deniedAttempts),
         a.commonScope ?? "", a.usedActions.joined(separator: ";")]
    }

    static func csv(_ r: UsageReport) -> String {
        var c = CSV(header: csvHeader)
        for a in r.assignments { c.append(csvRow(a)) }
        return c.render()
    }

    /// `csv(r)`, byte for byte, the rows rendered in chunks on every core.
    static func csvText(_ r: UsageReport, chunks: Int = ParallelText.defaultChunks) -> String {
        let header = CSV(header: csvHeader).render()
        var out = header
        for part in ParallelText.chunks(r.assignments.count, chunks, { range in
            var c = CSV(header: csvHeader)
            for i in range { c.append(csvRow(r.assignments[i])) }
            let text = c.render()
            // The rows without the header line (the same header, rendered the same way).
            return String(text[text.utf8.index(text.startIndex, offsetBy: header.utf8.count)...])
        }) { out += part }
        return out
    }

    static func table(_ r: UsageReport) -> String {
        var t = Table(columns: ["ASSIGNMENT", "PRINCIPAL", "ROLE", "SCOPE", "USES", "LAST USED", "DENIED", "COMMON SCOPE", "ACTIONS"],
                      alignments: [.left, .left, .left, .left, .right, .left, .right, .left, .right])
        for a in r.assignments {
            let who = a.principalName.map { "\($0) (\(a.principal))" } ?? a.principal
            t.append([a.assignment + (a.state == .eligible ? " (eligible)" : ""), who, a.role, a.scope, String(a.uses),
                      time(a.lastUsed) ?? "never", String(a.deniedAttempts), a.commonScope ?? "-", String(a.usedActions.count)])
        }
        var out = t.render()
        let used = r.assignments.filter { $0.uses > 0 }.count
        let eligible = r.assignments.filter { $0.state == .eligible }.count
        out += "\n\(r.assignments.count) assignment\(r.assignments.count == 1 ? "" : "s")"
        if eligible > 0 { out += " (\(eligible) PIM-eligible)" }
        out += ", \(used) used"
        if let from = time(r.windowFrom), let to = time(r.windowTo) { out += " between \(from) and \(to)" } else { out += " (no Activity Log imported)" }
        out += ".\n"
        if r.unknownEvidenceUses > 0 {
            out += "\(r.unknownEvidenceUses) use\(r.unknownEvidenceUses == 1 ? "" : "s") name an assignment that is not in the database (deleted since, or not imported).\n"
        }
        if r.unattributedUses > 0 {
            out += "\(r.unattributedUses) use\(r.unattributedUses == 1 ? "" : "s") could not be attributed to any imported assignment.\n"
        }
        if r.unresolvedCallers > 0 {
            out += "\(r.unresolvedCallers) caller\(r.unresolvedCallers == 1 ? "" : "s") did not resolve to a principal: import the directory users.\n"
        }
        out += "Reads (*/read) and data-plane actions are unobservable: the Activity Log records only control-plane writes, deletes and actions, so an unused assignment may still be used for them.\n"
        return out
    }
}

/// Text rendered in chunks on every core, joined in order.
enum ParallelText {
    static let defaultChunks = 2 * max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))

    /// `body` over `count` items cut into (at most) `chunks` consecutive ranges, in order.
    static func chunks(_ count: Int, _ chunks: Int, _ body: @escaping @Sendable (Range<Int>) -> String) -> [String] {
        let k = max(1, min(chunks, count))
        if k == 1 { return [body(0..<count)] }
        let parts = Parts(k)
        DispatchQueue.concurrentPerform(iterations: k) { c in
            parts.set(c, body((count * c / k)..<(count * (c + 1) / k)))
        }
        return parts.take()
    }

    /// One slot per chunk, each written by one thread.
    private final class Parts: @unchecked Sendable {
        private let base: UnsafeMutablePointer<String>
        private let count: Int
        init(_ count: Int) {
            self.count = count
            base = .allocate(capacity: count)
            base.initialize(repeating: "", count: count)
        }
        func set(_ i: Int, _ s: String) { base[i] = s }
        func take() -> [String] { Array(UnsafeBufferPointer(start: base, count: count)) }
        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }
}
