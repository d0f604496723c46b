import ScopedownCore

/// Counts of what the Activity Log generator wrote.
public struct ActivityStats: Sendable, Equatable {
    /// Records written, deliberate duplicates excluded (= `--events`).
    public var records = 0
    /// Operations: a Start/Success or Start/Failure pair, or a single record.
    public var operations = 0
    public var successes = 0
    /// Start records whose operation then failed (Conflict) — authorized but not a use.
    public var failedOperations = 0
    /// AuthorizationFailed records: the caller lacked the permission (denied attempts).
    public var authorizationFailures = 0
    /// Operations whose Start is the last record of its file (no end record written).
    public var inProgress = 0
    /// Extra copies of records written into a second file (to exercise de-duplication).
    public var duplicateRecords = 0
    public var archiveFiles = 0
    public var archiveBytes = 0
    public var azFiles = 0
    public var azBytes = 0
    public var subscriptionsWithEvents = 0
    /// First and last day of the window (`YYYY-MM-DD`), nil when no event was written.
    public var firstDay: String?
    public var lastDay: String?
    public var windowDays = 0
}

/// Streams Activity Log events (REFERENCE.md §1.9) for a tenant: one subscription at a time, one
/// file open at a time, lines built by appending bytes. Memory does not grow with `--events`.
///
/// Every authorized event is real: its caller is the assignment's principal (or a transitive
/// member of the assigned group), its action is a non-read control-plane operation the role grants
/// (actions − notActions, REFERENCE.md §0.1), and its scope is at or below the assignment's scope,
/// outside the resource groups that deny assignments protect.
struct ActivityWriter {
    let tenant: Tenant
    let catalog: SynthCatalog
    let parameters: SynthParameters
    let root: String

    /// End of the window (exclusive): 2026-11-28. Fixed, so output never depends on the clock.
    static let endDay = UTCCalendar.days(year: 2026, month: 11, day: 28)
    static let recordsPerFile = 400
    static let roleLocations = ["East US", "West Europe", "East US 2", "France Central", "UK South"]
    static let azureCLIAppID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
    static let sensitiveActions = [
        "Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleDefinitions/write",
        "Microsoft.KeyVault/vaults/delete", "Microsoft.Compute/virtualMachines/runCommand/action",
        "Microsoft.Storage/storageAccounts/listKeys/action", "Microsoft.Authorization/locks/delete",
        "Microsoft.Network/virtualNetworks/delete", "Microsoft.Resources/subscriptions/resourceGroups/delete",
    ]

    // Per-run lookups.
    private var ownAssignments: [[Int]] = []
    private var mgAssignments: [[Int]] = []
    private var rootAssignments: [Int] = []
    private var groupsOf: [Int: String] = [:]
    private var sensitive: [Int] = []
    private var hierarchy: [String] = []
    /// Lower-cased resource type of every resource (`microsoft.compute/virtualmachines`).
    private var resourceTypeKeys: [[UInt8]] = []
    private var releaseVersion = "6.2026.44.3+5c0e7a1.release_2026w44"

    init(tenant: Tenant, catalog: SynthCatalog, parameters: SynthParameters, root: String) {
        self.tenant = tenant
        self.catalog = catalog
        self.parameters = parameters
        self.root = root
    }

    /// Whether an assignment can produce authorized events: its role grants a non-read operation
    /// and someone can act through it.
    static func isActive(_ a: Tenant.AssignmentNode, in t: Tenant) -> Bool {
        guard !t.roles[a.role].usable.isEmpty else { return false }
        if t.principals[a.principal].kind == .group { return !(t.groupCallers[a.principal] ?? []).isEmpty }
        return true
    }

