import Foundation
import Testing
import ScopedownCore
import ScopedownImport
import ScopedownTestSupport
@testable import ScopedownStore

@Suite("Store on the real data", .enabled(if: SharedData.isAvailable, SharedData.skipMessage))
struct StoreRealDataTests {
    static func decode(_ relative: String) throws -> DecodedFile {
        let path = SharedData.url(relative).path
        let file = InputFile(displayName: relative, path: path)
        return try InventoryImporter.decode(file, format: FormatDetector.detect(file))
    }

    @Test("the 928 built-in roles and the catalog round-trip through the store")
    func builtinRolesAndCatalog() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        let roles = try Self.decode("builtin-roles.json")
        let ops = try Self.decode("provider-operations.json")
        #expect(try store.write(roles).warnings.isEmpty)
        _ = try store.write(ops)
        let snap = try store.loadSnapshot()
        #expect(snap.roleDefinitions.count == 928)
        #expect(snap.roleDefinitions == roles.batch.roleDefinitions.sorted { $0.id < $1.id })
        // Multiple permission blocks and block conditions survive (REFERENCE.md §1.1.3).
        #expect(snap.roleDefinitions.filter { $0.permissions.count > 1 }.count == 16)
        #expect(snap.roleDefinitions.flatMap(\.permissions).filter { $0.condition != nil }.count == 31)
        // One row per (lower(name), isDataAction) (REFERENCE.md §1.2).
        let keys = Set(ops.batch.operations.map { "\($0.key)|\($0.isDataAction)" })
        #expect(snap.operations.count == keys.count)
        #expect(snap.operations.filter { $0.name.lowercased() == "microsoft.appconfiguration/configurationstores/keyvalues/write" }.count == 2)
    }
}
