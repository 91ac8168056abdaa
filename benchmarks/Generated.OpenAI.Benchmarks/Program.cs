using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

using BenchmarkDotNet.Toolchains.InProcess.Emit;

using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Generated.OpenAI.Benchmarks -- [--quick|--dry] [BenchmarkDotNet args]</c>.
/// --quick: a short job for a 2-core machine, in process; --dry: every benchmark once, in process, to prove none has rotted (CI);
/// neither: BenchmarkDotNet's default job, out of process (a full run).
/// Pass several filters after one --filter: <c>--filter '*Perf_Base64*' '*Perf_RealtimeSend*'</c>.
/// <c>-- --profile-sessions METHOD SESSIONS WINDOWS</c> runs windows of one <c>Perf_RealtimeSessions</c> row without
/// BenchmarkDotNet, for a profiler to attach to (<c>perf stat -p</c>, <c>strace -c -f -p</c>).
/// Exit code 1 when a benchmark fails, or when a zero-allocation benchmark (see <see cref="IsZeroAllocation"/>) allocates.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--server"])
        {
            // The separate-process WebSocket server of Perf_RealtimeLoopback, Perf_RealtimeSessions and Perf_MeaiRealtime.
            return Support.RealtimeLoadServer.Run();
        }

        if (args is ["--profile-sessions", string method, string sessions, string windows])
        {
            return Perf_RealtimeSessions.Profile(method, int.Parse(sessions, CultureInfo.InvariantCulture), int.Parse(windows, CultureInfo.InvariantCulture));
        }

        if (args is ["--compare-session-work", string workRounds, string workSessions])
        {
            return Perf_RealtimeSessions.CompareSessionWork(int.Parse(workRounds, CultureInfo.InvariantCulture), int.Parse(workSessions, CultureInfo.InvariantCulture));
        }

        if (args is ["--compare-send", string rounds])
        {
            return Perf_RealtimeSend.Compare(int.Parse(rounds, CultureInfo.InvariantCulture));
        }

        if (args is ["--compare-receive", string receivePcmBytes, string receiveRounds])
        {
            return Perf_RealtimeReceive.Compare(int.Parse(receivePcmBytes, CultureInfo.InvariantCulture), int.Parse(receiveRounds, CultureInfo.InvariantCulture));
        }

        if (args is ["--compare-loopback", string pcmBytes, string loopbackRounds])
        {
            return Perf_RealtimeLoopback.Compare(int.Parse(pcmBytes, CultureInfo.InvariantCulture), int.Parse(loopbackRounds, CultureInfo.InvariantCulture));
        }

        IConfig config = DefaultConfig.Instance
            .AddColumn(
                new Support.WindowMetrics.Column("CPU/core", Support.WindowMetrics.Metric.Cpu, "Perf_RealtimeSessions: client process CPU time (user + kernel) / wall time over the window (median of windows)"),
                new Support.WindowMetrics.Column("user", Support.WindowMetrics.Metric.User, "Perf_RealtimeSessions: the user-mode part of CPU/core (.NET code: ours, the BCL, thread pool, GC)"),
                new Support.WindowMetrics.Column("kernel", Support.WindowMetrics.Metric.Kernel, "Perf_RealtimeSessions: the kernel-mode part of CPU/core (socket system calls, loopback TCP delivery, epoll, wake-ups)"),
                new Support.WindowMetrics.Column("B/event", Support.WindowMetrics.Metric.BytesPerEvent, "Perf_RealtimeSessions: bytes allocated by the client process / events (appends sent + deltas received)"),
                new Support.WindowMetrics.Column("events/s", Support.WindowMetrics.Metric.EventsPerSecond, "Perf_RealtimeSessions: appends sent + deltas received per second (real time: sessions x 100)"),
                new Support.WindowMetrics.Column("p50 µs", Support.WindowMetrics.Metric.LatencyP50, "Perf_RealtimeSessions: delivery latency of audio deltas, server's send to the app, median of the window's deltas (median of windows); - where not measured"),
                new Support.WindowMetrics.Column("p99 µs", Support.WindowMetrics.Metric.LatencyP99, "Perf_RealtimeSessions: the 99th percentile of the same latencies, per window (median of windows); - where not measured"),
                new Support.WindowMetrics.Column("CPU ratio", Support.WindowMetrics.Metric.Cpu, "Perf_RealtimeSessions: CPU/core / the baseline's CPU/core (raw TCP, same sessions, same run)", ratioToBaseline: true));

        // Window metrics are written by the benchmark processes (which inherit this variable) and read by the columns.
        string metrics = Path.Combine(Path.GetTempPath(), "generated-openai-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Environment.SetEnvironmentVariable(Support.WindowMetrics.DirectoryVariable, metrics);
        var rest = new System.Collections.Generic.List<string>(args);
        if (rest.Remove("--dry"))
        {
            // In process: no second build of the benchmark project, so the CI gate stays short. Still a Release build
            // (the README's command and .ci/run use -c Release), so the allocation gate sees optimized code.
            config = config.AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance));
            Environment.SetEnvironmentVariable(DryVariable, "1");
        }
        else if (rest.Remove("--quick"))
        {
            // In process as well: the out-of-process toolchain rebuilds the benchmark project (with the SDK and its
            // generated code) for every run, which takes minutes on 2 cores. Each benchmark still has its in-run baseline.
            config = config.AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance));
        }
        else
        {
            // Full mode, out of process: its build of the benchmark project (the SDK included) outlasts the default 120 s.
            config = ManualConfig.Create(config).WithBuildTimeout(TimeSpan.FromMinutes(30));
        }
        if (!rest.Exists(a => a.StartsWith("--filter", System.StringComparison.Ordinal)))
        {
            rest.AddRange(new[] { "--filter", "*" });
        }
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.ToArray(), config);
        int exitCode = 0;
        if (Directory.Exists(metrics))
        {
            Directory.Delete(metrics, recursive: true);
        }

        foreach (var summary in summaries)
        {
            if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success))
            {
                exitCode = 1;
            }

            if (!CheckZeroAllocation(summary))
            {
                exitCode = 1;
            }
        }
        return exitCode;
    }

    /// <summary>Set to 1 in a dry run, so that wall-clock benchmarks (Perf_RealtimeSessions) use short windows.</summary>
    public const string DryVariable = "GENERATED_OPENAI_BENCH_DRY";

    /// <summary>True in a dry run (see <see cref="DryVariable"/>).</summary>
    public static bool IsDry => Environment.GetEnvironmentVariable(DryVariable) == "1";

    /// <summary>The category that exempts a benchmark from the zero-allocation gate; say why beside it.</summary>
    public const string NoAllocationGate = "NoAllocationGate";

    /// <summary>
    /// Our hot paths promise 0 B per operation: a benchmark whose method name or description contains <c>ours</c>
    /// (any case) is held to it, in every mode (the dry run is the CI gate), unless it is in the
    /// <see cref="NoAllocationGate"/> category.
    /// </summary>
    private static bool IsZeroAllocation(BenchmarkReport report)
        => (report.BenchmarkCase.Descriptor.WorkloadMethod.Name.Contains("ours", StringComparison.OrdinalIgnoreCase)
                || report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Contains("ours", StringComparison.OrdinalIgnoreCase))
            && !report.BenchmarkCase.Descriptor.HasCategory(NoAllocationGate);

    /// <summary>
    /// The smallest heap object on 64-bit .NET (header, method table, one field): an operation that allocates anything
    /// allocates at least this much. BenchmarkDotNet counts allocations process-wide, so a few kilobytes that another
    /// thread allocated once during a measured iteration (a thread-pool or timer structure; seen in CI even on the bare
    /// <c>Base64.EncodeToUtf8</c> baseline) show as a few bytes per operation over the
    /// <see cref="Support.DryAllocationGateAttribute.Invocations"/> operations of a dry run. Below this figure it is
    /// not an allocation made by every operation; the runtime tests pin 0 B per event with the per-thread counter.
    /// </summary>
    private const long SmallestObjectBytes = 24;

    private static bool CheckZeroAllocation(Summary summary)
    {
        bool ok = true;
        foreach (BenchmarkReport report in summary.Reports.Where(r => r.Success && IsZeroAllocation(r)))
        {
            long? allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            if (allocated is null)
            {
                Console.Error.WriteLine($"ZERO-ALLOCATION CHECK: no allocation data for {report.BenchmarkCase.DisplayInfo} (is [MemoryDiagnoser] missing?)");
                ok = false;
            }
            else if (allocated.Value >= SmallestObjectBytes)
            {
                Console.Error.WriteLine($"ZERO-ALLOCATION CHECK FAILED: {report.BenchmarkCase.DisplayInfo} allocates {allocated.Value} B/op");
                ok = false;
            }
            else if (allocated.Value > 0)
            {
                Console.WriteLine($"Zero-allocation check passed: {report.BenchmarkCase.DisplayInfo} ({allocated.Value} B/op: less than one object per operation, process-wide noise)");
            }
            else
            {
                Console.WriteLine($"Zero-allocation check passed: {report.BenchmarkCase.DisplayInfo}");
            }
        }

        return ok;
    }
}
