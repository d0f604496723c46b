import Foundation
import ScopedownCore
import ScopedownImport
@testable import ScopedownStore
import ScopedownTestSupport
import Testing

/// Uses are operations, not events: a Started and its Succeeded event are one use, and the same
/// operation in two export shapes (the diagnostic archive, `az monitor activity-log list`) is one use.
@Suite("Uses are operations")
struct UsageOperationTests {
    static let alice = "aaaaaaaa-0000-0000-0000-000000000001"
    static let vm = "/subscriptions/51515151-0000-0000-0000-000000000001/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1"

    /// (correlation id, status, time) of one tenant's events: A started then succeeded; B succeeded;
    /// C started then failed (no use); D started before midnight and succeeded after (its day is the
    /// success's); E only started (a use: nothing says it failed).
    static let events: [(corr: String, status: String, time: String)] = [
        ("c-a", "Started", "2024-05-01T10:00:00Z"), ("c-a", "Succeeded", "2024-05-01T10:00:30Z"),
        ("c-b", "Succeeded", "2024-05-01T11:00:00Z"),
        ("c-c", "Started", "2024-05-01T12:00:00Z"), ("c-c", "Failed", "2024-05-01T12:01:00Z"),
        ("c-d", "Started", "2024-05-01T23:59:50Z"), ("c-d", "Succeeded", "2024-05-02T00:00:20Z"),
        ("c-e", "Started", "2024-05-01T15:00:00Z"),
    ]

    /// The diagnostic archive (JSON Lines, no eventDataId, as real archives are).
    static var archive: [String] {
        events.map { e in
            let (type, signature) = e.status == "Started" ? ("Start", "Started.") : e.status == "Succeeded" ? ("Success", "Succeeded.") : ("Failure", "Failed.Conflict")
            return UsageLines.line(time: e.time, scope: vm, status: type, signature: signature, corr: e.corr, oid: alice)
        }
    }

    /// `az monitor activity-log list` output of the same events: other field names, other spellings.
    static var azList: String {
        let items = events.enumerated().map { n, e in
            """
            {"authorization": {"action": "microsoft.compute/virtualmachines/write", "scope": "\(vm.uppercased())"},
             "caller": "alice@contoso.com", "claims": {"http://schemas.microsoft.com/identity/claims/objectidentifier": "\(alice)"},
             "correlationId": "\(e.corr.uppercased())", "eventDataId": "evt-\(n)", "eventTimestamp": "\(e.time)",
             "operationName": {"value": "Microsoft.Compute/virtualMachines/write", "localizedValue": "Create or Update Virtual Machine"},
             "status": {"value": "\(e.status)", "localizedValue": "\(e.status)"}, "subStatus": {"value": "", "localizedValue": ""}}
            """
        }
        return "[" + items.joined(separator: ",\n") + "]"
    }

    static func importArchive(_ f: UsageFixture) throws {
        _ = try f.store.importActivityLogDetailed(f.write("PT1H.json", archive), format: DetectedFormat(kind: .activityLog, shape: "diagnostic archive (JSON Lines)"),
                                                  options: UsageImportOptions())
    }

    /// The archive with the authorizing assignment in each event's evidence (as real archives name it).
    static func importArchiveWithEvidence(_ f: UsageFixture) throws {
        let lines = events.map { e in
            let (type, signature) = e.status == "Started" ? ("Start", "Started.") : e.status == "Succeeded" ? ("Success", "Succeeded.") : ("Failure", "Failed.Conflict")
            return UsageLines.line(time: e.time, scope: vm, status: type, signature: signature, corr: e.corr, oid: alice,
                                   evidence: "95a6e1077f8c434d9400106e7d9ba68c")
        }
        _ = try f.store.importActivityLogDetailed(f.write("PT1H-evidence.json", lines),
                                                  format: DetectedFormat(kind: .activityLog, shape: "diagnostic archive (JSON Lines)"),
                                                  options: UsageImportOptions())
    }

    static func importAz(_ f: UsageFixture) throws {
        let file = f.write("az.json", [azList])
        _ = try f.store.importActivityLogDetailed(file, format: try FormatDetector.detect(file), options: UsageImportOptions())
    }

    /// Both days' rows of one tenant: four operations with a use, D on the day it succeeded.
    static let expected = [
        "\(alice) microsoft.compute/virtualmachines/write \(vm.lowercased()) 2024-05-01 uses=3 denied=0 ",
        "\(alice) microsoft.compute/virtualmachines/write \(vm.lowercased()) 2024-05-02 uses=1 denied=0 ",
    ]

    @Test("one shape: a Started and its Succeeded event are one use, on the day of the latest")
    func oneShape() throws {
        for load in [Self.importArchive, Self.importAz] {
            let f = try UsageFixture()
            defer { f.db.cleanup() }
            try load(f)
            #expect(try f.rows() == Self.expected)
        }
    }

    @Test("two shapes of the same operations, in either order, in separate runs: the counts of one")
    func twoShapes() throws {
        for order in [[Self.importArchive, Self.importAz], [Self.importAz, Self.importArchive]] {
            let f = try UsageFixture()
            defer { f.db.cleanup() }
            for load in order { try load(f) }
            #expect(try f.rows() == Self.expected)
        }
    }

    @Test("the archive's evidence survives the overlap with a shape that lacks it, in either order")
    func evidenceWinsTies() throws {
        let withEvidence = Self.expected.map { $0 + "95a6e107-7f8c-434d-9400-106e7d9ba68c" }
        for order in [[Self.importArchiveWithEvidence, Self.importAz], [Self.importAz, Self.importArchiveWithEvidence]] {
            let f = try UsageFixture()
            defer { f.db.cleanup() }
            for load in order { try load(f) }
            #expect(try f.rows() == withEvidence)
        }
    }

    @Test("two shapes in one run: the counts of one")
    func twoShapesOneRun() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        try f.store.withUsageBatch {
            try Self.importAz(f)
            try Self.importArchive(f)
        }
        #expect(try f.rows() == Self.expected)
    }

    @Test("the file summary counts operations")
    func summaryCountsOperations() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let r = try f.store.importActivityLogDetailed(f.write("PT1H.json", Self.archive),
                                                      format: DetectedFormat(kind: .activityLog, shape: "diagnostic archive (JSON Lines)"),
                                                      options: UsageImportOptions())
        #expect(r.summary.events == 8)
        #expect(r.summary.uses == 4)
    }
}
