import Testing
@testable import ScopedownReview

@Suite struct ReviewPackParsingTests {
    @Test func quotedFieldsSpanLinesAndRecordsNameTheirLine() throws {
        let text = "\u{FEFF}a,b\r\n\"x,1\",\"two\nlines\"\n\n\"q\"\"uote\",z\n"
        let r = try ReviewPack.parse(text, file: "p.csv")
        #expect(r.map(\.line) == [1, 2, 5])
        #expect(r[1].fields == ["x,1", "two\nlines"])
        #expect(r[2].fields == ["q\"uote", "z"])
    }
}
