using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>The result of a child process: exit code, interleaved stdout/stderr, and how long it took.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string Output, TimeSpan Elapsed, bool TimedOut)
{
    /// <summary>The last <paramref name="lines"/> lines of the output, for failure messages.</summary>
    public string Tail(int lines = 60)
    {
        string[] all = Output.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>A failure message: the command, the exit code, and the tail of its output.</summary>
    public string Describe(string what) =>
        $"{what}: `{Command}` {(TimedOut ? "timed out" : $"exited with {ExitCode}")} after {Elapsed.TotalSeconds:0} s. Last lines of its output:\n{Tail()}";
}

/// <summary>
/// Runs <c>dotnet</c> (or a published program) as a child process with a clean MSBuild environment: no node reuse,
/// no build server, nothing inherited from the <c>dotnet test</c> that runs the tests.
/// </summary>
internal static class DotnetRun
{
    public static Task<ProcessResult> DotnetAsync(string workingDirectory, string arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
        => RunAsync("dotnet", workingDirectory, arguments, timeout, environment);

    public static async Task<ProcessResult> RunAsync(string fileName, string workingDirectory, string arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The outer `dotnet test` sets MSBuild variables (MSBuildExtensionsPath, MSBUILD_EXE_PATH, ...) that would
        // point the child build at the outer one's SDK state.
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(key);
        }
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                psi.Environment[key] = value;
            }
        }

        var output = new StringBuilder();
        var stdoutDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderrDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(e.Data, stdoutDone);
        process.ErrorDataReceived += (_, e) => Append(e.Data, stderrDone);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        bool exited = await Task.Run(() => process.WaitForExit(timeout)).ConfigureAwait(false);
        if (!exited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
        // A build can leave a grandchild (a compiler server) holding the pipes open: wait a little for the end of the
        // output, never forever.
        await Task.WhenAny(Task.WhenAll(stdoutDone.Task, stderrDone.Task), Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
        string text;
        lock (output)
        {
            text = output.ToString();
        }
        return new ProcessResult($"{Path.GetFileName(fileName)} {arguments}", exited ? process.ExitCode : -1, text, watch.Elapsed, !exited);

        void Append(string? line, TaskCompletionSource done)
        {
            if (line is null)
            {
                done.TrySetResult();
                return;
            }
            lock (output)
            {
                output.Append(line).Append('\n');
            }
        }
    }
}
