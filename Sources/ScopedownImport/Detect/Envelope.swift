import ScopedownCore

/// How the items of an export are wrapped.
enum Wrapper: Sendable, Equatable {
    /// `[ item, ... ]` (az CLI output, Resource Graph rows as `az graph query` prints `data`).
    case bareArray
    /// `{"value": [ ... ]}` (ARM REST list, Microsoft Graph list page).
    case valueList
    /// `{"totalRecords", "count", "data": [ ... ]}` (Resource Graph REST response).
    case resourceGraph
    /// `{"records": [ ... ]}` (Event Hubs delivery of diagnostic records).
    case records
    /// One object (ARM GET of a single resource).
    case single
    /// An object of named responses, each `{"value": [...]}` (a saved set of Graph calls).
    case labeled
    /// Several top-level JSON values, one per line.
    case jsonLines
}

/// The items of a file, found through its wrapper.
struct Envelope {
    struct Collection {
        var items: [JSONValue]
        /// `@odata.context` of a Graph page, when present.
        var odataContext: String?
    }

    var wrapper: Wrapper
    /// True when the body came from a recorded `{request, response}` pair.
    var recorded = false
    /// True when the body came from an API specification example file.
    var specExample = false
    var collections: [Collection]

    var items: [JSONValue] { collections.flatMap(\.items) }
    var firstItem: JSONValue? { items.first { $0.kind == .object } }

    static func unwrap(_ root: JSONValue, jsonLines: Bool = false) -> Envelope {
        if jsonLines {
            // Detection sees the first line only; decoding of JSON Lines is the activity importer's.
            if let records = root["records"], records.kind == .array {
                return Envelope(wrapper: .records, collections: [Collection(items: records.elements)])
            }
            // Several wrapped pages in one file (an error when decoding) still say what they hold.
            let inner = unwrap(root)
            if inner.wrapper != .single { return inner }
            return Envelope(wrapper: .jsonLines, collections: [Collection(items: [root])])
        }
        switch root.kind {
        case .array:
            return Envelope(wrapper: .bareArray, collections: [Collection(items: root.elements)])
        case .object:
            if let response = root["response"], response.kind == .object, root["request"] != nil {
                var inner = unwrap(response)
                inner.recorded = true
                return inner
            }
            // An API specification example (`{parameters, responses: {"200": {body}}}`): its body.
            if root["parameters"] != nil, let responses = root["responses"], responses.kind == .object,
               let body = (responses["200"] ?? responses.members.first?.value)?["body"], body.kind == .object || body.kind == .array {
                var inner = unwrap(body)
                inner.specExample = true
                return inner
            }
            if let value = root["value"], value.kind == .array {
                return Envelope(wrapper: .valueList, collections: [Collection(items: value.elements,
                                                                              odataContext: root["@odata.context"]?.string)])
            }
            if let data = root["data"], data.kind == .array,
               root["totalRecords"] != nil || root["count"] != nil || root["resultTruncated"] != nil {
                return Envelope(wrapper: .resourceGraph, collections: [Collection(items: data.elements)])
            }
            if let records = root["records"], records.kind == .array {
                return Envelope(wrapper: .records, collections: [Collection(items: records.elements)])
            }
            let members = root.members
            if !members.isEmpty, root["id"] == nil,
               members.allSatisfy({ $0.value.kind == .object && $0.value["value"]?.kind == .array }) {
                return Envelope(wrapper: .labeled, collections: members.map {
                    Collection(items: $0.value["value"]?.elements ?? [], odataContext: $0.value["@odata.context"]?.string)
                })
            }
            // One Microsoft Graph object (`az ad user show`): its `@odata.context` ends `/$entity`.
            return Envelope(wrapper: .single, collections: [Collection(items: [root], odataContext: root["@odata.context"]?.string)])
        default:
            return Envelope(wrapper: .single, collections: [Collection(items: [root])])
        }
    }
}

/// What one item is, from its ARM `type` or its fields.
enum ItemType: Sendable, Equatable {
    case roleDefinition, roleAssignment, denyAssignment, pimEligible, pimActive
    case managementGroup, subscription, resourceGroup, resource
    /// A management group's subscription row: the subscription and its placement.
    case managementGroupSubscription
    case providerOperations, flatOperation
    case graphObject, groupWithMembers
    case azAccount
    /// Microsoft Graph `roleManagement/directory/roleDefinitions` / `roleAssignments` items.
    case directoryRoleDefinition, directoryRoleAssignment
    case activityEvent, diagnosticRecord, logAnalyticsRow
    /// An ARM resource of another type (classic administrators, locks, policies, ...): skipped with a warning.
    case otherARMResource

    /// Lower-cased ARM type without a leading slash (`microsoft.authorization/roleassignments`).
    static func armType(_ item: JSONValue) -> String? {
        guard let t = item["type"]?.string else { return nil }
        var s = t.trimmingSpaces().lowercased()
        while s.hasPrefix("/") { s.removeFirst() }
        if s.hasPrefix("providers/") { s.removeFirst("providers/".count) }
        return s
    }