    private mutating func prepare() {
        let t = tenant
        ownAssignments = Array(repeating: [], count: t.subscriptions.count)
        mgAssignments = Array(repeating: [], count: t.managementGroups.count)
        for (i, a) in t.assignments.enumerated() where Self.isActive(a, in: t) {
            switch a.level {
            case .root: rootAssignments.append(i)
            case .managementGroup: mgAssignments[a.node].append(i)
            case .subscription: ownAssignments[a.node].append(i)
            case .resourceGroup: ownAssignments[t.resourceGroups[a.node].subscription].append(i)
            case .resource: ownAssignments[t.resourceGroups[t.resources[a.node].resourceGroup].subscription].append(i)
            }
        }
        var direct: [Int: [String]] = [:]
        for g in t.groups { for m in t.groupMembers[g] ?? [] { direct[m, default: []].append(t.principals[g].id) } }
        for (k, v) in direct { groupsOf[k] = v.joined(separator: ",") }
        for name in Self.sensitiveActions {
            let key = Array(AzureID.operationKey(name).utf8)
            if let i = catalog.matches(ActionPattern(name)).first(where: { catalog.keys[$0] == key }) { sensitive.append(i) }
        }
        resourceTypeKeys = t.resources.map { Array($0.type.lowercased().utf8) }
        // properties.hierarchy: tenant / management groups from the root down / subscription.
        hierarchy = t.subscriptions.indices.map { s in
            let chain = t.chain(ofSubscription: s).reversed().dropFirst().map { t.managementGroups[$0].name }
            return ([t.tenantID] + chain + [t.subscriptions[s].id]).joined(separator: "/")
        }
    }

    mutating func run(progress: (Int) -> Void) throws -> ActivityStats {
        prepare()
        let t = tenant
        var stats = ActivityStats()
        guard parameters.events > 0 else { return stats }
        var rng = SynthRandom(seed: parameters.seed, stream: "activity")
        // Subscriptions where somebody can act, with a weight each (some subscriptions are busier).
        var active: [Int] = []
        var weights: [Double] = []
        for s in t.subscriptions.indices {
            var has = !ownAssignments[s].isEmpty || !rootAssignments.isEmpty
            if !has { has = t.chain(ofSubscription: s).contains { !mgAssignments[$0].isEmpty } }
            let w = 0.2 + rng.unit() * rng.unit() * 3
            if has { active.append(s); weights.append(w) }
        }
        guard !active.isEmpty else { return stats }
        let quotas = Self.allocate(parameters.events, weights: weights)
        let perSubscription = Double(parameters.events) / Double(active.count)
        let days = max(1, min(90, Int((perSubscription / Double(Self.recordsPerFile)).rounded(.up))))
        let firstDay = Self.endDay - days
        stats.windowDays = days
        stats.firstDay = UTCCalendar.dateString(firstDay)
        stats.lastDay = UTCCalendar.dateString(Self.endDay - 1)
        var written = 0
        for (k, s) in active.enumerated() where quotas[k] > 0 {
            stats.subscriptionsWithEvents += 1
            var candidates = ownAssignments[s]
            for m in t.chain(ofSubscription: s) { candidates.append(contentsOf: mgAssignments[m]) }
            candidates.append(contentsOf: rootAssignments)
            var sub = SubscriptionStream(writer: self, subscription: s, candidates: candidates,
                                         rng: SynthRandom(seed: parameters.seed, stream: "activity/\(t.subscriptions[s].id)"))
            let dayQuotas = Self.allocate(quotas[k], weights: Array(repeating: 1, count: days))
            for d in 0..<days where dayQuotas[d] > 0 {
                let day = firstDay + d
                let archive: Bool
                switch parameters.activityShape {
                case .archive: archive = true
                case .az: archive = false
                case .both: archive = (d + k) % 2 == 0
                }
                try sub.writeDay(day: day, records: dayQuotas[d], archive: archive, stats: &stats)
                written += dayQuotas[d]
                progress(written)
            }
        }
        return stats
    }

    /// Splits `total` over `weights` (largest remainder, deterministic).
    static func allocate(_ total: Int, weights: [Double]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0, total > 0 else { return Array(repeating: 0, count: weights.count) }
        var out = weights.map { Int((Double(total) * $0 / sum).rounded(.down)) }
        var rest = total - out.reduce(0, +)
        let order = weights.indices.sorted { a, b in
            let ra = Double(total) * weights[a] / sum - Double(out[a]), rb = Double(total) * weights[b] / sum - Double(out[b])
            return ra != rb ? ra > rb : a < b
        }
        var i = 0
        while rest > 0 { out[order[i % order.count]] += 1; rest -= 1; i += 1 }
        return out
    }

