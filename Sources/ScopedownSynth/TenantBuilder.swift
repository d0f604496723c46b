import ScopedownCore

/// Builds the inventory of a synthetic tenant. Every random choice comes from a `SynthRandom`
/// stream named after the part it builds, so the same seed gives the same tenant.
struct TenantBuilder {
    let parameters: SynthParameters
    let catalog: SynthCatalog
    let builtInRoles: [RoleDefinition]

    static let locations = ["eastus", "eastus2", "westeurope", "northeurope", "francecentral", "uksouth", "westus3", "swedencentral"]
    static let environments = ["prod", "dev", "test", "staging", "sandbox"]
    static let costCenters = ["cc-1001", "cc-1002", "cc-2040", "cc-3300", "cc-4711"]
    static let teams = ["payments", "identity", "data", "platform", "web", "ml", "security", "finance", "hr", "logistics"]
    static let firstNames = ["ada", "alan", "barbara", "claude", "dennis", "edsger", "frances", "grace", "hedy", "ivan",
                             "john", "katherine", "ken", "leslie", "linus", "margaret", "niklaus", "radia", "shafi", "tim"]
    static let lastNames = ["lovelace", "turing", "liskov", "shannon", "ritchie", "dijkstra", "allen", "hopper", "lamarr",
                            "sutherland", "backus", "johnson", "thompson", "lamport", "torvalds", "hamilton", "wirth",
                            "perlman", "goldwasser", "berners-lee"]
    /// Display names that exercise escaping downstream (quotes, backslashes, formula prefixes,
    /// non-ASCII, an ANSI escape): hostile input is the norm in real directories.
    static let awkwardNames = ["O'Brien \"Ops\" team", "=HYPERLINK(\"http://x\")", "back\\slash group", "Ünïcødé – équipe",
                               "+cmd|' /C calc'!A0", "@SUM(1+1)", "tab\there", "esc\u{1b}[31mred"]

    /// Well-known built-in role GUIDs (REFERENCE.md §1.1.2: the same in every tenant) and the
    /// weight each gets when picking roles for assignments.
    static let builtInWeights: [(String, Double)] = [
        ("acdd72a7-3385-48ef-bd42-f606fba81ae7", 24), // Reader
        ("b24988ac-6180-42a0-ab88-20f7382dd24c", 15), // Contributor
        ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", 5), // Owner
        ("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", 2), // User Access Administrator
        ("9980e02c-c2be-4d73-94e8-173b1dc7cf3c", 8), // Virtual Machine Contributor
        ("17d1049b-9a84-46fb-8f53-869881c3d3ab", 5), // Storage Account Contributor
        ("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", 6), // Storage Blob Data Reader
        ("ba92f5b4-2d11-453d-a403-e96b0029c9fe", 4), // Storage Blob Data Contributor
        ("4633458b-17de-408a-b874-0445c86b69e6", 5), // Key Vault Secrets User
        ("4d97b98b-1d4f-4787-a291-c67834d212e7", 5), // Network Contributor
        ("de139f84-1756-47ae-9be6-808fbbe84772", 5), // Website Contributor
    ]
    /// Built-in roles made for a resource type (by GUID), for resource-level assignments.
    static let rolesForType: [String: [String]] = [
        "microsoft.storage/storageaccounts": ["17d1049b-9a84-46fb-8f53-869881c3d3ab", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
                                              "ba92f5b4-2d11-453d-a403-e96b0029c9fe"],
        "microsoft.compute/virtualmachines": ["9980e02c-c2be-4d73-94e8-173b1dc7cf3c"],
        "microsoft.compute/disks": ["9980e02c-c2be-4d73-94e8-173b1dc7cf3c"],
        "microsoft.keyvault/vaults": ["4633458b-17de-408a-b874-0445c86b69e6"],
        "microsoft.network/virtualnetworks": ["4d97b98b-1d4f-4787-a291-c67834d212e7"],
        "microsoft.network/networksecuritygroups": ["4d97b98b-1d4f-4787-a291-c67834d212e7"],
        "microsoft.web/sites": ["de139f84-1756-47ae-9be6-808fbbe84772"],
    ]
    static let readerID = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
    static let userAccessAdministratorID = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
    static let storageBlobRoles: Set<String> = ["2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"]

