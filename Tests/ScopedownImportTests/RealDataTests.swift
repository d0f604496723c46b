import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

@Suite("Real Azure samples import", .enabled(if: SharedData.isAvailable, SharedData.skipMessage))
struct RealDataTests {
    @Test func builtinRoles() throws {
        let d = try importFile(realFile("builtin-roles.json"), displayName: "builtin-roles.json")
        #expect(d.format.kind == .roleDefinitions)
        #expect(d.format.shape == "az role definition list")
        let roles = d.batch.roleDefinitions
        #expect(roles.count == 928)
        #expect(roles.map(\.permissions.count).reduce(0, +) == 946)
        #expect(roles.flatMap(\.permissions).filter { $0.condition != nil }.count == 31)
        #expect(roles.allSatisfy { !$0.isCustom && $0.assignableScopes == [.root] })
        let owner = try #require(roles.first { $0.roleName == "Owner" })
        #expect(owner.id == "8e3af657-a8ff-443c-a75c-2fe8c4bcb635")
        #expect(owner.permissions[0].actions == ["*"])
        #expect(owner.permissions[0].dataActions.isEmpty)
        #expect(d.sha256.count == 64)
    }
}
