using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary><c>--transform</c>: the GJSON subset the docs use, alone and against the simulator with the docs' own examples.</summary>
public sealed class TransformTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly JsonNode s_doc = JsonNode.Parse("""
        {"id": "resp_1", "output": [
          {"type": "reasoning", "summary": []},
          {"type": "message", "content": [{"type": "output_text", "text": "Hello"}, {"type": "output_text", "text": "again"}]},
          {"type": "image_generation_call", "result": "aGk="},
          {"type": "message", "content": [{"type": "output_text", "text": "Bye"}]}]}
        """)!;

    [Theory]
    [InlineData("id", "\"resp_1\"")]
    [InlineData("output.#", "4")]
    [InlineData("output.1.content.0.text", "\"Hello\"")]
    [InlineData("output.#(type==\"message\").content.0.text", "\"Hello\"")]
    [InlineData("output.#(type==\"image_generation_call\").result", "\"aGk=\"")]
    [InlineData("output.#(type==\"message\")#.content.0.text", "[\"Hello\",\"Bye\"]")]
    [InlineData("output.#(type!=\"message\")#.type", "[\"reasoning\",\"image_generation_call\"]")]
    [InlineData("output.#.type", "[\"reasoning\",\"message\",\"image_generation_call\",\"message\"]")]
    [InlineData("output.1.content.#.text", "[\"Hello\",\"again\"]")]
    public void Paths_select_what_gjson_selects(string path, string expected)
    {
        JsonNode? result = JsonTransform.Apply(s_doc, path, out bool found);
        Assert.True(found);
        Assert.Equal(expected, result?.ToJsonString());
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("output.9")]
    [InlineData("output.#(type==\"video\").result")]
    [InlineData("id.#")]
    public void A_path_that_matches_nothing_finds_nothing(string path)
    {
        Assert.Null(JsonTransform.Apply(s_doc, path, out bool found));
        Assert.False(found);
    }

    [Theory]
    [InlineData("output.#(type==\"message\"")]
    [InlineData("output..id")]
    [InlineData("output.#(type==message)")]
    public void A_malformed_path_is_a_format_error(string path) =>
        Assert.Throws<TransformPathException>(() => JsonTransform.Apply(s_doc, path, out _));

    [Fact]
    public async Task The_docs_responses_example_prints_the_text_raw()
    {
        CliRun run = await CliRun.RunAsync(fixture.BaseUrl,
            ["responses", "create", "--model", "gpt-5.5", "--input", "Say hi", "--raw-output", "--transform", "output.#(type==\"message\").content.0.text"]);
        Assert.True(run.Exit == 0, run.ToString());
        string text = run.Stdout.TrimEnd('\n');
        Assert.NotEqual("", text);
        Assert.DoesNotContain("\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("{", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_docs_transcription_example_prints_the_text_raw()
    {
        string file = Path.Combine(Path.GetTempPath(), "openai-cli-" + Guid.NewGuid().ToString("N") + ".wav");
        try
        {
            await File.WriteAllBytesAsync(file, new byte[64]);
            CliRun run = await CliRun.RunAsync(fixture.BaseUrl,
                ["audio:transcriptions", "create", "--model", "gpt-4o-transcribe", "--file", file, "--raw-output", "--transform", "text"]);
            Assert.True(run.Exit == 0, run.ToString());
            Assert.NotEqual("", run.Stdout.Trim());
            Assert.False(run.Stdout.TrimStart().StartsWith('{'), run.Stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Counts_maps_and_streams_transform_each_value()
    {
        CliRun count = await CliRun.RunAsync(fixture.BaseUrl, ["models", "list", "--transform", "data.#"]);
        Assert.True(count.Exit == 0, count.ToString());
        Assert.True(int.Parse(count.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture) > 0);

        CliRun ids = await CliRun.RunAsync(fixture.BaseUrl, ["models", "list", "--transform", "data.#.id", "--format", "jsonl"]);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(ids.Stdout).RootElement.ValueKind);

        CliRun types = await CliRun.RunAsync(fixture.BaseUrl, ["responses", "create", "--model", "gpt-5.5", "--input", "hi", "--stream", "true", "--transform", "type", "--raw-output"]);
        Assert.True(types.Exit == 0, types.ToString());
        string[] lines = types.Stdout.TrimEnd().Split('\n');
        Assert.Equal("response.created", lines[0]);
        Assert.Contains("response.completed", lines);

        CliRun none = await CliRun.RunAsync(fixture.BaseUrl, ["models", "list", "--transform", "no_such_member"]);
        Assert.Equal(0, none.Exit);
        Assert.Equal("", none.Stdout);

        CliRun bad = await CliRun.RunAsync(fixture.BaseUrl, ["models", "list", "--transform", "data.#(id==\"x\""]);
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--transform", bad.Stderr, StringComparison.Ordinal);
    }
}
