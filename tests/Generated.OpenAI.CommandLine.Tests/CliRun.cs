using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary>One in-process run of <c>openai</c>: exit code, stdout, stderr and binary stdout.</summary>
internal sealed record CliRun(int Exit, string Stdout, string Stderr, byte[] BinaryStdout)
{
    public static async Task<CliRun> RunAsync(Uri? baseUrl, string[] args, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal) { ["OPENAI_API_KEY"] = "sk-test-secret", ["OPENAI_ADMIN_KEY"] = "sk-admin-secret" };
        if (baseUrl is not null)
        {
            variables["OPENAI_BASE_URL"] = baseUrl.AbsoluteUri;
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }
        using var output = new StringWriter();
        using var error = new StringWriter();
        var binary = new MemoryStream();
        var console = new CommandLineConsole(
            new StringReader(stdin ?? ""),
            stdin is not null,
            output,
            error,
            () => binary,
            OutputIsTerminal: false,
            name => variables.TryGetValue(name, out string? value) ? value : null);
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        int exit = await OpenAICommandLine.RunAsync(args, console, limit.Token);
        return new CliRun(exit, output.ToString(), error.ToString(), binary.ToArray());
    }

    public override string ToString() => $"exit {Exit}\nstdout: {Stdout}\nstderr: {Stderr}";
}
