using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Simulator;
using Xunit;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary>The real <c>openai</c> process: a body piped on stdin, exit code 2 for usage, 130/143 for SIGINT/SIGTERM.</summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task A_body_piped_on_stdin_is_sent()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        using Process process = Start(simulator.BaseUrl, "responses", "create", "--format", "jsonl");
        await process.StandardInput.WriteAsync("""{"model": "gpt-5.5", "input": "piped"}""");
        process.StandardInput.Close();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(process.ExitCode == 0, stderr);
        JsonDocument.Parse(stdout).Dispose();
        var sent = simulator.Requests.Single(r => r.Path.EndsWith("/responses", StringComparison.Ordinal));
        Assert.Equal("piped", JsonDocument.Parse(sent.BodyText).RootElement.GetProperty("input").GetString());
    }

    [Fact]
    public async Task A_usage_error_exits_2()
    {
        using Process process = Start(new Uri("http://127.0.0.1:9/v1"), "models", "list", "--no-such-flag");
        process.StandardInput.Close();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--no-such-flag", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task A_signal_ends_a_stalled_request(string signal, int expected)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        simulator.AddFault(RestFaultKind.Stall, "/models", count: null);
        using Process process = Start(simulator.BaseUrl, "models", "list");
        process.StandardInput.Close();
        var clock = Stopwatch.StartNew();
        while (!simulator.Requests.Any() && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }
        Assert.NotEmpty(simulator.Requests);
        using (Process kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        var sent = Stopwatch.StartNew();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(expected, process.ExitCode);
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(2), $"took {sent.Elapsed}");
    }

    /// <summary>
    /// The tool in its own output folder (same configuration as the tests): the copy beside the tests would resolve
    /// Microsoft.Extensions.* from this project's ASP.NET Core framework reference, which the tool does not have.
    /// </summary>
    private static string ToolDll()
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Generated.sln")))
        {
            dir = Path.GetDirectoryName(dir.TrimEnd(Path.DirectorySeparatorChar));
        }
        Assert.NotNull(dir);
        return Path.Combine(dir, "runtime", "Generated.OpenAI.CommandLine", "bin", configuration, "net10.0", "openai.dll");
    }

    private static Process Start(Uri baseUrl, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(ToolDll());
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["OPENAI_API_KEY"] = "sk-test";
        info.Environment["OPENAI_BASE_URL"] = baseUrl.AbsoluteUri;
        info.Environment.Remove("OPENAI_ADMIN_KEY");
        return Process.Start(info)!;
    }
}
