using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

using System;
using System.Linq;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Generated.OpenAI.Benchmarks -- [--quick|--dry] [BenchmarkDotNet args]</c>.
/// --quick: a short job for a 2-core machine; --dry: every benchmark once, to prove none has rotted (CI).
/// Pass several filters after one --filter: <c>--filter '*Perf_Base64*' '*Perf_RealtimeSend*'</c>.
/// Exit code 1 when a benchmark fails, or when a zero-allocation benchmark (see <see cref="IsZeroAllocation"/>) allocates.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        IConfig config = DefaultConfig.Instance;
        var rest = new System.Collections.Generic.List<string>(args);
        if (rest.Remove("--dry"))
        {
            config = config.AddJob(Job.Dry);
        }
        else if (rest.Remove("--quick"))
        {
            config = config.AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5));
        }
        if (!rest.Exists(a => a.StartsWith("--filter", System.StringComparison.Ordinal)))
        {
            rest.AddRange(new[] { "--filter", "*" });
        }
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.ToArray(), config);
        int exitCode = 0;
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
            else if (allocated.Value > 0)
            {
                Console.Error.WriteLine($"ZERO-ALLOCATION CHECK FAILED: {report.BenchmarkCase.DisplayInfo} allocates {allocated.Value} B/op");
                ok = false;
            }
            else
            {
                Console.WriteLine($"Zero-allocation check passed: {report.BenchmarkCase.DisplayInfo}");
            }
        }

        return ok;
    }
}