    // MARK: one subscription

    struct SubscriptionStream {
        let writer: ActivityWriter
        let subscription: Int
        let candidates: [Int]
        var rng: SynthRandom
        var pendingArchive: [[UInt8]] = []
        var pendingAz: [[UInt8]] = []
        var line = JSONBytes(capacity: 8192)
        var typedCache: [String: [Int]] = [:]

        init(writer: ActivityWriter, subscription: Int, candidates: [Int], rng: SynthRandom) {
            self.writer = writer
            self.subscription = subscription
            self.candidates = candidates
            self.rng = rng
        }

        var t: Tenant { writer.tenant }

        mutating func writeDay(day: Int, records: Int, archive: Bool, stats: inout ActivityStats) throws {
            let hoursCount = max(1, min(24, (records + ActivityWriter.recordsPerFile - 1) / ActivityWriter.recordsPerFile))
            var hours = Array(0..<24)
            rng.shuffle(&hours)
            let chosen = hours.prefix(hoursCount).sorted()
            let perHour = ActivityWriter.allocate(records, weights: Array(repeating: 1, count: hoursCount))
            let date = UTCCalendar.civil(day)
            let sub = t.subscriptions[subscription]
            if archive {
                for (i, h) in chosen.enumerated() where perHour[i] > 0 {
                    // Storage layout of the diagnostic-settings archive (REFERENCE.md §1.9.2).
                    let dir = "activity/insights-activity-logs/resourceId=/SUBSCRIPTIONS/\(sub.id.uppercased())/y=\(UTCCalendar.pad(date.year, 4))/m=\(UTCCalendar.pad(date.month, 2))/d=\(UTCCalendar.pad(date.day, 2))/h=\(UTCCalendar.pad(h, 2))/m=00"
                    try FileSystem.makeDirectories(writer.root + "/" + dir)
                    let file = try OutputFile(path: writer.root + "/" + dir + "/PT1H.json")
                    for dup in pendingArchive {
                        try file.write(dup)
                        try file.write([0x0a])
                        stats.duplicateRecords += 1
                    }
                    pendingArchive.removeAll()
                    try writeHour(day: day, hour: h, records: perHour[i], archive: true, file: file, first: true, stats: &stats)
                    try file.close()
                    stats.archiveFiles += 1
                    stats.archiveBytes += file.byteCount
                }
            } else {
                // `az monitor activity-log list --subscription S --start-time D --end-time D+1` (§1.9.1).
                let dir = "activity/az/\(sub.id)"
                try FileSystem.makeDirectories(writer.root + "/" + dir)
                let file = try OutputFile(path: writer.root + "/" + dir + "/\(UTCCalendar.dateString(day)).json")
                try file.write("[\n")
                var first = true
                for dup in pendingAz {
                    if !first { try file.write(",\n") }
                    try file.write(dup)
                    first = false
                    stats.duplicateRecords += 1
                }
                pendingAz.removeAll()
                for (i, h) in chosen.enumerated() where perHour[i] > 0 {
                    try writeHour(day: day, hour: h, records: perHour[i], archive: false, file: file, first: first, stats: &stats)
                    first = false
                }
                try file.write("\n]\n")
                try file.close()
                stats.azFiles += 1
                stats.azBytes += file.byteCount
            }
        }

        struct Operation {
            var caller: Int
            var scope: String
            var action: Int
            var correlationID: String
            var ip: String
            var iat: Int
            var uti: String
            /// Token claims shared by the records of one operation (one token per call).
            var aio: String = ""
            var rh: String = ""
            var nameIdentifier: String = ""
        }

