import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

/// One event with its strings resolved, for comparisons.
struct FlatEvent: Hashable, Comparable, CustomStringConvertible {
    var dedup: UInt64
    var principal: String
    var action: String
    var scope: String
    var assignment: String
    var time: Int64
    var status: String
    var denied: Bool
    var hasOperation: Bool

    static func < (a: FlatEvent, b: FlatEvent) -> Bool { a.description < b.description }
    var description: String {
        "\(time) \(status) \(action) @ \(scope) by \(principal) via \(assignment) denied=\(denied) op=\(hasOperation) #\(dedup)"
    }
}

/// Reads a file through the real reader and resolves the local ids.
func readEvents(_ path: String, options: ActivityReadOptions = ActivityReadOptions()) throws -> (events: [FlatEvent], result: ActivityReadResult) {
    var strings: [Int: [[String]]] = [:]
    var out: [FlatEvent] = []
    let result = try ActivityLogReader.read(InputFile(displayName: path, path: path), options: options) { batch in
        var s = strings[batch.scanner] ?? Array(repeating: [], count: 4)
        for t in 0..<4 { s[t] += batch.newStrings[t] }
        strings[batch.scanner] = s
        for e in batch.events {
            out.append(FlatEvent(dedup: e.dedupHash,
                                 principal: e.principal >= 0 ? s[0][Int(e.principal)] : "",
                                 action: s[1][Int(e.action)],
                                 scope: e.scope >= 0 ? s[2][Int(e.scope)] : "",
                                 assignment: e.assignment >= 0 ? s[3][Int(e.assignment)] : "",
                                 time: e.time, status: e.status.name, denied: e.denied, hasOperation: e.operationHash != 0))
        }
    }
    return (out.sorted(), result)
}

/// The reference extraction: a full parse with JSONSerialization, then the documented rules
/// (REFERENCE.md §1.9, §3.3) applied to dictionaries. Written independently of the scanner.
enum ReferenceExtractor {
    static func lookup(_ d: [String: Any], _ names: String...) -> Any? {
        for n in names {
            if let hit = d.first(where: { $0.key.lowercased() == n }) , !(hit.value is NSNull) { return hit.value }
        }
        return nil
    }

    static func text(_ v: Any?) -> String? {
        if let s = v as? String { return s }
        if let d = v as? [String: Any], let s = lookup(d, "value") as? String { return s }
        return nil
    }

    static func object(_ v: Any?) -> [String: Any]? {
        if let d = v as? [String: Any] { return d }
        if let s = v as? String, let data = s.data(using: .utf8),
           let d = try? JSONSerialization.jsonObject(with: data) as? [String: Any] { return d }
        return nil
    }

    static func events(_ value: Any) -> [(record: [String: Any], raw: Bool)] {
        if let a = value as? [Any] { return a.flatMap { events($0) } }
        guard let d = value as? [String: Any] else { return [] }
        if let r = lookup(d, "records") as? [Any] { return r.flatMap { events($0) } }
        if let r = lookup(d, "value") as? [Any] { return r.flatMap { events($0) } }
        return [(d, true)]
    }

