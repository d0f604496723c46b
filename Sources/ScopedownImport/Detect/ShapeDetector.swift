import ScopedownCore

/// Format detection from a prefix of the content (see docs/formats.md, "Detection").
enum ShapeDetector {
    static let usageHeader = "principalId,caller,action,scope,day,uses,deniedAttempts,firstSeen,lastSeen,roleAssignmentId"

    static let supported: [(kind: InputKind, shape: String)] = [
        (.roleDefinitions, "az role definition list"),
        (.roleDefinitions, "ARM REST list"),
        (.roleDefinitions, "ARM REST object"),
        (.roleDefinitions, "Resource Graph rows"),
        (.roleAssignments, "az role assignment list"),
        (.roleAssignments, "ARM REST list"),
        (.roleAssignments, "Resource Graph rows"),
        (.denyAssignments, "ARM REST list"),
        (.pimEligible, "ARM REST list (roleEligibilityScheduleInstances)"),
        (.pimActive, "ARM REST list (roleAssignmentScheduleInstances)"),
        (.managementGroups, "az account management-group show"),
        (.managementGroups, "az account management-group entities list"),
        (.resourceContainers, "Resource Graph rows (resourcecontainers)"),
        (.subscriptions, "az account list"),
        (.subscriptions, "az account management-group subscription show"),
        (.directory, "Microsoft Graph list (users, groups, servicePrincipals)"),
        (.directory, "Microsoft Graph object (az ad user show, az ad group show, az ad sp show)"),
        (.groupMembers, "Microsoft Graph groups?$expand=members"),
        (.groupMembers, "Microsoft Graph members (groups/<id>/members.json)"),
        (.groupMembers, "Microsoft Graph transitiveMembers (groups/<id>/transitiveMembers.json)"),
        (.operations, "az provider operation list"),
        (.operations, "provider operations (flat)"),
        (.activityLog, "az monitor activity-log list"),
        (.activityLog, "REST page"),
        (.activityLog, "diagnostic archive (JSON Lines)"),
        (.activityLog, "Event Hubs records"),
        (.activityLog, "Log Analytics AzureActivity (JSON)"),
        (.activityLog, "Log Analytics AzureActivity (CSV)"),
        (.usageAggregate, "usage aggregate (CSV)"),
        (.directoryRoles, "Microsoft Graph list (roleManagement/directory/roleDefinitions, roleAssignments)"),
        (.owners, "Microsoft Graph owners (servicePrincipals/<id>/owners.json, applications/<appId>/owners.json)"),
    ]

    /// One line per kind: `role-definitions: az role definition list | ARM REST list | ...`.
    static var supportedHelp: String {
        var lines: [String] = []
        for kind in InputKind.allCases {
            let shapes = supported.filter { $0.kind == kind }.map(\.shape)
            if !shapes.isEmpty { lines.append("    \(kind.rawValue): " + shapes.joined(separator: " | ")) }
        }
        return "supported shapes (force one with `--kind`):\n" + lines.joined(separator: "\n")
    }

    static func unknown(_ message: String, file: InputFile, line: Int? = nil, column: Int? = nil, path: String? = nil) -> Diagnostic {
        Diagnostic.error(message, file: file.displayName, line: line, column: column, path: path, help: supportedHelp)
    }