    static func of(_ item: JSONValue, graphContext: String? = nil) -> ItemType? {
        guard item.kind == .object else { return nil }
        // Activity Log shapes (REFERENCE.md §1.9): the activity importer decodes them.
        if item["eventDataId"] != nil || (item["operationName"]?.kind == .object && (item["authorization"] != nil || item["eventTimestamp"] != nil)) {
            return .activityEvent
        }
        if item["time"] != nil, item["operationName"]?.kind == .string, item["resourceId"] != nil || item["category"] != nil {
            return .diagnosticRecord
        }
        if item["TimeGenerated"] != nil, item["OperationNameValue"] != nil { return .logAnalyticsRow }

        if let t = armType(item) {
            switch t {
            case "microsoft.authorization/roledefinitions": return .roleDefinition
            case "microsoft.authorization/roleassignments": return .roleAssignment
            case "microsoft.authorization/denyassignments": return .denyAssignment
            case "microsoft.authorization/roleeligibilityscheduleinstances",
                 "microsoft.authorization/roleeligibilityschedules": return .pimEligible
            case "microsoft.authorization/roleassignmentscheduleinstances",
                 "microsoft.authorization/roleassignmentschedules": return .pimActive
            case "microsoft.authorization/provideroperations": return .providerOperations
            case "microsoft.resources/subscriptions", "subscriptions": return .subscription
            // A subscription under a management group (`az account management-group subscription show`).
            case "microsoft.management/managementgroups/subscriptions": return .managementGroupSubscription
            case "microsoft.resources/subscriptions/resourcegroups": return .resourceGroup
            default:
                if t.hasSuffix("managementgroups") { return .managementGroup }
                // Another ARM resource type (`Namespace/type`): not an inventory item of ours.
                if t.contains("/"), t.contains("."), item["id"] != nil { return .otherARMResource }
            }
        }
        // Graph unifiedRoleAssignment / unifiedRoleDefinition: before the RBAC shapes, whose
        // `principalId` + `roleDefinitionId` they share.
        if item["directoryScopeId"] != nil, item["principalId"] != nil, item["roleDefinitionId"] != nil {
            return .directoryRoleAssignment
        }
        if item["rolePermissions"] != nil, item["displayName"] != nil, item["id"] != nil { return .directoryRoleDefinition }
        if item["@odata.type"] != nil {
            return item["members"]?.kind == .array ? .groupWithMembers : .graphObject
        }
        if item["roleName"] != nil, item["permissions"] != nil { return .roleDefinition }
        if let p = item["properties"], p["roleName"] != nil, p["permissions"] != nil { return .roleDefinition }
        if item["principalId"] != nil, item["roleDefinitionId"] != nil { return .roleAssignment }
        if let p = item["properties"], p["principalId"] != nil, p["roleDefinitionId"] != nil { return .roleAssignment }
        if item["isDataAction"] != nil, item["name"] != nil { return .flatOperation }
        if item["operations"] != nil, item["resourceTypes"] != nil { return .providerOperations }
        if item["members"]?.kind == .array, item["id"] != nil { return .groupWithMembers }
        if graphContext != nil, item["id"] != nil { return .graphObject }
        if item["tenantId"] != nil, item["id"] != nil,
           item["isDefault"] != nil || item["cloudName"] != nil || item["homeTenantId"] != nil || item["user"] != nil {
            return .azAccount
        }
        if item["subscriptionId"] != nil, item["displayName"] != nil, item["state"] != nil { return .azAccount }
        return nil
    }
}

/// The entity set named by a Graph `@odata.context` (`...$metadata#users(id,displayName)` -> `users`).
func graphCollectionName(_ context: String?) -> String? {
    guard let context, let hash = context.lastIndex(of: "#") else { return nil }
    var name = String(context[context.index(after: hash)...])
    if let cut = name.firstIndex(where: { $0 == "(" || $0 == "/" || $0 == "$" }) { name = String(name[..<cut]) }
    return name.isEmpty ? nil : name.lowercased()
}

/// `groups/<groupId>/members.json` or `.../transitiveMembers.json` (optionally `.gz`): the group id and
/// whether the membership is transitive. The Graph response does not name its group: the path does.
func groupMembershipPath(_ path: String?) -> (groupID: String, transitive: Bool)? {
    guard let path else { return nil }
    let parts = path.split(separator: "/").map(String.init)
    guard parts.count >= 3 else { return nil }
    var fileName = parts[parts.count - 1].lowercased()
    if fileName.hasSuffix(".gz") { fileName.removeLast(3) }
    guard parts[parts.count - 3].lowercased() == "groups" else { return nil }
    let group = parts[parts.count - 2]
    switch fileName {
    case "members.json": return (group, false)
    case "transitivemembers.json": return (group, true)
    default: return nil
    }
}

/// `.../servicePrincipals/<objectId>/owners.json` or `.../applications/<appId>/owners.json`: a Graph
/// owners response does not name its target, so the folder does.
func ownersPath(_ path: String?) -> (targetID: String, application: Bool)? {
    guard let path else { return nil }
    let parts = path.split(separator: "/").map(String.init)
    guard parts.count >= 3 else { return nil }
    var fileName = parts[parts.count - 1].lowercased()
    if fileName.hasSuffix(".gz") { fileName.removeLast(3) }
    guard fileName == "owners.json" else { return nil }
    switch parts[parts.count - 3].lowercased() {
    case "serviceprincipals": return (parts[parts.count - 2], false)
    case "applications": return (parts[parts.count - 2], true)
    default: return nil
    }
}
