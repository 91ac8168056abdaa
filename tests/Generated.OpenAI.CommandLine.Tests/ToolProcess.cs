using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary>A started <c>openai</c> process (<c>dotnet exec</c> of the built tool) with its output collected; standard input stays open until <see cref="CloseInput"/>.</summary>
internal sealed class ToolProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _stderr = new();
    private readonly System.Text.StringBuilder _stdout = new();

    private ToolProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>What the process wrote to stdout so far.</summary>
    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public static ToolProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment)
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

        info.Environment.Remove("OPENAI_API_KEY");
        info.Environment.Remove("OPENAI_BASE_URL");
        info.Environment.Remove("OPENAI_ADMIN_KEY");
        foreach ((string name, string? value) in environment)
        {
            if (value is not null)
            {
                info.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = info };
        var cli = new ToolProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (cli._stderr)
                {
                    cli._stderr.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (cli._stdout)
                {
                    cli._stdout.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return cli;
    }

    /// <summary>Writes <paramref name="text"/> to standard input and closes it.</summary>
    public async Task WriteInputAndCloseAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        CloseInput();
    }

    /// <summary>Closes standard input (end of file for the tool).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    public static void Kill(int pid, string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public Task WaitForStderrAsync(string text, TimeSpan limit) => WaitForAsync(() => Stderr, text, limit);

    public Task WaitForStdoutAsync(string text, TimeSpan limit) => WaitForAsync(() => Stdout, text, limit);

    private async Task WaitForAsync(Func<string> output, string text, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!output().Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"exited ({_process.ExitCode}) before printing '{text}': {Stderr}");
            }

            Assert.True(clock.Elapsed < limit, $"no '{text}' within {limit}: {Stderr}");
            await Task.Delay(50);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"still running after {limit}: {Stderr}");
        }

        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    /// <summary>
    /// The tool in its own output folder (same configuration as the tests): the copy beside the tests would resolve
    /// its dependencies from this project's, which are not the tool's.
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
}
