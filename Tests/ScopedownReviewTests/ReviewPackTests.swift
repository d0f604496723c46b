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

@Suite struct ReviewPieceTests {
    @Test func contactSlugsAreFileSafeAndDistinct() {
        let names = ["corp-apps@contoso.example", "Corp-Apps@contoso.example", "../../etc/passwd", "<script>x</script>", "", "東京"]
        let slugs = names.map { ReviewModel.slug(key: "c:" + $0, kind: .contact, name: $0) }
        for s in slugs { #expect(s.wholeMatch(of: /contact-[a-z0-9-]+/) != nil, "\(s)") }
        #expect(Set(slugs).count == slugs.count)
        #expect(slugs[0].hasPrefix("contact-corp-apps-at-contoso-example-"))
    }

    @Test func scriptJSONCannotCloseTheScriptElement() {
        let s = ReviewHTML.scriptJSON(.array([.string("</script><script>alert(1)</script>&\u{2028}")]))
        #expect(!s.contains("<") && !s.contains(">") && !s.contains("&") && !s.contains("\u{2028}"))
        #expect(s == #"["\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e\u0026\u2028"]"#)
    }

    @Test func base64MatchesKnownVectors() {
        #expect(ReviewHTML.base64(Array("".utf8)) == "")
        #expect(ReviewHTML.base64(Array("f".utf8)) == "Zg==")
        #expect(ReviewHTML.base64(Array("fo".utf8)) == "Zm8=")
        #expect(ReviewHTML.base64(Array("foobar".utf8)) == "Zm9vYmFy")
    }

    @Test func shellQuotingKeepsValuesLiteral() {
        #expect(ReviewApply.quote("it's $(rm -rf /)") == #"'it'\''s $(rm -rf /)'"#)
        #expect(ReviewApply.quote("a\u{1b}[31mb") == "'a[31mb'")
        // A quote followed by a combining mark is one `Character`, and still a quote to the shell.
        #expect(ReviewApply.quote("x'\u{301}; rm -rf /") == "'x'\\''\u{301}; rm -rf /'")
    }

    @Test func growthKindsRankTheRiskCatalog() {
        #expect(SnapshotDiff.growthKind("Microsoft.Authorization/roleAssignments/write") == .roleAssignmentWrite)
        #expect(SnapshotDiff.growthKind("Microsoft.KeyVault/vaults/secrets/getSecret/action") == .secretAccess)
        #expect(SnapshotDiff.growthKind("Microsoft.Storage/storageAccounts/listKeys/action") == .secretAccess)
        #expect(SnapshotDiff.growthKind("Microsoft.Compute/virtualMachines/runCommand/action") == .escalationPath)
    }
}