        /// Picks the scope of an event at or below the assignment's scope inside this subscription,
        /// never in a resource group that a deny assignment protects. Where the tenant has a
        /// resource of the action's type there, the event targets it (a VM restart targets a VM,
        /// a resource-group write a resource group), as real records do.
        mutating func eventScope(_ a: Tenant.AssignmentNode, action: Int) -> String {
            let sub = t.subscriptions[subscription]
            let key = writer.catalog.keys[action]
            // Resource groups and resources in reach of the assignment.
            var groups: [Int] = []
            var resources: [Int] = []
            switch a.level {
            case .root, .managementGroup, .subscription:
                groups = sub.resourceGroups.filter { !t.resourceGroups[$0].locked }
                for g in groups { resources.append(contentsOf: t.resourceGroups[g].resources) }
            case .resourceGroup:
                groups = [a.node]
                resources = t.resourceGroups[a.node].resources
            case .resource:
                resources = [a.node] + t.resourceGroups[t.resources[a.node].resourceGroup].resources.filter { t.resources[$0].parent == a.node }
            }
            if rng.chance(0.85) {
                if key.starts(with: Self.resourceGroupPrefix), !groups.isEmpty {
                    return t.resourceGroups[groups[rng.below(groups.count)]].scope
                }
                let typed = resources.filter { r in
                    let type = writer.resourceTypeKeys[r]
                    return key.count > type.count && key.starts(with: type) && key[type.count] == UInt8(ascii: "/")
                }
                if !typed.isEmpty { return t.resources[typed[rng.below(typed.count)]].scope }
            }
            // No resource of the action's type in reach: the resource group or the subscription
            // (where such a resource would be created).
            switch a.level {
            case .root, .managementGroup, .subscription:
                if groups.isEmpty || rng.chance(0.25) { return sub.scope }
                return t.resourceGroups[groups[rng.below(groups.count)]].scope
            case .resourceGroup:
                return t.resourceGroups[a.node].scope
            case .resource:
                return rng.chance(0.7) ? t.resources[a.node].scope : t.resources[resources[rng.below(resources.count)]].scope
            }
        }

        static let resourceGroupPrefix = Array("microsoft.resources/subscriptions/resourcegroups/".utf8)

        /// The role's usable operations on the type of a resource (or of its top-level parent), cached.
        mutating func typedPool(role: Int, resource: Int, pool: [Int]) -> [Int] {
            let top = t.resources[resource].parent ?? resource
            let type = writer.resourceTypeKeys[top]
            let cacheKey = "\(role)|\(pool.count)|\(String(decoding: type, as: UTF8.self))"
            if let cached = typedCache[cacheKey] { return cached }
            let keys = writer.catalog.keys
            let list = pool.filter { i in
                let k = keys[i]
                return k.count > type.count && k.starts(with: type) && k[type.count] == UInt8(ascii: "/")
            }
            typedCache[cacheKey] = list
            return list
        }

