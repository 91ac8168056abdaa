using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary>The command table the generator emits: every operation of the spec, named as OpenAI's CLI names them.</summary>
public sealed class CommandTableTests(ITestOutputHelper output)
{
    private static readonly string[] s_methods = ["get", "post", "put", "patch", "delete"];

    [Fact]
    public void Every_operation_of_the_spec_has_a_command_with_a_unique_name()
    {
        using Stream stream = typeof(CommandTableTests).Assembly.GetManifestResourceStream("openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded");
        using JsonDocument spec = JsonDocument.Parse(stream);
        var operations = spec.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(m => s_methods.Contains(m.Name)).Select(m => m.Value.TryGetProperty("operationId", out var id) ? id.GetString()! : m.Name + " " + path.Name))
            .ToList();
        var commands = OpenApiCommandTable.Commands;
        int covered = operations.Count(id => commands.Any(c => c.OperationId == id));
        output.WriteLine($"{covered} of {operations.Count} operations have a command");

        Assert.Equal(operations.Count, covered);
        Assert.Equal(operations.Count, commands.Count);
        Assert.Equal(commands.Count, commands.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("responses create", "POST", "/responses")]
    [InlineData("audio:speech create", "POST", "/audio/speech")]
    [InlineData("audio:transcriptions create", "POST", "/audio/transcriptions")]
    [InlineData("chat:completions create", "POST", "/chat/completions")]
    [InlineData("admin:organization:projects:service-accounts create", "POST", "/organization/projects/{project_id}/service_accounts")]
    [InlineData("admin:organization:projects create", "POST", "/organization/projects")]
    [InlineData("files create", "POST", "/files")]
    [InlineData("files content", "GET", "/files/{file_id}/content")]
    [InlineData("batches create", "POST", "/batches")]
    [InlineData("batches retrieve", "GET", "/batches/{batch_id}")]
    [InlineData("batches list", "GET", "/batches")]
    [InlineData("batches cancel", "POST", "/batches/{batch_id}/cancel")]
    [InlineData("images generate", "POST", "/images/generations")]
    [InlineData("images edit", "POST", "/images/edits")]
    [InlineData("models delete", "DELETE", "/models/{model}")]
    [InlineData("responses:input-items list", "GET", "/responses/{response_id}/input_items")]
    public void The_docs_commands_exist(string name, string method, string path)
    {
        OpenApiCommand command = Assert.Single(OpenApiCommandTable.Commands, c => c.Name == name);
        Assert.Equal(method, command.HttpMethod);
        Assert.Equal(path, command.Path);
    }

    [Fact]
    public void No_hand_written_command_has_the_name_of_a_generated_resource()
    {
        var resources = OpenApiCommandTable.Commands.Select(c => c.Name[..c.Name.IndexOf(' ', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(["realtime", "simulate", "batch"], OpenAICommandLine.ToolCommandNames);
        Assert.All(OpenAICommandLine.ToolCommandNames, name => Assert.DoesNotContain(name, resources));
        Assert.Contains("batches", resources); // beside 'batch', the plain operations
        Assert.Contains(resources, r => r.StartsWith("realtime:", StringComparison.Ordinal));
    }

    [Fact]
    public void Commands_carry_parameters_body_fields_and_flags()
    {
        var commands = OpenApiCommandTable.Commands;
        var responses = commands.Single(c => c.Name == "responses create");
        Assert.Equal("json", responses.BodyKind);
        Assert.True(responses.Streams);
        Assert.Contains(responses.BodyFields, f => f.Name == "model");
        Assert.Contains(responses.BodyFields, f => f.Name == "text" && f.Kind == "object");

        var upload = commands.Single(c => c.Name == "files create");
        Assert.Equal("multipart", upload.BodyKind);
        Assert.Contains(upload.BodyFields, f => f.Name == "file" && f.Kind == "file" && f.Required);

        var list = commands.Single(c => c.Name == "batches list");
        Assert.True(list.Pages);
        Assert.Contains(list.Parameters, p => p.Name == "after" && p.In == "query");

        var retrieve = commands.Single(c => c.Name == "batches retrieve");
        Assert.Contains(retrieve.Parameters, p => p.Name == "batch_id" && p.In == "path" && p.Required);

        Assert.True(commands.Single(c => c.Name == "admin:organization:projects create").AdminAuth);

        // Flags the docs write: --image once per file, --timestamp-granularity (singular) once per item.
        var image = commands.Single(c => c.Name == "images edit").BodyFields.Single(f => f.Name == "image");
        Assert.Equal(("file", true, "--image", null), (image.Kind, image.Repeatable, image.Flag, image.SingularFlag));
        var granularities = commands.Single(c => c.Name == "audio:transcriptions create").BodyFields.Single(f => f.Name == "timestamp_granularities");
        Assert.Equal(("array", true, "--timestamp-granularities", "--timestamp-granularity"), (granularities.Kind, granularities.Repeatable, granularities.Flag, granularities.SingularFlag));
        Assert.False(commands.Single(c => c.Name == "files create").BodyFields.Single(f => f.Name == "file").Repeatable);
        Assert.Equal("binary", commands.Single(c => c.Name == "audio:speech create").ResponseKind);
    }
}
