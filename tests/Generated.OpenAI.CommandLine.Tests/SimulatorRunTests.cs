using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Generated.OpenAI.Simulator;
using Xunit;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary>One REST simulator for the class: answers from the request, pages its file list.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public RestSimulator Simulator { get; private set; } = null!;

    public Uri BaseUrl => Simulator.BaseUrl;

    public async Task InitializeAsync() =>
        Simulator = await RestSimulator.StartAsync(new RestSimulatorOptions { AnswerFromRequest = true });

    public async Task DisposeAsync() => await Simulator.DisposeAsync();
}

/// <summary><c>openai</c> against the REST simulator, in process: requests built from flags and stdin, every output format, exit codes.</summary>
public sealed class SimulatorRunTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private Task<CliRun> Run(params string[] args) => CliRun.RunAsync(fixture.BaseUrl, args);

    [Fact]
    public async Task Models_list_prints_the_list_as_json()
    {
        CliRun run = await Run("models", "list", "--format", "json");
        Assert.True(run.Exit == 0, run.ToString());
        using JsonDocument json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("data").ValueKind);
        Assert.Contains('\n', run.Stdout.TrimEnd()); // indented
    }

    [Fact]
    public async Task Every_format_prints_the_same_answer_its_own_way()
    {
        CliRun json = await Run("models", "list", "--format", "json");
        CliRun jsonl = await Run("models", "list", "--format", "jsonl");
        CliRun pretty = await Run("models", "list", "--format", "pretty");
        CliRun raw = await Run("models", "list", "--format", "raw");
        CliRun yaml = await Run("models", "list", "--format", "yaml");
        CliRun auto = await Run("models", "list");
        foreach (CliRun run in new[] { json, jsonl, pretty, raw, yaml, auto })
        {
            Assert.True(run.Exit == 0, run.ToString());
        }
        Assert.Single(jsonl.Stdout.TrimEnd().Split('\n'));
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(json.Stdout).RootElement), JsonSerializer.Serialize(JsonDocument.Parse(jsonl.Stdout).RootElement));
        Assert.StartsWith("object: list", pretty.Stdout, StringComparison.Ordinal);
        Assert.Contains("data:", pretty.Stdout, StringComparison.Ordinal);
        JsonDocument.Parse(raw.Stdout).Dispose();
        Assert.Equal(json.Stdout, auto.Stdout); // not a terminal: auto is json
        Assert.StartsWith("object: list\ndata:\n  - id: ", yaml.Stdout, StringComparison.Ordinal);
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(json.Stdout).RootElement), YamlReader.Parse(yaml.Stdout, "stdout")!.ToJsonString());
    }

    [Fact]
    public async Task Responses_create_builds_the_body_from_flags_with_dotted_nesting()
    {
        fixture.Simulator.ClearRequests();
        CliRun run = await Run("responses", "create", "--model", "gpt-5.5", "--input", "Say hi", "--temperature", "0.5", "--text.format.type", "text", "--metadata", "{\"k\":\"v\"}");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Equal("response", JsonDocument.Parse(run.Stdout).RootElement.GetProperty("object").GetString());
        var sent = fixture.Simulator.Requests.Last(r => r.Path.EndsWith("/responses", StringComparison.Ordinal));
        using JsonDocument body = JsonDocument.Parse(sent.BodyText);
        Assert.Equal("gpt-5.5", body.RootElement.GetProperty("model").GetString());
        Assert.Equal("Say hi", body.RootElement.GetProperty("input").GetString());
        Assert.Equal(0.5, body.RootElement.GetProperty("temperature").GetDouble());
        Assert.Equal("text", body.RootElement.GetProperty("text").GetProperty("format").GetProperty("type").GetString());
        Assert.Equal("v", body.RootElement.GetProperty("metadata").GetProperty("k").GetString());
        Assert.Equal("Bearer sk-test-secret", sent.Header("Authorization"));
    }

    [Fact]
    public async Task Responses_create_takes_a_json_body_on_stdin_under_the_flags()
    {
        fixture.Simulator.ClearRequests();
        CliRun run = await CliRun.RunAsync(fixture.BaseUrl, ["responses", "create", "-", "--model", "gpt-5.5-mini"],
            stdin: """{"model": "gpt-5.5", "input": "From stdin", "instructions": "Be brief."}""");
        Assert.True(run.Exit == 0, run.ToString());
        var sent = fixture.Simulator.Requests.Last(r => r.Path.EndsWith("/responses", StringComparison.Ordinal));
        using JsonDocument body = JsonDocument.Parse(sent.BodyText);
        Assert.Equal("gpt-5.5-mini", body.RootElement.GetProperty("model").GetString()); // the flag wins
        Assert.Equal("From stdin", body.RootElement.GetProperty("input").GetString());
        Assert.Equal("Be brief.", body.RootElement.GetProperty("instructions").GetString());
    }

    [Fact]
    public async Task At_file_values_are_read_as_json_when_they_parse_else_as_text()
    {
        string dir = Directory.CreateTempSubdirectory("openai-cli-").FullName;
        try
        {
            string prompt = Path.Combine(dir, "prompt.txt");
            string tools = Path.Combine(dir, "tools.json");
            await File.WriteAllTextAsync(prompt, "Read from a file\n");
            await File.WriteAllTextAsync(tools, """[{"type": "web_search"}]""");
            fixture.Simulator.ClearRequests();
            CliRun run = await Run("responses", "create", "--model", "gpt-5.5", "--input", "@" + prompt, "--tools", "@" + tools);
            Assert.True(run.Exit == 0, run.ToString());
            var sent = fixture.Simulator.Requests.Last(r => r.Path.EndsWith("/responses", StringComparison.Ordinal));
            using JsonDocument body = JsonDocument.Parse(sent.BodyText);
            Assert.Equal("Read from a file", body.RootElement.GetProperty("input").GetString());
            Assert.Equal("web_search", body.RootElement.GetProperty("tools")[0].GetProperty("type").GetString());

            CliRun missing = await Run("responses", "create", "--model", "gpt-5.5", "--input", "@" + Path.Combine(dir, "none.txt"));
            Assert.Equal(2, missing.Exit);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_streamed_response_prints_one_event_per_line()
    {
        CliRun run = await Run("responses", "create", "--model", "gpt-5.5", "--input", "Stream please", "--stream", "true");
        Assert.True(run.Exit == 0, run.ToString());
        string[] lines = run.Stdout.TrimEnd().Split('\n');
        Assert.True(lines.Length >= 3, run.ToString());
        var types = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToList();
        Assert.Equal("response.created", types[0]);
        Assert.Contains("response.completed", types);

        // --format yaml: one '---' document per event, each the same event.
        CliRun yaml = await Run("responses", "create", "--model", "gpt-5.5", "--input", "Stream please", "--stream", "true", "--format", "yaml");
        Assert.True(yaml.Exit == 0, yaml.ToString());
        string[] documents = yaml.Stdout.Split("---\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(types, documents.Select(d => (string?)YamlReader.Parse(d, "event")!["type"]!.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task Files_create_uploads_a_file_part_and_files_content_downloads_it()
    {
        string dir = Directory.CreateTempSubdirectory("openai-cli-").FullName;
        try
        {
            string input = Path.Combine(dir, "x.jsonl");
            const string Line = """{"custom_id":"a","method":"POST","url":"/v1/responses","body":{"model":"gpt-5.5","input":"hi"}}""";
            await File.WriteAllTextAsync(input, Line + "\n");
            CliRun created = await Run("files", "create", "--file", "@" + input, "--purpose", "batch", "--format", "jsonl");
            Assert.True(created.Exit == 0, created.ToString());
            string id = JsonDocument.Parse(created.Stdout).RootElement.GetProperty("id").GetString()!;
            Assert.Equal("x.jsonl", JsonDocument.Parse(created.Stdout).RootElement.GetProperty("filename").GetString());

            string downloaded = Path.Combine(dir, "copy.jsonl");
            CliRun content = await Run("files", "content", "--file-id", id, "--output", downloaded);
            Assert.True(content.Exit == 0, content.ToString());
            Assert.Equal(Line + "\n", await File.ReadAllTextAsync(downloaded));

            CliRun deleted = await Run("files", "delete", "--file-id", id);
            Assert.True(deleted.Exit == 0, deleted.ToString());
            CliRun missing = await Run("files", "retrieve", "--file-id", id);
            Assert.Equal(1, missing.Exit);
            Assert.Contains("HTTP 404", missing.Stderr, StringComparison.Ordinal);
            Assert.Contains("No such File object", missing.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Audio_speech_writes_the_binary_answer_to_output()
    {
        string file = Path.Combine(Path.GetTempPath(), "openai-cli-" + Guid.NewGuid().ToString("N") + ".mp3");
        try
        {
            CliRun run = await Run("audio:speech", "create", "--model", "gpt-4o-mini-tts", "--voice", "coral", "--input", "Hello.", "--output", file);
            Assert.True(run.Exit == 0, run.ToString());
            Assert.True(new FileInfo(file).Length > 0);
            Assert.Equal("", run.Stdout);
            Assert.Contains("wrote", run.Stderr, StringComparison.Ordinal);

            CliRun toStdout = await Run("audio:speech", "create", "--model", "gpt-4o-mini-tts", "--voice", "coral", "--input", "Hello.");
            Assert.True(toStdout.Exit == 0, toStdout.ToString());
            Assert.Equal(await File.ReadAllBytesAsync(file), toStdout.BinaryStdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Debug_prints_the_exchange_to_stderr_without_the_key()
    {
        CliRun run = await Run("models", "list", "--debug");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("> GET ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Authorization: Bearer [redacted]", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("< 200", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-test-secret", run.Stderr + run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_output_prints_a_string_unquoted()
    {
        CliRun run = await Run("models", "retrieve", "--model", "gpt-5.5", "--format", "json", "--raw-output");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.StartsWith("{", run.Stdout, StringComparison.Ordinal); // an object is still JSON
    }

    [Fact]
    public async Task Repeated_flags_send_every_item_as_the_docs_write_them()
    {
        string dir = Path.Combine(Path.GetTempPath(), "openai-repeat-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string first = Path.Combine(dir, "body-lotion.png");
            string second = Path.Combine(dir, "soap.png");
            await File.WriteAllBytesAsync(first, [1, 2, 3]);
            await File.WriteAllBytesAsync(second, [4, 5]);
            fixture.Simulator.ClearRequests();
            // images edit: one --image per file (OpenAI's image guide), sent as image[] parts.
            CliRun edit = await Run("images", "edit", "--model", "gpt-image-2", "--image", first, "--image", second, "--prompt", "A gift basket");
            Assert.NotEqual(2, edit.Exit);
            string sent = fixture.Simulator.Requests.Single(r => r.Path.EndsWith("/images/edits", StringComparison.Ordinal)).BodyText;
            Assert.Equal(2, sent.Split("name=\"image[]\"").Length - 1);
            Assert.Contains("filename=body-lotion.png", sent, StringComparison.Ordinal);
            Assert.Contains("filename=soap.png", sent, StringComparison.Ordinal);

            // audio:transcriptions create --timestamp-granularity word (the singular, as the docs write it), repeatable.
            CliRun transcribe = await Run("audio:transcriptions", "create", "--model", "whisper-1", "--file", first, "--response-format", "verbose_json", "--timestamp-granularity", "word", "--timestamp-granularity", "segment");
            Assert.NotEqual(2, transcribe.Exit);
            sent = fixture.Simulator.Requests.Single(r => r.Path.EndsWith("/audio/transcriptions", StringComparison.Ordinal)).BodyText;
            Assert.Equal(2, sent.Split("name=\"timestamp_granularities[]\"").Length - 1);
            Assert.Contains("\r\n\r\nword\r\n", sent, StringComparison.Ordinal);
            Assert.Contains("\r\n\r\nsegment\r\n", sent, StringComparison.Ordinal);

            // A JSON body: one item or several make an array; one JSON array is the whole list.
            CliRun tools = await Run("responses", "create", "--model", "gpt-5.5", "--input", "hi", "--tool", "{\"type\":\"web_search\"}", "--include", "[\"reasoning.encrypted_content\"]");
            Assert.True(tools.Exit == 0, tools.ToString());
            using JsonDocument body = JsonDocument.Parse(fixture.Simulator.Requests.Last(r => r.Path.EndsWith("/responses", StringComparison.Ordinal)).BodyText);
            Assert.Equal("web_search", body.RootElement.GetProperty("tools")[0].GetProperty("type").GetString());
            Assert.Equal("reasoning.encrypted_content", Assert.Single(body.RootElement.GetProperty("include").EnumerateArray()).GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("responses", "create", "--no-such-flag", "1")]
    [InlineData("batches", "retrieve")]
    [InlineData("no-such-resource", "list")]
    [InlineData("models", "list", "--format", "explore")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        CliRun run = await Run(args);
        Assert.True(run.Exit == 2, run.ToString());
        Assert.NotEqual("", run.Stderr);
    }

    [Fact]
    public async Task Missing_key_and_malformed_base_url_are_usage_errors()
    {
        CliRun noKey = await CliRun.RunAsync(fixture.BaseUrl, ["models", "list"], environment: new System.Collections.Generic.Dictionary<string, string> { ["OPENAI_API_KEY"] = "" });
        Assert.Equal(2, noKey.Exit);
        Assert.Contains("OPENAI_API_KEY", noKey.Stderr, StringComparison.Ordinal);
        CliRun badUrl = await CliRun.RunAsync(null, ["models", "list"], environment: new System.Collections.Generic.Dictionary<string, string> { ["OPENAI_BASE_URL"] = "localhost:1234" });
        Assert.Equal(2, badUrl.Exit);
        Assert.Contains("OPENAI_BASE_URL", badUrl.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_url_is_an_api_error_with_the_apis_message()
    {
        CliRun run = await CliRun.RunAsync(new Uri(fixture.BaseUrl.AbsoluteUri.TrimEnd('/') + "/nope"), ["models", "list"]);
        Assert.Equal(1, run.Exit);
        Assert.Contains("HTTP 404", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Invalid URL", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_exit_1_without_a_status()
    {
        CliRun run = await CliRun.RunAsync(new Uri("http://127.0.0.1:9/v1"), ["models", "list"]);
        Assert.Equal(1, run.Exit);
        Assert.Contains("failed without a response", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP 0", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_commands_send_the_admin_key_and_need_it()
    {
        fixture.Simulator.ClearRequests();
        CliRun run = await Run("admin:organization:projects", "list", "--limit", "2");
        Assert.True(run.Exit == 0, run.ToString());
        var sent = fixture.Simulator.Requests.Last();
        Assert.EndsWith("/organization/projects", sent.Path, StringComparison.Ordinal);
        Assert.Equal("?limit=2", sent.QueryString);
        Assert.Equal("Bearer sk-admin-secret", sent.Header("Authorization"));

        CliRun noKey = await CliRun.RunAsync(fixture.BaseUrl, ["admin:organization:projects", "list"], environment: new System.Collections.Generic.Dictionary<string, string> { ["OPENAI_ADMIN_KEY"] = "" });
        Assert.Equal(2, noKey.Exit);
        Assert.Contains("OPENAI_ADMIN_KEY", noKey.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_at_every_level_comes_from_the_spec()
    {
        CliRun root = await Run("--help");
        Assert.Equal(0, root.Exit);
        Assert.Contains("audio:speech", root.Stdout, StringComparison.Ordinal);
        Assert.Contains("explore is not supported", root.Stdout, StringComparison.Ordinal);
        // The hand-written commands are listed first, marked, next to the generated resources they sit beside.
        int realtime = root.Stdout.IndexOf("  realtime ", StringComparison.Ordinal);
        int batch = root.Stdout.IndexOf("  batch ", StringComparison.Ordinal);
        int batches = root.Stdout.IndexOf("  batches ", StringComparison.Ordinal);
        Assert.True(realtime >= 0 && batch > realtime && batches > batch, root.Stdout);
        Assert.Contains("[tool] Batch at scale", root.Stdout, StringComparison.Ordinal);
        Assert.Contains("  realtime:client-secrets ", root.Stdout, StringComparison.Ordinal);
        CliRun method = await Run("batches", "create", "--help");
        Assert.Equal(0, method.Exit);
        Assert.Contains("--input-file-id", method.Stdout, StringComparison.Ordinal);
        Assert.Contains("--completion-window", method.Stdout, StringComparison.Ordinal);
        Assert.Contains("POST /batches", method.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>Auto-paging against the simulator's paged file list (7 files, pages of 3).</summary>
public sealed class AutoPagingTests
{
    [Fact]
    public async Task Auto_paging_follows_the_cursor_through_every_page()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(new RestSimulatorOptions { PaginateFiles = true });
        CliRun lines = await CliRun.RunAsync(simulator.BaseUrl, ["files", "list", "--auto-paging", "--format", "jsonl"]);
        Assert.True(lines.Exit == 0, lines.ToString());
        var ids = lines.Stdout.TrimEnd().Split('\n').Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(7, ids.Count);
        Assert.Equal(7, ids.Distinct().Count());
        Assert.Equal(3, simulator.Requests.Count(r => r.Path.EndsWith("/files", StringComparison.Ordinal)));

        CliRun capped = await CliRun.RunAsync(simulator.BaseUrl, ["files", "list", "--auto-paging", "--max-items", "4", "--format", "json"]);
        Assert.True(capped.Exit == 0, capped.ToString());
        Assert.Equal(4, JsonDocument.Parse(capped.Stdout).RootElement.GetArrayLength());

        CliRun one = await CliRun.RunAsync(simulator.BaseUrl, ["files", "list", "--format", "json"]);
        Assert.Equal(3, JsonDocument.Parse(one.Stdout).RootElement.GetProperty("data").GetArrayLength());
    }
}
