import Dispatch
import ScopedownCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rendering of the usage report (the JSON shape is documented in docs/cli.md).
public enum UsageViews {
    static func time(_ t: Int64?) -> String? { t.map(CivilDate.isoString) }

    /// Names and facts of principals, roles and scopes, the conditional assignments, and the table width.
    public struct Context: Sendable {
        public var names: NameBook
        public var conditional: Set<String>
        public var width: Int?

        public init(evaluator e: Evaluator, width: Int? = 120) {
            names = NameBook(snapshot: e.snapshot)
            conditional = Set(e.snapshot.roleAssignments.filter(\.isConditional).map { AzureID.guidKey($0.id) })
            self.width = width
        }

        public init(names: NameBook = NameBook(snapshot: AuthorizationSnapshot()), conditional: Set<String> = [], width: Int? = 120) {
            self.names = names
            self.conditional = conditional
            self.width = width
        }

        /// The principal's facts; the report's own name when the directory snapshot is not at hand.
        public func facts(_ a: AssignmentUsage) -> PrincipalFacts {
            var f = names.principal(a.principal)
            if f.orphaned, let n = a.principalName {
                f.displayName = n
                f.orphaned = false
            }
            return f
        }

        public func isConditional(_ a: AssignmentUsage) -> Bool { conditional.contains(AzureID.guidKey(a.assignment)) }
    }

    public static func json(_ r: UsageReport, context: Context = Context()) -> JSON {
        .object([
            ("assignments", .array(r.assignments.map { json($0, context: context) })),
            ("window", window(r)),
        ])
    }

    public static func json(_ a: AssignmentUsage, context: Context) -> JSON {
        let f = context.facts(a)
        return .object([
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
            ("principalName", .optional(f.displayName)),
            ("principalDetail", .optional(f.detail)),
            ("principalType", .string(f.kind.rawValue)),
            ("guest", .bool(f.guest)),
            ("disabled", .bool(f.disabled)),
            ("orphaned", .bool(f.orphaned)),
            ("conditional", .bool(context.isConditional(a))),
        ])
    }

    public static func window(_ r: UsageReport) -> JSON {
        .object([("from", .optional(time(r.windowFrom))), ("to", .optional(time(r.windowTo)))])
    }

    /// `json(r).render(pretty: true) + "\n"`, byte for byte, the assignments rendered in chunks
    /// on every core (each element as the array nests it: two levels deep).
    public static func jsonText(_ r: UsageReport, context: Context = Context(), chunks: Int = ParallelText.defaultChunks) -> String {
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
                    s += json(r.assignments[i], context: context).render(pretty: true, indent: 2)
                }
                return s
            }) { out += part }
            out += "\n  ]"
        }
        out += ",\n  \"window\": " + window(r).render(pretty: true, indent: 1) + "\n}\n"
        return out
    }

    public static let csvHeader = ["assignment", "principal", "role", "scope", "state", "uses", "lastUsed", "deniedAttempts", "commonScope", "usedActions",
                            "principalName", "principalDetail", "principalType", "guest", "disabled", "orphaned", "conditional"]

    public static func csvRow(_ a: AssignmentUsage, context: Context) -> [String] {
        let f = context.facts(a)
        return [a.assignment, a.principal, a.role, a.scope, a.state.rawValue, String(a.uses), time(a.lastUsed) ?? "", String(a.deniedAttempts),
                a.commonScope ?? "", a.usedActions.joined(separator: ";"),
                f.displayName ?? "", f.detail ?? "", f.kind.rawValue, String(f.guest), String(f.disabled), String(f.orphaned),
                String(context.isConditional(a))]
    }

    public static func csv(_ r: UsageReport, context: Context = Context()) -> String {
        var c = CSV(header: csvHeader)
        for a in r.assignments { c.append(csvRow(a, context: context)) }
        return c.render()
    }

    /// `csv(r)`, byte for byte, the rows rendered in chunks on every core.
    public static func csvText(_ r: UsageReport, context: Context = Context(), chunks: Int = ParallelText.defaultChunks) -> String {
        let header = CSV(header: csvHeader).render()
        var out = header
        for part in ParallelText.chunks(r.assignments.count, chunks, { range in
            var c = CSV(header: csvHeader)
            for i in range { c.append(csvRow(r.assignments[i], context: context)) }
            let text = c.render()
            // The rows without the header line (the same header, rendered the same way).
            return String(text[text.utf8.index(text.startIndex, offsetBy: header.utf8.count)...])
        }) { out += part }
        return out
    }

    /// Names first. FLAGS holds what a reviewer must not miss: eligible (PIM), conditional, guest,
    /// disabled, orphaned. `--wide` (width nil) adds the assignment id, the number of distinct actions
    /// and the common scope, and prints full scopes and times.
    public static func table(_ r: UsageReport, context: Context = Context()) -> String {
        let wide = context.width == nil
        var columns = ["PRINCIPAL", "TYPE", "ROLE", "SCOPE", "FLAGS", "USES", "LAST USED", "DENIED"]
        var alignments: [Table.Alignment] = [.left, .left, .left, .left, .left, .right, .left, .right]
        var fits: [Table.Fit] = [.end, .keep, .end, .middle, .keep, .keep, .keep, .keep]
        if wide {
            columns = ["ASSIGNMENT"] + columns + ["ACTIONS", "COMMON SCOPE"]
            alignments = [.left] + alignments + [.right, .left]
            fits = [.middle] + fits + [.keep, .middle]
        }
        var t = Table(columns: columns, alignments: alignments, fits: fits)
        // Sorted for a reader: by principal name, then role and scope (JSON and CSV keep the id order).
        let sorted = r.assignments.map { (context.facts($0), $0) }
            .sorted { ($0.0.label.lowercased(), $0.1.role, $0.1.scope, $0.1.assignment) < ($1.0.label.lowercased(), $1.1.role, $1.1.scope, $1.1.assignment) }
        for (f, a) in sorted {
            let last = time(a.lastUsed).map { wide ? $0 : String($0.prefix(10)) } ?? "never"
            var flags: [String] = []
            if a.state == .eligible { flags.append("eligible") }
            if context.isConditional(a) { flags.append("conditional") }
            flags += f.flags
            var row = [f.label, f.shortType, a.role, wide ? a.scope : context.names.scope(a.scope), flags.joined(separator: ","),
                       String(a.uses), last, String(a.deniedAttempts)]
            if wide { row = [a.assignment] + row + [String(a.usedActions.count), a.commonScope ?? "-"] }
            t.append(row)
        }
        t.dropEmptyColumn("FLAGS")
        let table = t.render(width: context.width)
        var out = ""
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
        // The prose under the table wraps to the same width.
        guard let width = context.width else { return table + out }
        return table + out.split(separator: "\n", omittingEmptySubsequences: false)
            .map { TextWrap.wrap(String($0), width: width).joined(separator: "\n") }.joined(separator: "\n")
    }
}

/// Text rendered in chunks on every core, joined in order.
public enum ParallelText {
    public static let defaultChunks = 2 * max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))

    /// `body` over `count` items cut into (at most) `chunks` consecutive ranges, in order.
    public static func chunks(_ count: Int, _ chunks: Int, _ body: @escaping @Sendable (Range<Int>) -> String) -> [String] {
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
