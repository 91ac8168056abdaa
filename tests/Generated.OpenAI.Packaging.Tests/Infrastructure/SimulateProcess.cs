using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>
/// <c>openai simulate</c> from an installed tool, as a real process: started with no <c>OPENAI_*</c> variables, its
/// <c>export NAME=value</c> lines read as a user's shell would <c>eval</c> them, stopped with SIGTERM.
/// </summary>
internal sealed class SimulateProcess : IDisposable
{
    private const string ExportPrefix = "export ";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SimulateProcess(Process process, IReadOnlyDictionary<string, string> exports)
    {
        _process = process;
        Exports = exports;
    }

    /// <summary>The variables <c>simulate</c> printed to export: <c>OPENAI_BASE_URL</c> and <c>OPENAI_API_KEY</c>.</summary>
    public IReadOnlyDictionary<string, string> Exports { get; }

    /// <summary>Starts <paramref name="openai"/> <c>simulate</c> and waits (at most <paramref name="limit"/>) for both export lines.</summary>
    public static async Task<SimulateProcess> StartAsync(string openai, TimeSpan limit)
    {
        var info = new ProcessStartInfo(openai, ["simulate"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string name in new[] { "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ADMIN_KEY" })
        {
            info.Environment.Remove(name);
        }
        // The tool's launcher finds the runtime where DOTNET_ROOT says, as 'dotnet tool install' tells users to set it.
        info.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Path.GetFullPath(ResolveDotnet()))!;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{openai} did not start.");
        var exports = new Dictionary<string, string>(StringComparer.Ordinal);
        var simulate = new SimulateProcess(process, exports);
        process.ErrorDataReceived += (_, e) => simulate.Append(e.Data);
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            while (exports.Count < 2 && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                simulate.Append(line);
                if (line.StartsWith(ExportPrefix, StringComparison.Ordinal) && line.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals)
                {
                    exports[line[ExportPrefix.Length..equals]] = line[(equals + 1)..];
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        if (!exports.ContainsKey("OPENAI_BASE_URL") || !exports.ContainsKey("OPENAI_API_KEY"))
        {
            simulate.Dispose();
            throw new InvalidOperationException($"openai simulate printed no export lines within {limit.TotalSeconds:0} s:\n{simulate.Output}");
        }
        return simulate;
    }

    /// <summary>What the process wrote (stdout lines read so far and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Sends SIGTERM and returns the exit code (143 expected), or -1 when it did not end within <paramref name="limit"/>.</summary>
    public async Task<int> StopAsync(TimeSpan limit)
    {
        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Append(line).Append('\n');
            }
        }
    }

    /// <summary>The dotnet host the tests run under (DOTNET_HOST_PATH), else the first 'dotnet' on PATH.</summary>
    private static string ResolveDotnet()
    {
        string executable = DotnetCli.Executable;
        if (Path.IsPathRooted(executable))
        {
            return ResolveLink(executable);
        }
        string? found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists);
        return ResolveLink(found ?? throw new InvalidOperationException("No dotnet on PATH."));
    }

    private static string ResolveLink(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
