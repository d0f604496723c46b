import ScopedownCore

/// Keeps one copy of each value by id: the same object twice is kept once; the same id with
/// different content is an error naming both JSON paths.
struct Deduper<T: Hashable> {
    /// Where a value was first seen: the value itself when the whole document is in memory anyway
    /// (its path is computed only for an error), its path when decoding element by element (holding
    /// the value would keep every element's parse tree alive).
    enum Origin {
        case value(JSONValue)
        case path(String)
        var path: String {
            switch self {
            case .value(let v): return v.path
            case .path(let p): return p
            }
        }
    }

    private(set) var values: [T] = []
    private var index: [String: (position: Int, origin: Origin)] = [:]
    let what: String
    var keepPathsOnly = false

    init(_ what: String) { self.what = what }

    private func origin(_ item: JSONValue) -> Origin { keepPathsOnly ? .path(item.path) : .value(item) }

    mutating func add(_ value: T, id: String, item: JSONValue) throws {
        if let seen = index[id] {
            if values[seen.position] == value { return }
            throw item.error("conflicting duplicate \(what) `\(TextSanitizer.clean(id))`: differs from the one at \(seen.origin.path)",
                             help: "the file holds two different objects with the same id; export it again or remove one")
        }
        index[id] = (values.count, origin(item))
        values.append(value)
    }

    /// Keeps the first value for an id, silently (principals learned from membership lists).
    mutating func addIfNew(_ value: T, id: String, item: JSONValue) {
        if index[id] != nil { return }
        index[id] = (values.count, origin(item))
        values.append(value)
    }

    func contains(_ id: String) -> Bool { index[id] != nil }
}

/// Decodes a parsed inventory document into an `ImportBatch` (REFERENCE.md §1.1-1.8).
struct InventoryDecoder {
    let file: InputFile
    let format: DetectedFormat

    var roleDefinitions = Deduper<RoleDefinition>("role definition")
    var roleAssignments = Deduper<RoleAssignment>("role assignment")
    var denyAssignments = Deduper<DenyAssignment>("deny assignment")
    var principals = Deduper<Principal>("principal")
    var memberships = Deduper<GroupMembership>("membership")
    var managementGroups = Deduper<ManagementGroup>("management group")
    var subscriptions = Deduper<Subscription>("subscription")
    var resources = Deduper<ResourceNode>("resource")
    var directoryRoleDefinitions = Deduper<DirectoryRoleDefinition>("directory role definition")
    var directoryRoleAssignments = Deduper<DirectoryRoleAssignment>("directory role assignment")
    var managedIdentityResources: [String: ManagedIdentityResource] = [:]
    var ownerships: [Ownership] = []
    var ownershipTargets: [Ownership] = []
    var operations: [CatalogOperation] = []
    var operationKeys = Set<String>()
    /// True once an operation of the catalog carried `isDataAction`.
    var sawIsDataAction = false
    /// Managed HSM local RBAC items skipped (role definitions, role assignments).
    var skippedHSM = (definitions: 0, assignments: 0)
    var membershipGroups: [String] = []
    var membershipGroupSet = Set<String>()
    var warnings: [Diagnostic] = []

    init(file: InputFile, format: DetectedFormat) {
        self.file = file
        self.format = format
    }

    /// Decodes a file handed out by a splitter: a top-level array element by element, anything else
    /// (one JSON value) as a whole document.
    mutating func decode(_ splitter: inout JSONElementSplitter) throws -> ImportBatch {
        let first = try splitter.next()
        if splitter.mode == .array {
            setKeepPathsOnly()
            let membership = format.kind == .groupMembers ? groupMembershipPath(file.path) : nil
            if let membership { try beginMembers(groupID: membership.groupID) }
            let owners = format.kind == .owners ? ownersPath(file.path) : nil
            if let owners { try beginOwners(owners) }
            var element = first
            while let e = element {
                let root = try e.parse(file: file.displayName, pathPrefix: "$[\(e.index)]").root
                if let membership {
                    try addMember(root, groupID: membership.groupID, transitive: membership.transitive, context: nil)
                } else if let owners {
                    try addOwner(root, owners)
                } else {
                    try decodeItem(root, context: nil)
                }
                element = try splitter.next()
            }
        } else if let first {
            let document = try first.parse(file: file.displayName)
            if let extra = try splitter.next() {
                throw Diagnostic.error("unexpected `\(extra.bytes.first.map { Character(Unicode.Scalar($0)) } ?? " ")` after the JSON value",
                                       file: file.displayName, line: extra.line, column: extra.column,
                                       help: "several JSON values in one file: is this JSON Lines?")
            }
            try decode(document)
        }
        return makeBatch()
    }