    func build() -> Tenant {
        var t = Tenant()
        var rng = SynthRandom(seed: parameters.seed, stream: "tenant")
        t.tenantID = rng.guid()
        t.domain = "synth\(parameters.seed).onmicrosoft.com"
        buildHierarchy(&t)
        buildResources(&t)
        buildPrincipals(&t)
        buildRoles(&t)
        buildAssignments(&t)
        buildDenies(&t)
        return t
    }

    // MARK: hierarchy

    private func buildHierarchy(_ t: inout Tenant) {
        var rng = SynthRandom(seed: parameters.seed, stream: "hierarchy")
        // The tenant root group's name is the tenant id (REFERENCE.md §1.5).
        t.managementGroups.append(.init(name: t.tenantID, displayName: "Tenant Root Group", parent: nil, depth: 0))
        let mgCount = min(10_000, max(6, parameters.subscriptions / 6 + 1))
        // "A management group tree can support up to six levels of depth" below the root
        // (REFERENCE.md §1.5): a first chain reaches level 6, the rest attach anywhere above it.
        for i in 1...mgCount {
            let parent: Int
            if i <= 6 { parent = i - 1 } else {
                var p = rng.below(t.managementGroups.count)
                while t.managementGroups[p].depth >= 6 { p = rng.below(t.managementGroups.count) }
                parent = p
            }
            let team = Self.teams[rng.below(Self.teams.count)]
            let name = "mg-\(team)-\(i)"
            let display = i == 3 ? Self.awkwardNames[0] : "\(team.capitalized) \(i)"
            t.managementGroups.append(.init(name: name, displayName: display, parent: parent,
                                            depth: t.managementGroups[parent].depth + 1))
            t.managementGroups[parent].children.append(t.managementGroups.count - 1)
        }
        for s in 0..<parameters.subscriptions {
            let id = rng.guid()
            // New subscriptions default to the root group (REFERENCE.md §1.5): keep one there.
            let mg = s == 0 ? 0 : 1 + rng.below(mgCount)
            let env = Self.environments[rng.below(Self.environments.count)]
            let team = Self.teams[rng.below(Self.teams.count)]
            var tags: [(String, String)] = [("environment", env), ("costCenter", Self.costCenters[rng.below(Self.costCenters.count)])]
            // Some subscriptions lack an owner tag (a finding later issues look for).
            if rng.chance(0.8) { tags.append(("owner", "\(Self.firstNames[rng.below(20)])@\(t.domain)")) }
            if s == 1 { tags.append(("note", Self.awkwardNames[1])) }
            t.subscriptions.append(.init(id: id, displayName: "sub-\(team)-\(env)-\(s + 1)", managementGroup: mg, tags: tags))
            t.managementGroups[mg].subscriptions.append(s)
        }
    }

    private func buildResources(_ t: inout Tenant) {
        var rng = SynthRandom(seed: parameters.seed, stream: "resources")
        let lockedEvery = 10
        for s in 0..<t.subscriptions.count {
            let rgCount = rng.between(2, 6)
            for g in 0..<rgCount {
                let team = Self.teams[rng.below(Self.teams.count)]
                let location = Self.locations[rng.below(Self.locations.count)]
                let locked = g == 0 && s % lockedEvery == 0
                let name = locked ? "rg-stack-\(team)-\(s + 1)" : "rg-\(team)-\(s + 1)-\(g + 1)"
                let scope = "\(t.subscriptions[s].scope)/resourceGroups/\(name)"
                var tags: [(String, String)] = [("team", team)]
                if rng.chance(0.5) { tags.append(("environment", Self.environments[rng.below(Self.environments.count)])) }
                if rng.chance(0.02) { tags.append(("description", Self.awkwardNames[rng.below(Self.awkwardNames.count)])) }
                t.resourceGroups.append(.init(subscription: s, name: name, location: location, tags: tags, locked: locked,
                                              scope: scope))
                let gi = t.resourceGroups.count - 1
                t.subscriptions[s].resourceGroups.append(gi)
                for r in 0..<rng.between(1, 5) {
                    addResource(&t, &rng, group: gi, index: r, location: location)
                }
            }
        }
    }

