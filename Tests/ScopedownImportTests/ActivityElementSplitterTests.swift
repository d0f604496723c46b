import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

/// The element splitter's block path (64 bytes at a time, brackets outside strings only) must find
/// what its byte loop finds: the same elements, the same errors on the same lines, the same line
/// counts, however the document is fed (whole, or in pieces as the reader thread reads it).
@Suite("Activity Log element splitter")
struct ActivityElementSplitterTests {
    struct Outcome: Equatable, CustomStringConvertible {
        var elements: [Range<Int>]
        var error: String?
        var line: Int
        var lineAfterLastElement: Int
        var description: String { "\(elements.count) elements, error \(error ?? "-"), line \(line), after \(lineAfterLastElement)" }
    }

    /// Feeds `bytes` in pieces ending at `cuts` (then the rest), as `produceElements` does.
    static func split(_ bytes: [UInt8], blocks: Bool, cuts: [Int] = []) -> Outcome {
        var splitter = ActivityElementSplitter()
        splitter.useBlocks = blocks
        var elements: [Range<Int>] = []
        var error: String?
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            var from = 0
            do {
                for to in cuts.sorted() + [b.count] where to >= from && to <= b.count {
                    try splitter.feed(base, from: from, to: to, elements: &elements, name: "d.json")
                    from = to
                }
                try splitter.finish(name: "d.json")
            } catch let d as Diagnostic {
                error = "\(d.line ?? 0): \(d.message)"
            } catch {}
        }
        return Outcome(elements: elements, error: error, line: splitter.line, lineAfterLastElement: splitter.lineAfterLastElement)
    }

    static func document(_ rng: inout SeededGenerator) -> String {
        let count = Int.random(in: 0...12, using: &rng)
        let records = (0..<count).map { _ in RandomEvents.record(&rng) }
        let pretty = Bool.random(using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return RandomEvents.json(records, pretty: pretty)
        case 1: return RandomEvents.json(["value": records, "nextLink": NSNull()], pretty: pretty)
        case 2: return "[\n" + records.map { RandomEvents.json($0) }.joined(separator: ",\n") + "\n]\n"
        default: return RandomEvents.json(["records": records, "x": [1, [2, "]"]]], pretty: pretty) + "\n" + RandomEvents.json(records)
        }
    }

    @Test("random documents, whole and in pieces, intact and damaged: the block path finds what the byte loop finds")
    func randomDocuments() {
        var rng = SeededGenerator(seed: 2024)
        let noise: [UInt8] = Array("[]{}\"\\\n ,:a".utf8)
        for c in 0..<RandomCases.count(default: 400) {
            var bytes = Array(Self.document(&rng).utf8)
            if c % 3 == 1, !bytes.isEmpty {
                // damage: a few bytes replaced by structural ones
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = noise[Int.random(in: 0..<noise.count, using: &rng)]
                }
            }
            let reference = Self.split(bytes, blocks: false)
            #expect(Self.split(bytes, blocks: true) == reference, "case \(c)")
            let cuts = (0..<Int.random(in: 1...6, using: &rng)).map { _ in Int.random(in: 0...bytes.count, using: &rng) }
            #expect(Self.split(bytes, blocks: true, cuts: cuts) == reference, "case \(c) cuts \(cuts)")
        }
    }

    @Test("strings full of brackets, escapes and newlines at every offset of a block")
    func stringsAcrossBlocks() {
        for pad in 0..<140 {
            for tail in [#"]}"#, #"\"]"#, #"\\"#, "\\\\\\\"{", "\n[", #"\u005d"#] {
                let padding = String(repeating: "x", count: pad)
                let element = #"{"a":"\#(padding)\#(tail)","b":[{"c":"]"}],"d":"\#(tail)"}"#
                let text = "[\n  " + Array(repeating: element, count: 3).joined(separator: ",\n  ") + "\n]\n"
                let bytes = Array(text.utf8)
                let reference = Self.split(bytes, blocks: false)
                #expect(Self.split(bytes, blocks: true) == reference, "pad \(pad) tail \(tail)")
                #expect(Self.split(bytes, blocks: true, cuts: [pad, pad + 70]) == reference, "pad \(pad) tail \(tail)")
            }
        }
    }

    @Test("errors inside the array: nesting past 512, mismatched brackets, truncation, on their lines")
    func errors() {
        let deep = "[\n" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "\n]"
        let mismatched = "[\n" + String(repeating: #"{"a":"b"},"# + "\n", count: 30) + #"{"a":[1}]"# + "\n]"
        let truncated = "[\n" + String(repeating: #"{"a":"b"},"# + "\n", count: 30) + #"{"a":"b"#
        let afterArray = #"{"value":["# + String(repeating: #"{"a":"b"},"#, count: 10) + #"{"a":1}],"next":]}"#
        for text in [deep, mismatched, truncated, afterArray] {
            let bytes = Array(text.utf8)
            let reference = Self.split(bytes, blocks: false)
            #expect(reference.error != nil, "\(text.prefix(40))")
            #expect(Self.split(bytes, blocks: true) == reference, "\(text.prefix(40))")
        }
    }
}
