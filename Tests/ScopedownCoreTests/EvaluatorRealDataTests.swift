import ScopedownCore
import ScopedownTestSupport
import Testing

/// The evaluator on the real built-in roles and provider operations catalog (../shared/azure).
@Suite("Evaluator on real Azure data", .enabled(if: SharedData.isAvailable, SharedData.skipMessage))
struct EvaluatorRealDataTests {
    static let roles: [RoleDefinition] = (try? RealAzureData.builtinRoles()) ?? []
    static let catalog: [CatalogOperation] = (try? RealAzureData.operations()) ?? []
    static let user = "11111111-1111-1111-1111-111111111111"
    static let sub = Scope("/subscriptions/22222222-2222-2222-2222-222222222222")
    static let vault = Scope("/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1")

    /// One assignment of the named built-in role to `user` at the subscription.
    func evaluator(_ roleNames: String...) throws -> Evaluator {
        var assignments: [RoleAssignment] = []
        for (i, name) in roleNames.enumerated() {
            let role = try #require(Self.roles.first { $0.roleName == name }, "built-in role `\(name)`")
            assignments.append(RoleAssignment(id: "aaaaaaaa-0000-0000-0000-00000000000\(i)", resourceID: "ra\(i)", scope: Self.sub,
                                              roleDefinitionID: role.id, principalID: Self.user, principalType: "User"))
        }
        return Evaluator(snapshot: AuthorizationSnapshot(roleDefinitions: Self.roles, roleAssignments: assignments,
                                                         operations: Self.catalog))
    }

    @Test("the catalog indexes with plausible counts, 23 names in both planes")
    func catalogCounts() throws {
        #expect(Self.roles.count == 928)
        let index = OperationIndex(operations: Self.catalog)
        #expect(index.control.count > 15_000)
        #expect(index.data.count > 2_000)
        #expect(index.control.count + index.data.count == 22_497 + 23)
        let both = Set(index.control.map(\.key)).intersection(index.data.map(\.key))
        #expect(both.count == 23)
    }

    @Test("every high-risk operation of the blast radius is in the catalog, in its plane")
    func riskCatalog() {
        let index = OperationIndex(operations: Self.catalog)
        for r in RiskCatalog.operations {
            #expect(index.spelling(of: r.name, plane: r.plane)?.lowercased() == r.name.lowercased(), "`\(r.name)` (\(r.plane))")
        }
        #expect(Set(RiskCatalog.operations.map(\.name)).count == RiskCatalog.operations.count)
    }

    @Test("Owner holds every control-plane operation and no data operation")
    func owner() throws {
        let e = try evaluator("Owner")
        let access = e.effective(principal: Self.user, scope: Self.vault)
        #expect(access.dataActions.isEmpty)
        #expect(access.actions.count == e.operations.control.count)
        #expect(access.grants.map(\.roleName) == ["Owner"])
        let d = e.decide(principal: Self.user, operation: "Microsoft.KeyVault/vaults/secrets/getSecret/action", scope: Self.vault)
        #expect(d.plane == .data)
        #expect(d.outcome == .notGranted)
    }

    @Test("Contributor cannot write role assignments: its NotActions remove it")
    func contributor() throws {
        let e = try evaluator("Contributor")
        let d = e.decide(principal: Self.user, operation: "microsoft.authorization/roleassignments/write", scope: Self.vault)
        #expect(d.outcome == .notGranted)
        #expect(d.operation == "Microsoft.Authorization/roleAssignments/write")
        #expect(d.notActionRemovals.map(\.notPattern) == ["Microsoft.Authorization/*/Write"])
        let access = e.effective(principal: Self.user, scope: Self.sub)
        #expect(!access.actions.contains("Microsoft.Authorization/roleAssignments/write"))
        #expect(access.actions.contains("Microsoft.Compute/virtualMachines/write"))
        #expect(access.dataActions.isEmpty)
    }