    private func addResource(_ t: inout Tenant, _ rng: inout SynthRandom, group gi: Int, index r: Int, location: String) {
        let base = t.resourceGroups[gi].scope
        let suffix = "\(gi + 1)x\(r + 1)"
        func add(_ type: String, _ name: String, parent: Int?, scope: String) -> Int {
            t.resources.append(.init(resourceGroup: gi, type: type, name: name, location: location, scope: scope,
                                     parent: parent, tags: parent == nil ? [("app", Self.teams[rng.below(Self.teams.count)])] : []))
            let i = t.resources.count - 1
            t.resourceGroups[gi].resources.append(i)
            return i
        }
        switch rng.below(8) {
        case 0:
            let n = "st\(suffix)"
            let p = add("Microsoft.Storage/storageAccounts", n, parent: nil, scope: "\(base)/providers/Microsoft.Storage/storageAccounts/\(n)")
            for c in ["logs", "data"] {
                _ = add("Microsoft.Storage/storageAccounts/blobServices/containers", c, parent: p,
                        scope: "\(base)/providers/Microsoft.Storage/storageAccounts/\(n)/blobServices/default/containers/\(c)")
            }
        case 1:
            let n = "vm-\(suffix)"
            _ = add("Microsoft.Compute/virtualMachines", n, parent: nil, scope: "\(base)/providers/Microsoft.Compute/virtualMachines/\(n)")
        case 2:
            let n = "kv-\(suffix)"
            _ = add("Microsoft.KeyVault/vaults", n, parent: nil, scope: "\(base)/providers/Microsoft.KeyVault/vaults/\(n)")
        case 3:
            let n = "vnet-\(suffix)"
            let p = add("Microsoft.Network/virtualNetworks", n, parent: nil, scope: "\(base)/providers/Microsoft.Network/virtualNetworks/\(n)")
            _ = add("Microsoft.Network/virtualNetworks/subnets", "default", parent: p,
                    scope: "\(base)/providers/Microsoft.Network/virtualNetworks/\(n)/subnets/default")
        case 4:
            let n = "nsg-\(suffix)"
            _ = add("Microsoft.Network/networkSecurityGroups", n, parent: nil, scope: "\(base)/providers/Microsoft.Network/networkSecurityGroups/\(n)")
        case 5:
            let n = "app-\(suffix)"
            _ = add("Microsoft.Web/sites", n, parent: nil, scope: "\(base)/providers/Microsoft.Web/sites/\(n)")
        case 6:
            let n = "sql-\(suffix)"
            let p = add("Microsoft.Sql/servers", n, parent: nil, scope: "\(base)/providers/Microsoft.Sql/servers/\(n)")
            _ = add("Microsoft.Sql/servers/databases", "db1", parent: p, scope: "\(base)/providers/Microsoft.Sql/servers/\(n)/databases/db1")
        default:
            let n = "disk-\(suffix)"
            _ = add("Microsoft.Compute/disks", n, parent: nil, scope: "\(base)/providers/Microsoft.Compute/disks/\(n)")
        }
    }

    // MARK: principals

