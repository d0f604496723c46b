import Foundation
import ScopedownCore

/// Loads the real built-in roles and the provider operations catalog from ../shared/azure with
/// Foundation's JSONSerialization (independent of the decoders module), for evaluator tests.
public enum RealAzureData {
    public enum LoadError: Error { case shape(String) }

    /// `builtin-roles.json` (az role definition list shape, REFERENCE.md §1.1).
    public static func builtinRoles() throws -> [RoleDefinition] {
        let data = try Data(contentsOf: SharedData.url("builtin-roles.json"))
        guard let array = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw LoadError.shape("builtin-roles.json is not an array of objects")
        }
        return array.compactMap { o in
            guard let name = o["name"] as? String, let roleName = o["roleName"] as? String else { return nil }
            let blocks = (o["permissions"] as? [[String: Any]] ?? []).map { p in
                PermissionBlock(actions: p["actions"] as? [String] ?? [], notActions: p["notActions"] as? [String] ?? [],
                                dataActions: p["dataActions"] as? [String] ?? [],
                                notDataActions: p["notDataActions"] as? [String] ?? [],
                                condition: p["condition"] as? String, conditionVersion: p["conditionVersion"] as? String)
            }
            return RoleDefinition(id: name, resourceID: o["id"] as? String ?? name, roleName: roleName,
                                  isCustom: (o["roleType"] as? String) == "CustomRole", permissions: blocks)
        }
    }

    /// `provider-operations.json` (az provider operation show shape, REFERENCE.md §1.2).
    public static func operations() throws -> [CatalogOperation] {
        let data = try Data(contentsOf: SharedData.url("provider-operations.json"))
        guard let providers = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw LoadError.shape("provider-operations.json is not an array of objects")
        }
        var out: [CatalogOperation] = []
        func add(_ list: Any?, provider: String, type: String?) {
            for op in list as? [[String: Any]] ?? [] {
                guard let name = op["name"] as? String else { continue }
                out.append(CatalogOperation(name: name, isDataAction: op["isDataAction"] as? Bool ?? false,
                                            displayName: op["displayName"] as? String ?? "",
                                            provider: provider, resourceType: type))
            }
        }
        for p in providers {
            let ns = p["name"] as? String ?? ""
            add(p["operations"], provider: ns, type: nil)
            for rt in p["resourceTypes"] as? [[String: Any]] ?? [] {
                add(rt["operations"], provider: ns, type: rt["name"] as? String)
            }
        }
        return out
    }
}
