import Foundation
import ScopedownCore
@testable import ScopedownImport
import Testing

/// Bounded work on any input: record lengths are capped, echoed input is cut, every line is checked.
@Suite("input bounds")
struct InputBoundsTests {
    static let usageHeader = "principalId,caller,action,scope,day,uses,deniedAttempts,firstSeen,lastSeen,roleAssignmentId\n"
    static let usageRow = "aaaaaaaa-0000-0000-0000-000000000001,alice@contoso.com,Microsoft.Compute/virtualMachines/write,/subscriptions/s1,2024-05-01,3,1,,,\n"

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
}