    private func buildPrincipals(_ t: inout Tenant) {
        var rng = SynthRandom(seed: parameters.seed, stream: "principals")
        let n = parameters.assignments
        let users = max(8, n / 4)
        let guests = max(1, users / 12)
        let groups = max(3, n / 40)
        let sps = max(3, n / 25)
        let mis = max(2, n / 50)
        for i in 0..<users {
            let f = Self.firstNames[rng.below(20)], l = Self.lastNames[rng.below(20)]
            let upn = "\(f).\(l)\(i + 1)@\(t.domain)"
            t.principals.append(.init(id: rng.guid(), kind: .user, displayName: "\(f.capitalized) \(l.capitalized) \(i + 1)",
                                      userPrincipalName: upn, mail: upn))
        }
        for i in 0..<guests {
            let f = Self.firstNames[rng.below(20)], l = Self.lastNames[rng.below(20)]
            let mail = "\(f).\(l)\(i + 1)@partner\(i % 7).example"
            // Guests: userType Guest and the #EXT# user principal name (REFERENCE.md §1.7).
            let upn = mail.replacingOccurrences("@", "_") + "#EXT#@\(t.domain)"
            t.principals.append(.init(id: rng.guid(), kind: .guest, displayName: "\(f.capitalized) \(l.capitalized) (Partner)",
                                      userPrincipalName: upn, mail: mail))
        }
        let firstGroup = t.principals.count
        for i in 0..<groups {
            let team = Self.teams[rng.below(Self.teams.count)]
            let name = i == 1 ? Self.awkwardNames[2] : (i == 2 ? Self.awkwardNames[3] : "grp-\(team)-\(i + 1)")
            t.principals.append(.init(id: rng.guid(), kind: .group, displayName: name))
            t.groups.append(t.principals.count - 1)
        }
        for i in 0..<sps {
            let team = Self.teams[rng.below(Self.teams.count)]
            t.principals.append(.init(id: rng.guid(), kind: .servicePrincipal, displayName: "sp-\(team)-deploy-\(i + 1)",
                                      appID: rng.guid()))
        }
        for i in 0..<mis {
            // A user-assigned managed identity lives in a resource group (REFERENCE.md §1.3.1: it
            // appears as ServicePrincipal in assignments).
            let g = t.resourceGroups[rng.below(t.resourceGroups.count)]
            let name = "id-\(i + 1)"
            let resourceID = "\(g.scope)/providers/Microsoft.ManagedIdentity/userAssignedIdentities/\(name)"
            t.principals.append(.init(id: rng.guid(), kind: .managedIdentity, displayName: name, appID: rng.guid(),
                                      resourceID: resourceID))
        }
        // Membership: groups form a DAG (a group may contain groups created after it), so nesting is
        // real and cycle-free; direct members are mostly users, some SPs and managed identities.
        let nonGroups = (0..<t.principals.count).filter { t.principals[$0].kind != .group }
        for (gi, g) in t.groups.enumerated() {
            var members = Set<Int>()
            for _ in 0..<rng.between(2, 12) { members.insert(rng.below(firstGroup)) }
            if rng.chance(0.3) { members.insert(nonGroups[rng.below(nonGroups.count)]) }
            if gi + 1 < t.groups.count, rng.chance(0.4) {
                for _ in 0..<rng.between(1, 2) { members.insert(t.groups[gi + 1 + rng.below(t.groups.count - gi - 1)]) }
            }
            t.groupMembers[g] = members.sorted()
        }
        // Transitive callers, computed from the last group backwards (children come later).
        for g in t.groups.reversed() {
            var callers = Set<Int>()
            for m in t.groupMembers[g] ?? [] {
                if t.principals[m].kind == .group { callers.formUnion(t.groupCallers[m] ?? []) } else { callers.insert(m) }
            }
            t.groupCallers[g] = callers.sorted()
        }
    }

    // MARK: roles

