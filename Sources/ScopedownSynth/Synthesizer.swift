import ScopedownRender
import ScopedownCore

/// What `Synthesizer.run` produced: counts for the summary, MANIFEST.json and tests.
public struct SynthSummary: Sendable, Equatable {
    public var parameters: SynthParameters
    public var tenantID: String
    public var counts: [(String, Int)]
    public var activity: ActivityStats
    /// Inventory files (relative path, bytes), in writing order.
    public var inventoryFiles: [(path: String, bytes: Int)]

    public static func == (a: SynthSummary, b: SynthSummary) -> Bool {
        a.parameters == b.parameters && a.tenantID == b.tenantID && a.activity == b.activity
            && a.counts.map(\.0) == b.counts.map(\.0) && a.counts.map(\.1) == b.counts.map(\.1)
            && a.inventoryFiles.map(\.path) == b.inventoryFiles.map(\.path)
            && a.inventoryFiles.map(\.bytes) == b.inventoryFiles.map(\.bytes)
    }

    public func count(_ name: String) -> Int? { counts.first { $0.0 == name }?.1 }

    /// Human-readable summary for stdout (deterministic; no timings).
    public var text: String {
        var lines: [String] = []
        lines.append("synthetic tenant \(tenantID) (seed \(parameters.seed)) written to \(parameters.outputDirectory)")
        for (k, v) in counts { lines.append("  \(k.padding(31))\(v)") }
        let inventoryBytes = inventoryFiles.reduce(0) { $0 + $1.bytes }
        lines.append("files")
        lines.append("  \("inventory".padding(31))\(inventoryFiles.count) files, \(Self.size(inventoryBytes))")
        if activity.archiveFiles > 0 {
            lines.append("  \("activity (archive)".padding(31))\(activity.archiveFiles) files, \(Self.size(activity.archiveBytes))")
        }
        if activity.azFiles > 0 {
            lines.append("  \("activity (az)".padding(31))\(activity.azFiles) files, \(Self.size(activity.azBytes))")
        }
        lines.append("activity log")
        lines.append("  \("records".padding(31))\(activity.records)")
        lines.append("  \("operations".padding(31))\(activity.operations)")
        lines.append("  \("succeeded".padding(31))\(activity.successes)")
        lines.append("  \("failed".padding(31))\(activity.failedOperations)")
        lines.append("  \("authorization failed".padding(31))\(activity.authorizationFailures)")
        lines.append("  \("duplicate records".padding(31))\(activity.duplicateRecords)")
        if let f = activity.firstDay, let l = activity.lastDay {
            lines.append("  \("window".padding(31))\(f) .. \(l) (\(activity.windowDays) days)")
        }
        lines.append("manifest: \(parameters.outputDirectory)/MANIFEST.json")
        return lines.joined(separator: "\n") + "\n"
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 30 { return "\(bytes / (1 << 20) * 100 / 1024 / 100).\(UTCCalendar.pad(bytes / (1 << 20) * 100 / 1024 % 100, 2)) GiB" }
        if bytes >= 1 << 20 { return "\(bytes * 10 / (1 << 20) / 10).\(bytes * 10 / (1 << 20) % 10) MiB" }
        if bytes >= 1 << 10 { return "\(bytes / 1024) KiB" }
        return "\(bytes) B"
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

/// The synthetic tenant generator behind `scopedown synth` (deterministic: same parameters, same bytes).
public enum Synthesizer {
    /// Generates the tenant into `parameters.outputDirectory` (created if missing) and writes
    /// `MANIFEST.json`. `progress` is called now and then with the Activity Log records written.
    /// Throws a `Diagnostic` on bad `--roles` / `--catalog` files or when a file cannot be written.
    public static func run(_ parameters: SynthParameters, progress: (Int) -> Void = { _ in }) throws -> SynthSummary {
        if let problem = parameters.validate().first { throw problem }
        var rolesBytes: [UInt8]?
        var builtIns = EmbeddedRoles.all
        if let path = parameters.rolesFile {
            let bytes = try FileSystem.readFile(path)
            builtIns = try SynthCatalog.loadRoles(file: path, bytes: bytes).filter { !$0.isCustom }
            if builtIns.isEmpty {
                throw Diagnostic.error("the file holds no built-in role (`roleType` BuiltInRole)", file: path,
                                       help: "give the output of `az role definition list -o json`")
            }
            rolesBytes = bytes
        }
        var catalogBytes: [UInt8]?
        var operations = SynthCatalog.embeddedOperations()
        if let path = parameters.catalogFile {
            let bytes = try FileSystem.readFile(path)
            operations = try SynthCatalog.loadOperations(file: path, bytes: bytes)
            catalogBytes = bytes
        }
        let catalog = SynthCatalog(operations: operations)
        var tenant = TenantBuilder(parameters: parameters, catalog: catalog, builtInRoles: builtIns).build()
        var used = Set(tenant.assignments.map(\.role))
        used.formUnion(tenant.eligible.map(\.role))
        TenantBuilder.computeGrants(&tenant, catalog: catalog, roles: used)

        let root = parameters.outputDirectory
        try FileSystem.makeDirectories(root)
        var inventory = InventoryWriter(tenant: tenant, root: root, catalog: catalog, rolesFileBytes: rolesBytes,
                                        catalogFileBytes: catalogBytes)
        try inventory.writeAll()
        var activityWriter = ActivityWriter(tenant: tenant, catalog: catalog, parameters: parameters, root: root)
        let activity = try activityWriter.run(progress: progress)

        let t = tenant
        func count(_ k: Tenant.PrincipalKindSynth) -> Int { t.principals.filter { $0.kind == k }.count }
        func level(_ l: Tenant.Level) -> Int { t.assignments.filter { $0.level == l }.count }
        let counts: [(String, Int)] = [
            ("managementGroups", t.managementGroups.count),
            ("managementGroupDepth", t.managementGroups.map(\.depth).max() ?? 0),
            ("subscriptions", t.subscriptions.count),
            ("resourceGroups", t.resourceGroups.count),
            ("resources", t.resources.count),
            ("users", count(.user)),
            ("guests", count(.guest)),
            ("groups", count(.group)),
            ("groupMemberships", t.groupMembers.values.reduce(0) { $0 + $1.count }),
            ("servicePrincipals", count(.servicePrincipal)),
            ("managedIdentities", count(.managedIdentity)),
            ("builtInRoles", t.builtInRoleCount),
            ("customRoles", t.roles.count - t.builtInRoleCount),
            ("catalogOperations", catalog.totalOperations),
            ("roleAssignments", t.assignments.count),
            ("assignmentsAtRoot", level(.root)),
            ("assignmentsAtManagementGroups", level(.managementGroup)),
            ("assignmentsAtSubscriptions", level(.subscription)),
            ("assignmentsAtResourceGroups", level(.resourceGroup)),
            ("assignmentsAtResources", level(.resource)),
            ("conditionalAssignments", t.assignments.filter { $0.condition != nil }.count),
            ("eligibleAssignments", t.eligible.count),
            ("denyAssignments", t.denies.count),
        ]
        let summary = SynthSummary(parameters: parameters, tenantID: t.tenantID, counts: counts, activity: activity,
                                   inventoryFiles: inventory.written)
        let manifest = OutputFileWriter.manifest(summary)
        let f = try OutputFile(path: root + "/MANIFEST.json")
        try f.write(manifest)
        try f.close()
        return summary
    }
}

enum OutputFileWriter {
    /// MANIFEST.json: parameters, seed, counts and files (no timestamps: deterministic).
    static func manifest(_ s: SynthSummary) -> [UInt8] {
        let p = s.parameters
        let a = s.activity
        let doc: JSON = .object([
            ("generator", .string("scopedown synth")),
            ("seed", .string(String(p.seed))),
            ("tenantId", .string(s.tenantID)),
            ("parameters", .object([
                ("subscriptions", .int(p.subscriptions)), ("assignments", .int(p.assignments)), ("events", .int(p.events)),
                ("customRoles", .int(p.customRoles)), ("roles", p.rolesFile == nil ? .string("embedded") : .string("file")),
                ("catalog", p.catalogFile == nil ? .string("embedded") : .string("file")),
                ("activityShape", .string(p.activityShape.rawValue)),
            ])),
            ("counts", .object(s.counts.map { ($0.0, .int($0.1)) })),
            ("activity", .object([
                ("records", .int(a.records)), ("operations", .int(a.operations)), ("successes", .int(a.successes)),
                ("failedOperations", .int(a.failedOperations)), ("authorizationFailures", .int(a.authorizationFailures)), ("inProgressOperations", .int(a.inProgress)),
                ("duplicateRecords", .int(a.duplicateRecords)), ("subscriptionsWithEvents", .int(a.subscriptionsWithEvents)),
                ("archiveFiles", .int(a.archiveFiles)), ("archiveBytes", .int(a.archiveBytes)),
                ("azFiles", .int(a.azFiles)), ("azBytes", .int(a.azBytes)),
                ("firstDay", .str(a.firstDay)), ("lastDay", .str(a.lastDay)), ("windowDays", .int(a.windowDays)),
                ("archiveRoot", .string("activity/insights-activity-logs")), ("azRoot", .string("activity/az")),
            ])),
            ("files", .array(s.inventoryFiles.map { .object([("path", .string($0.path)), ("bytes", .int($0.bytes))]) })),
        ])
        return doc.bytes()
    }
}