    /// (principal, action, scope, assignment, time, status, denied, hasOperation) of a record, or nil
    /// when it has no authorization action or time.
    static func extract(_ d: [String: Any]) -> FlatEvent? {
        var auth: [String: Any]? = nil
        var claims: [String: Any]? = nil
        if let identity = lookup(d, "identity") as? [String: Any] {
            auth = object(lookup(identity, "authorization"))
            claims = object(lookup(identity, "claims"))
        }
        if let a = object(lookup(d, "authorization_d")) ?? object(lookup(d, "authorization")) { auth = auth ?? a }
        if let c = object(lookup(d, "claims_d")) ?? object(lookup(d, "claims")) { claims = claims ?? c }
        guard let action = (auth.flatMap { lookup($0, "action") as? String }), !action.isEmpty else { return nil }
        guard let timeText = text(lookup(d, "time", "eventtimestamp", "timegenerated")), let time = ActivityTime.parse(timeText) else { return nil }
        let evidence = auth.flatMap { lookup($0, "evidence") as? [String: Any] }
        var principal = claims.flatMap { lookup($0, "http://schemas.microsoft.com/identity/claims/objectidentifier", "oid") as? String }
        if principal?.isEmpty ?? false { principal = nil }
        if principal == nil, let e = evidence, let p = lookup(e, "principalid") as? String,
           let t = lookup(e, "principaltype") as? String, ["user", "serviceprincipal"].contains(t.lowercased()) { principal = p }
        if principal == nil { principal = lookup(d, "caller") as? String }
        let scope = (auth.flatMap { lookup($0, "scope") as? String }).flatMap { $0.isEmpty ? nil : $0 } ?? (lookup(d, "resourceid") as? String) ?? ""
        var status = ActivityStatus.normalize(text(lookup(d, "activitystatusvalue", "resulttype", "status")) ?? "")
        if status == .missing { status = ActivityStatus.normalize(text(lookup(d, "activitystatus")) ?? "") }
        var denied = false
        if status == .failed {
            let sub = (text(lookup(d, "activitysubstatusvalue", "resultsignature", "substatus")) ?? "") + " " + (text(lookup(d, "activitysubstatus")) ?? "")
            denied = isAuthorizationFailureText(sub.lowercased())
            if !denied, let p = lookup(d, "properties_d", "properties") {
                let raw: String
                if let s = p as? String { raw = s } else if let data = try? JSONSerialization.data(withJSONObject: p) { raw = String(decoding: data, as: UTF8.self) } else { raw = "" }
                let l = raw.lowercased()
                denied = l.contains("authorizationfailed") || l.contains("forbidden") || l.contains("403")
            }
        }
        let corr = (lookup(d, "correlationid") as? String) ?? ""
        let evidenceID = (evidence.flatMap { lookup($0, "roleassignmentid") as? String }) ?? ""
        return FlatEvent(dedup: 0, principal: principal ?? "", action: action, scope: scope, assignment: evidenceID,
                         time: time, status: status.name, denied: denied, hasOperation: !corr.isEmpty)
    }

    /// Concatenated pretty-printed values: split with a bracket counter, then parse each.
    static func readConcatenated(_ path: String) throws -> [FlatEvent] {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var values: [Any] = []
        var depth = 0, inString = false, escape = false, start = 0
        for (i, b) in bytes.enumerated() {
            if inString {
                if escape { escape = false } else if b == 0x5C { escape = true } else if b == 0x22 { inString = false }
                continue
            }
            if b == 0x22 { inString = true } else if b == 0x7B || b == 0x5B { if depth == 0 { start = i }; depth += 1 } else if b == 0x7D || b == 0x5D {
                depth -= 1
                if depth == 0 { values.append(try JSONSerialization.jsonObject(with: Data(bytes[start...i]))) }
            }
        }
        return values.flatMap { events($0) }.compactMap { extract($0.record) }.sorted()
    }

    static func read(_ path: String) throws -> [FlatEvent] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var values: [Any] = []
        if let v = try? JSONSerialization.jsonObject(with: data) {
            values = [v]
        } else {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                values.append(try JSONSerialization.jsonObject(with: Data(line.utf8)))
            }
        }
        return values.flatMap { events($0) }.compactMap { extract($0.record) }.sorted()
    }
}

func withoutDedup(_ e: [FlatEvent]) -> [FlatEvent] {
    e.map { var x = $0; x.dedup = 0; return x }.sorted()
}

@Suite("Activity Log scanner")
struct ActivityLogScannerTests {
    static let samples = ["activitylog-azcli-rest-sample.json", "activitylog-eventhub-records-sample.json",
                          "activitylog-storage-pt1h-sample.jsonl", "bodies/GetActivityLogsFiltered.body.json"]

