#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore

/// The control-plane operations the generator can put in Activity Log events, indexed so that an
/// `ActionPattern` finds its matches through its literal prefix (binary search), not a full scan.
struct SynthCatalog {
    /// Display spelling (first seen), sorted by key, one entry per case-insensitive name.
    private(set) var names: [String] = []
    private(set) var keys: [[UInt8]] = []
    /// Operations the Activity Log would record: not `*/read` (REFERENCE.md §0.6: no reads).
    private(set) var isRead: [Bool] = []
    /// Operations of the resource types this generator creates (events prefer them).
    private(set) var isPreferred: [Bool] = []
    /// Every operation (control and data plane) for the manifest.
    private(set) var totalOperations = 0

    static let preferredProviders: Set<String> = [
        "microsoft.compute", "microsoft.storage", "microsoft.keyvault", "microsoft.network", "microsoft.web",
        "microsoft.sql", "microsoft.authorization", "microsoft.resources", "microsoft.insights",
        "microsoft.managedidentity",
    ]

    /// Builds the index from (name, isDataAction) pairs; data-plane operations are ignored (the
    /// Activity Log has none, REFERENCE.md §0.6).
    init(operations: [(name: String, isDataAction: Bool)]) {
        totalOperations = operations.count
        var byKey: [String: String] = [:]
        for op in operations where !op.isDataAction {
            let k = AzureID.operationKey(op.name)
            if byKey[k] == nil { byKey[k] = op.name }
        }
        for k in byKey.keys.sorted() {
            let name = byKey[k] ?? k
            names.append(name)
            keys.append(Array(k.utf8))
            isRead.append(k.hasSuffix("/read"))
            let provider = k.split(separator: "/").first.map(String.init) ?? ""
            isPreferred.append(Self.preferredProviders.contains(provider))
        }
    }

    var count: Int { names.count }

