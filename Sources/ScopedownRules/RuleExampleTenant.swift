import ScopedownCore

/// The tiny text language of rule examples: one fact per line, `#` comments, tokens separated by
/// spaces (double quotes keep spaces), `key=value` options. Ids are the names given.
///
///     mg NAME [parent=NAME]                 a management group (parent: the tenant root group `tenant`)
///     sub NAME [mg=NAME] [tag.KEY=VALUE]... a subscription (mg: the tenant root group)
///     role NAME [custom] [actions=A,B] [notActions=..] [dataActions=..] [notDataActions=..] [scopes=S,..]
///     user NAME [guest] | group NAME [members=A,B] | sp NAME [managed]
///     mi NAME resource=SCOPE [system]       a managed identity living at SCOPE (user-assigned unless `system`)
///     owns OWNER SP                         OWNER owns service principal SP (Graph `owners`)
///     assign ID PRINCIPAL ROLE SCOPE [eligible] [condition] [type=User|Group|ServicePrincipal|Unknown]
///     usage [ID uses=N actions=A,B]          the Activity Log was imported (and what ID used)
///     entra PRINCIPAL ROLE                  a directory role (`Global Administrator`, ...)
///     config KEY=VALUE                      a FindingsConfig value (lists comma-separated)
///     expect [count=N] [severity=S] [principal=P] [scope=S]   what the findings must include
///
/// SCOPE is `/`, `mg:NAME`, `sub:NAME`, `sub:NAME/rg:RG[/RESOURCE-PATH]` or an ARM scope. Built-in
/// roles `Owner`, `Contributor`, `Reader`, `UserAccessAdministrator`, `SecurityReader`,
/// `KeyVaultSecretsUser` and `StorageBlobDataReader` exist unless redefined (real ids and
/// permissions, abridged).
public struct RuleExampleTenant: Sendable {
    public struct Expectation: Sendable {
        public var line: Int
        public var count: Int?
        public var severity: Severity?
        public var principal: String?
        public var scope: String?
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// 1-based line within the example text.
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public var snapshot: AuthorizationSnapshot
    public var usage: UsageFacts?
    public var directoryRoles: DirectoryRoles?
    public var managedIdentities: [ManagedIdentityResource]
    public var ownerships: [Ownership]
    public var config: FindingsConfig
    public var expectations: [Expectation]

    public func context() -> RuleContext {
        RuleContext(evaluator: Evaluator(snapshot: snapshot), usage: usage, directoryRoles: directoryRoles,
                    managedIdentities: managedIdentities, ownerships: ownerships, config: config)
    }

    static let tenant = "tenant"

