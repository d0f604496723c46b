import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

/// Shapes the real samples do not cover, written from the documented formats (REFERENCE.md §1).
@Suite("Inventory decoders")
struct DecoderTests {
    static let sub = "a925f2f7-5c63-4b7b-8799-25a5f97bc3b2"

    @Test func customRoleSingleGetWithSeveralBlocks() throws {
        let b = try decodeText("""
        {"id": "/providers/Microsoft.Management/managementGroups/corp/providers/Microsoft.Authorization/roleDefinitions/AAAAAAAA-1111-2222-3333-444444444444",
         "name": "AAAAAAAA-1111-2222-3333-444444444444", "type": "Microsoft.Authorization/roleDefinitions",
         "properties": {"roleName": "Corp Reader", "type": "CustomRole", "description": "d",
           "assignableScopes": ["/providers/Microsoft.Management/managementGroups/corp", "/subscriptions/\(Self.sub)/"],
           "permissions": [{"actions": ["*/read"], "notActions": ["Microsoft.Authorization/*/read"]},
                           {"dataActions": ["Microsoft.Storage/*"], "notDataActions": null, "condition": "", "conditionVersion": null}],
           "createdOn": "2024-01-01T00:00:00Z", "updatedOn": "2024-02-01T00:00:00Z", "extra": {"ignored": true}}}
        """)
        #expect(b.kind == .roleDefinitions && b.shape == "ARM REST object")
        let r = try #require(b.roleDefinitions.first)
        #expect(r.id == "aaaaaaaa-1111-2222-3333-444444444444")
        #expect(r.isCustom)
        #expect(r.assignableScopes.map(\.key) == ["/providers/microsoft.management/managementgroups/corp", "/subscriptions/\(Self.sub)"])
        #expect(r.permissions == [PermissionBlock(actions: ["*/read"], notActions: ["Microsoft.Authorization/*/read"]),
                                  PermissionBlock(dataActions: ["Microsoft.Storage/*"])])
        #expect(r.updatedOn == "2024-02-01T00:00:00Z")
    }

    static let argRows = """
    [{"id": "/subscriptions/\(sub)/providers/Microsoft.Authorization/roleAssignments/11111111-0000-0000-0000-000000000001",
      "name": "11111111-0000-0000-0000-000000000001", "type": "microsoft.authorization/roleassignments", "tenantId": "t",
      "properties": {"roleDefinitionId": "/subscriptions/\(sub)/providers/Microsoft.Authorization/roleDefinitions/ACDD72A7-3385-48EF-BD42-F606FBA81AE7",
                     "principalId": "22222222-0000-0000-0000-000000000002", "principalType": "Group", "scope": "/subscriptions/\(sub)",
                     "condition": "@Resource[x] StringEquals 'y'", "conditionVersion": "2.0", "createdBy": "c", "createdOn": "2023-01-01",
                     "updatedOn": "2023-01-02", "description": "why", "delegatedManagedIdentityResourceId": null}},
     {"id": "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", "name": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
      "type": "microsoft.authorization/roledefinitions",
      "properties": {"roleName": "Reader", "type": "BuiltInRole", "permissions": [{"actions": ["*/read"]}], "assignableScopes": ["/"]}}]
    """

    @Test func resourceGraphAuthorizationRowsBareAndEnvelope() throws {
        let bare = try decodeText(Self.argRows)
        #expect(bare.kind == .roleAssignments && bare.shape == "Resource Graph rows")
        let envelope = try decodeText("{\"totalRecords\": 2, \"count\": 2, \"data\": \(Self.argRows), \"facets\": [], \"resultTruncated\": \"false\"}")
        #expect(envelope.shape == "Resource Graph response")
        for b in [bare, envelope] {
            let a = try #require(b.roleAssignments.first)
            #expect(a.roleDefinitionID == "acdd72a7-3385-48ef-bd42-f606fba81ae7")
            #expect(a.principalType == "Group")
            #expect(a.isConditional && a.conditionVersion == "2.0")
            #expect(a.createdBy == "c" && a.description == "why" && a.updatedOn == "2023-01-02")
            // Mixed rows: the role definition row is decoded too.
            #expect(b.roleDefinitions.map(\.roleName) == ["Reader"])
        }
    }

    @Test func assignmentScopeIsDerivedFromTheIDWhenAbsent() throws {
        let b = try decodeText("""
        [{"id": "/subscriptions/\(Self.sub)/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/providers/Microsoft.Authorization/roleAssignments/33333333-0000-0000-0000-000000000003",
          "principalId": "p1", "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/r1", "principalName": "x@y", "roleDefinitionName": "R"},
         {"id": "/providers/Microsoft.Authorization/roleAssignments/44444444-0000-0000-0000-000000000004",
          "principalId": "p2", "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/r1"}]
        """)
        #expect(b.roleAssignments.map(\.scope.display) == ["/subscriptions/\(Self.sub)/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", "/"])
        #expect(b.roleAssignments.map(\.id) == ["33333333-0000-0000-0000-000000000003", "44444444-0000-0000-0000-000000000004"])
        #expect(b.roleAssignments[0].principalType == "Unknown")
    }

    @Test func pimScopesAreNormalized() throws {
        let b = try decodeText("""
        {"value": [{"id": "/providers/Microsoft.Subscription/subscriptions/\(Self.sub)/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/55555555-0000-0000-0000-000000000005",
          "name": "55555555-0000-0000-0000-000000000005", "type": "Microsoft.Authorization/roleEligibilityScheduleInstances",
          "properties": {"principalId": "p", "principalType": "User", "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/r",
                         "scope": "/providers/Microsoft.Subscription/subscriptions/\(Self.sub)", "startDateTime": "2026-01-01T00:00:00Z", "endDateTime": null}}]}
        """)
        #expect(b.kind == .pimEligible)
        let a = try #require(b.roleAssignments.first)
        #expect(a.state == .eligible)
        #expect(a.scope.key == "/subscriptions/\(Self.sub)")
        #expect(a.endDateTime == nil)
    }

    @Test func denyAssignmentFields() throws {
        let b = try decodeText("""
        {"value": [{"id": "/subscriptions/\(Self.sub)/providers/Microsoft.Authorization/denyAssignments/66666666-0000-0000-0000-000000000006",
          "name": "66666666-0000-0000-0000-000000000006", "type": "Microsoft.Authorization/denyAssignments",
          "properties": {"denyAssignmentName": "stack deny", "permissions": [{"actions": ["*/delete"], "notActions": ["Microsoft.Authorization/locks/delete"]}],
            "doNotApplyToChildScopes": true, "isSystemProtected": false, "denyAssignmentEffect": "audit",
            "principals": [{"id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined"}],
            "excludePrincipals": [{"id": "77777777-0000-0000-0000-000000000007", "type": "User"}]}}]}
        """)
        let d = try #require(b.denyAssignments.first)
        #expect(d.scope.key == "/subscriptions/\(Self.sub)")   // derived from the id
        #expect(d.doNotApplyToChildScopes && !d.isSystemProtected && !d.blocks)
        #expect(d.principals.first?.isEveryone == true)
        #expect(d.excludePrincipals.map(\.id) == ["77777777-0000-0000-0000-000000000007"])
        #expect(d.permissions[0].notActions == ["Microsoft.Authorization/locks/delete"])
    }

    @Test func resourceContainersRows() throws {
        let b = try decodeText("""
        [{"id": "/providers/Microsoft.Management/managementGroups/prod", "name": "prod", "type": "microsoft.management/managementgroups", "tenantId": "tid",
          "properties": {"displayName": "Production", "details": {"managementGroupAncestorsChain": [{"name": "corp", "displayName": "Corp"}, {"name": "tid", "displayName": "Tenant Root Group"}]}}},
         {"id": "/providers/Microsoft.Management/managementGroups/tid", "name": "tid", "type": "microsoft.management/managementgroups", "tenantId": "tid",
          "properties": {"displayName": "Tenant Root Group", "details": {"managementGroupAncestorsChain": []}}},
         {"id": "/subscriptions/\(Self.sub)", "name": "Prod 1", "type": "microsoft.resources/subscriptions", "subscriptionId": "\(Self.sub)", "tenantId": "tid",
          "tags": {"owner": "alice", "cost": 12}, "properties": {"state": "Enabled", "managementGroupAncestorsChain": [{"name": "prod"}, {"name": "corp"}]}},
         {"id": "/subscriptions/\(Self.sub)/resourceGroups/web", "name": "web", "type": "microsoft.resources/subscriptions/resourcegroups",
          "location": "westeurope", "tags": {"env": "prod"}}]
        """)
        #expect(b.kind == .resourceContainers)
        #expect(b.managementGroups.map { "\($0.name)<-\($0.parentID ?? "nil")" } == ["prod<-corp", "tid<-nil"])
        let s = try #require(b.subscriptions.first)
        #expect(s.managementGroupID == "prod" && s.displayName == "Prod 1" && s.state == "Enabled" && s.tags == ["owner": "alice", "cost": "12"])
        #expect(b.resources == [ResourceNode(scope: Scope("/subscriptions/\(Self.sub)/resourceGroups/web"),
                                             type: "microsoft.resources/subscriptions/resourcegroups", location: "westeurope", tags: ["env": "prod"])])
    }

    @Test func entitiesWithSubscriptions() throws {
        let b = try decodeText("""
        {"value": [{"id": "/providers/Microsoft.Management/managementGroups/tid", "type": "Microsoft.Management/managementGroups", "name": "tid",
                    "properties": {"tenantId": "tid", "displayName": "Tenant Root Group"}},
                   {"id": "/subscriptions/\(Self.sub)", "type": "/subscriptions", "name": "\(Self.sub)",
                    "properties": {"tenantId": "tid", "displayName": "Prod", "parent": {"id": "/providers/Microsoft.Management/managementGroups/tid"}}}]}
        """)
        #expect(b.kind == .managementGroups)
        #expect(b.managementGroups.map { "\($0.name)<-\($0.parentID ?? "nil")" } == ["tid<-nil"])
        #expect(b.subscriptions.map { "\($0.id) \($0.displayName)<-\($0.managementGroupID ?? "nil")" } == ["\(Self.sub) Prod<-tid"])
    }

    @Test func otherResourceTypesAreSkippedWithAWarning() throws {
        // Classic administrators are retired and treated as absent (REFERENCE.md §2.10); a Resource
        // Graph result may mix other authorization rows in.
        let b = try decodeText("""
        [{"id": "/subscriptions/\(Self.sub)/providers/Microsoft.Authorization/classicAdministrators/x", "name": "x",
          "type": "Microsoft.Authorization/classicAdministrators", "principalName": "a@b", "role": "ServiceAdministrator"},
         {"id": "/subscriptions/\(Self.sub)/providers/Microsoft.Authorization/roleAssignments/11111111-0000-0000-0000-000000000001",
          "name": "11111111-0000-0000-0000-000000000001", "type": "Microsoft.Authorization/roleAssignments",
          "principalId": "p", "roleDefinitionId": "r", "scope": "/subscriptions/\(Self.sub)"}]
        """)
        #expect(b.kind == .roleAssignments)
        #expect(b.roleAssignments.count == 1)
        #expect(b.warnings.map(\.message) == ["skipped a resource of type `Microsoft.Authorization/classicAdministrators`: not an RBAC inventory item"])
        #expect(b.warnings.first?.path == "$[0]")
    }

    @Test func azAccountList() throws {
        let b = try decodeText("""
        [{"cloudName": "AzureCloud", "homeTenantId": "tid", "id": "\(Self.sub)", "isDefault": true, "managedByTenants": [], "name": "Prod",
          "state": "Enabled", "tenantId": "tid", "user": {"name": "a@b", "type": "user"}, "tags": {"owner": "alice"}},
         {"cloudName": "AzureCloud", "id": "b925f2f7-5c63-4b7b-8799-25a5f97bc3b2", "isDefault": false, "name": "Dev", "state": "Disabled", "tenantId": "tid"}]
        """)
        #expect(b.kind == .subscriptions && b.shape == "az account list")
        #expect(b.subscriptions.map(\.displayName) == ["Prod", "Dev"])
        #expect(b.subscriptions[0].tags == ["owner": "alice"] && b.subscriptions[1].state == "Disabled")
    }

    @Test func graphDirectoryPages() throws {
        let users = try decodeText("""
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,userPrincipalName,userType,mail,accountEnabled)",
         "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=x",
         "value": [{"id": "88888888-0000-0000-0000-000000000008", "displayName": "Alice", "userPrincipalName": "alice@contoso.com", "userType": "Member", "mail": "alice@contoso.com", "accountEnabled": true},
                   {"id": "99999999-0000-0000-0000-000000000009", "displayName": "Guest", "userPrincipalName": "g_x.com#EXT#@contoso.com", "userType": "Guest", "accountEnabled": false}]}
        """)
        #expect(users.kind == .directory)
        #expect(users.principals.map(\.kind) == [.user, .user])
        #expect(users.principals[1].isGuest && users.principals[1].accountEnabled == false)
        let sps = try decodeText("""
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals",
         "value": [{"id": "aaaaaaaa-0000-0000-0000-00000000000a", "appId": "app-1", "displayName": "ci", "servicePrincipalType": "Application", "accountEnabled": true},
                   {"id": "bbbbbbbb-0000-0000-0000-00000000000b", "appId": "app-2", "displayName": "vm-identity", "servicePrincipalType": "ManagedIdentity"}]}
        """)
        #expect(sps.principals.map(\.kind) == [.servicePrincipal, .managedIdentity])
        #expect(sps.principals[0].appID == "app-1")
        let objects = try decodeText("""
        {"value": [{"@odata.type": "#microsoft.graph.group", "id": "cccccccc-0000-0000-0000-00000000000c", "displayName": "Admins"},
                   {"@odata.type": "#microsoft.graph.orgContact", "id": "dddddddd-0000-0000-0000-00000000000d"}]}
        """)
        #expect(objects.principals.map(\.kind) == [.group])
        #expect(objects.warnings.map(\.message) == ["skipped a directory object of type `#microsoft.graph.orgContact`"])
    }

    @Test func groupsWithExpandedMembers() throws {
        let b = try decodeText("""
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#groups(id,displayName,members())",
         "value": [{"id": "cccccccc-0000-0000-0000-00000000000c", "displayName": "Admins",
                    "members": [{"@odata.type": "#microsoft.graph.user", "id": "88888888-0000-0000-0000-000000000008", "displayName": "Alice"},
                                {"@odata.type": "#microsoft.graph.group", "id": "eeeeeeee-0000-0000-0000-00000000000e", "displayName": "Ops"}]},
                   {"id": "eeeeeeee-0000-0000-0000-00000000000e", "displayName": "Ops", "members": []}]}
        """)
        #expect(b.kind == .groupMembers && b.shape == "Microsoft Graph groups?$expand=members")
        #expect(b.membershipGroups == ["cccccccc-0000-0000-0000-00000000000c", "eeeeeeee-0000-0000-0000-00000000000e"])
        #expect(b.memberships.map { "\($0.groupID.prefix(4))>\($0.memberID.prefix(4)) \($0.memberKind) \($0.transitive)" }
                == ["cccc>8888 user false", "cccc>eeee group false"])
        #expect(Set(b.principals.map(\.displayName)) == ["Admins", "Alice", "Ops"])
    }

    @Test func perGroupMembersFileTakesTheGroupFromItsFolder() throws {
        let t = TempFolder()
        let path = t.write("groups/CCCCCCCC-0000-0000-0000-00000000000C/members.json", """
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
         "value": [{"@odata.type": "#microsoft.graph.servicePrincipal", "id": "bbbbbbbb-0000-0000-0000-00000000000b", "displayName": "vm", "servicePrincipalType": "ManagedIdentity"}]}
        """)
        let d = try importFile(path)
        #expect(d.format == DetectedFormat(kind: .groupMembers, shape: "Microsoft Graph members"))
        #expect(d.batch.memberships == [GroupMembership(groupID: "cccccccc-0000-0000-0000-00000000000c", memberID: "bbbbbbbb-0000-0000-0000-00000000000b",
                                                        memberKind: .managedIdentity, transitive: false)])
        // An empty page says the group has no members (its edges are replaced by nothing).
        let empty = try importFile(t.write("groups/dddddddd-0000-0000-0000-00000000000d/transitiveMembers.json", "{\"value\": []}"))
        #expect(empty.format.kind == .groupMembers && empty.batch.memberships.isEmpty)
        #expect(empty.batch.membershipGroups == ["dddddddd-0000-0000-0000-00000000000d"])
        let bad = t.write("groups/not-a-group/members.json", "{\"value\": []}")
        #expect(diagnostic { _ = try importFile(bad, displayName: "groups/not-a-group/members.json") }?.message == "folder name `not-a-group` is not a group object id")
    }

    @Test func sameObjectTwiceIsKeptOnce() throws {
        let item = #"{"roleName": "R", "name": "11111111-1111-1111-1111-111111111111", "permissions": [{"actions": ["a"]}]}"#
        let b = try decodeText("[\(item), \(item)]")
        #expect(b.roleDefinitions.count == 1)
    }

    @Test func kindOverrideDecodesAnEmptyList() throws {
        let b = try decodeText("{\"value\": []}", override: .denyAssignments)
        #expect(b.kind == .denyAssignments && b.denyAssignments.isEmpty)
    }
}

