import Foundation
import ScopedownCore
import ScopedownImport
import ScopedownSQLite
@testable import ScopedownStore
import ScopedownTestSupport
import Testing

/// Readers see a committed state: a report's queries run in one read transaction.
@Suite("read consistency")
struct ConsistencyTests {
    @Test("a report reads one committed state: a commit from another connection waits until it is done")
    func usageReportReadsOneState() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        try UsageTenant.build(f.store, folder: f.folder)
        let before = try f.store.usageReport()
        let writer = try Connection(path: f.db.path, busyTimeoutMS: 50)
        let insert = "INSERT INTO usage_imports(window_from, window_to, events, uses, failed, denied, duplicates, without_authorization, unresolved_callers) VALUES (4102444800, 4102448400, 0, 0, 0, 0, 0, 0, 0)"
        var committed: Bool?
        // another process commits an import between the report's first reads and its last
        f.store.readHook = { committed = (try? writer.execute(insert)) != nil }
        let during = try f.store.usageReport()
        f.store.readHook = nil
        #expect(committed == false, "the other connection committed in the middle of the report")
        #expect(during.windowFrom == before.windowFrom)
        #expect(during.windowTo == before.windowTo)
        #expect(during.assignments.map(\.uses) == before.assignments.map(\.uses))
        // once the report is done the write goes through
        try writer.execute(insert)
        #expect(try f.store.usageReport().windowTo == 4_102_448_400)
    }
}

@Suite("echoed input")
struct EchoedInputTests {
    @Test("input echoed in a warning is cut at 200 characters")
    func longCallerIsCut() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let caller = String(repeating: "c", count: 100_000) + "@contoso.com"
        let (receipt, _) = try f.importLines("PT1H.json", [UsageLines.line(caller: caller)])
        let w = try #require(receipt.warnings.first { $0.message.contains("not resolved to a principal") })
        #expect(w.message.count < 400, "\(w.message.prefix(400))")
    }
}