    static func detect(prefix: [UInt8], complete: Bool, file: InputFile, override: InputKind?) throws -> DetectedFormat {
        var start = 0
        if prefix.count >= 3, prefix[0] == 0xEF, prefix[1] == 0xBB, prefix[2] == 0xBF { start = 3 }
        while start < prefix.count, [0x20, 0x0A, 0x0D, 0x09].contains(prefix[start]) { start += 1 }
        guard start < prefix.count else {
            throw Diagnostic.error(prefix.isEmpty ? "empty file" : "empty file (only whitespace)", file: file.displayName,
                                   help: "export the data again; an empty file holds nothing to import")
        }
        let first = prefix[start]
        if first != 0x7B && first != 0x5B {
            return try detectText(prefix, start: start, file: file, override: override)
        }

        // A syntax error inside the sniffed prefix is reported as is: the file is not valid JSON.
        let (document, trailing) = try JSONDocument.parsePrefix(prefix, file: file.displayName)
        let jsonLines = trailing == 0x7B
        // `scopedown synth` writes MANIFEST.json beside the tenant: skipped, not an error.
        if !jsonLines, override == nil, document.root.kind == .object, document.root["generator"]?.string == "scopedown synth" {
            throw SkippedFile(file: file.displayName, reason: "the manifest `scopedown synth` writes, not an export")
        }
        let envelope = Envelope.unwrap(document.root, jsonLines: jsonLines)

        if let owners = ownersPath(file.path), envelope.wrapper == .valueList || envelope.wrapper == .bareArray {
            return DetectedFormat(kind: override ?? .owners,
                                  shape: owners.application ? "Microsoft Graph application owners" : "Microsoft Graph service principal owners")
        }
        if let membership = groupMembershipPath(file.path), envelope.wrapper == .valueList || envelope.wrapper == .bareArray {
            return DetectedFormat(kind: override ?? .groupMembers,
                                  shape: membership.transitive ? "Microsoft Graph transitiveMembers" : "Microsoft Graph members")
        }

        guard let firstItem = envelope.firstItem else {
            if let override { return DetectedFormat(kind: override, shape: "empty list") }
            if let name = envelope.collections.compactMap({ graphCollectionName($0.odataContext) }).first,
               ["users", "groups", "serviceprincipals", "directoryobjects"].contains(name) {
                return DetectedFormat(kind: .directory, shape: "Microsoft Graph list")
            }
            if let bad = envelope.items.first(where: { $0.kind != .object }) {
                let loc = bad.location
                throw unknown("unknown JSON shape: expected a list of objects, found \(bad.kind)", file: file,
                              line: loc.line, column: loc.column, path: bad.path)
            }
            throw Diagnostic.error("empty list: nothing to import, and its kind cannot be detected", file: file.displayName,
                                   help: "pass `--kind` to import it anyway (e.g. to record that a tenant has no deny assignments)")
        }
        let context = envelope.collections.first(where: { !$0.items.isEmpty })?.odataContext
        // The first item of a type we decode decides (Resource Graph results may mix in other rows).
        var item = firstItem
        for candidate in envelope.items.prefix(1000) {
            if let t = ItemType.of(candidate, graphContext: context), t != .otherARMResource { item = candidate; break }
        }
        if let legacy = legacyAzureADGraph(document.root, item: item, file: file) { throw legacy }
        // A page of classic administrators only: retired, skipped with a warning (REFERENCE.md §2.10).
        if ItemType.armType(item) == "microsoft.authorization/classicadministrators" {
            return DetectedFormat(kind: override ?? .roleAssignments, shape: "classic administrators")
        }
        guard let type = ItemType.of(item, graphContext: context), type != .otherARMResource else {
            let loc = item.location
            let keys = item.members.prefix(12).map { "`\(TextSanitizer.clean($0.key, limit: 60))`" }.joined(separator: ", ")
            throw unknown("unknown JSON shape: an object with keys \(keys)", file: file, line: loc.line, column: loc.column,
                          path: item.path)
        }
        var format = classify(type, item: item, envelope: envelope)
        if let override { format.kind = override }
        return format
    }

    /// Azure AD Graph output (az CLI before 2.37, `graph.windows.net`): named, with the Microsoft
    /// Graph command that replaces it.
    static func legacyAzureADGraph(_ root: JSONValue, item: JSONValue, file: InputFile) -> Diagnostic? {
        let rootMarker = root["odata.metadata"] != nil
        let itemMarker = item["objectId"] != nil && (item["odata.type"] != nil || item["objectType"] != nil)
        guard rootMarker || itemMarker, item["id"] == nil else { return nil }
        let marks = (rootMarker ? ["`odata.metadata`"] : []) + (item["odata.type"] != nil ? ["`odata.type`"] : []) + (item["objectId"] != nil ? ["`objectId`"] : [])
        let loc = item.location
        return Diagnostic.error("a legacy Azure AD Graph export (\(marks.joined(separator: ", "))): Azure AD Graph is retired and its objects are not imported",
                                file: file.displayName, line: loc.line, column: loc.column, path: item.path,
                                help: "export from Microsoft Graph instead: `az rest --url \"https://graph.microsoft.com/v1.0/users?$select=id,displayName,userPrincipalName,userType,mail,accountEnabled\"` (also `groups`, `servicePrincipals`), or `az ad user list` with az 2.37 or later")
    }