    /// Built-in roles every example may use (ids are the real ones).
    static let prelude: [String: RoleDefinition] = {
        func role(_ id: String, _ name: String, _ actions: [String], not: [String] = [], data: [String] = []) -> RoleDefinition {
            RoleDefinition(id: id, resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(id)", roleName: name,
                           isCustom: false, permissions: [PermissionBlock(actions: actions, notActions: not, dataActions: data)])
        }
        return [
            "Owner": role("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner", ["*"]),
            "Contributor": role("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor", ["*"],
                                not: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
                                      "Microsoft.Authorization/elevateAccess/Action"]),
            "Reader": role("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader", ["*/read"]),
            "UserAccessAdministrator": role("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator",
                                            ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"]),
            "SecurityReader": role("39bd1de1-4e1c-4fee-8432-2fc64ac1d4fa", "Security Reader",
                                   ["Microsoft.Authorization/*/read", "Microsoft.Security/*/read", "Microsoft.Support/*/read"]),
            "KeyVaultSecretsUser": role("4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", [],
                                        data: ["Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"]),
            "StorageBlobDataReader": role("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "Storage Blob Data Reader",
                                          ["Microsoft.Storage/storageAccounts/blobServices/containers/read"],
                                          data: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"]),
        ]
    }()

    static let directoryRoleTemplates: [String: String] = [
        "global administrator": DirectoryRoleDefinition.globalAdministrator,
        "privileged role administrator": DirectoryRoleDefinition.privilegedRoleAdministrator,
        "global reader": "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
        "user administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
    ]

    public init(parsing text: String) throws {
        var mgs: [String: ManagementGroup] = [Self.tenant: ManagementGroup(name: Self.tenant, displayName: "Tenant Root Group", parentName: nil, tenantID: Self.tenant)]
        var subs: [Subscription] = []
        var roles = Self.prelude
        var principals: [Principal] = []
        var memberships: [GroupMembership] = []
        var assignments: [RoleAssignment] = []
        var activity: [AssignmentActivity] = []
        var usageImported = false
        var dirAssignments: [DirectoryRoleAssignment] = []
        var identities: [ManagedIdentityResource] = []
        var owned: [Ownership] = []
        var config = FindingsConfig()
        var expectations: [Expectation] = []
        var kinds: [String: String] = [:]   // principal -> assignment principalType

        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = n + 1
            func fail(_ m: String) -> Failure { Failure(line: lineNo, message: m) }
            let tokens = try Self.tokens(String(raw), line: lineNo)
            guard let verb = tokens.first?.text else { continue }
            var words: [String] = [], opts: [String: String] = [:]
            for (t, quoted) in tokens.dropFirst() {
                if !quoted, let eq = t.firstIndex(of: "="), !t.hasPrefix("/") {
                    opts[String(t[..<eq])] = String(t[t.index(after: eq)...])
                } else {
                    words.append(t)
                }
            }
            func list(_ k: String) -> [String] { opts[k].map { $0.split(separator: ",").map(String.init) } ?? [] }
            func word(_ i: Int, _ what: String) throws -> String {
                guard i < words.count else { throw fail("`\(verb)` needs \(what)") }
                return words[i]
            }
            switch verb {
            case "mg":
                let name = try word(0, "a name")
                mgs[name.lowercased()] = ManagementGroup(name: name, displayName: name, parentName: opts["parent"] ?? Self.tenant, tenantID: Self.tenant)
            case "sub":
                let name = try word(0, "a name")
                var tags: [String: String] = [:]
                for (k, v) in opts where k.hasPrefix("tag.") { tags[String(k.dropFirst(4))] = v }
                subs.append(Subscription(id: name, displayName: name, managementGroupID: opts["mg"] ?? Self.tenant, tenantID: Self.tenant, tags: tags))
            case "role":
                let name = try word(0, "a name")
                let id = opts["id"] ?? name
                let scopes = list("scopes").map { Scope(Self.scope($0)) }
                roles[name] = RoleDefinition(id: id, resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(id)", roleName: name,
                                             isCustom: words.contains("custom"),
                                             permissions: [PermissionBlock(actions: list("actions"), notActions: list("notActions"),
                                                                           dataActions: list("dataActions"), notDataActions: list("notDataActions"))],
                                             assignableScopes: scopes.isEmpty ? [.root] : scopes)
            case "user":
                let name = try word(0, "a name")
                principals.append(Principal(id: name, kind: .user, displayName: name, userPrincipalName: "\(name)@example.test",
                                            userType: words.contains("guest") ? "Guest" : "Member"))
                kinds[name.lowercased()] = "User"
            case "group":
                let name = try word(0, "a name")
                principals.append(Principal(id: name, kind: .group, displayName: name))
                for m in list("members") { memberships.append(GroupMembership(groupID: name, memberID: m)) }
                kinds[name.lowercased()] = "Group"
            case "sp":
                let name = try word(0, "a name")
                principals.append(Principal(id: name, kind: .servicePrincipal, displayName: name, appID: name + "-app",
                                            servicePrincipalType: words.contains("managed") ? "ManagedIdentity" : "Application"))
                kinds[name.lowercased()] = "ServicePrincipal"
            case "mi":
                let name = try word(0, "a name")
                guard let resource = opts["resource"] else { throw fail("`mi` needs resource=SCOPE") }
                principals.append(Principal(id: name, kind: .servicePrincipal, displayName: name, appID: name + "-app",
                                            servicePrincipalType: "ManagedIdentity"))
                kinds[name.lowercased()] = "ServicePrincipal"
                identities.append(ManagedIdentityResource(principalID: name, resource: Scope(Self.scope(resource)), userAssigned: !words.contains("system")))
            case "owns":
                owned.append(Ownership(targetID: try word(1, "a service principal"), application: false, ownerID: try word(0, "an owner")))
            case "assign":
                let id = try word(0, "an id"), principal = try word(1, "a principal"), roleName = try word(2, "a role"), scope = try word(3, "a scope")
                guard let role = roles[roleName] else { throw fail("unknown role `\(roleName)`") }
                assignments.append(RoleAssignment(id: id, resourceID: "\(Self.scope(scope))/providers/Microsoft.Authorization/roleAssignments/\(id)",
                                                  scope: Scope(Self.scope(scope)), roleDefinitionID: role.id, principalID: principal,
                                                  principalType: opts["type"] ?? kinds[principal.lowercased()] ?? "User",
                                                  state: words.contains("eligible") ? .eligible : .active,
                                                  condition: words.contains("condition") ? "@Resource[x] StringEquals 'y'" : nil))
            case "usage":
                usageImported = true
                if let id = words.first {
                    activity.append(AssignmentActivity(assignment: id, uses: Int(opts["uses"] ?? "0") ?? 0, usedActions: list("actions")))
                }
            case "entra":
                let principal = try word(0, "a principal"), role = try word(1, "a role")
                guard let template = Self.directoryRoleTemplates[role.lowercased()] else { throw fail("unknown directory role `\(role)`") }
                dirAssignments.append(DirectoryRoleAssignment(id: "dra-\(dirAssignments.count)", principalID: principal, roleDefinitionID: template))
            case "config":
                for (k, v) in opts {
                    let items = v.split(separator: ",").map(String.init)
                    switch k {
                    case "contactTags": config.contactTags = items
                    case "securityGroup": config.securityGroup = v
                    case "minOwners": config.minOwners = Int(v) ?? config.minOwners
                    case "maxOwners": config.maxOwners = Int(v) ?? config.maxOwners
                    case "subscriptionAssignmentWarning": config.subscriptionAssignmentWarning = Int(v) ?? 0
                    case "managementGroupAssignmentWarning": config.managementGroupAssignmentWarning = Int(v) ?? 0
                    case "customRoleWarning": config.customRoleWarning = Int(v) ?? 0
                    default: throw fail("unknown config key `\(k)`")
                    }
                }
            case "expect":
                expectations.append(Expectation(line: lineNo, count: opts["count"].flatMap { Int($0) },
                                                severity: opts["severity"].flatMap(Severity.init(rawValue:)),
                                                principal: opts["principal"], scope: opts["scope"].map(Self.scope)))
            default:
                throw fail("unknown fact `\(verb)`")
            }
        }
        let definitions = Self.directoryRoleTemplates.map { DirectoryRoleDefinition(id: $1, displayName: $0, templateID: $1) }
            .sorted { $0.id < $1.id }
        snapshot = AuthorizationSnapshot(roleDefinitions: roles.values.sorted { $0.id < $1.id }, roleAssignments: assignments,
                                         principals: principals, memberships: memberships,
                                         managementGroups: mgs.values.sorted { $0.id < $1.id }, subscriptions: subs)
        usage = usageImported ? UsageFacts(activity) : nil
        directoryRoles = dirAssignments.isEmpty ? nil : DirectoryRoles(definitions: definitions, assignments: dirAssignments)
        self.config = config
        self.expectations = expectations
        managedIdentities = identities
        ownerships = owned
    }