    /// Decodes a whole parsed document.
    mutating func decode(_ document: JSONDocument) throws {
        let root = document.root
        let envelope = Envelope.unwrap(root)
        if format.kind == .groupMembers, let membership = groupMembershipPath(file.path) {
            try decodeMembersResponse(envelope, groupID: membership.groupID, transitive: membership.transitive, root: root)
        } else if format.kind == .owners, let owners = ownersPath(file.path) {
            try beginOwners(owners)
            for collection in envelope.collections {
                for item in collection.items { try addOwner(item, owners) }
            }
        } else {
            for collection in envelope.collections {
                for item in collection.items {
                    try decodeItem(item, context: collection.odataContext)
                }
            }
        }
    }

    private mutating func setKeepPathsOnly() {
        roleDefinitions.keepPathsOnly = true
        roleAssignments.keepPathsOnly = true
        denyAssignments.keepPathsOnly = true
        principals.keepPathsOnly = true
        memberships.keepPathsOnly = true
        managementGroups.keepPathsOnly = true
        subscriptions.keepPathsOnly = true
        resources.keepPathsOnly = true
    }

    func makeBatch() -> ImportBatch {
        var batch = ImportBatch(kind: format.kind, shape: format.shape)
        batch.roleDefinitions = roleDefinitions.values
        batch.roleAssignments = roleAssignments.values
        batch.denyAssignments = denyAssignments.values
        batch.principals = principals.values
        batch.memberships = memberships.values
        batch.membershipGroups = membershipGroups
        batch.managementGroups = managementGroups.values
        batch.subscriptions = subscriptions.values
        batch.resources = resources.values
        batch.operations = operations
        batch.directoryRoleDefinitions = directoryRoleDefinitions.values
        batch.directoryRoleAssignments = directoryRoleAssignments.values
        batch.managedIdentityResources = managedIdentityResources.values.sorted { $0.principalID < $1.principalID }
        batch.ownerships = ownerships
        batch.ownershipTargets = ownershipTargets
        batch.warnings = warnings
        if skippedHSM.definitions > 0 {
            batch.warnings.append(.warning(
                "skipped \(skippedHSM.definitions) Managed HSM local RBAC role definition\(skippedHSM.definitions == 1 ? "" : "s") (`AKVBuiltInRole`, ids without a leading `/`): they govern one HSM's keys, not Azure RBAC",
                file: file.displayName, help: "Managed HSM local RBAC is read with `az keyvault role ... --hsm-name`; scopedown analyzes Azure RBAC only"))
        }
        if skippedHSM.assignments > 0 {
            batch.warnings.append(.warning(
                "skipped \(skippedHSM.assignments) Managed HSM local RBAC role assignment\(skippedHSM.assignments == 1 ? "" : "s") (role definition ids without a leading `/`, scopes `/` or `/keys`): they govern one HSM's keys, not Azure RBAC",
                file: file.displayName, help: "Managed HSM local RBAC is read with `az keyvault role ... --hsm-name`; scopedown analyzes Azure RBAC only"))
        }
        if !operations.isEmpty && !sawIsDataAction {
            batch.operationsPlaneUnknown = true
            batch.shape += ImportBatch.planeUnknownShapeSuffix
            batch.warnings.append(.warning(
                "no operation of this catalog says `isDataAction`: data actions cannot be told apart from control-plane operations",
                file: file.displayName,
                help: "its \(operations.count) operations count as control-plane unless another catalog in the database knows them as data actions; export the catalog again with a current `az provider operation list`"))
        }
        return batch
    }

    /// The item type a forced or detected kind implies when the item itself does not say.
    private func typeForKind() -> ItemType? {
        switch format.kind {
        case .roleDefinitions: return .roleDefinition
        case .roleAssignments: return .roleAssignment
        case .denyAssignments: return .denyAssignment
        case .pimEligible: return .pimEligible
        case .pimActive: return .pimActive
        case .managementGroups: return .managementGroup
        case .subscriptions: return .azAccount
        case .directory: return .graphObject
        case .groupMembers: return .groupWithMembers
        case .operations: return .flatOperation
        case .resourceContainers, .activityLog, .usageAggregate, .directoryRoles, .owners: return nil
        }
    }

