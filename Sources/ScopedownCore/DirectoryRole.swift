/// An Entra ID (directory) role definition, from Microsoft Graph
/// `roleManagement/directory/roleDefinitions`. Directory roles are not Azure RBAC roles, but some
/// reach it: a Global Administrator can elevate to User Access Administrator at `/` (REFERENCE.md §1.8, [ELEV]).
public struct DirectoryRoleDefinition: Hashable, Sendable, Identifiable {
    /// The definition id (for built-in roles, the template id), GUID key.
    public var id: String
    public var displayName: String
    public var templateID: String?
    public var isBuiltIn: Bool

    public init(id: String, displayName: String, templateID: String? = nil, isBuiltIn: Bool = true) {
        self.id = AzureID.guidKey(id)
        self.displayName = displayName
        self.templateID = templateID.map(AzureID.guidKey)
        self.isBuiltIn = isBuiltIn
    }

    /// Well-known built-in template ids (stable across tenants).
    public static let globalAdministrator = "62e90394-69f5-4237-9190-012177145e10"
    public static let privilegedRoleAdministrator = "e8611ab8-c189-46e8-94e1-60213ab1f814"
}

/// One Entra ID directory role assignment (Graph `roleManagement/directory/roleAssignments`).
public struct DirectoryRoleAssignment: Hashable, Sendable, Identifiable {
    public var id: String
    public var principalID: String
    public var roleDefinitionID: String
    /// `/` for the whole directory; an administrative unit or object scope otherwise.
    public var directoryScopeID: String

    public init(id: String, principalID: String, roleDefinitionID: String, directoryScopeID: String = "/") {
        self.id = id
        self.principalID = AzureID.guidKey(principalID)
        self.roleDefinitionID = AzureID.guidKey(roleDefinitionID)
        self.directoryScopeID = directoryScopeID
    }
}

/// Where a managed identity lives: the resource a system-assigned identity belongs to, or the
/// `userAssignedIdentities` resource of a user-assigned one (Graph `servicePrincipal.alternativeNames`:
/// `isExplicit=True|False` and the ARM resource id). Whoever controls that resource can act as the identity.
public struct ManagedIdentityResource: Hashable, Sendable {
    public var principalID: String
    public var resource: Scope
    /// True for a user-assigned identity (`isExplicit=True`).
    public var userAssigned: Bool

    public init(principalID: String, resource: Scope, userAssigned: Bool) {
        self.principalID = AzureID.guidKey(principalID)
        self.resource = resource
        self.userAssigned = userAssigned
    }
}

/// An owner of a service principal or of its application registration (Graph
/// `servicePrincipals/{id}/owners`, `applications/{id}/owners`): an owner can add a credential and
/// sign in as the service principal.
public struct Ownership: Hashable, Sendable {
    /// The service principal's object id, or the application's appId when `application`.
    public var targetID: String
    public var application: Bool
    public var ownerID: String

    public init(targetID: String, application: Bool, ownerID: String) {
        self.targetID = AzureID.guidKey(targetID)
        self.application = application
        self.ownerID = AzureID.guidKey(ownerID)
    }
}
