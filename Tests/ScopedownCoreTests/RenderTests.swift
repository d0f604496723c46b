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