    private func buildRoles(_ t: inout Tenant) {
        var rng = SynthRandom(seed: parameters.seed, stream: "roles")
        for r in builtInRoles { t.roles.append(.init(definition: r)) }
        t.builtInRoleCount = builtInRoles.count
        // Custom roles with wildcards and NotActions in the az shape (REFERENCE.md §1.1.1, §2.2: one
        // wildcard per string, NotActions trims its own block only).
        typealias Template = (String, [String], [String], [String])
        let templates: [Template] = [
            ("Compute Operator", ["Microsoft.Compute/virtualMachines/*", "Microsoft.Network/*/read", "Microsoft.Resources/subscriptions/resourceGroups/read"],
             ["Microsoft.Compute/virtualMachines/delete"], []),
            ("Storage Operator", ["Microsoft.Storage/storageAccounts/*", "Microsoft.Resources/deployments/*"],
             ["Microsoft.Storage/storageAccounts/delete", "Microsoft.Storage/storageAccounts/listKeys/action"],
             ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"]),
            ("Web Deployer", ["Microsoft.Web/sites/*", "Microsoft.Web/serverfarms/read", "Microsoft.Resources/deployments/*"],
             ["Microsoft.Web/sites/delete"], []),
            ("Key Vault Operator", ["Microsoft.KeyVault/vaults/*", "*/read"], ["Microsoft.KeyVault/vaults/delete"],
             ["Microsoft.KeyVault/vaults/secrets/getSecret/action"]),
            ("Network Operator", ["Microsoft.Network/*", "Microsoft.Resources/subscriptions/resourceGroups/read"],
             ["Microsoft.Network/virtualNetworks/delete", "Microsoft.Network/networkSecurityGroups/delete"], []),
            ("Lock Manager", ["Microsoft.Authorization/locks/*", "Microsoft.Resources/subscriptions/resourceGroups/read"], [], []),
            ("Sql Operator", ["Microsoft.Sql/servers/*", "Microsoft.Insights/diagnosticSettings/*"],
             ["Microsoft.Sql/servers/delete", "Microsoft.Sql/servers/databases/delete"], []),
            ("Almost Owner", ["*"], ["Microsoft.Authorization/*/write", "Microsoft.Authorization/*/delete", "*/delete"], []),
        ]
        let mgCount = t.managementGroups.count
        for i in 0..<parameters.customRoles {
            let tpl = templates[i % templates.count]
            var actions = tpl.1
            var notActions = tpl.2
            // Variation: sometimes drop an extra action or a NotAction, so roles differ.
            if actions.count > 1, rng.chance(0.3) { actions.removeLast() }
            if !notActions.isEmpty, rng.chance(0.2) { notActions.removeLast() }
            let guid = rng.guid()
            // Assignable at the tenant root group (most) or one management group.
            let mg = rng.chance(0.6) ? 0 : rng.below(mgCount)
            let mgScope = t.managementGroups[mg].scope
            let def = RoleDefinition(
                id: guid, resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(guid)",
                roleName: "\(tpl.0) \(i + 1)", description: i == 2 ? Self.awkwardNames[4] : "Custom role: \(tpl.0.lowercased()) duties",
                isCustom: true,
                permissions: [PermissionBlock(actions: actions, notActions: notActions, dataActions: tpl.3, notDataActions: [])],
                assignableScopes: [Scope(mgScope)], createdOn: "2025-0\(1 + i % 9)-1\(i % 10)T08:00:00.000000+00:00",
                updatedOn: "2026-0\(1 + i % 9)-2\(i % 10)T08:00:00.000000+00:00")
            t.roles.append(.init(definition: def, assignableManagementGroup: mg))
        }
    }

    /// Computes what each role grants in the catalog (lazily for roles never assigned).
    static func computeGrants(_ t: inout Tenant, catalog: SynthCatalog, roles needed: Set<Int>) {
        for r in needed.sorted() where t.roles[r].granted.isEmpty {
            let g = catalog.granted(by: t.roles[r].definition)
            t.roles[r].granted = g
            t.roles[r].usable = g.filter { !catalog.isRead[$0] }
            t.roles[r].usablePreferred = t.roles[r].usable.filter { catalog.isPreferred[$0] }
        }
    }

    // MARK: assignments

    private func buildAssignments(_ t: inout Tenant) {
        var rng = SynthRandom(seed: parameters.seed, stream: "assignments")
        // Built-in role weights: the well-known ones, then a few others from `--roles` (if given).
        var pool: [(Int, Double)] = []
        var index: [String: Int] = [:]
        for (i, r) in t.roles.enumerated() where !r.definition.isCustom { index[r.definition.id] = i }
        for (id, w) in Self.builtInWeights { if let i = index[id] { pool.append((i, w)) } }
        if t.builtInRoleCount > Self.builtInWeights.count {
            var extra = (0..<t.builtInRoleCount).filter { i in !Self.builtInWeights.contains { $0.0 == t.roles[i].definition.id } }
            rng.shuffle(&extra)
            for i in extra.prefix(24).sorted() { pool.append((i, 0.4)) }
        }
        if pool.isEmpty { pool = (0..<t.builtInRoleCount).map { ($0, 1) } }
        var cumulative: [Double] = []
        var total = 0.0
        for (_, w) in pool { total += w; cumulative.append(total) }
        var customByMG: [Int: [Int]] = [:]
        for (i, r) in t.roles.enumerated() { if let mg = r.assignableManagementGroup { customByMG[mg, default: []].append(i) } }

        let groupsCount = t.groups.count
        var byKind: [Tenant.PrincipalKindSynth: [Int]] = [:]
        for (i, p) in t.principals.enumerated() { byKind[p.kind, default: []].append(i) }
        let openGroups = t.resourceGroups.indices.filter { !t.resourceGroups[$0].locked }
        let openResources = t.resources.indices.filter { !t.resourceGroups[t.resources[$0].resourceGroup].locked }
        var seen = Set<String>()

        func pickPrincipal() -> Int {
            let x = rng.below(100)
            let kind: Tenant.PrincipalKindSynth
            switch x {
            case 0..<40: kind = .user
            case 40..<45: kind = .guest
            case 45..<75: kind = groupsCount > 0 ? .group : .user
            case 75..<90: kind = .servicePrincipal
            default: kind = .managedIdentity
            }
            let list = byKind[kind] ?? byKind[.user] ?? [0]
            return list[rng.below(list.count)]
        }

        func pickRole(managementGroups chain: [Int], allowCustom: Bool) -> Int {
            if allowCustom, rng.chance(0.12) {
                let candidates = chain.filter { customByMG[$0] != nil }
                if !candidates.isEmpty {
                    let list = customByMG[candidates[rng.below(candidates.count)]] ?? []
                    if !list.isEmpty { return list[rng.below(list.count)] }
                }
            }
            return pool[rng.weighted(cumulative)].0
        }

        var created = 0
        var attempts = 0
        while created < parameters.assignments && attempts < parameters.assignments * 20 + 100 {
            attempts += 1
            let roll = rng.below(1000)
            var level: Tenant.Level
            switch roll {
            case 0..<2: level = .root
            case 2..<32: level = .managementGroup
            case 32..<280: level = .subscription
            case 280..<750: level = .resourceGroup
            default: level = .resource
            }
            if level == .resourceGroup && openGroups.isEmpty { level = .subscription }
            if level == .resource && openResources.isEmpty { level = .subscription }
            var scope = "/", node = 0, chain: [Int] = [0]
            switch level {
            case .root: break
            case .managementGroup:
                node = rng.below(t.managementGroups.count)
                scope = t.managementGroups[node].scope
                var c: Int? = node
                chain = []
                while let m = c { chain.append(m); c = t.managementGroups[m].parent }
            case .subscription:
                node = rng.below(t.subscriptions.count)
                scope = t.subscriptions[node].scope
                chain = t.chain(ofSubscription: node)
            case .resourceGroup:
                node = openGroups[rng.below(openGroups.count)]
                scope = t.resourceGroups[node].scope
                chain = t.chain(ofSubscription: t.resourceGroups[node].subscription)
            case .resource:
                node = openResources[rng.below(openResources.count)]
                scope = t.resources[node].scope
                chain = t.chain(ofSubscription: t.resourceGroups[t.resources[node].resourceGroup].subscription)
            }
            var role = level == .root
                ? (rng.chance(0.5) ? (index[Self.userAccessAdministratorID] ?? pickRole(managementGroups: [], allowCustom: false))
                                   : pickRole(managementGroups: [], allowCustom: false))
                : pickRole(managementGroups: chain, allowCustom: true)
            if level == .resource, rng.chance(0.7) {
                // Resource-level assignments are mostly of a role made for the resource's type.
                let r = t.resources[node]
                let type = (r.parent.map { t.resources[$0].type } ?? r.type).lowercased()
                let fitting = (Self.rolesForType[type] ?? []).compactMap { index[$0] }
                if !fitting.isEmpty { role = fitting[rng.below(fitting.count)] }
            }
            let principal = level == .root ? (byKind[.user].map { $0[rng.below($0.count)] } ?? pickPrincipal()) : pickPrincipal()
            let key = "\(principal)|\(role)|\(scope.lowercased())"
            if seen.contains(key) { continue }
            seen.insert(key)
            let roleID = t.roles[role].definition.id
            var condition: String?
            // ABAC conditions (REFERENCE.md §1.3.1): on Storage Blob data roles (container name) and on
            // User Access Administrator (delegation: only Reader may be assigned).
            if Self.storageBlobRoles.contains(roleID), rng.chance(0.3) {
                condition = "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'logs'))"
            } else if roleID == Self.userAccessAdministratorID, level != .root, rng.chance(0.5) {
                condition = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {\(Self.readerID)}))"
            }
            let day = 1 + rng.below(28), month = 1 + rng.below(12), year = 2022 + rng.below(4)
            let created0 = "\(year)-\(UTCCalendar.pad(month, 2))-\(UTCCalendar.pad(day, 2))T\(UTCCalendar.pad(rng.below(24), 2)):\(UTCCalendar.pad(rng.below(60), 2)):\(UTCCalendar.pad(rng.below(60), 2)).\(UTCCalendar.pad(rng.below(1_000_000), 6))+00:00"
            t.assignments.append(.init(id: rng.guid(), level: level, scope: scope, role: role, principal: principal,
                                       condition: condition, node: node, createdOn: created0))
            created += 1
        }
        // PIM eligible assignments (REFERENCE.md §1.6): potential access, listed separately.
        let eligibleCount = parameters.assignments == 0 ? 0 : max(1, parameters.assignments / 30)
        for _ in 0..<eligibleCount {
            let s = rng.below(t.subscriptions.count)
            let useGroup = !openGroups.isEmpty && rng.chance(0.4)
            let node = useGroup ? openGroups[rng.below(openGroups.count)] : s
            let scope = useGroup ? t.resourceGroups[node].scope : t.subscriptions[s].scope
            let chain = t.chain(ofSubscription: useGroup ? t.resourceGroups[node].subscription : s)
            let users = byKind[.user] ?? [0]
            t.eligible.append(.init(id: rng.guid(), level: useGroup ? .resourceGroup : .subscription, scope: scope,
                                    role: pickRole(managementGroups: chain, allowCustom: false),
                                    principal: rng.chance(0.8) ? users[rng.below(users.count)] : pickPrincipal(),
                                    condition: nil, node: node, createdOn: "2026-0\(1 + rng.below(9))-15T09:30:00.000000+00:00"))
        }
    }

    private func buildDenies(_ t: inout Tenant) {
        var rng = SynthRandom(seed: parameters.seed, stream: "denies")
        let sps = t.principals.indices.filter { t.principals[$0].kind == .servicePrincipal }
        for (g, rg) in t.resourceGroups.enumerated() where rg.locked {
            // Deployment-stack deny settings (REFERENCE.md §1.4): everyone, except the deploying SP.
            t.denies.append(.init(id: rng.guid(), name: "Deny assignment for deployment stack 'stack-\(rg.name)'",
                                  resourceGroup: g, excluded: sps.isEmpty ? 0 : sps[rng.below(sps.count)]))
        }
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