/// Bad input: a clear error with file, line:column and JSON path; never a crash; plain and gzipped.
@Suite("Bad inventory input")
struct BadInputTests {
    static let goodRole = #"{"roleName": "R", "name": "11111111-1111-1111-1111-111111111111", "permissions": [{"actions": ["a"]}]}"#

    /// The first line of the error for `bytes` stored as `name`, plain and gzipped (same message).
    func failure(_ bytes: [UInt8], name: String = "roles.json") throws -> String {
        let t = TempFolder()
        var messages: [String] = []
        for (file, content) in [(name, bytes), (name + ".gz", gzipBytes(bytes))] {
            let path = t.write(file, content)
            let e = try #require(diagnostic { _ = try importFile(path, displayName: name) }, "\(file) was accepted")
            messages.append(e.description.components(separatedBy: "\n")[0])
        }
        #expect(messages[0] == messages[1], "gzip changes the error")
        return messages[0]
    }

    func failure(_ text: String, name: String = "roles.json") throws -> String { try failure(Array(text.utf8), name: name) }

    @Test func truncatedJSON() throws {
        #expect(try failure("[\(Self.goodRole), {\"roleName\": \"R2\", \"perm") == "roles.json:1:125: error: unexpected end of file: unterminated string at $[1]")
    }