    @Test("every real sample: the scanner agrees with a full parse", .enabled(if: SharedData.isAvailable, SharedData.skipMessage),
          arguments: samples)
    func realSamplesMatchFullParse(_ name: String) throws {
        let path = SharedData.url(name).path
        let scanned = try readEvents(path).events
        let reference = try ReferenceExtractor.read(path)
        #expect(!scanned.isEmpty)
        #expect(withoutDedup(scanned) == reference)
    }

    @Test("diagnostic archive sample: real values", .enabled(if: SharedData.isAvailable, SharedData.skipMessage))
    func diagnosticArchiveValues() throws {
        let (events, result) = try readEvents(SharedData.url("activitylog-storage-pt1h-sample.jsonl").path)
        #expect(result.layout == .jsonLines)
        // lines 1-3 carry identity.authorization; lines 4-5 have an empty identity, line 6 is ResourceHealth
        #expect(events.count == 3)
        #expect(result.withoutAuthorization == 3)
        let delete = try #require(events.first { $0.action == "Microsoft.Resources/subscriptions/resourceGroups/delete" })
        #expect(delete.principal == "f7202482-ee08-4d1c-8665-1b25942e1c59")
        #expect(delete.assignment == "95a6e1077f8c434d9400106e7d9ba68c")
        #expect(delete.scope == "/subscriptions/69349acf-2a6c-409d-a925-96ba0c5f099f/resourceGroups/DefaultResourceGroup-EUS")
        #expect(delete.status == "succeeded")
        #expect(ActivityTime.isoString(delete.time) == "2023-12-12T12:06:20Z")
        let listKeys = try #require(events.first { $0.action.hasSuffix("listKeys/action") })
        #expect(listKeys.status == "started")
        // no oid claim: the evidence principal (a ServicePrincipal) is the caller
        #expect(listKeys.principal == "8a4de8b5-095c-47d0-a96f-a75130c61d53")
    }

    @Test("REST and az shapes: authorization.action, caller, status{value}", .enabled(if: SharedData.isAvailable, SharedData.skipMessage))
    func restShapes() throws {
        let (az, azResult) = try readEvents(SharedData.url("activitylog-azcli-rest-sample.json").path)
        #expect(azResult.layout == .jsonDocument)
        #expect(az.count == 2)
        #expect(az.allSatisfy { $0.assignment.isEmpty })
        let ticket = try #require(az.first { $0.action == "microsoft.support/supporttickets/write" })
        #expect(ticket.principal == "2468adf0-8211-44e3-95xq-85137af64708") // the oid claim as given
        let (page, _) = try readEvents(SharedData.url("bodies/GetActivityLogsFiltered.body.json").path)
        #expect(page.count == 1)
    }

    @Test("nested look-alike keys are ignored; keys in any order and any case; nulls and escapes")
    func nestingAndEscapes() throws {
        let folder = TempFolder()
        let line1 = #"{"properties":{"action":"Evil/action","identity":{"authorization":{"action":"x"}}},"identity":{"claims":{"oid":"11111111-1111-1111-1111-111111111111","nested":{"oid":"bad"}},"authorization":{"evidence":{"principalId":"x","action":"no"},"scope":"/subscriptions/S\u002Fx","action":"Microsoft.Compute/virtualMachines/start\/action"}},"TIME":"2024-01-02T03:04:05+01:00","resultType":"Success","caller":null}"#
        let line2 = #"{"time":"2024-01-02T00:00:00Z","identity":"a string identity","resultType":"Success"}"#
        let line3 = #"{"time":"2024-01-02T00:00:00Z","identity":{"authorization":{"action":"A/\"quoted\" \u00e9\ud83d\ude00","scope":"/"}},"resultType":"Failure","resultSignature":"Failed.AuthorizationFailed","correlationId":"c1"}"#
        let path = folder.write("x.jsonl", [line1, line2, line3].joined(separator: "\n") + "\n")
        let events = try readEvents(path).events
        #expect(events.count == 2)
        let start = try #require(events.first { $0.action.hasPrefix("Microsoft.Compute") })
        #expect(start.action == "Microsoft.Compute/virtualMachines/start/action")
        #expect(start.scope == "/subscriptions/S/x")
        #expect(start.principal == "11111111-1111-1111-1111-111111111111")
        #expect(ActivityTime.isoString(start.time) == "2024-01-02T02:04:05Z")
        let failed = try #require(events.first { $0.status == "failed" })
        #expect(failed.action == "A/\"quoted\" é😀")
        #expect(failed.denied)
        #expect(failed.hasOperation)
        #expect(withoutDedup(events) == (try ReferenceExtractor.read(path)))
    }

