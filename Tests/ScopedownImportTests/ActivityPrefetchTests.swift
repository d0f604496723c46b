import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Activity Log prefetch")
struct ActivityPrefetchTests {
    static let line = #"{"time":"2024-05-01T10:00:00Z","resultType":"Success","resultSignature":"Succeeded.","identity":{"authorization":{"scope":"/subscriptions/s1","action":"Microsoft.Compute/virtualMachines/write"}}}"#

    /// What `ActivityLogReader.read` gives for the file, and the file's identity (its records).
    static func direct(_ file: InputFile) throws -> (ActivityReadResult, [ScannedEvent], String) {
        var events: [ScannedEvent] = []
        let result = try ActivityLogReader.read(file, consumer: { events += $0.events })
        return (result, events, result.records?.text() ?? "")
    }

    @Test("small JSON Lines files are prefetched with the same scan and hash; other files, skipped ones and unknown ones are not")
    func prefetch() throws {
        let folder = TempFolder()
        func file(_ name: String, _ text: String) -> InputFile { InputFile(displayName: name, path: folder.write(name, text)) }
        let a = file("a/PT1H.json", Self.line + "\n" + Self.line.replacingOccurrences(of: "10:00", with: "11:00") + "\n")
        let bom = file("bom.json", "\u{FEFF}" + Self.line + "\n")
        let csv = file("usage.csv", "principalId,caller,action,scope,day,uses,deniedAttempts,firstSeen,lastSeen,roleAssignmentId\n")
        let document = file("doc.json", "[" + Self.line + "]")
        let skipped = file("skipped.json", Self.line + "\n")
        let bad = file("bad.json", Self.line + "\n{\"time\": tru\n")
        let last = file("z.json", Self.line + "\n")
        let prefetcher = ActivityPrefetcher(files: [a, bom, csv, document, skipped, bad, last], ahead: 2)
        prefetcher.start()
        defer { prefetcher.cancel() }
        for f in [a, bom, last] where f != last {
            let p = try #require(prefetcher.take(f))
            let (result, events, sha) = try Self.direct(f)
            var got: [ScannedEvent] = []
            let r = try ActivityLogReader.read(f, prefetched: p, consumer: { got += $0.events })
            #expect(p.identity == sha && sha.hasPrefix("records:"))
            #expect(r.records?.text() == sha)
            #expect(r.rawBytes == result.rawBytes && r.decodedBytes == result.decodedBytes && r.events == result.events)
            #expect(got.map(\.dedupHash) == events.map(\.dedupHash))
        }
        #expect(prefetcher.take(csv) == nil)
        #expect(prefetcher.take(document) == nil)
        // `skipped` is never asked for; the bad file's error is the one the direct read reports
        let p = try #require(prefetcher.take(bad))
        var direct = ""
        do { _ = try Self.direct(bad) } catch { direct = "\(error)" }
        var prefetched = ""
        do { _ = try ActivityLogReader.read(bad, prefetched: p, consumer: { _ in }) } catch { prefetched = "\(error)" }
        #expect(!direct.isEmpty && prefetched == direct)
        #expect(prefetcher.take(InputFile(displayName: "elsewhere.json", path: folder.path + "/elsewhere.json")) == nil)
        #expect(try #require(prefetcher.take(last)).identity == (try Self.direct(last)).2)
        #expect(prefetcher.take(a) == nil) // already past it
    }

    @Test("a named pipe in the list is left to the normal path and does not stall the prefetcher")
    func namedPipe() throws {
        let folder = TempFolder()
        let pipePath = folder.path + "/pipe.json"
        #expect(mkfifo(pipePath, 0o600) == 0)
        let pipe = InputFile(displayName: "pipe.json", path: pipePath)
        let after = InputFile(displayName: "z.json", path: folder.write("z.json", Self.line + "\n"))
        let prefetcher = ActivityPrefetcher(files: [pipe, after])
        prefetcher.start()
        #expect(prefetcher.take(pipe) == nil)
        #expect(prefetcher.take(after) != nil)
        prefetcher.cancel()
    }
}