        mutating func writeHour(day: Int, hour: Int, records: Int, archive: Bool, file: OutputFile, first: Bool,
                                stats: inout ActivityStats) throws {
            var first = first
            let datePrefix = Array(UTCCalendar.dateString(day).utf8)
            let hourStart = Int64(hour) * 36_000_000_000
            let step = max(Int64(1), 36_000_000_000 / Int64(records + 1))
            var tick = hourStart + Int64(rng.below(Int(step)))
            let hourEnd = hourStart + 36_000_000_000 - 400_000_000
            var left = records
            func emit(_ bytes: [UInt8], _ file: OutputFile) throws {
                if archive {
                    try file.write(bytes)
                    try file.write([0x0a])
                } else {
                    if !first { try file.write(",\n") }
                    try file.write(bytes)
                }
                first = false
            }
            while left > 0 {
                let a = t.assignments[candidates[rng.below(candidates.count)]]
                let p = t.principals[a.principal]
                let caller: Int
                if p.kind == .group, let members = t.groupCallers[a.principal], !members.isEmpty {
                    caller = members[rng.below(members.count)]
                } else {
                    caller = a.principal
                }
                let role = t.roles[a.role]
                let pool = (!role.usablePreferred.isEmpty && rng.chance(0.85)) ? role.usablePreferred : role.usable
                var actions = pool
                if a.level == .resource {
                    // At a resource, callers mostly use the operations of that resource's type.
                    let typed = typedPool(role: a.role, resource: a.node, pool: pool)
                    if !typed.isEmpty, rng.chance(0.9) { actions = typed }
                }
                let action = actions[rng.below(actions.count)]
                var op = Operation(caller: caller, scope: eventScope(a, action: action),
                                   action: action, correlationID: rng.guid(),
                                   ip: "\(20 + rng.below(180)).\(rng.below(256)).\(rng.below(256)).\(1 + rng.below(254))",
                                   iat: 0, uti: rng.token(22))
                let startTick = min(tick, hourEnd)
                op.aio = rng.token(t.principals[caller].kind == .user || t.principals[caller].kind == .guest ? 112 : 56)
                op.rh = "0.AVYA" + rng.token(40) + "."
                op.nameIdentifier = rng.token(43)
                op.iat = (day * 86_400) + Int(startTick / 10_000_000) - 300 - rng.below(2400)
                let roll = rng.below(100)
                stats.operations += 1
                if roll >= 96, left >= 1, let denied = deniedAction(role) {
                    // AuthorizationFailed: one Failure record, no evidence (REFERENCE.md §1.9).
                    op.action = denied
                    line.removeAll()
                    build(op, assignment: nil, status: .authorizationFailed, day: day, tick: startTick, datePrefix: datePrefix, archive: archive)
                    try emit(line.bytes, file)
                    stats.authorizationFailures += 1
                    left -= 1
                } else {
                    let assignmentIndex: Tenant.AssignmentNode? = a
                    line.removeAll()
                    build(op, assignment: assignmentIndex, status: .start, day: day, tick: startTick, datePrefix: datePrefix, archive: archive)
                    try emit(line.bytes, file)
                    left -= 1
                    if left == 0 {
                        // The hour's last operation is still running: its end lands in a later file.
                        stats.inProgress += 1
                        break
                    }
                    let endTick = min(startTick + Int64(1 + rng.below(30)) * 10_000_000 + Int64(rng.below(10_000_000)), hourEnd + 399_000_000)
                    let failed = roll >= 92
                    line.removeAll()
                    build(op, assignment: assignmentIndex, status: failed ? .failure : .success, day: day, tick: endTick,
                          datePrefix: datePrefix, archive: archive)
                    try emit(line.bytes, file)
                    left -= 1
                    if failed { stats.failedOperations += 1 } else { stats.successes += 1 }
                    // Now and then the same record is delivered again in the next file (overlapping
                    // exports): importers must count it once.
                    if rng.chance(0.003) {
                        if archive { if pendingArchive.count < 16 { pendingArchive.append(line.bytes) } } else if pendingAz.count < 16 {
                            pendingAz.append(line.bytes)
                        }
                    }
                }
                tick += step + Int64(rng.below(Int(step)))
                if tick > hourEnd { tick = hourEnd }
            }
            stats.records += records
        }

        /// A sensitive operation the role does not grant (for AuthorizationFailed records).
        mutating func deniedAction(_ role: Tenant.RoleNode) -> Int? {
            let options = writer.sensitive.filter { !Self.contains(role.granted, $0) }
            return options.isEmpty ? nil : options[rng.below(options.count)]
        }