    /// Indices of the operations `pattern` matches (sorted).
    func matches(_ pattern: ActionPattern) -> [Int] {
        let prefix = pattern.literalPrefix
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid].lexicographicallyPrecedes(prefix) { lo = mid + 1 } else { hi = mid }
        }
        var out: [Int] = []
        var i = lo
        while i < keys.count, keys[i].starts(with: prefix) {
            if pattern.matches(lowercasedUTF8: keys[i]) { out.append(i) }
            i += 1
        }
        return out
    }

    /// Control-plane operations a role grants: per permission block, actions minus notActions, then
    /// the union of the blocks (REFERENCE.md §0.1, §2.3). Sorted indices.
    func granted(by role: RoleDefinition) -> [Int] {
        var all = Set<Int>()
        for block in role.permissions {
            var grant = Set<Int>()
            for a in block.actions { grant.formUnion(matches(ActionPattern(a))) }
            for n in block.notActions { grant.subtract(matches(ActionPattern(n))) }
            all.formUnion(grant)
        }
        return all.sorted()
    }

    /// The embedded catalog as (name, isDataAction) pairs.
    static func embeddedOperations() -> [(name: String, isDataAction: Bool)] {
        var out: [(name: String, isDataAction: Bool)] = []
        for p in EmbeddedCatalog.providers {
            for o in p.operations { out.append((o.name, o.isDataAction)) }
            for t in p.resourceTypes { for o in t.operations { out.append((o.name, o.isDataAction)) } }
        }
        return out
    }

    /// Reads a provider operations catalog in the `az provider operation list` shape (REFERENCE.md
    /// §1.2): an array of providers with `operations` and `resourceTypes[].operations`.
    static func loadOperations(file: String, bytes: [UInt8]) throws -> [(name: String, isDataAction: Bool)] {
        let root: Any
        do {
            root = try JSONTree.parse(bytes)
        } catch {
            throw Diagnostic.error("not valid JSON", file: file,
                                   help: "give the output of `az provider operation list -o json`")
        }
        guard let providers = root as? [Any] else {
            throw Diagnostic.error("expected an array of providers", file: file, path: "$",
                                   help: "give the output of `az provider operation list -o json` (the nested shape)")
        }
        var out: [(name: String, isDataAction: Bool)] = []
        func take(_ ops: Any?, _ path: String) throws {
            guard let ops else { return }
            guard let list = ops as? [Any] else {
                throw Diagnostic.error("expected an array", file: file, path: path)
            }
            for (i, item) in list.enumerated() {
                guard let o = item as? [String: Any], let name = o["name"] as? String else {
                    throw Diagnostic.error("expected an operation with a string `name`", file: file, path: "\(path)[\(i)]")
                }
                out.append((name, (o["isDataAction"] as? Bool) ?? false))
            }
        }
        for (i, item) in providers.enumerated() {
            guard let p = item as? [String: Any] else {
                throw Diagnostic.error("expected a provider object", file: file, path: "$[\(i)]")
            }
            try take(p["operations"], "$[\(i)].operations")
            if let types = p["resourceTypes"] {
                guard let tl = types as? [Any] else {
                    throw Diagnostic.error("expected an array", file: file, path: "$[\(i)].resourceTypes")
                }
                for (j, t) in tl.enumerated() {
                    guard let to = t as? [String: Any] else {
                        throw Diagnostic.error("expected a resource type object", file: file, path: "$[\(i)].resourceTypes[\(j)]")
                    }
                    try take(to["operations"], "$[\(i)].resourceTypes[\(j)].operations")
                }
            }
        }
        if out.isEmpty {
            throw Diagnostic.error("the catalog holds no operation", file: file,
                                   help: "give the output of `az provider operation list -o json`")
        }
        return out
    }

    /// Reads built-in roles from an `az role definition list` export (or an ARM REST `{"value":[...]}`
    /// list, whose fields sit under `properties`), REFERENCE.md §1.1.1.
    static func loadRoles(file: String, bytes: [UInt8]) throws -> [RoleDefinition] {
        let root: Any
        do {
            root = try JSONTree.parse(bytes)
        } catch {
            throw Diagnostic.error("not valid JSON", file: file, help: "give the output of `az role definition list -o json`")
        }
        let list: [Any]
        if let a = root as? [Any] { list = a } else if let o = root as? [String: Any], let v = o["value"] as? [Any] { list = v } else {
            throw Diagnostic.error("expected an array of role definitions", file: file, path: "$",
                                   help: "give the output of `az role definition list -o json`")
        }
        var roles: [RoleDefinition] = []
        for (i, item) in list.enumerated() {
            guard var o = item as? [String: Any] else {
                throw Diagnostic.error("expected a role definition object", file: file, path: "$[\(i)]")
            }
            if let props = o["properties"] as? [String: Any] { for (k, v) in props where o[k] == nil { o[k] = v } }
            guard let name = o["name"] as? String, AzureID.isGUID(name) else {
                throw Diagnostic.error("expected a role GUID in `name`", file: file, path: "$[\(i)].name")
            }
            guard let roleName = o["roleName"] as? String else {
                throw Diagnostic.error("expected a string", file: file, path: "$[\(i)].roleName")
            }
            var blocks: [PermissionBlock] = []
            for (j, b) in ((o["permissions"] as? [Any]) ?? []).enumerated() {
                guard let bo = b as? [String: Any] else {
                    throw Diagnostic.error("expected a permission block", file: file, path: "$[\(i)].permissions[\(j)]")
                }
                func strings(_ k: String) throws -> [String] {
                    guard let v = bo[k], !(v is JSONTree.Null) else { return [] }
                    guard let a = v as? [String] else {
                        throw Diagnostic.error("expected an array of strings", file: file, path: "$[\(i)].permissions[\(j)].\(k)")
                    }
                    return a
                }
                blocks.append(PermissionBlock(actions: try strings("actions"), notActions: try strings("notActions"),
                                              dataActions: try strings("dataActions"),
                                              notDataActions: try strings("notDataActions"),
                                              condition: bo["condition"] as? String,
                                              conditionVersion: bo["conditionVersion"] as? String))
            }
            let type = (o["roleType"] as? String) ?? (o["type"] as? String) ?? ""
            roles.append(RoleDefinition(id: name, resourceID: (o["id"] as? String) ?? name, roleName: roleName,
                                        description: (o["description"] as? String) ?? "",
                                        isCustom: type.lowercased() == "customrole", permissions: blocks))
        }
        if roles.isEmpty {
            throw Diagnostic.error("the file holds no role definition", file: file,
                                   help: "give the output of `az role definition list -o json`")
        }
        return roles
    }
}

/// A JSON document as untyped values (`[Any]`, `[String: Any]`, `String`, `Double`, `Bool`,
/// `JSONTree.Null`), for the two catalog readers above.
enum JSONTree {
    struct Null {}

    static func parse(_ bytes: [UInt8]) throws -> Any {
        try JSONDecoder().decode(Node.self, from: Data(bytes)).value
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Node: Decodable {
        let value: Any
        init(from decoder: Decoder) throws {
            if let object = try? decoder.container(keyedBy: Key.self) {
                var out: [String: Any] = [:]
                for key in object.allKeys { out[key.stringValue] = try object.decode(Node.self, forKey: key).value }
                value = out
            } else if var array = try? decoder.unkeyedContainer() {
                var out: [Any] = []
                while !array.isAtEnd { out.append(try array.decode(Node.self).value) }
                value = out
            } else {
                let single = try decoder.singleValueContainer()
                if single.decodeNil() {
                    value = Null()
                } else if let b = try? single.decode(Bool.self) {
                    value = b
                } else if let n = try? single.decode(Double.self) {
                    value = n
                } else {
                    value = try single.decode(String.self)
                }
            }
        }
    }
}