    @Test func wrongTypes() throws {
        #expect(try failure(#"[{"roleName": "R", "name": "n", "permissions": [{"actions": "Microsoft.Compute/*"}]}]"#)
                == "roles.json:1:61: error: expected array, found string at $[0].permissions[0].actions")
        #expect(try failure(#"[{"roleName": 7, "name": "n", "permissions": []}]"#)
                == "roles.json:1:15: error: expected string, found number at $[0].roleName")
        #expect(try failure("[\(Self.goodRole), 3]") == "roles.json:1:106: error: expected object, found number at $[1]")
    }

    @Test func missingRequiredFields() throws {
        #expect(try failure(#"{"value": [{"id": "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/x", "type": "Microsoft.Authorization/roleAssignments", "properties": {"principalId": "p"}}]}"#, name: "ra.json")
                == "ra.json:1:156: error: missing required field `roleDefinitionId` at $.value[0].properties")
        #expect(try failure("[{\"principalId\": \"p\", \"roleDefinitionId\": \"r\"}]", name: "ra.json")
                == "ra.json:1:2: error: missing required field `name` at $[0]")
    }

    @Test func conflictingDuplicateIDsNameBothPaths() throws {
        let other = #"{"roleName": "Other", "name": "11111111-1111-1111-1111-111111111111", "permissions": []}"#
        #expect(try failure("[\n\(Self.goodRole),\n\(other)\n]")
                == "roles.json:3:1: error: conflicting duplicate role definition `11111111-1111-1111-1111-111111111111`: differs from the one at $[0] at $[1]")
    }

    @Test func errorsDeepInALargeArrayKeepTheirFilePositions() throws {
        // Decoded element by element: positions and paths are the whole file's.
        var lines = (0..<3000).map { i in
            #"  {"roleName": "R\#(i)", "name": "\#(String(format: "%08ld", i))-1111-1111-1111-111111111111", "permissions": [{"actions": ["a"]}]},"#
        }
        lines[2500] = #"  {"roleName": "R", "name": "n", "permissions": [{"actions": ["a"], "notActions": {"x": 1}}]},"#
        let text = "[\n" + lines.joined(separator: "\n").dropLast() + "\n]"
        #expect(try failure(text) == "roles.json:2502:83: error: expected array, found object at $[2500].permissions[0].notActions")
    }

    @Test func conflictingDuplicatesInAWrappedList() throws {
        let a = #"{"id": "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/x", "name": "x", "properties": {"principalId": "p", "roleDefinitionId": "r"}}"#
        let b = #"{"id": "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/x", "name": "x", "properties": {"principalId": "q", "roleDefinitionId": "r"}}"#
        #expect(try failure("{\"value\": [\(a),\n \(a),\n \(b)]}", name: "ra.json")
                == "ra.json:3:2: error: conflicting duplicate role assignment `x`: differs from the one at $.value[0] at $.value[2]")
        #expect(try failure("{\"value\": [\(a)]}\n{\"value\": []}", name: "ra.json") == "ra.json:2:1: error: unexpected `{` after the JSON value")
    }

    @Test func emptyFiles() throws {
        #expect(try failure("") == "roles.json: error: empty file")
        #expect(try failure("  \n ") == "roles.json: error: empty file (only whitespace)")
        #expect(try failure("[]").hasPrefix("roles.json: error: empty list: nothing to import"))
    }

    @Test func byteOrderMarkIsAccepted() throws {
        let t = TempFolder()
        let path = t.write("bom.json", [0xEF, 0xBB, 0xBF] + Array("[\(Self.goodRole)]".utf8))
        #expect(try importFile(path).batch.roleDefinitions.count == 1)
    }

    @Test func randomBytesFailAtOnce() throws {
        var g = SeededGenerator(seed: 42)
        for _ in 0..<20 {
            let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &g) }
            let message = try failure(bytes, name: "random.bin")
            #expect(message.hasPrefix("random.bin:1:") && message.contains("error:"))
        }
    }

    @Test func hugeRandomFileIsRejectedFromItsPrefix() throws {
        // 1 GiB sparse file after 64 KiB of random bytes: detection reads the prefix only.
        let t = TempFolder()
        var g = SeededGenerator(seed: 1)
        let path = t.write("huge.bin", (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &g) })
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()
        let e = diagnostic { _ = try FormatDetector.detect(InputFile(displayName: "huge.bin", path: path)) }
        #expect(e?.message.hasPrefix("not a text file: found binary data") == true)
        #expect(e?.help?.contains("role-definitions: az role definition list") == true)
    }

    @Test func binaryDataNamesTheFirstInvalidByteAndItsOffset() throws {
        let t = TempFolder()
        let control = t.write("a.bin", Array("principal,caller\nok line\nbad\u{1}".utf8))
        let e = diagnostic { _ = try FormatDetector.detect(InputFile(displayName: "a.bin", path: control)) }
        #expect(e?.message == "not a text file: found binary data (byte 0x01 at offset 28)")
        #expect(e?.line == 3 && e?.column == 4)
        let utf8 = t.write("b.bin", Array("héllo ".utf8) + [0xFF, 0x41])
        let u = diagnostic { _ = try FormatDetector.detect(InputFile(displayName: "b.bin", path: utf8)) }
        #expect(u?.message == "not a text file: found binary data (byte 0xFF at offset 7)")
        #expect(u?.line == 1 && u?.column == 7)
    }

    @Test func synthManifestIsSkippedNotAnError() throws {
        let t = TempFolder()
        let path = t.write("MANIFEST.json", #"{"generator": "scopedown synth", "seed": "7", "counts": {}}"#)
        #expect(throws: SkippedFile.self) { _ = try FormatDetector.detect(InputFile(displayName: "MANIFEST.json", path: path)) }
    }

    @Test func unknownShapeListsEverySupportedShape() throws {
        let message = diagnostic { _ = try decodeText(#"[{"foo": 1, "bar": 2}]"#, name: "x.json") }
        #expect(message?.message == "unknown JSON shape: an object with keys `foo`, `bar`")
        let help = try #require(message?.help)
        for (kind, shape) in FormatDetector.supportedShapes {
            #expect(help.contains(kind.rawValue) && help.contains(shape))
        }
        let csv = diagnostic { _ = try decodeText("a,b,c\n1,2,3\n", name: "x.csv") }
        #expect(csv?.message == "unknown format: not JSON and not a known CSV header (starts with `a,b,c`)")
    }

    @Test func nestingBomb() throws {
        let bomb = String(repeating: "[", count: 1_000_000)
        #expect(try failure(bomb, name: "bomb.json") == "bomb.json:1:513: error: nesting deeper than 512 levels")
    }

    @Test func activityAndUsageShapesAreDetectedNotDecodedHere() throws {
        let t = TempFolder()
        let usage = t.write("usage.csv", ShapeDetector.usageHeader + "\r\np,c,a,/,2026-01-01,1,0,x,y,\n")
        #expect(try FormatDetector.detect(InputFile(displayName: "usage.csv", path: usage)) == DetectedFormat(kind: .usageAggregate, shape: "usage aggregate (CSV)"))
        let la = t.write("la.csv", "TenantId,SourceSystem,TimeGenerated,OperationNameValue,ActivityStatusValue\n")
        #expect(try FormatDetector.detect(InputFile(displayName: "la.csv", path: la)).shape == "Log Analytics AzureActivity (CSV)")
        let laJSON = t.write("la.json", #"[{"TimeGenerated": "2026-01-01T00:00:00Z", "OperationNameValue": "MICROSOFT.X/Y/WRITE", "Caller": "a@b"}]"#)
        #expect(try FormatDetector.detect(InputFile(displayName: "la.json", path: laJSON)).shape == "Log Analytics AzureActivity (JSON)")
        let e = diagnostic { _ = try InventoryImporter.decode(InputFile(displayName: "la.json", path: laJSON), format: DetectedFormat(kind: .activityLog, shape: "x")) }
        #expect(e?.message.contains("Activity Log importer") == true)
    }
}
