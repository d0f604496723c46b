import Foundation
import ScopedownCore
import ScopedownImport
import ScopedownRender
import ScopedownStore
@testable import ScopedownCLI
import ScopedownTestSupport
import Testing

@Suite("usage command")
struct UsageCommandTests {
    static func report() throws -> UsageReport {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-usage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(path: dir.appendingPathComponent("t.db").path)
        try UsageTenant.build(store, folder: dir)
        return try store.usageReport()
    }

    /// The report with the names and facts of its snapshot, as the command renders it.
    static func reportAndContext(width: Int? = 120) throws -> (UsageReport, UsageViews.Context) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-usage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(path: dir.appendingPathComponent("t.db").path)
        try UsageTenant.build(store, folder: dir)
        let e = Evaluator(snapshot: try store.loadSnapshot())
        return (try store.usageReport(), UsageViews.Context(evaluator: e, width: width))
    }

    /// Compares with fixtures/usage/NAME; `SCOPEDOWN_UPDATE_GOLDEN=1` rewrites it.
    static func golden(_ name: String, _ text: String) throws {
        #expect(try matchesGolden(text, "usage/" + name), "\(name) differs; rerun with SCOPEDOWN_UPDATE_GOLDEN=1 after checking the change")
    }

    @Test("JSON output is exactly the documented shape (golden)")
    func json() throws {
        let (r, context) = try Self.reportAndContext()
        let text = UsageRendering.render(r, format: .json, context: context)
        try Self.golden("usage.json", text)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["assignments", "window"])
        let first = (object?["assignments"] as? [[String: Any]])?.first
        #expect(Set(first?.keys.map { $0 } ?? []) == ["assignment", "principal", "role", "scope", "state", "usedActions", "uses", "lastUsed",
                                                        "commonScope", "deniedAttempts", "principalName", "principalDetail", "principalType",
                                                        "guest", "disabled", "orphaned", "conditional"])
    }

    @Test("table output says reads and data actions are unobservable (golden)")
    func table() throws {
        let (r, context) = try Self.reportAndContext()
        let text = UsageRendering.render(r, format: .table, context: context)
        try Self.golden("usage.txt", text)
        for (name, width) in [("usage-80.txt", 80), ("usage-wide.txt", nil)] as [(String, Int?)] {
            var c = context
            c.width = width
            let t = UsageRendering.render(r, format: .table, context: c)
            try Self.golden(name, t)
            // The table (up to the first blank line) fits; the prose summary below it is left to wrap.
            let rows = t.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
            if let width { #expect(rows.allSatisfy { $0.count <= width }) }
        }
        #expect(text.contains("unobservable"))
    }

    @Test("an eligible assignment carries its state in JSON, CSV and table: never an unused active one")
    func eligibleStaysEligible() throws {
        let r = try Self.report()
        let eligible = try #require(r.assignments.first { $0.state == .eligible })
        let json = try JSONSerialization.jsonObject(with: Data(UsageRendering.render(r, format: .json).utf8)) as? [String: Any]
        let rows = json?["assignments"] as? [[String: Any]] ?? []
        #expect(rows.first { $0["assignment"] as? String == eligible.assignment }?["state"] as? String == "eligible")
        #expect(rows.filter { $0["state"] as? String == "active" }.count == r.assignments.count - 1)
        let csv = UsageRendering.render(r, format: .csv).split(separator: "\n")
        #expect(csv[0].hasPrefix("assignment,principal,role,scope,state,uses,"))
        #expect(csv.first { $0.hasPrefix(eligible.assignment) }?.contains(",eligible,0,,") == true)
        let table = UsageRendering.render(r, format: .table, context: .init(width: nil))
        #expect(table.split(separator: "\n").contains { $0.hasPrefix(eligible.assignment) && $0.contains(" eligible ") })
        #expect(table.contains("5 assignments (1 PIM-eligible), 3 used"))
    }

    @Test("CSV output strips escape sequences and control characters from every cell")
    func csvIsTerminalSafe() throws {
        var r = try Self.report()
        r.assignments[0].role = "Owner\u{1B}]0;pwned\u{07}\u{1B}[31m"
        r.assignments[0].scope = "=HYPERLINK(\"x\")\u{9B}"
        let text = UsageRendering.render(r, format: .csv)
        #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) })
        let row = text.split(separator: "\n")[1]
        #expect(row.contains(",Owner]0;pwned[31m,\"'=HYPERLINK(\"\"x\"\")\","))
    }

    @Test("CSV output escapes cells (golden)")
    func csv() throws {
        let (r, context) = try Self.reportAndContext()
        try Self.golden("usage.csv", UsageRendering.render(r, format: .csv, context: context))
    }
}
