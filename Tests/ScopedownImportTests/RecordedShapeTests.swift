import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

/// The shapes in fixtures/shapes (what public Azure tooling records, with fictional ids).
@Suite("Recorded export shapes")
struct RecordedShapeTests {
    static func shape(_ name: String) -> String { SharedData.fixture("shapes/\(name)").path }

    @Test func managementGroupSubscriptionShow() throws {
        let d = try importFile(Self.shape("mg-subscription-show.json"))
        #expect(d.format == DetectedFormat(kind: .subscriptions, shape: "az account management-group subscription show"))
        #expect(d.batch.subscriptions == [Subscription(id: "5e1f0c3a-7b2d-4c8e-9f10-2a3b4c5d6e7f", displayName: "Fabrikam Sandbox",
                                                       managementGroupID: "fab-sandbox", state: "Active",
                                                       tenantID: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0")])
        #expect(d.batch.warnings.isEmpty)
    }

    @Test func managementGroupSubscriptionsList() throws {
        let d = try importFile(Self.shape("mg-subscriptions-list.json"))
        #expect(d.format == DetectedFormat(kind: .subscriptions, shape: "management group subscriptions list"))
        #expect(d.batch.subscriptions.map(\.displayName) == ["Fabrikam Connectivity", "Fabrikam Identity"])
        #expect(d.batch.subscriptions.map(\.state) == ["Active", "Disabled"])
        #expect(d.batch.subscriptions.allSatisfy { $0.managementGroupID == "fab-platform" })
    }

    @Test func catalogWithoutIsDataActionWarns() throws {
        let d = try importFile(Self.shape("catalog-without-isdataaction.json"))
        #expect(d.format == DetectedFormat(kind: .operations, shape: "az provider operation list (without isDataAction)"))
        #expect(d.batch.operationsPlaneUnknown)
        #expect(d.batch.operations.count == 4)
        #expect(d.batch.operations.allSatisfy { !$0.isDataAction })
        let w = try #require(d.batch.warnings.first)
        #expect(d.batch.warnings.count == 1)
        #expect(w.message == "no operation of this catalog says `isDataAction`: data actions cannot be told apart from control-plane operations")

        let known = try importFile(Self.shape("catalog-with-isdataaction.json"))
        #expect(!known.batch.operationsPlaneUnknown)
        #expect(known.format.shape == "az provider operation list")
        #expect(known.batch.warnings.isEmpty)
        #expect(known.batch.operations.filter(\.isDataAction).map(\.name) == ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"])
    }

    @Test(arguments: [("graph-user-show.json", PrincipalKind.user, "Avery Quinn"),
                      ("graph-group-show.json", PrincipalKind.group, "platform-operators"),
                      ("graph-sp-show.json", PrincipalKind.servicePrincipal, "deploy-pipeline")])
    func singleGraphObject(name: String, kind: PrincipalKind, displayName: String) throws {
        let d = try importFile(Self.shape(name))
        #expect(d.format == DetectedFormat(kind: .directory, shape: "Microsoft Graph object"))
        let p = try #require(d.batch.principals.first)
        #expect(d.batch.principals.count == 1)
        #expect(p.kind == kind)
        #expect(p.displayName == displayName)
        #expect(d.batch.warnings.isEmpty)
    }

    @Test func graphUserShowKeepsItsFields() throws {
        let p = try #require(try importFile(Self.shape("graph-user-show.json")).batch.principals.first)
        #expect(p.id == "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
        #expect(p.userPrincipalName == "avery.quinn@fabrikam.example")
        let sp = try #require(try importFile(Self.shape("graph-sp-show.json")).batch.principals.first)
        #expect(sp.appID == "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b")
    }

    @Test func managedHSMRoleDefinitionsAreSkipped() throws {
        let d = try importFile(Self.shape("hsm-role-definitions.json"))
        #expect(d.format.kind == .roleDefinitions)
        #expect(d.batch.roleDefinitions.isEmpty)
        #expect(d.batch.warnings.map(\.message) == [
            "skipped 2 Managed HSM local RBAC role definitions (`AKVBuiltInRole`, ids without a leading `/`): they govern one HSM's keys, not Azure RBAC",
        ])
    }

    @Test func managedHSMRoleAssignmentsAreSkipped() throws {
        let d = try importFile(Self.shape("hsm-role-assignments.json"))
        #expect(d.format.kind == .roleAssignments)
        #expect(d.batch.roleAssignments.isEmpty)
        #expect(d.batch.warnings.map(\.message) == [
            "skipped 2 Managed HSM local RBAC role assignments (role definition ids without a leading `/`, scopes `/` or `/keys`): they govern one HSM's keys, not Azure RBAC",
        ])
    }

    @Test func classicAdministratorsAreSkipped() throws {
        let d = try importFile(Self.shape("classic-administrators.json"))
        #expect(d.format == DetectedFormat(kind: .roleAssignments, shape: "classic administrators"))
        #expect(d.batch.roleAssignments.isEmpty)
        #expect(d.batch.warnings.map(\.message) == ["skipped a resource of type `Microsoft.Authorization/classicAdministrators`: not an RBAC inventory item"])
    }

    @Test func legacyAzureADGraphIsNamed() throws {
        let file = InputFile(displayName: "aad-graph-users.json", path: Self.shape("aad-graph-users.json"))
        let d = diagnostic { _ = try FormatDetector.detect(file) }
        let error = try #require(d)
        #expect(error.message == "a legacy Azure AD Graph export (`odata.type`, `objectId`): Azure AD Graph is retired and its objects are not imported")
        #expect(error.help?.contains("az rest --url \"https://graph.microsoft.com/v1.0/users") == true)
    }

    @Test func singleSubscriptionGet() throws {
        let d = try importFile(Self.shape("subscription-get.json"))
        #expect(d.format == DetectedFormat(kind: .subscriptions, shape: "ARM REST object"))
        #expect(d.batch.subscriptions.map(\.displayName) == ["Fabrikam Sandbox"])
    }
}
