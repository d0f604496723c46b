import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

/// Microsoft Graph `roleManagement/directory` pages (Entra ID roles).
@Suite("Directory role decoders")
struct DirectoryRoleDecoderTests {
    @Test func roleAssignmentsPage() throws {
        let b = try decodeText("""
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments",
         "value": [{"id": "lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hr48lds9SGHI-1", "principalId": "AAAAAAAA-0000-4000-8000-000000000001",
                    "directoryScopeId": "/", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10"},
                   {"id": "x-2", "principalId": "aaaaaaaa-0000-4000-8000-000000000002",
                    "directoryScopeId": "/administrativeUnits/5d107bba", "roleDefinitionId": "fe930be7-5e62-47db-91af-98c3a49a38b1"}]}
        """)
        #expect(b.kind == .directoryRoles && b.shape == "ARM REST list")
        #expect(b.roleAssignments.isEmpty)   // not taken for RBAC assignments
        #expect(b.directoryRoleAssignments == [
            DirectoryRoleAssignment(id: "lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hr48lds9SGHI-1", principalID: "aaaaaaaa-0000-4000-8000-000000000001",
                                    roleDefinitionID: DirectoryRoleDefinition.globalAdministrator, directoryScopeID: "/"),
            DirectoryRoleAssignment(id: "x-2", principalID: "aaaaaaaa-0000-4000-8000-000000000002",
                                    roleDefinitionID: "fe930be7-5e62-47db-91af-98c3a49a38b1", directoryScopeID: "/administrativeUnits/5d107bba"),
        ])
    }

    @Test func roleDefinitionsPage() throws {
        let b = try decodeText("""
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleDefinitions",
         "value": [{"id": "62e90394-69f5-4237-9190-012177145e10", "displayName": "Global Administrator", "isBuiltIn": true,
                    "templateId": "62e90394-69f5-4237-9190-012177145e10", "rolePermissions": [{"allowedResourceActions": ["microsoft.directory/users/allProperties/allTasks"]}]}]}
        """)
        #expect(b.kind == .directoryRoles)
        #expect(b.directoryRoleDefinitions == [DirectoryRoleDefinition(id: "62e90394-69f5-4237-9190-012177145e10", displayName: "Global Administrator",
                                                                       templateID: "62e90394-69f5-4237-9190-012177145e10", isBuiltIn: true)])
    }

    @Test func badPrincipalIdNamesTheField() {
        let d = diagnostic {
            _ = try decodeText("""
            {"value": [{"id": "x", "principalId": "not-a-guid", "directoryScopeId": "/", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10"}]}
            """)
        }
        #expect(d?.message == "`principalId` `not-a-guid` is not a GUID")
        #expect(d?.path == "$.value[0].principalId")
    }

    @Test("the demo's directory role pages decode", .enabled(if: FileManager.default.fileExists(atPath: SharedData.fixture("demo").path)))
    func demoFixture() throws {
        for name in ["roleAssignments", "roleDefinitions"] {
            let url = SharedData.fixture("demo/directory/directory-roles/\(name).json")
            let b = try decodeText(try String(contentsOf: url, encoding: .utf8), name: "\(name).json")
            #expect(b.kind == .directoryRoles)
            #expect(b.directoryRoleAssignments.count + b.directoryRoleDefinitions.count > 0)
        }
    }
}

@Suite("Managed identity resources")
struct ManagedIdentityResourceTests {
    @Test func alternativeNamesGiveTheIdentitysResource() throws {
        let b = try decodeText("""
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals",
         "value": [{"@odata.type": "#microsoft.graph.servicePrincipal", "id": "aaaaaaaa-0000-4000-8000-000000000001", "displayName": "id-x",
                    "servicePrincipalType": "ManagedIdentity",
                    "alternativeNames": ["isExplicit=True", "/subscriptions/S1/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-x"]},
                   {"@odata.type": "#microsoft.graph.servicePrincipal", "id": "aaaaaaaa-0000-4000-8000-000000000002", "displayName": "vm1",
                    "servicePrincipalType": "ManagedIdentity",
                    "alternativeNames": ["isExplicit=False", "/subscriptions/S1/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm1"]},
                   {"@odata.type": "#microsoft.graph.servicePrincipal", "id": "aaaaaaaa-0000-4000-8000-000000000003", "displayName": "app",
                    "servicePrincipalType": "Application", "alternativeNames": []}]}
        """)
        #expect(b.managedIdentityResources == [
            ManagedIdentityResource(principalID: "aaaaaaaa-0000-4000-8000-000000000001",
                                    resource: Scope("/subscriptions/S1/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-x"), userAssigned: true),
            ManagedIdentityResource(principalID: "aaaaaaaa-0000-4000-8000-000000000002",
                                    resource: Scope("/subscriptions/S1/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm1"), userAssigned: false),
        ])
    }
}

@Suite("Owners")
struct OwnersDecoderTests {
    static let sp = "aaaaaaaa-0000-4000-8000-00000000000a"

    @Test func servicePrincipalOwnersTakeTheTargetFromTheFolder() throws {
        let b = try decodeText("""
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
         "value": [{"@odata.type": "#microsoft.graph.user", "id": "BBBBBBBB-0000-4000-8000-000000000001", "displayName": "Sam"},
                   {"@odata.type": "#microsoft.graph.servicePrincipal", "id": "bbbbbbbb-0000-4000-8000-000000000002"}]}
        """, name: "servicePrincipals/\(Self.sp)/owners.json")
        #expect(b.kind == .owners && b.shape == "Microsoft Graph service principal owners")
        #expect(b.ownerships == [Ownership(targetID: Self.sp, application: false, ownerID: "bbbbbbbb-0000-4000-8000-000000000001"),
                                 Ownership(targetID: Self.sp, application: false, ownerID: "bbbbbbbb-0000-4000-8000-000000000002")])
        #expect(b.ownershipTargets.map(\.targetID) == [Self.sp])
    }

    @Test func applicationOwnersAndABadFolder() throws {
        let b = try decodeText("{\"value\": [{\"id\": \"bbbbbbbb-0000-4000-8000-000000000001\"}]}", name: "applications/\(Self.sp)/owners.json")
        #expect(b.kind == .owners && b.ownerships.first?.application == true)
        let d = diagnostic { _ = try decodeText("{\"value\": []}", name: "servicePrincipals/not-a-guid/owners.json") }
        #expect(d?.message == "folder name `not-a-guid` is not a service principal object id")
    }
}