    @Test("status normalization across shapes (REFERENCE.md §1.9.3)")
    func statusNormalization() {
        #expect(ActivityStatus.normalize("Success") == .succeeded)
        #expect(ActivityStatus.normalize("SUCCEEDED") == .succeeded)
        #expect(ActivityStatus.normalize("Start") == .started)
        #expect(ActivityStatus.normalize("started") == .started)
        #expect(ActivityStatus.normalize("Accept") == .accepted)
        #expect(ActivityStatus.normalize("Accepted") == .accepted)
        #expect(ActivityStatus.normalize("Failure") == .failed)
        #expect(ActivityStatus.normalize("Failed") == .failed)
        #expect(ActivityStatus.normalize("In Progress") == .other)
        #expect(ActivityStatus.normalize("") == .missing)
    }

    @Test("times: fractions, offsets, bad input")
    func times() {
        #expect(ActivityTime.parse("2023-12-12T12:06:20.0559464Z") == 1_702_382_780)
        #expect(ActivityTime.parse("1970-01-01T00:00:00Z") == 0)
        #expect(ActivityTime.parse("2024-02-29T23:59:59-01:00") == ActivityTime.parse("2024-03-01T00:59:59Z"))
        #expect(ActivityTime.parse("2024-13-01T00:00:00Z") == nil)
        #expect(ActivityTime.parse("yesterday") == nil)
        #expect(ActivityTime.dayString(19_703) == "2023-12-12")
        #expect(ActivityTime.parseDay("2023-12-12") == 19_703)
    }

    @Test("random events: scanner == full parse, whatever the chunking and the number of threads")
    func randomEvents() throws {
        var rng = SeededGenerator(seed: 42)
        let cases = RandomCases.count(default: 25)
        for c in 0..<cases {
            let folder = TempFolder()
            let count = Int.random(in: 1...60, using: &rng)
            var records: [[String: Any]] = []
            for _ in 0..<count { records.append(RandomEvents.record(&rng)) }
            let layout = c % 5
            var text = ""
            switch layout {
            case 0: text = records.map(RandomEvents.json).joined(separator: "\n") + "\n"
            case 1: text = RandomEvents.json(records, pretty: true)
            case 2: text = RandomEvents.json(["value": records, "nextLink": NSNull()], pretty: c % 8 == 2)
            case 3: text = records.chunked(5).map { RandomEvents.json(["records": $0]) }.joined(separator: "\n")
            default: // Event Hubs messages saved pretty-printed one after another, and plain objects
                text = records.chunked(4).enumerated().map { i, chunk in
                    i % 2 == 0 ? RandomEvents.json(["records": chunk], pretty: true) : chunk.map { RandomEvents.json($0, pretty: true) }.joined(separator: "\n")
                }.joined(separator: "\n")
            }
            let path = folder.write("r.json", text)
            let reference = layout == 4 ? try ReferenceExtractor.readConcatenated(path) : try ReferenceExtractor.read(path)
            let one = try readEvents(path, options: ActivityReadOptions(workers: 1))
            let many = try readEvents(path, options: ActivityReadOptions(workers: 3, chunkBytes: 4096))
            #expect(withoutDedup(one.events) == reference, "case \(c) layout \(layout)")
            #expect(one.events == many.events, "case \(c): chunking changed the result")
        }
    }

