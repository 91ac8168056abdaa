using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;

namespace Generated.OpenAI.CommandLine;

/// <summary>One run of a generated command: builds the request from flags and stdin, sends it, prints the answer.</summary>
internal sealed partial class CommandInvocation
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private readonly CommandLineConsole _console;

    public CommandInvocation(OpenApiCommand command, CommandLineConsole console)
    {
        Command = command;
        _console = console;
    }

    public OpenApiCommand Command { get; }

    public string Format { get; init; } = "auto";

    public bool RawOutput { get; init; }

    public string? OutputFile { get; init; }

    public bool Debug { get; init; }

    public bool AutoPaging { get; init; }

    /// <summary>The <c>--transform</c> path (<see cref="JsonTransform"/>), or null.</summary>
    public string? Transform { get; init; }

    public int? MaxItems { get; init; }

    public bool BodyFromStdin { get; set; }

    /// <summary>Declared flags given on the command line: the field and its text.</summary>
    public List<(OpenApiCommandOption Field, string Value)> Values { get; } = [];

    /// <summary>Dotted flags: the JSON path and the text.</summary>
    public List<(string[] Path, string Value)> Dotted { get; } = [];

    private string EffectiveFormat => Format == "auto" ? (_console.OutputIsTerminal ? "pretty" : "json") : Format;

    public async Task<int> UsageErrorAsync(string message)
    {
        await _console.Error.WriteLineAsync("error: " + message).ConfigureAwait(false);
        return OpenAICommandLine.ExitUsage;
    }

    /// <summary>Sends the request and prints the answer; a failure becomes its exit code (<see cref="CommandErrors"/>).</summary>
    public Task<int> RunAsync(CancellationToken cancellationToken) => CommandErrors.GuardAsync(_console.Error, async () =>
    {
        if (Transform is not null)
        {
            JsonTransform.Apply(null, Transform, out _); // a malformed path is a usage error before anything is sent
        }
        using OpenAIPipeline pipeline = CreatePipeline();
        Func<string?, PipelineRequest> build = await PrepareAsync(cancellationToken).ConfigureAwait(false);
        if (AutoPaging && Command.Pages)
        {
            return await PageAsync(pipeline, build, cancellationToken).ConfigureAwait(false);
        }
        PipelineRequest request = build(null);
        using PipelineResponse response = await SendAsync(pipeline, request, cancellationToken).ConfigureAwait(false);
        await PrintAsync(response, cancellationToken).ConfigureAwait(false);
        return OpenAICommandLine.ExitOk;
    });

    private OpenAIPipeline CreatePipeline()
    {
        OpenAIClientOptions options = ToolEnvironment.ReadOptions(_console.GetVariable);
        if (Command.AdminAuth && options.AdminApiKey is null)
        {
            throw new UsageException($"'{Command.Name}' is an admin operation: set OPENAI_ADMIN_KEY.");
        }
        if (!Command.AdminAuth && options.ApiKey is null)
        {
            throw new UsageException("set OPENAI_API_KEY (and OPENAI_BASE_URL for another server than api.openai.com; 'openai simulate' runs a local one).");
        }
        return new OpenAIPipeline(options);
    }
}