    static func listShape(_ envelope: Envelope, item: JSONValue, az: String) -> String {
        let prefix = envelope.recorded ? "recorded " : envelope.specExample ? "API example: " : ""
        switch envelope.wrapper {
        case .bareArray:
            // az prints properties flattened; Resource Graph rows keep `properties`.
            return prefix + (item["properties"]?.kind == .object ? "Resource Graph rows" : az)
        case .valueList: return prefix + "ARM REST list"
        case .resourceGraph: return prefix + "Resource Graph response"
        case .single: return prefix + "ARM REST object"
        case .labeled: return prefix + "labeled responses"
        case .records, .jsonLines: return prefix + "JSON Lines"
        }
    }

    static func classify(_ type: ItemType, item: JSONValue, envelope: Envelope) -> DetectedFormat {
        switch type {
        case .roleDefinition:
            return DetectedFormat(kind: .roleDefinitions, shape: listShape(envelope, item: item, az: "az role definition list"))
        case .roleAssignment:
            return DetectedFormat(kind: .roleAssignments, shape: listShape(envelope, item: item, az: "az role assignment list"))
        case .denyAssignment:
            return DetectedFormat(kind: .denyAssignments, shape: listShape(envelope, item: item, az: "az role deny-assignment list"))
        case .pimEligible:
            return DetectedFormat(kind: .pimEligible, shape: listShape(envelope, item: item, az: "az rest (roleEligibilityScheduleInstances)"))
        case .pimActive:
            return DetectedFormat(kind: .pimActive, shape: listShape(envelope, item: item, az: "az rest (roleAssignmentScheduleInstances)"))
        case .managementGroup:
            let rawType = item["type"]?.string ?? ""
            let isGraphRow = rawType == rawType.lowercased() && (envelope.wrapper == .resourceGraph || envelope.wrapper == .bareArray)
            if isGraphRow {
                return DetectedFormat(kind: .resourceContainers, shape: (envelope.recorded ? "recorded " : "")
                                        + (envelope.wrapper == .resourceGraph ? "Resource Graph response" : "Resource Graph rows"))
            }
            if envelope.wrapper == .single { return DetectedFormat(kind: .managementGroups, shape: "az account management-group show") }
            return DetectedFormat(kind: .managementGroups, shape: "az account management-group entities list")
        case .managementGroupSubscription:
            return DetectedFormat(kind: .subscriptions, shape: (envelope.recorded ? "recorded " : "")
                                    + (envelope.wrapper == .single ? "az account management-group subscription show"
                                                                   : "management group subscriptions list"))
        case .subscription, .resourceGroup, .resource:
            return DetectedFormat(kind: .resourceContainers, shape: envelope.wrapper == .resourceGraph ? "Resource Graph response" : "Resource Graph rows")
        case .providerOperations:
            return DetectedFormat(kind: .operations, shape: "az provider operation list")
        case .flatOperation:
            return DetectedFormat(kind: .operations, shape: "provider operations (flat)")
        case .graphObject:
            let shape = switch envelope.wrapper {
            case .labeled: "Microsoft Graph responses (labeled)"
            case .single: "Microsoft Graph object"
            default: "Microsoft Graph list"
            }
            return DetectedFormat(kind: .directory, shape: shape)
        case .groupWithMembers:
            return DetectedFormat(kind: .groupMembers, shape: "Microsoft Graph groups?$expand=members")
        case .azAccount:
            // `GET /subscriptions/{id}` carries `subscriptionId`; `az account show` does not.
            let shape = switch envelope.wrapper {
            case .valueList: "ARM REST list"
            case .single: item["subscriptionId"] != nil ? "ARM REST object" : "az account show"
            default: "az account list"
            }
            return DetectedFormat(kind: .subscriptions, shape: (envelope.recorded ? "recorded " : "") + shape)
        case .activityEvent:
            return DetectedFormat(kind: .activityLog, shape: envelope.wrapper == .valueList ? "REST page" : "az monitor activity-log list")
        case .diagnosticRecord:
            return DetectedFormat(kind: .activityLog, shape: envelope.wrapper == .records ? "Event Hubs records" : "diagnostic archive (JSON Lines)")
        case .logAnalyticsRow:
            return DetectedFormat(kind: .activityLog, shape: "Log Analytics AzureActivity (JSON)")
        case .otherARMResource:
            return DetectedFormat(kind: .resourceContainers, shape: "Resource Graph rows")
        case .directoryRoleDefinition, .directoryRoleAssignment:
            return DetectedFormat(kind: .directoryRoles, shape: listShape(envelope, item: item, az: "Microsoft Graph list"))
        }
    }