    @Test("Reader holds only read operations")
    func reader() throws {
        let e = try evaluator("Reader")
        let access = e.effective(principal: Self.user, scope: Self.sub)
        #expect(access.actions.count > 5_000)
        #expect(access.actions.allSatisfy { $0.lowercased().hasSuffix("/read") })
        #expect(access.dataActions.isEmpty)
        #expect(access.actions.contains("Microsoft.Network/virtualNetworks/subnets/read"))
    }

    @Test("Storage Blob Data Reader reads blobs, on the data plane only")
    func blobReader() throws {
        let e = try evaluator("Storage Blob Data Reader")
        let blobs = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
        #expect(e.decide(principal: Self.user, operation: blobs, scope: Self.sub).outcome == .allowed)
        #expect(e.decide(principal: Self.user, operation: blobs, scope: Self.sub, plane: .data).outcome == .allowed)
        #expect(e.decide(principal: Self.user, operation: blobs, scope: Self.sub, plane: .control).outcome == .notGranted)
        let access = e.effective(principal: Self.user, scope: Self.sub)
        #expect(access.dataActions.contains(blobs))
        #expect(!access.dataActions.contains("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"))
    }

    @Test("Key Vault Secrets User gets secrets")
    func secretsUser() throws {
        let e = try evaluator("Key Vault Secrets User")
        let d = e.decide(principal: Self.user, operation: "Microsoft.KeyVault/vaults/secrets/getSecret/action", scope: Self.vault)
        #expect(d.outcome == .allowed)
        #expect(!d.conditional)
        #expect(d.grants.first?.inherited == true)
        let holders = e.whoCan(operation: "Microsoft.KeyVault/vaults/secrets/getSecret/action", scope: Self.vault)
        #expect(holders.principals.map(\.id) == [Self.user])
    }

    @Test("a role-definition condition makes only the actions it covers conditional")
    func roleCondition() throws {
        let e = try evaluator("Key Vault Data Access Administrator")
        let write = e.decide(principal: Self.user, operation: "Microsoft.Authorization/roleAssignments/write", scope: Self.vault)
        #expect(write.outcome == .allowed)
        #expect(write.conditional)
        #expect(write.grants.allSatisfy { $0.conditionSources == ["role condition"] })
        let read = e.decide(principal: Self.user, operation: "Microsoft.Authorization/roleAssignments/read", scope: Self.vault)
        #expect(read.outcome == .allowed)
        #expect(!read.conditional)
    }

    @Test("literal permissions missing from the catalog are reported as uncatalogued, not dropped")
    func uncatalogued() throws {
        // Every built-in role at once: every literal name the catalog lacks.
        let all = Self.roles.map(\.roleName)
        var assignments: [RoleAssignment] = []
        for (i, r) in Self.roles.enumerated() {
            assignments.append(RoleAssignment(id: "ra-\(i)", resourceID: "ra-\(i)", scope: .root, roleDefinitionID: r.id,
                                              principalID: Self.user, principalType: "User"))
        }
        #expect(all.count == 928)
        let e = Evaluator(snapshot: AuthorizationSnapshot(roleDefinitions: Self.roles, roleAssignments: assignments,
                                                          operations: Self.catalog))
        let access = e.effective(principal: Self.user, scope: Self.sub)
        // 100 control-plane and 44 data-plane literal names the catalog lacks (counted with Python too), all held.
        #expect(access.uncatalogued.count == 144)
        #expect(access.uncatalogued.filter { $0.plane == .data }.count == 44)
        #expect(!access.uncatalogued.contains { $0.denied })
        #expect(access.uncatalogued.contains { $0.name.lowercased() == "microsoft.authorization/classicadministrators/read" && !$0.denied })
        let d = e.decide(principal: Self.user, operation: "Microsoft.Authorization/classicAdministrators/read", scope: Self.sub)
        #expect(!d.catalogued)
        #expect(d.outcome == .allowed)
    }
}