    mutating func decodeItem(_ item: JSONValue, context: String?) throws {
        guard item.kind == .object else { throw item.error("expected object, found \(item.kind)") }
        var type = ItemType.of(item, graphContext: context)
        if format.kind == .pimEligible || format.kind == .pimActive, type == .roleAssignment || type == nil {
            type = typeForKind()
        }
        if type == nil { type = typeForKind() }
        guard let type else {
            warnings.append(item.warning("skipped an item of unknown type `\(TextSanitizer.clean(item["type"]?.string ?? "?"))`"))
            return
        }
        switch type {
        case .roleDefinition:
            if try Self.isManagedHSMRole(item) { skippedHSM.definitions += 1; return }
            let r = try Self.roleDefinition(item)
            try roleDefinitions.add(r, id: r.id, item: item)
        case .roleAssignment:
            if try Self.isManagedHSMAssignment(item) { skippedHSM.assignments += 1; return }
            let a = try Self.roleAssignment(item, state: .active)
            try roleAssignments.add(a, id: a.id, item: item)
        case .pimEligible:
            let a = try Self.roleAssignment(item, state: .eligible)
            try roleAssignments.add(a, id: a.id, item: item)
        case .pimActive:
            let a = try Self.roleAssignment(item, state: .active)
            try roleAssignments.add(a, id: a.id, item: item)
        case .denyAssignment:
            let d = try Self.denyAssignment(item)
            try denyAssignments.add(d, id: d.id, item: item)
        case .managementGroup:
            try decodeManagementGroup(item)
        case .subscription, .managementGroupSubscription:
            try decodeSubscriptionRow(item)
        case .resourceGroup, .resource:
            try decodeResourceRow(item)
        case .azAccount:
            try decodeAccount(item)
        case .providerOperations:
            try decodeProvider(item)
        case .flatOperation:
            try decodeFlatOperation(item)
        case .graphObject:
            if let p = try graphPrincipal(item, context: context, strict: true) {
                try principals.add(p, id: p.id, item: item)
                if p.kind == .managedIdentity, let r = try Self.managedIdentityResource(item, principalID: p.id) {
                    managedIdentityResources[p.id] = r
                }
            }
        case .groupWithMembers:
            try decodeGroupWithMembers(item, context: context)
        case .directoryRoleDefinition:
            let d = try Self.directoryRoleDefinition(item)
            try directoryRoleDefinitions.add(d, id: d.id, item: item)
        case .directoryRoleAssignment:
            let a = try Self.directoryRoleAssignment(item)
            try directoryRoleAssignments.add(a, id: a.id, item: item)
        case .otherARMResource:
            // e.g. classic administrators, retired and to be treated as absent (REFERENCE.md §2.10),
            // or other rows of a Resource Graph `authorizationresources` query.
            let t = TextSanitizer.clean(item["type"]?.string ?? "?")
            warnings.append(item.warning("skipped a resource of type `\(t)`: not an RBAC inventory item"))
        case .activityEvent, .diagnosticRecord, .logAnalyticsRow:
            throw item.error("an Activity Log event in an inventory file",
                             help: "Activity Log files are imported on their own; do not force `--kind \(format.kind.rawValue)`")
        }
    }
}

// MARK: - shared field helpers

extension InventoryDecoder {
    /// The object holding an item's properties: `properties` in ARM/ARG shapes, the item itself in the
    /// flattened az CLI shapes (REFERENCE.md §1.1.1, §1.3.2).
    static func properties(_ item: JSONValue) -> JSONValue {
        if let p = item["properties"], p.kind == .object { return p }
        return item
    }

    static func lastSegment(_ id: String) -> String {
        id.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? id
    }

    /// The scope of an extension resource from its id: everything before the last
    /// `/providers/Microsoft.Authorization/{type}/` (REFERENCE.md §1.3.1, §1.8).
    static func scopeFromID(_ id: String, type: String) -> Scope? {
        let marker = Array("/providers/microsoft.authorization/\(type.lowercased())/".utf8)
        let bytes = Array(id.utf8)
        let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
        guard lower.count >= marker.count else { return nil }
        var i = lower.count - marker.count
        while i >= 0 {
            if lower[i] == marker[0], Array(lower[i..<(i + marker.count)]) == marker {
                let prefix = String(decoding: bytes[0..<i], as: UTF8.self)
                return Scope(prefix.isEmpty ? "/" : prefix)
            }
            i -= 1
        }
        return nil
    }

    /// The item's key: `name`, else the last segment of `id`.
    static func itemKey(_ item: JSONValue, field: String = "name") throws -> (key: String, resourceID: String) {
        let name = try item.optionalString(field)
        let id = try item.optionalString("id")
        if let name, !name.trimmingSpaces().isEmpty { return (name, id ?? name) }
        if let id, !id.trimmingSpaces().isEmpty { return (lastSegment(id), id) }
        throw item.error("missing required field `\(field)`", help: "each item needs its `name` (a GUID) or its `id`")
    }
}

