using System;
using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>Runs the <c>dotnet</c> CLI for the tests that build projects for real, and logs what it printed.</summary>
internal static class DotnetCli
{
    /// <summary>Runs <c>dotnet {arguments}</c> in <paramref name="workingDirectory"/>; fails the test if it outlasts <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output) Run(string arguments, string workingDirectory, TimeSpan timeout, ITestOutputHelper log)
    {
        var psi = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd() + stderr.GetAwaiter().GetResult();
        Assert.True(process.WaitForExit(timeout), $"dotnet {arguments} did not finish in {timeout.TotalMinutes} minutes");
        log.WriteLine(output);
        return (process.ExitCode, output);
    }
}