        static func contains(_ sorted: [Int], _ x: Int) -> Bool {
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] < x { lo = mid + 1 } else { hi = mid }
            }
            return lo < sorted.count && sorted[lo] == x
        }

        enum Status { case start, success, failure, authorizationFailed }

        /// Builds one record into `line` in the archive (resource-log) or az (EventData) shape.
        mutating func build(_ op: Operation, assignment: Tenant.AssignmentNode?, status: Status, day: Int, tick: Int64,
                            datePrefix: [UInt8], archive: Bool) {
            let t = self.t
            let action = writer.catalog.names[op.action]
            let sub = t.subscriptions[subscription]
            var time: [UInt8] = []
            time.reserveCapacity(28)
            UTCCalendar.appendTimestamp(&time, datePrefix: datePrefix, secondOfDay: Int(tick / 10_000_000), ticks: Int(tick % 10_000_000))
            let lowerAction = action.lowercased()
            let statusCode: String
            switch status {
            case .start: statusCode = lowerAction.hasSuffix("/delete") ? "Accepted" : "Created"
            case .success: statusCode = lowerAction.hasSuffix("/delete") ? "OK" : (lowerAction.hasSuffix("/action") ? "OK" : "Created")
            case .failure: statusCode = "Conflict"
            case .authorizationFailed: statusCode = "Forbidden"
            }
            let caller = t.principals[op.caller]
            let statusMessage: String?
            switch status {
            case .failure:
                statusMessage = "{\"error\":{\"code\":\"Conflict\",\"message\":\"The operation could not be completed: another operation is in progress on the resource.\"}}"
            case .authorizationFailed:
                statusMessage = "{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client '\(caller.userPrincipalName ?? caller.id)' with object id '\(caller.id)' does not have authorization to perform action '\(action)' over scope '\(op.scope)' or the scope is invalid. If access was recently granted, please refresh your credentials.\"}}"
            default:
                statusMessage = nil
            }
            if archive {
                line.raw("{\"RoleLocation\":")
                line.string(ActivityWriter.roleLocations[subscription % ActivityWriter.roleLocations.count])
                line.raw(",\"ReleaseVersion\":")
                line.string(writer.releaseVersion)
                line.raw(",\"time\":\"")
                line.raw(time)
                line.raw("\",\"resourceId\":")
                line.string(op.scope.uppercased())
                line.raw(",\"operationName\":")
                line.string(action.uppercased())
                line.raw(",\"category\":\"Administrative\",\"resultType\":")
                switch status {
                case .start: line.raw("\"Start\",\"resultSignature\":\"Started.\"")
                case .success: line.raw("\"Success\",\"resultSignature\":\"Succeeded.\(statusCode)\"")
                case .failure: line.raw("\"Failure\",\"resultSignature\":\"Failed.Conflict\"")
                case .authorizationFailed: line.raw("\"Failure\",\"resultSignature\":\"Failed.Forbidden\"")
                }
                line.raw(",\"durationMs\":\"0\",\"callerIpAddress\":")
                line.string(op.ip)
                line.raw(",\"correlationId\":")
                line.string(op.correlationID)
                line.raw(",\"identity\":{\"authorization\":{\"scope\":")
                line.string(op.scope)
                line.raw(",\"action\":")
                line.string(action)
                if let a = assignment {
                    // The evidence block names the assignment that authorized the call, with GUIDs
                    // without dashes as real records have them (REFERENCE.md §1.9.4).
                    let assignee = t.principals[a.principal]
                    line.raw(",\"evidence\":{\"role\":")
                    line.string(t.roles[a.role].definition.roleName)
                    line.raw(",\"roleAssignmentScope\":")
                    line.string(a.scope)
                    line.raw(",\"roleAssignmentId\":")
                    line.string(Self.dashless(a.id))
                    line.raw(",\"roleDefinitionId\":")
                    line.string(Self.dashless(t.roles[a.role].definition.id))
                    line.raw(",\"principalId\":")
                    line.string(Self.dashless(assignee.id))
                    line.raw(",\"principalType\":")
                    line.string(assignee.assignmentType)
                    line.raw("}")
                }
                line.raw("},\"claims\":")
                claims(op, caller: caller)
                line.raw("},\"level\":")
                line.raw(status == .failure || status == .authorizationFailed ? "\"Error\"" : "\"Information\"")
                line.raw(",\"properties\":{\"statusCode\":")
                line.string(statusCode)
                if let statusMessage {
                    line.raw(",\"statusMessage\":")
                    line.string(statusMessage)
                }
                line.raw(",\"serviceRequestId\":null,\"eventCategory\":\"Administrative\",\"entity\":")
                line.string(op.scope)
                line.raw(",\"message\":")
                line.string(action)
                line.raw(",\"hierarchy\":")
                line.string(writer.hierarchy[subscription])
                line.raw("},\"tenantId\":")
                line.string(t.tenantID)
                line.raw("}")
            } else {
                let eventDataID = rng.guid()
                let method = lowerAction.hasSuffix("/delete") ? "DELETE" : (lowerAction.hasSuffix("/write") ? "PUT" : "POST")
                line.raw("{\"authorization\":{\"action\":")
                line.string(action)
                line.raw(",\"scope\":")
                line.string(op.scope)
                line.raw("},\"caller\":")
                line.string(caller.userPrincipalName ?? caller.id)
                line.raw(",\"channels\":\"Operation\",\"claims\":")
                claims(op, caller: caller)
                line.raw(",\"correlationId\":")
                line.string(op.correlationID)
                line.raw(",\"description\":\"\",\"eventDataId\":")
                line.string(eventDataID)
                line.raw(status == .start ? ",\"eventName\":{\"value\":\"BeginRequest\",\"localizedValue\":\"Begin request\"}"
                                          : ",\"eventName\":{\"value\":\"EndRequest\",\"localizedValue\":\"End request\"}")
                line.raw(",\"category\":{\"value\":\"Administrative\",\"localizedValue\":\"Administrative\"},\"eventTimestamp\":\"")
                line.raw(time)
                line.raw("\",\"httpRequest\":{\"clientRequestId\":")
                line.string(rng.guid())
                line.raw(",\"clientIpAddress\":")
                line.string(op.ip)
                line.raw(",\"method\":")
                line.string(method)
                line.raw("},\"id\":")
                let unixTicks = (Int64(day) * 86_400 + 62_135_596_800) * 10_000_000 + tick
                line.string("\(op.scope)/events/\(eventDataID)/ticks/\(unixTicks)")
                line.raw(status == .failure || status == .authorizationFailed ? ",\"level\":\"Error\"" : ",\"level\":\"Informational\"")
                line.raw(",\"operationId\":")
                line.string(op.correlationID)
                line.raw(",\"operationName\":{\"value\":")
                line.string(action)
                line.raw(",\"localizedValue\":")
                line.string(action)
                line.raw("},\"resourceGroupName\":")
                let parts = op.scope.split(separator: "/")
                line.string(parts.count >= 4 ? String(parts[3]) : "")
                let provider = action.split(separator: "/").first.map(String.init) ?? ""
                line.raw(",\"resourceProviderName\":{\"value\":")
                line.string(provider)
                line.raw(",\"localizedValue\":")
                line.string(provider)
                line.raw("},\"resourceId\":")
                line.string(op.scope)
                line.raw(",\"status\":")
                switch status {
                case .start: line.raw("{\"value\":\"Started\",\"localizedValue\":\"Started\"},\"subStatus\":{\"value\":\"\",\"localizedValue\":\"\"}")
                case .success:
                    line.raw("{\"value\":\"Succeeded\",\"localizedValue\":\"Succeeded\"},\"subStatus\":{\"value\":")
                    line.string(statusCode)
                    line.raw(",\"localizedValue\":")
                    line.string(statusCode == "Created" ? "Created (HTTP Status Code: 201)" : "OK (HTTP Status Code: 200)")
                    line.raw("}")
                case .failure:
                    line.raw("{\"value\":\"Failed\",\"localizedValue\":\"Failed\"},\"subStatus\":{\"value\":\"Conflict\",\"localizedValue\":\"Conflict (HTTP Status Code: 409)\"}")
                case .authorizationFailed:
                    line.raw("{\"value\":\"Failed\",\"localizedValue\":\"Failed\"},\"subStatus\":{\"value\":\"Forbidden\",\"localizedValue\":\"Forbidden (HTTP Status Code: 403)\"}")
                }
                line.raw(",\"submissionTimestamp\":\"")
                var submitted: [UInt8] = []
                let later = min(tick + 150_000_000, 863_999_999_999)
                UTCCalendar.appendTimestamp(&submitted, datePrefix: datePrefix, secondOfDay: Int(later / 10_000_000), ticks: Int(later % 10_000_000))
                line.raw(submitted)
                line.raw("\",\"subscriptionId\":")
                line.string(sub.id)
                line.raw(",\"tenantId\":")
                line.string(t.tenantID)
                line.raw(",\"properties\":{\"statusCode\":")
                line.string(statusCode)
                if let statusMessage {
                    line.raw(",\"statusMessage\":")
                    line.string(statusMessage)
                }
                line.raw(",\"eventCategory\":\"Administrative\",\"entity\":")
                line.string(op.scope)
                line.raw(",\"message\":")
                line.string(action)
                line.raw(",\"hierarchy\":")
                line.string(writer.hierarchy[subscription])
                line.raw("},\"relatedEvents\":[]}")
            }
        }

        /// JWT claims as the Activity Log records them (REFERENCE.md §1.9.5): `objectidentifier` is
        /// the caller's object id.
        mutating func claims(_ op: Operation, caller p: Tenant.PrincipalNode) {
            let tenantID = t.tenantID
            line.raw("{\"aud\":\"https://management.core.windows.net/\",\"iss\":")
            line.string("https://sts.windows.net/\(tenantID)/")
            line.raw(",\"iat\":\"\(op.iat)\",\"nbf\":\"\(op.iat)\",\"exp\":\"\(op.iat + 4_500 + (op.iat % 900))\"")
            switch p.kind {
            case .user, .guest:
                line.raw(",\"http://schemas.microsoft.com/claims/authnclassreference\":\"1\",\"aio\":")
                line.string(op.aio)
                line.raw(",\"http://schemas.microsoft.com/claims/authnmethodsreferences\":\"pwd,mfa\",\"appid\":\"")
                line.raw(ActivityWriter.azureCLIAppID)
                line.raw("\",\"appidacr\":\"0\"")
                if let g = writer.groupsOf[op.caller] {
                    line.raw(",\"groups\":")
                    line.string(g)
                }
                if p.kind == .guest {
                    line.raw(",\"http://schemas.microsoft.com/identity/claims/identityprovider\":\"https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/\"")
                }
                line.raw(",\"idtyp\":\"user\",\"ipaddr\":")
                line.string(op.ip)
                line.raw(",\"name\":")
                line.string(p.displayName)
                line.raw(",\"http://schemas.microsoft.com/identity/claims/objectidentifier\":")
                line.string(p.id)
                line.raw(",\"puid\":\"10032002F9C7\(String(op.iat % 10000))\",\"rh\":")
                line.string(op.rh)
                line.raw(",\"http://schemas.microsoft.com/identity/claims/scope\":\"user_impersonation\",\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier\":")
                line.string(op.nameIdentifier)
                line.raw(",\"http://schemas.microsoft.com/identity/claims/tenantid\":")
                line.string(tenantID)
                line.raw(",\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name\":")
                line.string(p.userPrincipalName ?? "")
                line.raw(",\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn\":")
                line.string(p.userPrincipalName ?? "")
                line.raw(",\"uti\":")
                line.string(op.uti)
                line.raw(",\"ver\":\"1.0\",\"xms_cae\":\"1\",\"xms_tcdt\":\"1671088307\"}")
            case .servicePrincipal, .managedIdentity, .group:
                line.raw(",\"aio\":")
                line.string(op.aio)
                line.raw(",\"appid\":")
                line.string(p.appID ?? p.id)
                line.raw(",\"appidacr\":\"2\",\"http://schemas.microsoft.com/identity/claims/identityprovider\":")
                line.string("https://sts.windows.net/\(tenantID)/")
                line.raw(",\"idtyp\":\"app\",\"http://schemas.microsoft.com/identity/claims/objectidentifier\":")
                line.string(p.id)
                line.raw(",\"rh\":")
                line.string(op.rh)
                line.raw(",\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier\":")
                line.string(p.id)
                line.raw(",\"http://schemas.microsoft.com/identity/claims/tenantid\":")
                line.string(tenantID)
                line.raw(",\"uti\":")
                line.string(op.uti)
                line.raw(",\"ver\":\"1.0\"")
                if let mirid = p.resourceID {
                    line.raw(",\"xms_mirid\":")
                    line.string(mirid)
                }
                line.raw("}")
            }
        }

        static func dashless(_ guid: String) -> String {
            String(decoding: guid.utf8.filter { $0 != UInt8(ascii: "-") }, as: UTF8.self)
        }
    }
}
