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

    @Test("small JSON Lines files and JSON documents are prefetched with the same scan and hash; other files, skipped ones and unknown ones are not")
    func prefetch() throws {
        let folder = TempFolder()
        func file(_ name: String, _ text: String) -> InputFile { InputFile(displayName: name, path: folder.write(name, text)) }
        let a = file("a/PT1H.json", Self.line + "\n" + Self.line.replacingOccurrences(of: "10:00", with: "11:00") + "\n")
        let bom = file("bom.json", "\u{FEFF}" + Self.line + "\n")
        let csv = file("usage.csv", "principalId,caller,action,scope,day,uses,deniedAttempts,firstSeen,lastSeen,roleAssignmentId\n")
        let document = file("doc.json", "[" + Self.line + ",\n" + Self.line.replacingOccurrences(of: "10:00", with: "12:00") + "]")
        let page = file("page.json", "{\"value\": [\n  " + Self.line + "\n], \"nextLink\": null}")
        let empty = file("empty.json", "{\"value\": [], \"nextLink\": null}")
        let broken = file("broken.json", "[" + Self.line + "]]")
        let skipped = file("skipped.json", Self.line + "\n")
        let bad = file("bad.json", Self.line + "\n{\"time\": tru\n")
        let badElement = file("bad-element.json", "[" + Self.line + ",\n{\"time\": tru}]")
        let last = file("z.json", Self.line + "\n")
        let prefetcher = ActivityPrefetcher(files: [a, bom, csv, document, page, empty, broken, skipped, bad, badElement, last], ahead: 2)
        prefetcher.start()
        defer { prefetcher.cancel() }
        func same(_ f: InputFile) throws {
            let p = try #require(prefetcher.take(f))
            let (result, events, sha) = try Self.direct(f)
            var got: [ScannedEvent] = []
            var batches = 0
            let r = try ActivityLogReader.read(f, prefetched: p, consumer: { got += $0.events; batches += 1 })
            #expect(p.identity == sha && sha.hasPrefix("records:"))
            #expect(r.records?.text() == sha)
            #expect(r.rawBytes == result.rawBytes && r.decodedBytes == result.decodedBytes && r.events == result.events)
            #expect(r.layout == result.layout)
            #expect(got.map(\.dedupHash) == events.map(\.dedupHash))
            var directBatches = 0
            _ = try ActivityLogReader.read(f, consumer: { _ in directBatches += 1 })
            #expect(batches == directBatches)
        }
        for f in [a, bom] { try same(f) }
        #expect(prefetcher.take(csv) == nil)
        for f in [document, page, empty] { try same(f) }
        // a document whose structure is broken: the normal path reports it
        #expect(prefetcher.take(broken) == nil)
        #expect(throws: Diagnostic.self) { try Self.direct(broken) }
        // `skipped` is never asked for; the bad file's error is the one the direct read reports
        let p = try #require(prefetcher.take(bad))
        var direct = ""
        do { _ = try Self.direct(bad) } catch { direct = "\(error)" }
        var prefetched = ""
        do { _ = try ActivityLogReader.read(bad, prefetched: p, consumer: { _ in }) } catch { prefetched = "\(error)" }
        #expect(!direct.isEmpty && prefetched == direct)
        let q = try #require(prefetcher.take(badElement))
        direct = ""
        do { _ = try Self.direct(badElement) } catch { direct = "\(error)" }
        prefetched = ""
        do { _ = try ActivityLogReader.read(badElement, prefetched: q, consumer: { _ in }) } catch { prefetched = "\(error)" }
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
