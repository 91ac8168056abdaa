using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary>
/// YAML in (YamlDotNet, mapped to JSON by the core schema) and out (written by hand): what the writer prints reads back
/// as the same JSON, strings print bare only when no reader could take them for something else, and the docs'
/// heredocs and <c>@file.yaml</c> values reach the server as JSON.
/// </summary>
public sealed class YamlTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    /// <summary>Strings that a careless writer gets wrong: look-alikes of other types, indicators, edges, lines, escapes.</summary>
    public static TheoryData<string> AwkwardStrings() =>
    [
        "", " ", "plain text", "true", "False", "yes", "No", "on", "OFF", "y", "null", "~", "123", "-1.5", "1e5", "0x1F", "0o17",
        "1_000", "12:30", "2026-12-07", "2026-12-07T04:15:00Z", ".inf", "-.Inf", ".NaN", "- item", "-", "?", ": x", "a: b",
        "a #b", "a#b", "#comment", "key:", "[1, 2]", "{a: 1}", "&anchor", "*alias", "!tag", "|", ">", "'quoted'", "\"quoted\"",
        "%directive", "@at", "`tick", "---", "...", " leading", "trailing ", "tab\there", "line\nbreak", "two\n\nlines\n",
        "ends with two\n\n", "\nstarts with a break", "  indented\nfirst", "spaces only line\n   \nafter", "crlf\r\nline",
        "bell\u0007", "unicode é ✓ 😀", "\u2028separator", "back\\slash", "iVBORw0KGgo+/=", "9aB+/==", "a,b", "x [y] {z}",
    ];

    [Theory]
    [MemberData(nameof(AwkwardStrings))]
    public void Every_string_reads_back_as_itself(string text)
    {
        foreach (JsonNode node in new JsonNode[] { JsonValue.Create(text), new JsonObject { ["key"] = text }, new JsonArray(text, new JsonObject { [text] = text }) })
        {
            string yaml = YamlWriter.Write(node);
            JsonNode? back = YamlReader.Parse(yaml, "yaml");
            Assert.True(JsonNode.DeepEquals(node, back), $"{node.ToJsonString()} was written as\n{yaml}\nand read back as {back?.ToJsonString() ?? "null"}");
        }
    }

    [Fact]
    public void A_response_reads_back_as_the_same_JSON_with_every_kind_of_value()
    {
        JsonNode response = JsonNode.Parse("""
            {"id":"resp_1","object":"response","status":"completed","created_at":1767225600,"temperature":0.7,"error":null,
             "background":false,"metadata":{},"tools":[],"output":[{"type":"reasoning","summary":[]},{"type":"message",
             "content":[{"type":"output_text","text":"Line one.\nLine two: with a colon.\n","annotations":[]}]}],
             "usage":{"input_tokens":12,"output_tokens":6,"nested":[[1,2],[{"a":null}]]},"big":12345678901234567890}
            """)!;
        string yaml = YamlWriter.Write(response);
        Assert.True(JsonNode.DeepEquals(response, YamlReader.Parse(yaml, "yaml")), yaml);
        Assert.StartsWith("id: resp_1\nobject: response\nstatus: completed\ncreated_at: 1767225600\ntemperature: 0.7\nerror: null\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\n      - type: output_text\n        text: |\n          Line one.\n          Line two: with a colon.\n        annotations: []\n", yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("The release note updates the CLI docs.", "The release note updates the CLI docs.")]
    [InlineData("iVBORw0KGgoAAAANSUhEUgAA+/=", "iVBORw0KGgoAAAANSUhEUgAA+/=")] // base64 pipes into base64 --decode
    [InlineData("true", "\"true\"")]
    [InlineData("0012", "\"0012\"")]
    [InlineData("a: b", "\"a: b\"")]
    [InlineData("one\ntwo", "|-\n  one\n  two")]
    [InlineData("tab\tand bell\u0007", "\"tab\\tand bell\\u0007\"")]
    public void A_string_prints_bare_only_when_nothing_else_could_be_read(string text, string expected) =>
        Assert.Equal(expected + "\n", YamlWriter.Write(JsonValue.Create(text)));

    [Fact]
    public void Plain_scalars_are_typed_by_the_core_schema_and_quoted_ones_stay_strings()
    {
        JsonNode? body = YamlReader.Parse("""
            a: 120
            b: 0.25
            c: true
            d: null
            e: ~
            f:
            g: "120"
            h: 'true'
            i: gpt-5.5
            j: 0x10
            k: 1e3
            l: 123456789012345678901234567890
            m: !!str 42
            n: .inf
            o: yes
            p: 0xFFFFFFFFFFFFFFFF
            """, "test");
        Assert.Equal("""{"a":120,"b":0.25,"c":true,"d":null,"e":null,"f":null,"g":"120","h":"true","i":"gpt-5.5","j":16,"k":1000,"l":123456789012345678901234567890,"m":"42","n":".inf","o":"yes","p":"0xFFFFFFFFFFFFFFFF"}""", body!.ToJsonString());
    }

    [Theory]
    [InlineData("model: [unclosed", "stdin is not YAML: line ")]
    [InlineData("a: 1\n---\nb: 2\n", "2 YAML documents")]
    [InlineData("a: 1\na: 2\n", "line 2")]
    public void Bad_YAML_is_a_usage_error_that_says_where(string yaml, string expected)
    {
        UsageException error = Assert.Throws<UsageException>(() => YamlReader.Parse(yaml, "stdin"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task An_alias_bomb_is_refused_quickly_not_expanded()
    {
        string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 9).Select(i =>
            $"{(char)('a' + i)}: &{(char)('a' + i)} [{string.Join(", ", Enumerable.Repeat("*" + (char)('a' + i - 1), 10))}]\n"));
        var clock = Stopwatch.StartNew();
        UsageException error = await Task.Run(() => Assert.Throws<UsageException>(() => YamlReader.Parse(bomb, "stdin")));
        Assert.Contains("more than 1000000 YAML nodes", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task The_docs_heredocs_reach_the_server_as_JSON()
    {
        // "Web search" and "File inputs" from OpenAI's CLI guide, the model from a flag as there.
        fixture.Simulator.ClearRequests();
        CliRun search = await CliRun.RunAsync(fixture.BaseUrl, ["responses", "create", "--model", "gpt-5.5", "--format", "yaml", "--transform", "output.#(type==\"message\").content.0.text"],
            "tools:\n  - type: web_search\ninput: |\n  Research the latest material news for AAPL.\n  Return three concise bullets and cite sources in the text.\n");
        Assert.True(search.Exit == 0, search.ToString());
        Assert.Equal("Simulated answer to: Research the latest material news for AAPL.\nReturn three concise bullets and cite sources in the text.\n",
            YamlReader.Parse(search.Stdout, "stdout")!.GetValue<string>());
        JsonNode sent = JsonNode.Parse(fixture.Simulator.Requests.Last(r => r.Path.EndsWith("/responses", StringComparison.Ordinal)).BodyText)!;
        Assert.Equal("""{"tools":[{"type":"web_search"}],"input":"Research the latest material news for AAPL.\nReturn three concise bullets and cite sources in the text.\n","model":"gpt-5.5"}""", sent.ToJsonString());

        CliRun file = await CliRun.RunAsync(fixture.BaseUrl, ["responses", "create", "--model", "gpt-5.5", "--format", "yaml"],
            "input:\n  - role: user\n    content:\n      - type: input_text\n        text: Summarize this brief and list three risks.\n      - type: input_file\n        file_id: file-123\n");
        Assert.True(file.Exit == 0, file.ToString());
        sent = JsonNode.Parse(fixture.Simulator.Requests.Last(r => r.Path.EndsWith("/responses", StringComparison.Ordinal)).BodyText)!;
        Assert.Equal("file-123", sent["input"]![0]!["content"]![1]!["file_id"]!.GetValue<string>());
        Assert.Equal("response", YamlReader.Parse(file.Stdout, "stdout")!["object"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_yaml_file_value_is_read_as_YAML_and_bad_YAML_on_stdin_is_exit_2()
    {
        string dir = Path.Combine(Path.GetTempPath(), "openai-yaml-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string tools = Path.Combine(dir, "tools.yaml");
            await File.WriteAllTextAsync(tools, "- type: function\n  name: lookup\n  parameters:\n    type: object\n");
            fixture.Simulator.ClearRequests();
            CliRun run = await CliRun.RunAsync(fixture.BaseUrl, ["responses", "create", "--model", "gpt-5.5", "--input", "hi", "--tools", "@" + tools]);
            Assert.True(run.Exit == 0, run.ToString());
            JsonNode sent = JsonNode.Parse(fixture.Simulator.Requests.Last(r => r.Path.EndsWith("/responses", StringComparison.Ordinal)).BodyText)!;
            Assert.Equal("""[{"type":"function","name":"lookup","parameters":{"type":"object"}}]""", sent["tools"]!.ToJsonString());

            CliRun bad = await CliRun.RunAsync(fixture.BaseUrl, ["responses", "create"], "model: gpt-5.5\n  input: [\n");
            Assert.Equal(2, bad.Exit);
            Assert.Contains("the body on standard input is not YAML: line ", bad.Stderr, StringComparison.Ordinal);
            CliRun list = await CliRun.RunAsync(fixture.BaseUrl, ["responses", "create"], "- a\n- b\n");
            Assert.Equal(2, list.Exit);
            Assert.Contains("must be an object", list.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