    @Test("gzip input is read directly")
    func gzip() throws {
        let folder = TempFolder()
        var rng = SeededGenerator(seed: 7)
        let text = (0..<200).map { _ in RandomEvents.json(RandomEvents.record(&rng)) }.joined(separator: "\n") + "\n"
        let plain = folder.write("a.json", text)
        let gz = folder.write("a.json.gz", GzipWriter.compress(Array(text.utf8)))
        #expect(try readEvents(gz).events == (try readEvents(plain).events))
    }

    @Test("bad input: a clear error with file and line, never a crash", arguments: [
        ("{\"time\":\"2024-01-01T00:00:00Z\"}\n{\"time\": \"x\n", 2, "unterminated string"),
        ("{\"time\":\"2024-01-01T00:00:00Z\"}\n{\"a\":1}}\n", 2, "unexpected data after the event"),
        ("[{\"a\":1},{\"b\":", 1, "unexpected end of input"),
        ("{\"a\":[1,2}\n", 1, "mismatched"),
    ])
    func badInput(_ text: String, _ line: Int, _ message: String) throws {
        let folder = TempFolder()
        let path = folder.write("bad.json", text)
        do {
            _ = try readEvents(path)
            Issue.record("expected an error")
        } catch let d as Diagnostic {
            #expect(d.line == line)
            #expect(d.message.contains(message), "\(d)")
            #expect(d.file == path)
        }
    }

    @Test("an unterminated value does not grow memory without bound", arguments: ["[{\"a\":\"", "{\"a\":\""])
    func unterminatedIsBounded(_ prefix: String) throws {
        let folder = TempFolder()
        let path = folder.write("open.json", prefix + String(repeating: "x", count: 3 << 20))
        do {
            _ = try readEvents(path, options: ActivityReadOptions(workers: 2, chunkBytes: 1 << 16, maxRecordBytes: 1 << 20))
            Issue.record("expected an error")
        } catch let d as Diagnostic {
            #expect(d.message.contains("longer than 1 MiB"), "\(d)")
        }
    }

    @Test("empty file")
    func emptyFile() throws {
        let folder = TempFolder()
        let path = folder.write("empty.json", "  \n")
        #expect(throws: Diagnostic.self) { try readEvents(path) }
    }

    @Test("Log Analytics AzureActivity CSV with Authorization_d JSON in a cell")
    func azureActivityCSV() throws {
        let folder = TempFolder()
        let csv = """
        TimeGenerated [UTC],OperationNameValue,ActivityStatusValue,ActivitySubstatusValue,Caller,CorrelationId,Authorization_d,Claims_d
        2024-05-01T10:00:00Z,MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE,Success,,alice@contoso.com,c1,"{""action"":""Microsoft.Compute/virtualMachines/write"",""scope"":""/subscriptions/s1/resourceGroups/rg"",""evidence"":{""roleAssignmentId"":""95a6e1077f8c434d9400106e7d9ba68c""}}","{""http://schemas.microsoft.com/identity/claims/objectidentifier"":""aaaaaaaa-0000-0000-0000-000000000001""}"
        2024-05-01T11:00:00Z,MICROSOFT.COMPUTE/VIRTUALMACHINES/DELETE,Failed,Forbidden,bob@contoso.com,c2,"{""action"":""Microsoft.Compute/virtualMachines/delete"",""scope"":""/subscriptions/s1""}",

        """
        let path = folder.write("la.csv", csv.replacingOccurrences(of: "TimeGenerated [UTC]", with: "TimeGenerated"))
        let (events, result) = try readEvents(path)
        #expect(result.layout == .azureActivityCSV)
        #expect(events.count == 2)
        let write = try #require(events.first { $0.action.hasSuffix("write") })
        #expect(write.principal == "aaaaaaaa-0000-0000-0000-000000000001")
        #expect(write.assignment == "95a6e1077f8c434d9400106e7d9ba68c")
        let delete = try #require(events.first { $0.action.hasSuffix("delete") })
        #expect(delete.principal == "bob@contoso.com")
        #expect(delete.denied)
    }

