import Testing
import ScopedownRender

@Suite struct RenderTests {
    @Test func terminalStripsEscapesAndBidi() {
        #expect(SafeText.terminal("evil\u{1B}[31mred\u{202E}txt\nx") == "evil[31mredtxt x")
        #expect(SafeText.terminal("plain name") == "plain name")
    }

    @Test func csvNeutralizesFormulasAndQuotes() {
        #expect(SafeText.csvCell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(SafeText.csvCell("-1") == "'-1")
        #expect(SafeText.csvCell("a,b") == "\"a,b\"")
        #expect(SafeText.csvCell("Reader") == "Reader")
    }

    @Test func csvQuotesACommaOrQuoteThatACombiningMarkFollows() {
        // One `Character` each, but a separator and a quote to a CSV reader.
        #expect(SafeText.csvCell("a,\u{301}b") == "\"a,\u{301}b\"")
        #expect(SafeText.csvCell("a\"\u{301}b") == "\"a\"\"\u{301}b\"")
        #expect(SafeText.csvCell("caf\u{E9}") == "caf\u{E9}")
    }

    @Test func csvCellsAreTerminalSafe() {
        // ESC (CSI and OSC sequences), BEL, other C0/C1 controls and bidi overrides never reach the output.
        #expect(SafeText.csvCell("Owner\u{1B}[31mred\u{1B}[0m") == "Owner[31mred[0m")
        #expect(SafeText.csvCell("\u{1B}]0;pwned\u{07}title") == "]0;pwnedtitle")
        #expect(SafeText.csvCell("a\u{9B}b\u{202E}c\u{7F}d") == "abcd")
        #expect(SafeText.csvCell("line1\nline2\tx") == "line1 line2 x")
        // A formula behind a stripped control character is still neutralized.
        #expect(SafeText.csvCell("\u{1B}=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0")
        #expect(SafeText.csvCell("\t=1+1") == "' =1+1")
        let rendered = CSV(header: ["role"], rows: [["evil\u{1B}]8;;http://x\u{1B}\\link\u{07},\u{1B}[2J"]]).render()
        #expect(!rendered.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(rendered == "role\n\"evil]8;;http://x\\link,[2J\"\n")
    }

    @Test func htmlEscapes() {
        #expect(SafeText.html("<script>alert('x')&</script>") == "&lt;script&gt;alert(&#39;x&#39;)&amp;&lt;/script&gt;")
    }

    @Test func jsonIsDeterministicAndEscaped() {
        let v = JSON.object([("b", .int(1)), ("a", .array([.string("q\"\u{1}"), .null, .bool(true)]))])
        #expect(v.render(pretty: false) == #"{"b":1,"a":["q\"\u0001",null,true]}"#)
        #expect(v.render() == "{\n  \"b\": 1,\n  \"a\": [\n    \"q\\\"\\u0001\",\n    null,\n    true\n  ]\n}")
    }

    @Test func tableAligns() {
        var t = Table(columns: ["name", "n"], alignments: [.left, .right])
        t.append(["Owner", "3"])
        t.append(["Reader\u{1B}", "12"])
        #expect(t.render() == "name     n\n------  --\nOwner    3\nReader  12\n")
    }

    @Test func treeRenders() {
        let t = TreeNode("root", children: [TreeNode("a", children: [TreeNode("a1")]), TreeNode("b")])
        #expect(t.render() == "root\n├─ a\n│  └─ a1\n└─ b\n")
    }
}
