import ArgumentParser
import Foundation
import ScopedownCore
import ScopedownTestSupport
@testable import ScopedownCLI
import Testing

/// Golden outputs of `effective`, `who-can`, `explain` and `blast-radius` on a small in-memory
/// tenant. Set SCOPEDOWN_UPDATE_GOLDEN=1 to rewrite the files after an intended change.
@Suite("Evaluator commands")
struct EvaluatorCommandTests {
    static let goldenDir = SharedData.fixture("golden/evaluator")

    static func id(_ p: String, _ n: Int) -> String { "\(p)-0000-4000-8000-00000000000\(n)" }
    static let alice = id("05050505", 1), bob = id("05050505", 2), mallory = id("05050505", 3), bot = id("05050505", 4)
    static let ops = id("06060606", 1), staff = id("06060606", 2)
    static let sub = "/subscriptions/11111111-0000-4000-8000-000000000001"
    static let rg = sub + "/resourceGroups/rg-app"
    static let vault = rg + "/providers/Microsoft.KeyVault/vaults/kv-app"
    static let vm = rg + "/providers/Microsoft.Compute/virtualMachines/vm-app"

    static let evaluator: Evaluator = {
        let names: [(String, Bool)] = [
            ("Microsoft.Compute/virtualMachines/read", false), ("Microsoft.Compute/virtualMachines/write", false),
            ("Microsoft.Compute/virtualMachines/runCommand/action", false),
            ("Microsoft.Authorization/roleAssignments/write", false), ("Microsoft.Authorization/roleAssignments/read", false),
            ("Microsoft.KeyVault/vaults/read", false), ("Microsoft.KeyVault/vaults/secrets/getSecret/action", true),
            ("Microsoft.Storage/storageAccounts/listKeys/action", false),
        ]
        func role(_ n: Int, _ name: String, _ b: [PermissionBlock]) -> RoleDefinition {
            RoleDefinition(id: id("08080808", n), resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(id("08080808", n))",
                           roleName: name, isCustom: n > 3, permissions: b)
        }
        func assign(_ n: Int, _ p: String, _ type: String, _ r: Int, _ scope: String, state: AssignmentState = .active,
                    condition: String? = nil) -> RoleAssignment {
            RoleAssignment(id: id("0a0a0a0a", n), resourceID: "ra\(n)", scope: Scope(scope), roleDefinitionID: id("08080808", r),
                           principalID: p, principalType: type, state: state, condition: condition)
        }
        let snapshot = AuthorizationSnapshot(
            roleDefinitions: [
                role(1, "Reader", [PermissionBlock(actions: ["*/read"])]),
                role(2, "Contributor", [PermissionBlock(actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"])]),
                role(3, "Key Vault Secrets User", [PermissionBlock(dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action"])]),
                role(4, "Legacy ops \u{1B}[31mred\u{1B}[0m", [PermissionBlock(actions: ["Microsoft.Compute/virtualMachines/*", "Microsoft.Classic/thing/read"])]),
            ],
            roleAssignments: [
                assign(1, staff, "Group", 1, "/providers/Microsoft.Management/managementGroups/corp"),
                assign(2, ops, "Group", 2, rg),
                assign(3, bot, "ServicePrincipal", 3, vault, condition: "@Resource[x] StringEquals 'y'"),
                assign(4, mallory, "User", 4, sub),
                assign(5, bob, "User", 2, sub, state: .eligible),
                assign(6, alice, "User", 9, sub),
            ],
            denyAssignments: [
                DenyAssignment(id: id("0b0b0b0b", 1), resourceID: "da1", name: "stack deny", scope: Scope(rg),
                               permissions: [PermissionBlock(actions: ["*/write"], notActions: ["Microsoft.Authorization/*"])],
                               principals: [PrincipalReference(id: AzureID.everyone, type: "SystemDefined")],
                               excludePrincipals: [PrincipalReference(id: bob, type: "User")]),
            ],
            principals: [
                Principal(id: alice, kind: .user, displayName: "Alice", userPrincipalName: "alice@contoso.com"),
                Principal(id: bob, kind: .user, displayName: "Bob", userPrincipalName: "bob@contoso.com"),
                Principal(id: mallory, kind: .user, displayName: "Mallory\u{1B}]0;pwned\u{07}", userPrincipalName: "mallory@contoso.com"),
                Principal(id: bot, kind: .servicePrincipal, displayName: "build-bot"),
                Principal(id: ops, kind: .group, displayName: "Ops"),
                Principal(id: staff, kind: .group, displayName: "All staff"),
            ],
            memberships: [
                GroupMembership(groupID: staff, memberID: ops, memberKind: .group),
                GroupMembership(groupID: ops, memberID: alice, memberKind: .user),
                GroupMembership(groupID: staff, memberID: bob, memberKind: .user),
            ],
            managementGroups: [
                ManagementGroup(name: "tenant-root", displayName: "Tenant Root Group", parentName: nil),
                ManagementGroup(name: "corp", displayName: "Corp", parentName: "tenant-root"),
            ],
            subscriptions: [Subscription(id: "11111111-0000-4000-8000-000000000001", displayName: "prod", managementGroupID: "corp")],
            operations: names.map { CatalogOperation(name: $0.0, isDataAction: $0.1) })
        return Evaluator(snapshot: snapshot)
    }()

    func golden(_ name: String, _ actual: String) throws {
        #expect(try Golden.matches(actual, at: Self.goldenDir.appendingPathComponent(name)), "golden file \(name) differs; rerun with SCOPEDOWN_UPDATE_GOLDEN=1 if intended")
    }

    @Test("effective: json and table")
    func effective() throws {
        let e = Self.evaluator
        try golden("effective-alice-vm.json", EffectiveCommand.render(evaluator: e, principal: "alice@contoso.com", scope: Self.vm, format: .json))
        try golden("effective-alice-vm.txt", EffectiveCommand.render(evaluator: e, principal: "Alice", scope: Self.vm, format: .table))
        try golden("effective-mallory-sub.json", EffectiveCommand.render(evaluator: e, principal: Self.mallory, scope: Self.sub, format: .json))
    }

    @Test("who-can: json and table")
    func whoCan() throws {
        let e = Self.evaluator
        try golden("who-can-vm-write.json", WhoCanCommand.render(evaluator: e, action: "microsoft.compute/virtualmachines/write", scope: Self.vm, data: false, format: .json))
        try golden("who-can-vm-write-sub.json", WhoCanCommand.render(evaluator: e, action: "Microsoft.Compute/virtualMachines/write", scope: Self.sub, data: false, format: .json))
        try golden("who-can-vm-read.txt", WhoCanCommand.render(evaluator: e, action: "Microsoft.Compute/virtualMachines/read", scope: Self.vm, data: false, format: .table))
        try golden("who-can-secret.json", WhoCanCommand.render(evaluator: e, action: "Microsoft.KeyVault/vaults/secrets/getSecret/action", scope: Self.vault, data: false, format: .json))
    }

    @Test("explain: text and json")
    func explain() throws {
        let e = Self.evaluator
        try golden("explain-alice-vm-write.txt", ExplainCommand.render(evaluator: e, principal: "alice@contoso.com", action: "Microsoft.Compute/virtualMachines/write", scope: Self.vm, data: false, format: .table))
        try golden("explain-alice-ra-write.txt", ExplainCommand.render(evaluator: e, principal: "alice@contoso.com", action: "Microsoft.Authorization/roleAssignments/write", scope: Self.vm, data: false, format: .table))
        try golden("explain-mallory-classic.json", ExplainCommand.render(evaluator: e, principal: "mallory@contoso.com", action: "Microsoft.Classic/thing/read", scope: Self.vm, data: false, format: .json))
        try golden("explain-bob-vm-write.txt", ExplainCommand.render(evaluator: e, principal: "bob@contoso.com", action: "Microsoft.Compute/virtualMachines/write", scope: Self.vm, data: false, format: .table))
        try golden("explain-bot-secret.txt", ExplainCommand.render(evaluator: e, principal: "build-bot", action: "Microsoft.KeyVault/vaults/secrets/getSecret/action", scope: Self.vault, data: true, format: .table))
    }

    /// Every table line (up to the first blank line after the table header) fits `width`.
    func tableFits(_ text: String, _ width: Int, _ name: String) {
        let long = text.split(separator: "\n").filter { $0.count > width && ($0.contains("  ") || $0.hasPrefix("  ")) }
        #expect(long.isEmpty, "\(name): \(long.count) table line(s) wider than \(width): \(long.first ?? "")")
    }

    @Test("tables at 80 and 120 columns fit; --wide prints full ids; CSV carries the principal's facts")
    func widths() throws {
        let e = Self.evaluator
        let views: [(String, (Int?) throws -> String)] = [
            ("who-can-vm-read", { try WhoCanCommand.render(evaluator: e, action: "Microsoft.Compute/virtualMachines/read", scope: Self.vm, data: false, format: .table, width: $0) }),
            ("effective-alice-vm", { try EffectiveCommand.render(evaluator: e, principal: "Alice", scope: Self.vm, format: .table, width: $0) }),
            ("blast-radius-alice", { try BlastRadiusCommand.render(evaluator: e, principal: "Alice", format: .table, width: $0) }),
        ]
        for (name, render) in views {
            for width in [80, 120] {
                let text = try render(width)
                tableFits(text, width, name)
                if width == 80 { try golden("\(name)-80.txt", text) }
            }
            let wide = try render(nil)
            try golden("\(name)-wide.txt", wide)
        }
        let whoWide = try WhoCanCommand.render(evaluator: e, action: "Microsoft.Compute/virtualMachines/read", scope: Self.vm, data: false, format: .table, width: nil)
        #expect(whoWide.contains(Self.alice))
        try golden("who-can-vm-read.csv", WhoCanCommand.render(evaluator: e, action: "Microsoft.Compute/virtualMachines/read", scope: Self.vm, data: false, format: .csv))
        try golden("effective-alice-vm.csv", EffectiveCommand.render(evaluator: e, principal: "Alice", scope: Self.vm, format: .csv))
        try golden("blast-radius-alice.csv", BlastRadiusCommand.render(evaluator: e, principal: "Alice", format: .csv))
    }

    @Test("who-can --type and --under narrow the holders")
    func whoCanFilters() throws {
        let e = Self.evaluator
        let groups = try WhoCanCommand.render(evaluator: e, action: "Microsoft.Compute/virtualMachines/read", scope: Self.vm, data: false, format: .json, type: .group)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(groups.utf8)) as? [String: Any])
        #expect((object["principals"] as? [Any])?.isEmpty == true)
        #expect((object["groups"] as? [Any])?.isEmpty == false)
        let under = try WhoCanCommand.render(evaluator: e, action: "Microsoft.Compute/virtualMachines/read", scope: Self.vm, data: false, format: .json,
                                             under: Scope(Self.sub))
        let scopes = try Self.grants(under, under: "principals").map { $0["scope"] as? String ?? "" }
        #expect(!scopes.isEmpty)
        #expect(scopes.allSatisfy { Scope($0).isLexicallyWithin(Scope(Self.sub)) })
    }

    @Test("blast-radius: json and table")
    func blastRadius() throws {
        let e = Self.evaluator
        try golden("blast-radius-alice.json", BlastRadiusCommand.render(evaluator: e, principal: Self.alice, format: .json))
        try golden("blast-radius-alice.txt", BlastRadiusCommand.render(evaluator: e, principal: "Alice", format: .table))
    }

    @Test("--include-eligible: every grant through an eligible assignment says so, in JSON and tables")
    func eligibleStaysEligible() throws {
        let e = Evaluator(snapshot: Self.evaluator.snapshot, options: EvaluationOptions(includeEligible: true))
        let bobEligible = Self.id("0a0a0a0a", 5)
        let who = try WhoCanCommand.render(evaluator: e, action: "Microsoft.Compute/virtualMachines/write", scope: Self.sub, data: false, format: .json)
        let whoGrants = try Self.grants(who, under: "principals")
        #expect(whoGrants.first { $0["assignment"] as? String == bobEligible }?["state"] as? String == "eligible")
        #expect(whoGrants.filter { $0["assignment"] as? String != bobEligible }.allSatisfy { $0["state"] as? String == "active" })
        let whoTable = try WhoCanCommand.render(evaluator: e, action: "Microsoft.Compute/virtualMachines/write", scope: Self.sub, data: false, format: .table)
        #expect(whoTable.split(separator: "\n").contains { $0.contains("Bob") && $0.contains("Contributor") && $0.contains("eligible") })

        let eff = try EffectiveCommand.render(evaluator: e, principal: "bob@contoso.com", scope: Self.sub, format: .json)
        let effGrants = try #require((try JSONSerialization.jsonObject(with: Data(eff.utf8)) as? [String: Any])?["grants"] as? [[String: Any]])
        #expect(effGrants.first { $0["assignment"] as? String == bobEligible }?["state"] as? String == "eligible")
        let effTable = try EffectiveCommand.render(evaluator: e, principal: "bob@contoso.com", scope: Self.sub, format: .table, width: nil)
        #expect(effTable.split(separator: "\n").contains { $0.contains(bobEligible) && $0.contains("eligible") })

        let blast = try BlastRadiusCommand.render(evaluator: e, principal: "bob@contoso.com", format: .json)
        let scopes = try #require((try JSONSerialization.jsonObject(with: Data(blast.utf8)) as? [String: Any])?["scopes"] as? [[String: Any]])
        let held = scopes.flatMap { $0["assignments"] as? [[String: Any]] ?? [] }
        #expect(held.first { $0["assignment"] as? String == bobEligible }?["state"] as? String == "eligible")
    }

    static func grants(_ json: String, under key: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return (object?[key] as? [[String: Any]] ?? []).flatMap { $0["grants"] as? [[String: Any]] ?? [] }
    }

    @Test("blast-radius: each risky operation names the assignment and role granting it; a management group lists its subscriptions")
    func blastRadiusAttribution() throws {
        let tf = Self.id("0c0c0c0c", 1)
        let owner = Self.id("08080808", 1), netContributor = Self.id("08080808", 2)
        let subs = (1...3).map { "0d0d0d0d-0000-4000-8000-00000000000\($0)" }
        let vnet = "/subscriptions/\(subs[0])/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub"
        let platform = "/providers/Microsoft.Management/managementGroups/platform"
        let snapshot = AuthorizationSnapshot(
            roleDefinitions: [
                RoleDefinition(id: owner, resourceID: "o", roleName: "Owner", isCustom: false, permissions: [PermissionBlock(actions: ["*"])]),
                RoleDefinition(id: netContributor, resourceID: "n", roleName: "Network Contributor", isCustom: false,
                               permissions: [PermissionBlock(actions: ["Microsoft.Network/*"])]),
            ],
            roleAssignments: [
                RoleAssignment(id: Self.id("0a0a0a0a", 1), resourceID: "ra1", scope: Scope(platform), roleDefinitionID: owner,
                               principalID: tf, principalType: "ServicePrincipal"),
                RoleAssignment(id: Self.id("0a0a0a0a", 2), resourceID: "ra2", scope: Scope(vnet), roleDefinitionID: netContributor,
                               principalID: tf, principalType: "ServicePrincipal"),
            ],
            principals: [Principal(id: tf, kind: .servicePrincipal, displayName: "terraform-platform")],
            managementGroups: [ManagementGroup(name: "root", displayName: "Root", parentName: nil),
                               ManagementGroup(name: "platform", displayName: "Platform", parentName: "root"),
                               ManagementGroup(name: "connectivity", displayName: "Connectivity", parentName: "platform")],
            subscriptions: [Subscription(id: subs[0], displayName: "hub", managementGroupID: "connectivity"),
                            Subscription(id: subs[1], displayName: "identity", managementGroupID: "platform"),
                            Subscription(id: subs[2], displayName: "elsewhere", managementGroupID: "root")],
            operations: [CatalogOperation(name: "Microsoft.Authorization/roleAssignments/write", isDataAction: false),
                         CatalogOperation(name: "Microsoft.Network/virtualNetworks/write", isDataAction: false)])
        let e = Evaluator(snapshot: snapshot)
        let json = try BlastRadiusCommand.render(evaluator: e, principal: "terraform-platform", format: .json)
        let scopes = try #require((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["scopes"] as? [[String: Any]])
        #expect(scopes.map { $0["scope"] as? String } == [platform, vnet])
        #expect(scopes[0]["subscriptionCount"] as? Int == 2)
        #expect(scopes[0]["subscriptions"] as? [String] == [subs[0], subs[1]])
        #expect(scopes[1]["subscriptions"] == nil)
        let atVnet = try #require(scopes[1]["riskyOperations"] as? [[String: Any]])
        let raWrite = try #require(atVnet.first { $0["operation"] as? String == "Microsoft.Authorization/roleAssignments/write" })
        let by = try #require(raWrite["grantedBy"] as? [[String: Any]])
        #expect(by.map { $0["role"] as? String } == ["Owner"])
        #expect(by.map { $0["assignment"] as? String } == [Self.id("0a0a0a0a", 1)])
        #expect(by.map { $0["scope"] as? String } == [platform])
        let table = try BlastRadiusCommand.render(evaluator: e, principal: "terraform-platform", format: .table, width: nil)
        #expect(table.contains("\(platform) (managementGroup, 2 subscriptions below)"))
        let raLine = try #require(table.split(separator: "\n").last { $0.contains("roleAssignments/write") })
        #expect(raLine.hasSuffix("Owner (from \(platform))"))
        #expect(!raLine.contains("Network Contributor"))
    }

    @Test("help text, with an example invocation")
    func help() throws {
        let commands: [(String, any ParsableCommand.Type)] = [
            ("effective", EffectiveCommand.self), ("who-can", WhoCanCommand.self),
            ("explain", ExplainCommand.self), ("blast-radius", BlastRadiusCommand.self),
        ]
        for (name, type) in commands {
            let text = ScopedownCommand.helpMessage(for: type, columns: 100)
            #expect(text.contains("  scopedown \(name) --db scopedown-demo.db "), "\(name)")
            try golden("help-\(name).txt", text + "\n")
        }
    }

    @Test("terminal output carries no control characters from input")
    func hostileNames() throws {
        let e = Self.evaluator
        let out = try EffectiveCommand.render(evaluator: e, principal: Self.mallory, scope: Self.sub, format: .table)
            + ExplainCommand.render(evaluator: e, principal: Self.mallory, action: "Microsoft.Compute/virtualMachines/read", scope: Self.vm, data: false, format: .table)
            + BlastRadiusCommand.render(evaluator: e, principal: Self.mallory, format: .table)
            + WhoCanCommand.render(evaluator: e, action: "Microsoft.Compute/virtualMachines/read", scope: Self.vm, data: false, format: .table)
        #expect(!out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        let json = try EffectiveCommand.render(evaluator: e, principal: Self.mallory, scope: Self.sub, format: .json)
        #expect(!json.unicodeScalars.contains { $0.value == 0x1B })
    }

    @Test("unknown and ambiguous principals are errors that name the candidates")
    func principals() throws {
        let e = Self.evaluator
        #expect(throws: EvaluatorCommandSupport.Failure.self) {
            try EffectiveCommand.render(evaluator: e, principal: "nobody", scope: Self.sub, format: .json)
        }
        do {
            _ = try EffectiveCommand.render(evaluator: e, principal: "  ", scope: Self.sub, format: .json)
            Issue.record("expected an error")
        } catch let f as EvaluatorCommandSupport.Failure {
            #expect(f.message.hasPrefix("no principal matches"))
        }
    }

    @Test("bad arguments are usage errors; a missing database is an input error")
    func arguments() throws {
        #expect(throws: (any Error).self) {
            _ = try ScopedownCommand.parseAsRoot(["effective", "--db", "x.db", "--principal", "a", "--scope", "subscriptions/x"])
        }
        #expect(throws: (any Error).self) {
            _ = try ScopedownCommand.parseAsRoot(["explain", "--db", "x.db", "--principal", "p", "--action", "a", "--scope", "/", "--format", "csv"])
        }
        let missing = runCLI(["who-can", "--db", "/nonexistent/scopedown-test.db", "--action", "a/b/read", "--scope", "/"])
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.contains("/nonexistent/scopedown-test.db: error: database `/nonexistent/scopedown-test.db` does not exist"))
        #expect(missing.stdout.isEmpty)
        #expect(runCLI(["explain", "--db", "x.db", "--principal", "p", "--action", "a", "--scope", "nope"]).exitCode == 64)
    }
}