    /// `mg:X`, `sub:X`, `sub:X/rg:Y/...` → ARM scope.
    static func scope(_ s: String) -> String {
        if s.hasPrefix("mg:") { return "/providers/Microsoft.Management/managementGroups/" + s.dropFirst(3) }
        if s.hasPrefix("sub:") {
            var parts = s.dropFirst(4).split(separator: "/", maxSplits: 1).map(String.init)
            var out = "/subscriptions/" + parts.removeFirst()
            if let rest = parts.first {
                if rest.hasPrefix("rg:") { out += "/resourceGroups/" + rest.dropFirst(3) } else { out += "/" + rest }
            }
            return out
        }
        return s
    }

    /// Space-separated tokens; a double-quoted one keeps spaces, `=` and `#` (`\"` and `\\` escape)
    /// and is never a `key=value` option.
    static func tokens(_ line: String, line n: Int) throws -> [(text: String, quoted: Bool)] {
        var out: [(String, Bool)] = [], cur = "", quoted = false, wasQuoted = false, has = false, escaped = false
        for c in line {
            if escaped { cur.append(c); escaped = false; continue }
            if quoted && c == "\\" { escaped = true; continue }
            if c == "\"" { quoted.toggle(); has = true; wasQuoted = true; continue }
            if !quoted && c == "#" { break }
            if !quoted && (c == " " || c == "\t") {
                if has { out.append((cur, wasQuoted)); cur = ""; has = false; wasQuoted = false }
                continue
            }
            cur.append(c); has = true
        }
        if quoted { throw Failure(line: n, message: "unterminated quote") }
        if has { out.append((cur, wasQuoted)) }
        return out
    }

    /// Checks `expect` lines against findings; returns (line, problem) pairs.
    public func unmet(_ findings: [Finding]) -> [(line: Int, problem: String)] {
        var out: [(Int, String)] = []
        for e in expectations {
            if let c = e.count, findings.count != c { out.append((e.line, "expected \(c) finding(s), got \(findings.count)")) }
            if e.severity != nil || e.principal != nil || e.scope != nil {
                let hit = findings.contains { f in
                    (e.severity.map { f.severity == $0 } ?? true)
                        && (e.principal.map { f.principal == AzureID.guidKey($0) } ?? true)
                        && (e.scope.map { f.scope.map(Scope.init)?.key == Scope($0).key } ?? true)
                }
                if !hit { out.append((e.line, "no finding matches this expectation")) }
            }
        }
        return out
    }
}
