import ArgumentParser
import ScopedownCore
import ScopedownImport
import ScopedownRender
import ScopedownStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `scopedown usage`: per role assignment, what the Activity Log says it was used for (issue 4 item 8).
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

    func run() throws {
        let report: UsageReport
        do {
            let store = try Store(path: db.db, create: false)
            report = try store.usageReport(options: EvaluationOptions(includeEligible: includeEligible))
        } catch let d as Diagnostic {
            UsageOutput.stderr(d.description + "\n")
            throw ExitCode(1)
        }
        let text = UsageRendering.render(report, format: format)
        UsageOutput.stdout(text)
    }
}

/// Rendering of the usage report (JSON exactly as issue 4 item 8 specifies).
enum UsageRendering {
    static func time(_ t: Int64?) -> String? { t.map(ActivityTime.isoString) }

    static func render(_ r: UsageReport, format: OutputFormat) -> String {
        switch format {
        case .json: return json(r).render(pretty: true) + "\n"
        case .csv: return csv(r)
        case .table: return table(r)
        }
    }

    static func json(_ r: UsageReport) -> JSON {
        .object([
            ("assignments", .array(r.assignments.map { a in
                .object([
                    ("assignment", .string(a.assignment)),
                    ("principal", .string(a.principal)),
                    ("role", .string(a.role)),
                    ("scope", .string(a.scope)),
                    ("usedActions", .strings(a.usedActions)),
                    ("uses", .int(a.uses)),
                    ("lastUsed", .optional(time(a.lastUsed))),
                    ("commonScope", .optional(a.commonScope)),
                    ("deniedAttempts", .int(a.deniedAttempts)),
                ])
            })),
            ("window", .object([("from", .optional(time(r.windowFrom))), ("to", .optional(time(r.windowTo)))])),
        ])
    }

    static func csv(_ r: UsageReport) -> String {
        var c = CSV(header: ["assignment", "principal", "role", "scope", "uses", "lastUsed", "deniedAttempts", "commonScope", "usedActions"])
        for a in r.assignments {
            c.append([a.assignment, a.principal, a.role, a.scope, String(a.uses), time(a.lastUsed) ?? "", String(a.deniedAttempts),
                      a.commonScope ?? "", a.usedActions.joined(separator: ";")])
        }
        return c.render()
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
        out += "\n\(r.assignments.count) assignment\(r.assignments.count == 1 ? "" : "s"), \(used) used"
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

/// Writes to the standard streams (unbuffered, in order).
enum UsageOutput {
    static func stdout(_ s: String) { write(1, s) }
    static func stderr(_ s: String) { write(2, s) }
    static func write(_ fd: Int32, _ s: String) {
        let bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + off }, bytes.count - off) }
            if n <= 0 { return }
            off += n
        }
    }
}