    @Test("Log Analytics query API tables (columns + rows) and az's array of row objects")
    func logAnalyticsJSON() throws {
        let folder = TempFolder()
        let auth = #"{\"action\":\"Microsoft.Compute/virtualMachines/write\",\"scope\":\"/subscriptions/s1\"}"#
        let tables = #"{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"Caller","type":"string"},{"name":"ActivityStatusValue","type":"string"},{"name":"Authorization","type":"string"},{"name":"Authorization_d","type":"dynamic"}],"rows":[["2024-05-01T10:00:00Z","alice@contoso.com","Success","\#(auth)",null],["2024-05-01T11:00:00Z","bob@contoso.com","Failure","",{"action":"Microsoft.Compute/virtualMachines/delete","scope":"/subscriptions/s1"}]]}]}"#
        let (events, _) = try readEvents(folder.write("la.json", tables))
        #expect(events.map(\.action) == ["Microsoft.Compute/virtualMachines/write", "Microsoft.Compute/virtualMachines/delete"].sorted { a, b in
            events.firstIndex { $0.action == a } ?? 0 < events.firstIndex { $0.action == b } ?? 0 })
        #expect(Set(events.map(\.principal)) == ["alice@contoso.com", "bob@contoso.com"])
        #expect(Set(events.map(\.status)) == ["succeeded", "failed"])
        let rows = #"[{"TimeGenerated":"2024-05-01T10:00:00Z","Caller":"alice@contoso.com","ActivityStatusValue":"Succeeded","Authorization_d":{"action":"A/b","scope":"/"},"TableName":"PrimaryResult"}]"#
        let (azRows, _) = try readEvents(folder.write("az.json", rows))
        #expect(azRows.map(\.action) == ["A/b"])
    }

    @Test("the portal's CSV export: `TimeGenerated [UTC]` and US-style times")
    func portalCSV() throws {
        let folder = TempFolder()
        let path = folder.write("portal.csv", """
        TimeGenerated [UTC],OperationNameValue,ActivityStatusValue,Caller,Authorization
        "9/29/2020, 11:11:02.578 PM",X,Succeeded,alice@contoso.com,"{""action"":""A/write"",""scope"":""/subscriptions/s1""}"
        "10/1/2020, 12:05:00 AM",X,Succeeded,alice@contoso.com,"{""action"":""A/write"",""scope"":""/subscriptions/s1""}"

        """)
        let (events, result) = try readEvents(path)
        #expect(result.withoutTime == 0)
        #expect(events.map { ActivityTime.isoString($0.time) } == ["2020-09-29T23:11:02Z", "2020-10-01T00:05:00Z"])
    }

    @Test("usage aggregate CSV rows")
    func usageCSV() throws {
        let folder = TempFolder()
        let path = folder.write("usage.csv", """
        principalId,caller,action,scope,day,uses,deniedAttempts,firstSeen,lastSeen,roleAssignmentId
        aaaaaaaa-0000-0000-0000-000000000001,alice@contoso.com,Microsoft.Compute/virtualMachines/write,/subscriptions/51515151-0000-0000-0000-000000000001,2024-05-01T00:00:00Z,3,1,2024-05-01T10:00:00Z,2024-05-01T12:00:00Z,95a6e1077f8c434d9400106e7d9ba68c

        """)
        var rows: [UsageAggregateRow] = []
        let result = try ActivityLogReader.read(InputFile(displayName: path, path: path), consumer: { _ in }, usageRows: { rows.append($0) })
        #expect(result.layout == .usageCSV)
        #expect(rows.count == 1)
        #expect(rows.first?.uses == 3)
        #expect(rows.first?.deniedAttempts == 1)
        #expect(rows.first.map { ActivityTime.dayString($0.day) } == "2024-05-01")
    }

    @Test("a usage aggregate row with a malformed action or scope is an error naming its line",
          arguments: [("Microsoft.Compute/write", "action"), ("virtualMachines/write", "action"), ("Microsoft.Compute/*/write", "action"),
                      ("Microsoft.Compute/virtual Machines/write", "action")])
    func usageCSVValidatesActions(action: String, column: String) throws {
        let message = try Self.usageCSVError(action: action, scope: "/subscriptions/51515151-0000-0000-0000-000000000001")
        #expect(message.hasPrefix("usage.csv:3: error: "), "\(message)")
        #expect(message.contains("in column `\(column)`"), "\(message)")
    }

    @Test("a usage aggregate row with a malformed scope is an error naming its line",
          arguments: ["subscriptions/51515151-0000-0000-0000-000000000001", "/subscriptions/s1", "/subscriptions//resourceGroups/rg",
                      "/resourceGroups/rg1", "/subscriptions/51515151-0000-0000-0000-000000000001/resourceGroups"])
    func usageCSVValidatesScopes(scope: String) throws {
        let message = try Self.usageCSVError(action: "Microsoft.Compute/virtualMachines/write", scope: scope)
        #expect(message.hasPrefix("usage.csv:3: error: "), "\(message)")
        #expect(message.contains("in column `scope`"), "\(message)")
    }

    /// The error of a usage CSV whose second data row (line 3) has `action` and `scope`.
    static func usageCSVError(action: String, scope: String) throws -> String {
        let folder = TempFolder()
        let path = folder.write("usage.csv", """
        principalId,caller,action,scope,day,uses,deniedAttempts,firstSeen,lastSeen,roleAssignmentId
        aaaaaaaa-0000-0000-0000-000000000001,alice@contoso.com,Microsoft.Compute/virtualMachines/write,/subscriptions/51515151-0000-0000-0000-000000000001,2024-05-01,3,1,,,
        aaaaaaaa-0000-0000-0000-000000000001,alice@contoso.com,\(action),\(scope),2024-05-01,3,1,,,

        """)
        let d = diagnostic { _ = try ActivityLogReader.read(InputFile(displayName: "usage.csv", path: path), consumer: { _ in }, usageRows: { _ in }) }
        return try #require(d).description
    }
}

