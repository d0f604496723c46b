import ScopedownCore

// Management groups, subscriptions and resource containers (REFERENCE.md §1.5).

extension InventoryDecoder {
    /// Management group from `az account management-group show [--expand --recurse]`, `entities
    /// list`, `management-group list` or a Resource Graph `resourcecontainers` row.
    mutating func decodeManagementGroup(_ item: JSONValue) throws {
        let props = Self.properties(item)
        let (name, _) = try Self.itemKey(item)
        let tenantID = try props.optionalString("tenantId") ?? item.optionalString("tenantId")
        let displayName = try props.optionalString("displayName") ?? item.optionalString("displayName") ?? name
        // Entities list: a subscription entity (`type: /subscriptions`).
        if let t = ItemType.armType(item), t == "subscriptions" || t.hasSuffix("/subscriptions") {
            let parent = try props["parent"]?.optionalString("id").map(Self.lastSegment)
            let s = Subscription(id: name, displayName: displayName, managementGroupID: parent, tenantID: tenantID)
            try subscriptions.add(s, id: s.id, item: item)
            return
        }
        var parentName: String? = nil
        var parentDisplayName: String? = nil
        if let details = props["details"], details.kind == .object {
            if let parent = details["parent"], parent.kind == .object {
                parentName = try parent.optionalString("name") ?? parent.optionalString("id").map(Self.lastSegment)
                parentDisplayName = try parent.optionalString("displayName")
            }
            // Resource Graph: managementGroupAncestorsChain[0] is the direct parent (REFERENCE.md §1.5).
            if parentName == nil, let chain = details["managementGroupAncestorsChain"], chain.kind == .array,
               let first = chain.elements.first {
                parentName = try first.optionalString("name")
                parentDisplayName = try first.optionalString("displayName")
            }
            if parentName == nil, let ancestors = details["managementGroupAncestors"], ancestors.kind == .array,
               let first = ancestors.elements.first {
                parentName = try first.optionalString("name")
                parentDisplayName = try first.optionalString("displayName")
            }
        }
        if parentName == nil, let parent = props["parent"], parent.kind == .object {
            parentName = try parent.optionalString("name") ?? parent.optionalString("id").map(Self.lastSegment)
        }
        // The tenant root group's name is the tenant id; it has no parent (REFERENCE.md §1.5).
        let isRoot = tenantID.map { $0.lowercased() == name.lowercased() } ?? false
        let mg = ManagementGroup(name: name, displayName: displayName, parentName: isRoot ? nil : parentName, tenantID: tenantID)
        try managementGroups.add(mg, id: mg.id, item: item)
        // A file that names the tenant root group only as a parent (with its display name) still
        // tells everything about it: emit it. Without a display name, leave it to its own entity.
        if let parentName, let tenantID, let parentDisplayName, parentName.lowercased() == tenantID.lowercased(), !isRoot {
            let root = ManagementGroup(name: parentName, displayName: parentDisplayName, parentName: nil, tenantID: tenantID)
            managementGroups.addIfNew(root, id: root.id, item: item)
        }
        if let children = props["children"], !children.isNull {
            try decodeChildren(children, parent: name, tenantID: tenantID)
        }
    }

    /// `children` of an expanded management group: MGs (type ends `managementGroups`) and
    /// subscriptions (type ends `subscriptions`), recursively (REFERENCE.md §1.5).
    mutating func decodeChildren(_ children: JSONValue, parent: String, tenantID: String?) throws {
        for child in try children.expectArray() {
            _ = try child.expectObject()
            let type = (try child.optionalString("type") ?? "").lowercased()
            let (name, _) = try Self.itemKey(child)
            let displayName = try child.optionalString("displayName") ?? name
            if type.hasSuffix("managementgroups") {
                let mg = ManagementGroup(name: name, displayName: displayName, parentName: parent, tenantID: tenantID)
                try managementGroups.add(mg, id: mg.id, item: child)
                if let grand = child["children"], !grand.isNull {
                    try decodeChildren(grand, parent: name, tenantID: tenantID)
                }
            } else if type.hasSuffix("subscriptions") {
                let s = Subscription(id: name, displayName: displayName, managementGroupID: parent, tenantID: tenantID)
                try subscriptions.add(s, id: s.id, item: child)
            } else {
                throw (child["type"] ?? child).error("unknown child type `\(TextSanitizer.clean(type))`",
                                                     help: "children are management groups or subscriptions")
            }
        }
    }

    /// A subscription row: Resource Graph `resourcecontainers` (parent MG is
    /// `properties.managementGroupAncestorsChain[0]`, REFERENCE.md §1.5; `name` is the display name) or
    /// a management-group entity of type `/subscriptions` (`properties.displayName`, `properties.parent.id`).
    mutating func decodeSubscriptionRow(_ item: JSONValue) throws {
        let props = Self.properties(item)
        let sid = try item.optionalString("subscriptionId")
        let idText = try item.optionalString("id").map(Self.lastSegment)
        let nameText = try item.optionalString("name")
        guard let id = sid ?? idText ?? nameText else {
            throw item.error("missing required field `subscriptionId`", help: "a subscription row needs `subscriptionId` or `id`")
        }
        var parent: String? = nil
        if let chain = props["managementGroupAncestorsChain"], chain.kind == .array, let first = chain.elements.first {
            parent = try first.optionalString("name")
        } else if let p = props["parent"], p.kind == .object {
            parent = try p.optionalString("name") ?? p.optionalString("id").map(Self.lastSegment)
        }
        let displayName = try (props.index != item.index ? props.optionalString("displayName") : nil)
            ?? (sid != nil ? item.optionalString("name") : nil) ?? item.optionalString("displayName") ?? id
        let s = Subscription(id: id, displayName: displayName, managementGroupID: parent,
                             state: try props.optionalString("state"),
                             tenantID: try item.optionalString("tenantId")
                                ?? (props.index != item.index ? props.optionalString("tenantId") : nil) ?? props.optionalString("tenant"),
                             tags: try item.stringMap("tags"))
        try subscriptions.add(s, id: s.id, item: item)
    }

    /// Resource Graph resource-group (or resource) row: a `ResourceNode` with its tags.
    mutating func decodeResourceRow(_ item: JSONValue) throws {
        let id = try item.requireString("id")
        let node = ResourceNode(scope: Scope(id), type: try item.optionalString("type") ?? "",
                                location: try item.optionalString("location"), tags: try item.stringMap("tags"))
        try resources.add(node, id: node.scope.key, item: item)
    }

    /// `az account list` (id, name, state, tenantId, tags) or ARM `GET /subscriptions`
    /// (subscriptionId, displayName, state, tenantId, tags).
    mutating func decodeAccount(_ item: JSONValue) throws {
        let id = try item.optionalString("subscriptionId") ?? item.requireString("id")
        let display = try item.optionalString("displayName") ?? item.optionalString("name") ?? id
        let s = Subscription(id: Self.lastSegment(id), displayName: display, state: try item.optionalString("state"),
                             tenantID: try item.optionalString("tenantId"), tags: try item.stringMap("tags"))
        try subscriptions.add(s, id: s.id, item: item)
    }
}
