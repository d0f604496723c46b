import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

/// Bounded work on any input: record lengths are capped, echoed input is cut, every line is checked.
@Suite("input bounds")
struct InputBoundsTests {
    static let usageHeader = "principalId,caller,action,scope,day,uses,deniedAttempts,firstSeen,lastSeen,roleAssignmentId\n"
    static let usageRow = "aaaaaaaa-0000-0000-0000-000000000001,alice@contoso.com,Microsoft.Compute/virtualMachines/write,/subscriptions/00000000-0000-0000-0000-000000000001,2024-05-01,3,1,,,\n"

    static func readError(_ path: String, options: ActivityReadOptions = ActivityReadOptions()) -> Diagnostic? {
        do {
            _ = try ActivityLogReader.read(InputFile(displayName: path, path: path), options: options, consumer: { _ in }, usageRows: { _ in })
            return nil
        } catch let d as Diagnostic {
            return d
        } catch {
            return Diagnostic.error("\(error)", file: path)
        }
    }

    @Test("a CSV record longer than the cap is an error naming its line, in both CSV shapes")
    func csvRecordCap() throws {
        let folder = TempFolder()
        let long = String(repeating: "x", count: 3 << 20)
        let usage = folder.write("usage.csv", Self.usageHeader + Self.usageRow + "a,b,\"" + long + "\",/s,2024-05-01,1,0,,,\n")
        let activity = folder.write("activity.csv", "TimeGenerated,OperationNameValue,ActivityStatusValue,Authorization,Caller\n"
                                    + "2024-05-01T00:00:00Z,\"" + long + "\",Success,,\n")
        var options = ActivityReadOptions()
        options.maxRecordBytes = 1 << 20
        for (path, line) in [(usage, 3), (activity, 2)] {
            let d = try #require(Self.readError(path, options: options))
            #expect(d.message == "a record longer than 1 MiB", "\(d)")
            #expect(d.line == line)
        }
    }

    @Test("input echoed in an error is cut at 200 characters")
    func echoedInputIsCut() throws {
        let folder = TempFolder()
        let path = folder.write("usage.csv", Self.usageHeader + "a,b,Microsoft.Compute/virtualMachines/write,/s," + String(repeating: "9", count: 100_000) + ",1,0,,,\n")
        let d = try #require(Self.readError(path))
        #expect(d.line == 2)
        #expect(d.message.count < 300, "\(d.message.prefix(300))")
    }

    /// A diagnostic-archive record with nested objects, arrays, numbers and literals.
    static let record = #"{"time":"2024-05-01T10:00:00.1Z","resourceId":"/SUBSCRIPTIONS/S1","operationName":"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE","category":"Administrative","resultType":"Success","level":4,"durationMs":-0.5e+3,"identity":{"authorization":{"action":"Microsoft.Compute/virtualMachines/write","scope":"/subscriptions/s1","evidence":{"role":"Owner","principalId":"aaaaaaaa00000000000000000000000a"}},"claims":{"oid":"aaaaaaaa-0000-0000-0000-00000000000a"}},"properties":{"a":[1,true,false,null,{},[],{"b":[0.25,"x"]}],"n":null,"e":1E9}}"#

    static func readJSONLines(_ lines: [String]) -> Diagnostic? {
        readJSONLines(bytes: lines.map { Array($0.utf8) })
    }

    static func readJSONLines(bytes lines: [[UInt8]]) -> Diagnostic? {
        let folder = TempFolder()
        return readError(folder.write("PT1H.json", lines.flatMap { $0 + [0x0A] }))
    }