    /// The index of the first byte that is a control character (other than tab, CR, LF) or not part
    /// of valid UTF-8, or nil.
    static func firstBinaryByte(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b < 0x80 {
                if b < 0x20 && b != 0x0A && b != 0x0D && b != 0x09 || b == 0x7F { return i }
                i += 1
                continue
            }
            // the length of a well-formed sequence (RFC 3629), its continuation bytes checked
            let n: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: n = 2
            case 0xE0: n = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: n = 3
            case 0xED: n = 3; hi = 0x9F
            case 0xF0: n = 4; lo = 0x90
            case 0xF1...0xF3: n = 4
            case 0xF4: n = 4; hi = 0x8F
            default: return i
            }
            guard i + n <= bytes.endIndex else { return i }
            for k in 1..<n {
                let c = bytes[i + k]
                if k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF) { return i + k }
            }
            i += n
        }
        return nil
    }

    /// Content that does not start with `{` or `[`: a CSV with a known header, or an error.
    static func detectText(_ prefix: [UInt8], start: Int, file: InputFile, override: InputKind?) throws -> DetectedFormat {
        // Binary data (NUL, other control bytes, invalid UTF-8) fails at once with a clear message.
        let sample = prefix[start..<min(prefix.count, start + 4096)]
        // A multi-byte character cut by the end of the sample is fine.
        let checked = sample.count == 4096 ? sample.dropLast(3) : sample
        if let bad = firstBinaryByte(checked) {
            // blame the byte itself: its value, offset and line:column
            var line = 1, column = 1
            for b in prefix[..<bad] { if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 } }
            let hex = String(prefix[bad], radix: 16, uppercase: true)
            throw unknown("not a text file: found binary data (byte 0x\(hex.count == 1 ? "0" + hex : hex) at offset \(bad))",
                          file: file, line: line, column: column)
        }
        let lineEnd = prefix[start...].firstIndex(of: 0x0A) ?? prefix.count
        var header = String(decoding: prefix[start..<lineEnd], as: UTF8.self)
        if header.hasSuffix("\r") { header.removeLast() }
        let fields = header.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0).trimmingSpaces().trimmingCharacters(in: "\"")
        }
        if fields.joined(separator: ",") == usageHeader {
            return DetectedFormat(kind: override ?? .usageAggregate, shape: "usage aggregate (CSV)")
        }
        if fields.contains("OperationNameValue") || fields.contains("ActivityStatusValue") {
            return DetectedFormat(kind: override ?? .activityLog, shape: "Log Analytics AzureActivity (CSV)")
        }
        let shown = header.count > 60 ? String(header.prefix(60)) + "..." : header
        throw unknown("unknown format: not JSON and not a known CSV header (starts with `\(TextSanitizer.clean(shown))`)",
                      file: file, line: 1, column: 1)
    }
}

extension StringProtocol {
    func trimmingCharacters(in quote: Character) -> String {
        var s = Substring(self)
        while s.first == quote { s.removeFirst() }
        while s.last == quote { s.removeLast() }
        return String(s)
    }
}