extension Array {
    func chunked(_ n: Int) -> [[Element]] {
        stride(from: 0, to: count, by: n).map { Array(self[$0..<Swift.min($0 + n, count)]) }
    }
}

/// Random Activity Log records in every shape, with the traps the scanner must survive.
enum RandomEvents {
    static func pick<T>(_ a: [T], _ rng: inout SeededGenerator) -> T { a[Int.random(in: 0..<a.count, using: &rng)] }

    static func text(_ rng: inout SeededGenerator) -> String {
        let pieces = ["a", "Z", "/", "\"", "\\", "é", "😀", "\n", "\t", "\u{01}", " ", "action", "{", "}", "[", "]", ",", ":"]
        return (0..<Int.random(in: 0...8, using: &rng)).map { _ in pick(pieces, &rng) }.joined()
    }

    static func guid(_ rng: inout SeededGenerator, dashes: Bool = true) -> String {
        let hex = Array("0123456789abcdef")
        var s = String((0..<32).map { _ in hex[Int.random(in: 0..<16, using: &rng)] })
        if dashes {
            for i in [8, 13, 18, 23] { s.insert("-", at: s.index(s.startIndex, offsetBy: i)) }
        }
        return s
    }

    static func record(_ rng: inout SeededGenerator) -> [String: Any] {
        let actions = ["Microsoft.Compute/virtualMachines/write", "microsoft.storage/storageAccounts/listKeys/action",
                       "Microsoft.Authorization/roleAssignments/write", "x/" + text(&rng)]
        let statuses = ["Success", "Succeeded", "Start", "Started", "Accept", "Accepted", "Failure", "Failed", "In Progress", ""]
        var auth: [String: Any] = [:]
        if Int.random(in: 0..<10, using: &rng) > 0 { auth["action"] = pick(actions, &rng) }
        if Bool.random(using: &rng) { auth["scope"] = "/subscriptions/\(guid(&rng))/resourceGroups/rg\(Int.random(in: 0..<3, using: &rng))" }
        if Bool.random(using: &rng) {
            auth["evidence"] = ["roleAssignmentId": guid(&rng, dashes: false), "principalId": guid(&rng, dashes: false),
                                "principalType": pick(["User", "Group", "ServicePrincipal"], &rng), "action": "decoy"]
        }
        var claims: [String: Any] = ["aud": text(&rng), "nested": ["oid": "decoy"]]
        if Bool.random(using: &rng) { claims[pick(["oid", "http://schemas.microsoft.com/identity/claims/objectidentifier"], &rng)] = guid(&rng) }
        var r: [String: Any] = [:]
        let time = "2024-0\(Int.random(in: 1...9, using: &rng))-1\(Int.random(in: 0...9, using: &rng))T0\(Int.random(in: 0...9, using: &rng)):00:00.\(Int.random(in: 0...999, using: &rng))Z"
        let status = pick(statuses, &rng)
        let sub = pick(["Forbidden", "Failed.AuthorizationFailed", "Conflict", "Succeeded.", ""], &rng)
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: // diagnostic
            r["time"] = time
            r["identity"] = Bool.random(using: &rng) ? ["authorization": auth, "claims": claims] : [String: Any]()
            r["resultType"] = status
            r["resultSignature"] = sub
            r["operationName"] = "X/" + text(&rng)
        case 1: // REST
            r["eventTimestamp"] = time
            r["authorization"] = auth
            r["claims"] = claims
            r["status"] = ["value": status, "localizedValue": text(&rng)]
            r["subStatus"] = ["value": sub]
            r["eventDataId"] = guid(&rng)
        default: // Log Analytics row, Authorization as a string
            r["TimeGenerated"] = time
            r["Authorization"] = String(decoding: (try? JSONSerialization.data(withJSONObject: auth)) ?? Data(), as: UTF8.self)
            r["Claims_d"] = claims
            r["ActivityStatusValue"] = status
            r["ActivitySubstatusValue"] = sub
            r["EventDataId"] = guid(&rng)
        }
        if Bool.random(using: &rng) { r["caller"] = Bool.random(using: &rng) ? "user\(Int.random(in: 0..<3, using: &rng))@contoso.com" : NSNull() }
        if Bool.random(using: &rng) { r["correlationId"] = guid(&rng) }
        r["properties"] = ["action": "decoy", "statusCode": pick(["Forbidden", "OK", "Created"], &rng), "x": [text(&rng), NSNull(), 1.5, true]]
        r[text(&rng) + "k"] = text(&rng)
        return r
    }

    static func json(_ v: Any) -> String { json(v, pretty: false) }

    static func json(_ v: Any, pretty: Bool) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: v, options: pretty ? [.prettyPrinted] : [])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite("SHA-256 digest: split updates, libcrypto and portable paths")
struct SHA256DigestTests {
    @Test("NIST vectors; random splits and both digest paths agree")
    func vectors() {
        func hex(_ s: String) -> String { var h = SHA256(); h.update(Array(s.utf8)); return SHA256.hexString(h.finalize()) }
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<RandomCases.count(default: 20) {
            let bytes = (0..<Int.random(in: 0...3000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var h = SHA256()
            var i = 0
            while i < bytes.count {
                let n = min(bytes.count - i, Int.random(in: 1...200, using: &rng))
                h.update(Array(bytes[i..<(i + n)]))
                i += n
            }
            #expect(SHA256.hexString(h.finalize()) == SHA256.hex(bytes))
            let system = SHA256Digest(), portable = SHA256Digest(forcePortable: true)
            system.update(bytes)
            portable.update(bytes)
            #expect(system.hex() == SHA256.hex(bytes))
            #expect(portable.hex() == SHA256.hex(bytes))
        }
    }
}
