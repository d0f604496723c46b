import Foundation
import ScopedownCore
import ScopedownImport
import ScopedownStore

/// Diagnostic-archive lines for usage tests.
public enum UsageLines {
    public static func line(time: String = "2024-05-01T10:00:00Z", action: String = "Microsoft.Compute/virtualMachines/write",
                     scope: String = "/subscriptions/s1/resourceGroups/rg1", status: String = "Success",
                     signature: String = "Succeeded.", corr: String? = nil, oid: String? = nil, caller: String? = nil,
                     evidence: String? = nil, extra: String = "") -> String {
        var claims = ""
        if let oid { claims = #","claims":{"http://schemas.microsoft.com/identity/claims/objectidentifier":"\#(oid)"}"# }
        var ev = ""
        if let evidence { ev = #","evidence":{"roleAssignmentId":"\#(evidence)","principalType":"User"}"# }
        var s = #"{"time":"\#(time)","resultType":"\#(status)","resultSignature":"\#(signature)""#
        if let corr { s += #","correlationId":"\#(corr)""# }
        if let caller { s += #","caller":"\#(caller)""# }
        s += #","identity":{"authorization":{"scope":"\#(scope)","action":"\#(action)"\#(ev)}\#(claims)}\#(extra)}"#
        return s
    }
}

/// A small tenant with usage, built in code: MG tree, roles with wildcards and NotActions, a group,
/// direct / group / eligible assignments, and Activity Log lines exercising every attribution rule.
public enum UsageTenant {
    public static let s1 = "51515151-0000-0000-0000-000000000001"
    public static let s2 = "52525252-0000-0000-0000-000000000002"
    public static let alice = "aaaaaaaa-0000-0000-0000-000000000001"
    public static let bob = "aaaaaaaa-0000-0000-0000-000000000002"
    public static let admins = "bbbbbbbb-0000-0000-0000-000000000001"
    public static let owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
    public static let reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
    public static let vmOperator = "cccccccc-0000-0000-0000-000000000001"
    public static func a(_ n: Int) -> String { "10000000-0000-0000-0000-00000000000\(n)" }
    public static let rg1 = "/subscriptions/\(s1)/resourceGroups/rg1"

    public static func batch(_ kind: InputKind, _ fill: (inout ImportBatch) -> Void) -> DecodedFile {
        var b = ImportBatch(kind: kind, shape: "test")
        fill(&b)
        return DecodedFile(file: InputFile(displayName: "\(kind.rawValue).json", path: nil), sha256: "sha-\(kind.rawValue)",
                           byteCount: 1, format: DetectedFormat(kind: kind, shape: "test"), batch: b)
    }

    public static func build(_ store: Store, folder: URL) throws {
        _ = try store.write(batch(.managementGroups) { b in
            b.managementGroups = [ManagementGroup(name: "contoso-root", displayName: "Root", parentName: nil),
                                  ManagementGroup(name: "platform", displayName: "Platform", parentName: "contoso-root")]
            b.subscriptions = [Subscription(id: s1, displayName: "prod", managementGroupID: "platform"),
                               Subscription(id: s2, displayName: "dev", managementGroupID: "contoso-root")]
        })
        _ = try store.write(batch(.roleDefinitions) { b in
            b.roleDefinitions = [
                RoleDefinition(id: owner, resourceID: owner, roleName: "Owner", isCustom: false, permissions: [PermissionBlock(actions: ["*"])]),
                RoleDefinition(id: reader, resourceID: reader, roleName: "Reader", isCustom: false, permissions: [PermissionBlock(actions: ["*/read"])]),
                RoleDefinition(id: vmOperator, resourceID: vmOperator, roleName: "VM Operator", isCustom: true,
                               permissions: [PermissionBlock(actions: ["Microsoft.Compute/virtualMachines/*"],
                                                             notActions: ["Microsoft.Compute/virtualMachines/delete"])]),
            ]
        })
        _ = try store.write(batch(.directory) { b in
            b.principals = [Principal(id: alice, kind: .user, displayName: "Alice", userPrincipalName: "alice@contoso.com"),
                            Principal(id: bob, kind: .user, displayName: "Bob", userPrincipalName: "bob@contoso.com"),
                            Principal(id: admins, kind: .group, displayName: "Admins")]
            b.memberships = [GroupMembership(groupID: admins, memberID: bob, memberKind: .user)]
        })
        _ = try store.write(batch(.roleAssignments) { b in
            func ra(_ n: Int, _ scope: String, _ role: String, _ p: String, _ type: String, _ state: AssignmentState = .active) -> RoleAssignment {
                RoleAssignment(id: a(n), resourceID: "\(scope)/providers/Microsoft.Authorization/roleAssignments/\(a(n))", scope: Scope(scope),
                               roleDefinitionID: role, principalID: p, principalType: type, state: state)
            }
            b.roleAssignments = [
                ra(1, "/subscriptions/\(s1)", owner, alice, "User"),
                ra(2, rg1, vmOperator, alice, "User"),
                ra(3, "/providers/Microsoft.Management/managementGroups/platform", owner, admins, "Group"),
                ra(4, "/subscriptions/\(s2)", reader, bob, "User"),
                ra(5, "/subscriptions/\(s2)", owner, alice, "User", .eligible),
            ]
        })
        let vm1 = rg1 + "/providers/Microsoft.Compute/virtualMachines/vm1"
        let vm2 = rg1 + "/providers/Microsoft.Compute/virtualMachines/vm2"
        let lines = [
            UsageLines.line(time: "2024-05-01T10:00:00Z", action: "Microsoft.Compute/virtualMachines/write", scope: vm1, oid: alice),
            UsageLines.line(time: "2024-05-02T10:00:00Z", action: "Microsoft.Compute/virtualMachines/delete", scope: vm1, oid: alice),
            UsageLines.line(time: "2024-05-03T10:00:00Z", action: "Microsoft.Compute/virtualMachines/start/action", scope: vm2, oid: alice,
                            evidence: a(2).replacingOccurrences(of: "-", with: "")),
            UsageLines.line(time: "2024-05-04T10:00:00Z", action: "Microsoft.Storage/storageAccounts/write",
                            scope: "/subscriptions/\(s1)/resourceGroups/rg2/providers/Microsoft.Storage/storageAccounts/sa", caller: "BOB@contoso.com"),
            UsageLines.line(time: "2024-05-05T10:00:00Z", action: "Microsoft.Authorization/roleAssignments/write", scope: "/subscriptions/\(s2)",
                            status: "Failure", signature: "Failed.Forbidden", caller: "bob@contoso.com"),
            UsageLines.line(time: "2024-05-06T10:00:00Z", action: "Microsoft.Compute/virtualMachines/write", scope: vm1, caller: "mallory@evil.example"),
        ]
        let url = folder.appendingPathComponent("PT1H.json")
        _ = FileManager.default.createFile(atPath: url.path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        _ = try store.importActivityLog(InputFile(displayName: "PT1H.json", path: url.path),
                                        format: DetectedFormat(kind: .activityLog, shape: "diagnostic archive (JSON Lines)"),
                                        options: UsageImportOptions())
    }
}


extension Store {
    /// The usage report as `scopedown usage` computes it: the rows read while the snapshot loads,
    /// attributed by `UsageAttribution` on `workers` threads, the callers cut into `buckets` groups.
    public func usageReport(options: EvaluationOptions = EvaluationOptions(), workers: Int = UsageAttribution.defaultWorkers,
                            buckets: Int = 0) throws -> UsageReport {
        var (attribution, rows) = try usageInputs(options: options, parallel: workers > 1) { UsageAttribution(evaluator: $0, records: $1) }
        return attribution.report(&rows, workers: workers, buckets: buckets).report
    }
}
