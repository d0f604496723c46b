import Foundation
import ScopedownCore
import ScopedownImport
import ScopedownSynth
import ScopedownTestSupport
import Testing

/// The generated files are what `scopedown import` accepts: every file is detected as the kind its
/// folder says, and every inventory file decodes without an error or a warning.
@Suite("Synthesizer output imports")
struct SynthImportTests {
    static func expectedKind(_ relative: String) -> InputKind? {
        switch true {
        case relative == "/MANIFEST.json": return nil
        case relative.hasPrefix("/catalog/"): return .operations
        case relative.hasPrefix("/roles/"): return .roleDefinitions
        case relative == "/management-groups.json": return .managementGroups
        case relative == "/subscriptions.json": return .subscriptions
        case relative.hasPrefix("/resourcegraph/resourcecontainers"): return .resourceContainers
        case relative.hasPrefix("/directory/"): return .directory
        case relative.hasPrefix("/groups/"): return .groupMembers
        case relative.hasPrefix("/role-assignments/"): return .roleAssignments
        case relative.hasPrefix("/pim/"): return .pimEligible
        case relative == "/deny-assignments.json": return .denyAssignments
        case relative.hasPrefix("/activity/"): return .activityLog
        default: return nil
        }
    }

    @Test("every file is detected as its kind; inventory files decode cleanly and carry what was generated")
    func importable() throws {
        let out = temporaryFolder("import")
        defer { try? FileManager.default.removeItem(at: out) }
        let summary = try Synthesizer.run(small(out, events: 600))
        var assignments = 0, eligible = 0, denies = 0, roles = 0
        for url in SynthTenantFiles.files(under: out) {
            let relative = String(url.path.dropFirst(out.path.count))
            guard let kind = Self.expectedKind(relative) else {
                #expect(relative == "/MANIFEST.json", "unexpected file \(relative)")
                // `scopedown import DIR` skips the manifest instead of failing on it.
                #expect(throws: SkippedFile.self) { _ = try FormatDetector.detect(InputFile(displayName: relative, path: url.path)) }
                continue
            }
            let file = InputFile(displayName: relative, path: url.path)
            let format = try FormatDetector.detect(file)
            #expect(format.kind == kind, "\(relative) detected as \(format.kind.rawValue) (\(format.shape))")
            guard kind != .activityLog else { continue }
            let decoded = try InventoryImporter.decode(file, format: format)
            #expect(decoded.batch.warnings.isEmpty, "\(relative): \(decoded.batch.warnings.map(\.description))")
            assignments += decoded.batch.roleAssignments.filter { $0.state == .active }.count
            eligible += decoded.batch.roleAssignments.filter { $0.state == .eligible }.count
            denies += decoded.batch.denyAssignments.count
            roles += decoded.batch.roleDefinitions.count
        }
        #expect(assignments == summary.parameters.assignments)
        #expect(eligible == summary.count("eligibleAssignments"))
        #expect(denies == summary.count("denyAssignments"))
        #expect(roles == (summary.count("builtInRoles") ?? 0) + (summary.count("customRoles") ?? 0))
    }
}
