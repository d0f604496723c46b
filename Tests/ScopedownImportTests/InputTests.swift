import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    // NIST FIPS 180-4 example vectors (and the FIPS 180-2 one-million-'a' vector).
    @Test func nistVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8))
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingEqualsOneShot() {
        var g = SeededGenerator(seed: 7)
        let bytes = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &g) }
        var s = SHA256()
        var i = 0
        while i < bytes.count {
            let n = Int.random(in: 0...200, using: &g)
            s.update(bytes[i..<min(bytes.count, i + n)])
            i += n
        }
        #expect(SHA256.hexString(s.finalize()) == SHA256.hex(bytes))
    }
}

@Suite("Input collection and reading")
struct InputTests {
    @Test func foldersAreWalkedSortedSkippingHiddenAndDatabases() throws {
        let t = TempFolder()
        t.write("b.json", "[]")
        t.write("a/z.json", "[]")
        t.write("a/.hidden.json", "[]")
        t.write(".git/config", "x")
        t.write("tenant.db", "x")
        t.write("tenant.db-wal", "x")
        t.write("c/d/e.json.gz", "x")
        let files = try InputCollector.expand([t.path, t.path + "/b.json", "-"])
        #expect(files.map { $0.displayName.replacingOccurrences(of: t.path, with: "") }
                == ["/a/z.json", "/b.json", "/c/d/e.json.gz", "<stdin>"])
        #expect(files.last?.path == nil)
    }

    @Test func symbolicLinkLoopsAreWalkedOnce() throws {
        let t = TempFolder()
        t.write("a/x.json", "[]")
        try FileManager.default.createSymbolicLink(atPath: t.path + "/a/loop", withDestinationPath: t.path + "/a")
        let files = try InputCollector.expand([t.path])
        #expect(files.map { $0.displayName.replacingOccurrences(of: t.path, with: "") } == ["/a/x.json"])
    }

    @Test("links to files and to folders are followed, broken links skipped, a folder reached twice walked once")
    func symbolicLinksAreFollowed() throws {
        let t = TempFolder()
        t.write("real/y.json", "[]")
        t.write("a/x.json", "[]")
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: t.path + "/a/linked.json", withDestinationPath: t.path + "/a/x.json")
        try fm.createSymbolicLink(atPath: t.path + "/a/broken.json", withDestinationPath: t.path + "/nowhere.json")
        try fm.createSymbolicLink(atPath: t.path + "/b", withDestinationPath: t.path + "/real")
        let files = try InputCollector.expand([t.path])
        // `b` and `real` are one folder: the first reached in sorted order is walked
        #expect(files.map { $0.displayName.replacingOccurrences(of: t.path, with: "") } == ["/a/linked.json", "/a/x.json", "/b/y.json"])
    }

    @Test func missingPathIsADiagnostic() {
        let e = diagnostic { _ = try InputCollector.expand(["/no/such/export.json"]) }
        #expect(e?.description.hasPrefix("/no/such/export.json: error: no such file or folder `/no/such/export.json`") == true)
    }

    @Test func standardInputIsReadOnceForDetectionAndDecoding() throws {
        StandardInput.setForTesting(Array(#"[{"roleName": "R", "name": "11111111-1111-1111-1111-111111111111", "permissions": [{"actions": ["*/read"]}]}]"#.utf8))
        defer { StandardInput.setForTesting(nil) }
        let format = try FormatDetector.detect(.standardInput)
        #expect(format.kind == .roleDefinitions)
        let d = try InventoryImporter.decode(.standardInput, format: format)
        #expect(d.batch.roleDefinitions.map(\.roleName) == ["R"])
        #expect(d.file.displayName == "<stdin>")
    }

    @Test func gzipIsReadThroughZlibAndHashedAsStored() throws {
        let t = TempFolder()
        let json = Array(#"{"value": [{"id": "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/a", "name": "a", "type": "Microsoft.Authorization/roleAssignments", "properties": {"principalId": "p", "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/r"}}]}"#.utf8)
        let gz = gzipBytes(json)
        let path = t.write("list.json.gz", gz)
        let d = try importFile(path, displayName: "list.json.gz")
        #expect(d.format.gzip)
        #expect(d.format == DetectedFormat(kind: .roleAssignments, shape: "ARM REST list"))
        #expect(d.sha256 == SHA256.hex(gz))
        #expect(d.byteCount == gz.count)
        #expect(d.batch.roleAssignments.first?.scope.key == "/subscriptions/s")
        // Concatenated gzip members are one stream.
        let two = gzipBytes(Array("[1,".utf8)) + gzipBytes(Array("2]".utf8))
        #expect(try InputReader.gunzip(two, displayName: "x") == Array("[1,2]".utf8))
    }

    @Test func truncatedAndCorruptGzipAreErrors() throws {
        let gz = gzipBytes(Array(String(repeating: "[1,2,3],", count: 1000).utf8))
        let truncated = diagnostic { _ = try InputReader.gunzip(Array(gz[0..<(gz.count / 2)]), displayName: "x.gz") }
        #expect(truncated?.message.hasPrefix("truncated gzip stream") == true)
        var corrupt = gz
        corrupt[12] ^= 0xFF
        corrupt[13] ^= 0xFF
        let bad = diagnostic { _ = try InputReader.gunzip(corrupt, displayName: "x.gz") }
        #expect(bad != nil)
        // Through detection and decoding too.
        let t = TempFolder()
        let full = gzipBytes(Array(#"[{"roleName": "R", "name": "n", "permissions": []}]"#.utf8))
        let path = t.write("cut.json.gz", Array(full[0..<(full.count - 6)]))
        let e = diagnostic { _ = try importFile(path, displayName: "cut.json.gz") }
        #expect(e?.description.hasPrefix("cut.json.gz: error: truncated gzip stream") == true)
    }
}

@Suite("JSON element splitter")
struct SplitterTests {
    func split(_ text: String, mode: JSONElementSplitter.Mode = .automatic, chunk: Int = 7) throws -> [JSONElement] {
        var s = JSONElementSplitter(MemoryByteStream(Array(text.utf8), displayName: "s.json"), mode: mode, chunkSize: chunk)
        var out: [JSONElement] = []
        while let e = try s.next() { out.append(e) }
        return out
    }

    @Test func arrayElementsAcrossChunks() throws {
        let text = "\u{FEFF}[\n {\"a\": \"x,]}\\\"\"},\n [1, [2]], \"s\", 42 , null,{\"b\":{}}\n]\n"
        let els = try split(text)
        #expect(els.map { String(decoding: $0.bytes, as: UTF8.self) }
                == ["{\"a\": \"x,]}\\\"\"}", "[1, [2]]", "\"s\"", "42", "null", "{\"b\":{}}"])
        #expect(els.map(\.line) == [2, 3, 3, 3, 3, 3])
        #expect(els[0].column == 2)
        #expect(try els[0].parse(file: "s.json").root["a"]?.string == "x,]}\"")
        #expect(try split("[]").isEmpty)
    }

    @Test func jsonLinesAndConcatenatedValues() throws {
        let els = try split("{\"a\":1}\n{\"a\":2}\r\n\n  {\"a\":\n3}\n")
        #expect(els.count == 3)
        #expect(els.map(\.line) == [1, 2, 4])
        #expect(try els.map { try $0.parse(file: "l.jsonl").root["a"]?.int } == [1, 2, 3])
    }

    @Test func elementErrorsCarryTheirPositionInTheWholeFile() throws {
        let els = try split("[\n  {\"ok\": 1},\n  {\"bad\": tru}\n]")
        let e = diagnostic { _ = try els[1].parse(file: "s.json", pathPrefix: "$[1]") }
        #expect(e.map { $0.description.components(separatedBy: "\n")[0] } == "s.json:3:11: error: unexpected `t`: expected a JSON value at $[1]")
    }

    @Test(arguments: [
        ("[{\"a\": 1},]", "s.json:1:11: error: trailing comma before `]`"),
        ("[{\"a\": 1} {\"a\": 2}]", "s.json:1:11: error: expected `,` or `]` between array elements, found `{`"),
        ("[{\"a\": 1}, {\"a\": ", "s.json:1:18: error: unexpected end of file: expected a value at $[1]"),
        ("[{\"a\": 1}", "s.json:1:10: error: unexpected end of file: expected `,` or `]`"),
        ("[1] x", "s.json:1:5: error: unexpected `x` after the closing `]`"),
        ("", "s.json: error: empty file"),
    ])
    func structuralErrors(text: String, expected: String) {
        let e = diagnostic { _ = try split(text) }
        #expect(e.map { $0.description.components(separatedBy: "\n")[0] } == expected)
    }

    @Test func gzipStreamsThroughTheSplitter() throws {
        let lines = (0..<2000).map { "{\"i\": \($0), \"s\": \"\(String(repeating: "x", count: $0 % 50))\"}" }.joined(separator: "\n")
        let gz = try GzipByteStream(MemoryByteStream(gzipBytes(Array(lines.utf8)), displayName: "a.jsonl.gz"))
        var s = JSONElementSplitter(gz, chunkSize: 1000)
        var n = 0
        while let e = try s.next() {
            #expect(try e.parse(file: "a.jsonl.gz").root["i"]?.int == n)
            n += 1
        }
        #expect(n == 2000)
    }
}

@Suite("Content fingerprint (XXH64 x2)")
struct FingerprintTests {
    // Reference values from the xxHash reference implementation (Python `xxhash` 3.x).
    @Test func referenceVectors() {
        func fp(_ bytes: [UInt8]) -> String {
            var f = ContentFingerprint()
            f.update(bytes)
            return f.text()
        }
        #expect(fp([]) == "xxh128:ef46db3751d8e999c4349fc93c010000")
        #expect(fp(Array("abc".utf8)) == "xxh128:44bc2cf5ad7709992ed0f59d6b43ac8b")
        #expect(fp([UInt8](repeating: 0x61, count: 31)) == "xxh128:fe47067cda802916d5450b1f42b1a6f1")
        #expect(fp([UInt8](repeating: 0x61, count: 32)) == "xxh128:856e843298f99ad73179b95a47f88ff7")
        let bytes = (0..<5).flatMap { _ in (0..<256).map { UInt8($0) } }
        #expect(fp(bytes) == "xxh128:afc184ad7938a354f03dbac0c446097e")
    }

    @Test func streamingEqualsOneShot() {
        var g = SeededGenerator(seed: 9)
        let bytes = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &g) }
        var whole = ContentFingerprint()
        whole.update(bytes)
        var parts = ContentFingerprint()
        var i = 0
        while i < bytes.count {
            let n = Int.random(in: 0...100, using: &g)
            parts.update(Array(bytes[i..<min(bytes.count, i + n)]))
            i += n
        }
        #expect(parts.text() == whole.text())
    }
}

@Suite("Record-sequence fingerprint")
struct RecordSequenceFingerprintTests {
    @Test("joining chunk fingerprints in order equals folding every record, whatever the cut")
    func chunkingInvariance() {
        var g = SeededGenerator(seed: 5)
        let hashes = (0..<500).map { _ in UInt64.random(in: 0...UInt64.max, using: &g) }
        var whole = RecordSequenceFingerprint()
        for h in hashes { whole.add(h) }
        for _ in 0..<20 {
            var joined = RecordSequenceFingerprint()
            var i = 0
            while i < hashes.count {
                let n = Int.random(in: 0...60, using: &g)
                var part = RecordSequenceFingerprint()
                for h in hashes[i..<min(hashes.count, i + n)] { part.add(h) }
                joined.append(part)
                i += n
            }
            #expect(joined == whole)
        }
        // order and content matter
        var swapped = RecordSequenceFingerprint()
        for h in [hashes[1], hashes[0]] + hashes[2...] { swapped.add(h) }
        #expect(swapped.text() != whole.text())
        var fewer = RecordSequenceFingerprint()
        for h in hashes.dropLast() { fewer.add(h) }
        #expect(fewer.text() != whole.text())
        #expect(whole.text().hasPrefix("records:") && whole.text().hasSuffix(":500"))
    }

    @Test("a file's identity: same records whatever the chunking, blank lines or compression; another record differs")
    func fileIdentity() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-fp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let line = #"{"time":"2024-05-01T10:00:00Z","resultType":"Success","identity":{"authorization":{"scope":"/subscriptions/s1","action":"Microsoft.Compute/virtualMachines/write"}}}"#
        let lines = (0..<300).map { line.replacingOccurrences(of: "10:00:00", with: String(format: "10:%02ld:%02ld", $0 / 60, $0 % 60)) }
        func identity(_ name: String, _ text: String, chunk: Int? = nil) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            var options = ActivityReadOptions()
            if let chunk { options.chunkBytes = chunk }
            return try ActivityLogReader.read(InputFile(displayName: name, path: url.path), options: options, consumer: { _ in }).records?.text() ?? ""
        }
        let plain = try identity("a.json", lines.joined(separator: "\n") + "\n")
        #expect(try identity("b.json", lines.joined(separator: "\n") + "\n", chunk: 4096) == plain)
        #expect(try identity("c.json", lines.joined(separator: "\r\n\n") + "\n") == plain)
        #expect(try identity("d.json", lines.dropLast().joined(separator: "\n") + "\n") != plain)
    }
}
