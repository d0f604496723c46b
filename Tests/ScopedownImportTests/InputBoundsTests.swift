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
        let folder = TempFolder()
        let path = folder.write("PT1H.json", lines.joined(separator: "\n") + "\n")
        return readError(path)
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
        let alphabet = Array(#"{}[],:" tfn0123456789.eE+-xa"#.utf8)
        for _ in 0..<RandomCases.count(default: 150) {
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
            let parses = (try? JSONDocument.parse(line, file: "x")) != nil
            let err = Self.readJSONLines([Self.record, text])
            #expect((err == nil) == parses, "\(text)\nreader: \(err.map { "\($0)" } ?? "accepted"), parser: \(parses)")
        }
    }
}
