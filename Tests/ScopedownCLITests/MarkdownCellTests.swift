import Testing
@testable import ScopedownCLI

/// Markdown cells escape a table's pipe and markup even when a combining mark follows it (one
/// `Character`, but still a pipe to a Markdown reader).
@Suite("Markdown cells")
struct MarkdownCellTests {
    static let pipe = "a|\u{301}b"

    @Test func diffFindingsAndRecommendCellsEscapeAPipeWithAMark() {
        #expect(DiffRendering.md(Self.pipe) == "a\\|\u{301}b")
        #expect(RecommendRendering.md(Self.pipe) == "a\\|\u{301}b")
        #expect(FindingsRendering.markdownCell(Self.pipe) == "a\\|\u{301}b")
    }
}