    @Test("every JSON Lines line is checked as strictly as a JSON parser checks it")
    func jsonLinesLineByLine() throws {
        #expect(Self.readJSONLines([Self.record, Self.record]) == nil)
        let broken = Self.record.replacingOccurrences(of: #""properties":{"#, with: #""properties":{"a":tru,"b" 1,"#)
        let d = try #require(Self.readJSONLines([Self.record, broken]))
        #expect(d.line == 2, "\(d)")
        for bad in [#""n":nul"#, #""n":01"#, #""n":1."#, #""n":-"#, #""n":1e"#, #""n":[1,]"#, #""n":{"x"}"#, #""n":{"x":1,}"#,
                    #""n":[1 2]"#, #""n":{,}"#, #""n":truex"#, #""n":NaN"#, #""n":{"x":1 "y":2}"#, #""n":[:]"#] {
            let line = Self.record.replacingOccurrences(of: #""n":null"#, with: bad)
            #expect(Self.readJSONLines([Self.record, line]) != nil, "accepted \(bad)")
        }
    }

    @Test("a JSON Lines line with one byte changed is accepted exactly when a JSON parser accepts it")
    func jsonLinesMutations() throws {
        var rng = SeededGenerator(seed: 0x5EED_0012)
        let bytes = Array(Self.record.utf8)
        // structure, and what goes inside strings: backslashes and escape letters, UTF-8 lead and
        // continuation bytes, control bytes
        let alphabet = Array(#"{}[],:" tfn0123456789.eE+-xa\\\\uqbrU/"#.utf8) + [0xC3, 0xA9, 0x80, 0xFF, 0x01, 0x09, 0x1F, 0x7F]
        for _ in 0..<RandomCases.count(default: 300) {
            var line = bytes
            for _ in 0..<Int.random(in: 1...2, using: &rng) {
                let at = Int.random(in: 1..<(line.count - 1), using: &rng)
                let b = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: line[at] = b
                case 1: line.insert(b, at: at)
                default: line.remove(at: at)
                }
            }
            let text = String(decoding: line, as: UTF8.self)
            var parserError: Diagnostic? = nil
            do { _ = try JSONDocument.parse(line, file: "x") } catch let d as Diagnostic { parserError = d } catch {}
            let err = Self.readJSONLines(bytes: [bytes, line])
            #expect((err == nil) == (parserError == nil), "\(text)\nreader: \(err.map { "\($0)" } ?? "accepted"), parser: \(parserError.map { "\($0)" } ?? "accepted")")
            // the file and line of the reader's error (the column may differ where the parser and
            // the reader meet different errors first)
            if let err {
                #expect(err.file.hasSuffix("PT1H.json") && err.line == 2 && err.column != nil, "\(err)")
            }
        }
    }

    static let subscription = #"[{"id": "/subscriptions/11111111-1111-1111-1111-111111111111", "subscriptionId": "11111111-1111-1111-1111-111111111111", "name": "prod", "state": "Enabled", "tenantId": "22222222-2222-2222-2222-222222222222", "isDefault": true, "cloudName": "AzureCloud"}]"#

    @Test("valid JSON after more than 64 KiB of leading whitespace imports", arguments: [70_000, 1_500_000])
    func leadingWhitespace(_ count: Int) throws {
        let folder = TempFolder()
        let pad = String(repeating: " ", count: count - 3) + "\n\n\n"
        let inventory = folder.write("subs.json", pad + Self.subscription)
        let format = try FormatDetector.detect(InputFile(displayName: "subs.json", path: inventory))
        #expect(format.kind == .subscriptions)
        let decoded = try InventoryImporter.decode(InputFile(displayName: "subs.json", path: inventory), format: format)
        #expect(decoded.batch.subscriptions.count == 1)
        let lines = folder.write("PT1H.json", pad + Self.record + "\n" + Self.record + "\n")
        #expect(try FormatDetector.detect(InputFile(displayName: "PT1H.json", path: lines)).kind == .activityLog)
        #expect(Self.readError(lines) == nil)
    }

    /// A role-definition array whose last element nests `depth` levels in all (the array included),
    /// placed within the first 64 KiB or after them.
    static func deepRoles(depth: Int, far: Bool) -> String {
        let role = #"{"roleName":"R","name":"11111111-1111-1111-1111-111111111111","id":"/providers/Microsoft.Authorization/roleDefinitions/11111111-1111-1111-1111-111111111111","type":"Microsoft.Authorization/roleDefinitions","roleType":"CustomRole","description":"d","assignableScopes":["/"],"permissions":[{"actions":[],"notActions":[],"dataActions":[],"notDataActions":[]}]"#
        let padding = far ? Array(repeating: role + #","description":"\#(String(repeating: "p", count: 1000))"}"#, count: 80) : []
        let levels = depth - 2
        let deep = role.replacingOccurrences(of: "11111111-1111-1111-1111-111111111111", with: "33333333-3333-3333-3333-333333333333") + #","x":"# + String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + "}"
        return "[" + (padding + [deep]).joined(separator: ",\n") + "]\n"
    }

    @Test("the nesting limit is 512 levels wherever the value is in the file")
    func depthLimitEverywhere() throws {
        let folder = TempFolder()
        for far in [false, true] {
            for depth in [512, 513] {
                let path = folder.write("roles-\(far)-\(depth).json", Self.deepRoles(depth: depth, far: far))
                let file = InputFile(displayName: "roles.json", path: path)
                let result = Result { try InventoryImporter.decode(file, format: try FormatDetector.detect(file)) }
                if depth == 512 {
                    #expect(throws: Never.self, "far: \(far)") { try result.get() }
                } else {
                    #expect(throws: Diagnostic.self, "far: \(far)") { try result.get() }
                }
                // JSON Lines: the record, its `properties` and arrays inside, `depth` levels in all
                let levels = depth - 2
                let line = Self.record.replacingOccurrences(of: #""n":null"#, with: #""n":"# + String(repeating: "[", count: levels) + String(repeating: "]", count: levels))
                let padding = far ? Array(repeating: Self.record, count: 120) : []
                let err = Self.readJSONLines([Self.record] + padding + [line])
                #expect((err == nil) == (depth == 512), "JSON Lines, far: \(far), depth \(depth): \(err.map { "\($0)" } ?? "accepted")")
            }
        }
    }

    @Test("binary data is blamed on its first bad byte: value, offset, line and column")
    func binaryByteBlamed() throws {
        let folder = TempFolder()
        let cases: [([UInt8], String)] = [
            (Array("TimeGenerated,OperationNameValue,ActivityStatusValue\n2024-05-01,op,Succ".utf8) + [0x1B] + Array("ess\n".utf8),
             "x.csv:2:19: error: not a text file: found binary data (byte 0x1B at offset 71)"),
            (Array("abc".utf8) + [0xFF, 0x0A], "x.csv:1:4: error: not a text file: found binary data (byte 0xFF at offset 3)"),
            (Array("é,".utf8) + [0xE2, 0x28, 0xA1], "x.csv:1:4: error: not a text file: found binary data (byte 0x28 at offset 4)"),
        ]
        for (bytes, expected) in cases {
            let path = folder.write("x.csv", bytes)
            do {
                _ = try FormatDetector.detect(InputFile(displayName: "x.csv", path: path))
                Issue.record("accepted \(bytes)")
            } catch let d as Diagnostic {
                #expect(d.description.hasPrefix(expected), "\(d)")
            }
        }
    }
}
