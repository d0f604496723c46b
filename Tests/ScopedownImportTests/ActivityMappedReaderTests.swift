import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

/// Plain JSON Lines files larger than a chunk are mapped in windows and cut into chunks in place
/// (`ActivityLogReader.produceMappedLines`). Small windows and chunks put records across every
/// kind of boundary; the events, counts, identity and error positions must not depend on them.
@Suite("Activity Log reader: mapped windows")
struct ActivityMappedReaderTests {
    static func line(_ i: Int, pad: Int) -> String {
        #"{"time":"2024-05-01T10:\#(String(format: "%02ld", i / 60 % 60)):\#(String(format: "%02ld", i % 60))Z","resultType":"Success","#
            + #""note":"\#(String(repeating: "x", count: pad))","#
            + #""identity":{"authorization":{"scope":"/subscriptions/s\#(i % 7)","action":"Microsoft.Compute/virtualMachines/write"}}}"#
    }

    static func read(_ path: String, chunk: Int? = nil, window: Int? = nil) throws -> (ActivityReadResult, [UInt64]) {
        var options = ActivityReadOptions(workers: 2)
        if let chunk { options.chunkBytes = chunk }
        if let window { options.mapWindowBytes = window }
        var keys: [UInt64] = []
        let lock = NSLock()
        let r = try ActivityLogReader.read(InputFile(displayName: "big.json", path: path), options: options, consumer: { b in
            lock.lock(); keys += b.events.map(\.dedupHash); lock.unlock()
        })
        return (r, keys.sorted())
    }

    @Test("records across chunk and window edges, lines longer than a window, CRLF and blank lines: the same result as one piece")
    func boundaries() throws {
        var g = SeededGenerator(seed: 11)
        var lines: [String] = []
        for i in 0..<2_000 {
            // mostly short records, some longer than a chunk and than a window
            let pad = i % 397 == 5 ? 20_000 : Int.random(in: 0...600, using: &g)
            lines.append(Self.line(i, pad: pad))
            if i % 13 == 0 { lines.append("") }
        }
        let folder = TempFolder()
        let text = lines.enumerated().map { $0.offset % 5 == 0 ? $0.element + "\r" : $0.element }.joined(separator: "\n") + "\n"
        let path = folder.write("big.json", text)
        let (whole, wholeKeys) = try Self.read(path)            // one chunk: scanned inline
        #expect(whole.events == 2_000)
        for (chunk, window) in [(4096, 8192), (4096, 12_288), (6000, 65_536), (65_536, 131_072)] {
            let (r, keys) = try Self.read(path, chunk: chunk, window: window)
            #expect(r.events == whole.events, "chunk \(chunk) window \(window)")
            #expect(keys == wholeKeys, "chunk \(chunk) window \(window)")
            #expect(r.records == whole.records, "chunk \(chunk) window \(window)")
            #expect(r.rawBytes == text.utf8.count && r.decodedBytes == text.utf8.count)
        }
    }

    @Test("an error near the end of a mapped file names its line and column")
    func errorPosition() throws {
        let lines = (0..<900).map { Self.line($0, pad: $0 % 50) } + [#"{"time": "2024-05-01T10:00:00Z", "identity": tru"#] + [Self.line(1, pad: 3)]
        let folder = TempFolder()
        let path = folder.write("bad.json", lines.joined(separator: "\n") + "\n")
        for (chunk, window) in [(4096, 8192), (8192, 65_536)] {
            var message = ""
            do { _ = try Self.read(path, chunk: chunk, window: window) } catch { message = "\(error)" }
            #expect(message.hasPrefix("big.json:901:"), "\(message) (chunk \(chunk) window \(window))")
        }
    }
}
