import Foundation
import ScopedownCore
import ScopedownRender
@testable import ScopedownStore
@testable import ScopedownCLI
import ScopedownTestSupport
import Testing

/// JSON and CSV rendered in chunks (on several threads) are byte for byte the one-piece renderings.
@Suite("usage rendering in chunks")
struct UsageRenderingChunksTests {
    static func report(_ rng: inout SeededGenerator, count: Int) -> UsageReport {
        let hostile = ["plain", "=cmd|' /C calc'!A0", "quote \" and \\ backslash", "line\nbreak\ttab", "\u{1B}[31mred",
                       "ünïcode ✓", "+1", "-x", "@at", "", "comma, here"]
        func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &rng)] }
        let assignments = (0..<count).map { i in
            AssignmentUsage(assignment: "a-\(i)", principal: pick(hostile), principalName: Bool.random(using: &rng) ? pick(hostile) : nil,
                            role: pick(hostile), scope: "/subscriptions/\(pick(hostile))",
                            state: Bool.random(using: &rng) ? .active : .eligible,
                            usedActions: (0..<Int.random(in: 0...3, using: &rng)).map { _ in pick(hostile) },
                            uses: Int.random(in: 0...5, using: &rng), lastUsed: Bool.random(using: &rng) ? Int64.random(in: 0...2_000_000_000, using: &rng) : nil,
                            commonScope: Bool.random(using: &rng) ? pick(hostile) : nil, deniedAttempts: Int.random(in: 0...2, using: &rng))
        }
        return UsageReport(assignments: assignments, windowFrom: Bool.random(using: &rng) ? 1_714_557_600 : nil,
                           windowTo: Bool.random(using: &rng) ? 1_714_849_200 : nil,
                           unknownEvidenceUses: 0, unattributedUses: 0, unresolvedCallers: 0)
    }

    @Test("any number of chunks gives the one-piece JSON and CSV, empty report included")
    func chunks() {
        var rng = SeededGenerator(seed: 42)
        for n in [0, 1, 2, 3, 7, 50] {
            for _ in 0..<RandomCases.count(default: 3) {
                let r = Self.report(&rng, count: n)
                let json = UsageViews.json(r).render(pretty: true) + "\n"
                let csv = UsageViews.csv(r)
                for chunks in [1, 2, 3, 4, 16, 100] {
                    #expect(UsageViews.jsonText(r, chunks: chunks) == json, "\(n) assignments, \(chunks) chunks")
                    #expect(UsageViews.csvText(r, chunks: chunks) == csv, "\(n) assignments, \(chunks) chunks")
                }
                #expect(UsageRendering.render(r, format: .json) == json)
                #expect(UsageRendering.render(r, format: .csv) == csv)
            }
        }
    }
}
