using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>The result of one <c>dotnet</c> run: exit code, the merged stdout/stderr, and how long it took.</summary>
public sealed record DotnetResult(string CommandLine, int ExitCode, string Output, TimeSpan Duration)
{
    /// <summary>The last <paramref name="lines"/> lines of the output, for failure messages.</summary>
    public string Tail(int lines = 60)
    {
        string[] all = Output.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>A failure message: the command, the exit code and the output tail.</summary>
    public string Describe(string what) =>
        $"{what}: '{CommandLine}' exited with {ExitCode} after {Duration.TotalSeconds:0} s. Output (tail):\n{Tail()}";
}

/// <summary>
/// Runs the .NET CLI for the consumer projects, isolated from the test host: no MSBuild variables inherited from the
/// <c>dotnet test</c> that started us, no build servers left running (they would hold the output pipes open).
/// </summary>
internal static class DotnetCli
{
    private static readonly string[] s_inheritedPrefixesToDrop = ["MSBUILD", "MSBuild", "VSTEST", "TESTINGPLATFORM", "DOTNET_HOST_PATH", "NUGET_RESTORE_MSBUILD"];

    public static string Executable
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return host is { Length: > 0 } && System.IO.File.Exists(host) ? host : "dotnet";
        }
    }

    public static async Task<DotnetResult> RunAsync(
        string workingDirectory,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        string? executable = null)
    {
        var start = new ProcessStartInfo(executable ?? Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string key in start.Environment.Keys.ToArray())
        {
            if (s_inheritedPrefixesToDrop.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        if (environment is not null)
        {
            foreach ((string key, string value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        string commandLine = $"{System.IO.Path.GetFileName(start.FileName)} {string.Join(' ', arguments)}";
        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Append(output, $"*** killed: no exit within {timeout.TotalSeconds:0} s ***");
            return new DotnetResult(commandLine, -1, Snapshot(output), stopwatch.Elapsed);
        }

        process.WaitForExit(); // drains the asynchronous output readers
        return new DotnetResult(commandLine, process.ExitCode, Snapshot(output), stopwatch.Elapsed);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
