using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

using System.Linq;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Generated.OpenAI.Benchmarks -- [--quick|--dry] [BenchmarkDotNet args]</c>.
/// --quick: a short job for a 2-core machine; --dry: every benchmark once, to prove none has rotted (CI).
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
        foreach (var summary in summaries)
        {
            if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success))
            {
                return 1;
            }
        }
        return 0;
    }
}
