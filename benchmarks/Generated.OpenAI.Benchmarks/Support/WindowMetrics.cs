using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// Client-process CPU time and allocations over a fixed real-time window, for benchmarks whose operation is "run a
/// paced load for a while" (<c>Perf_RealtimeSessions</c>). The benchmark process records one line per measured window
/// in a file (the host and the benchmark run in different processes); <see cref="Column"/> shows the median.
/// </summary>
internal static class WindowMetrics
{
    /// <summary>Set by <c>Program</c> in the host; the benchmark child process inherits it.</summary>
    public const string DirectoryVariable = "GENERATED_OPENAI_BENCH_METRICS";

    /// <summary>What one recorded window holds, in the order of the fields of a line.</summary>
    public enum Metric
    {
        /// <summary>Process CPU time (user + kernel) / wall time, in cores.</summary>
        Cpu,

        /// <summary>User-mode CPU time / wall time: the .NET code (ours, the BCL's, the thread pool, GC).</summary>
        User,

        /// <summary>Kernel-mode CPU time / wall time: socket system calls (on loopback, including the TCP stack's
        /// delivery to the server's socket), epoll, futex wake-ups.</summary>
        Kernel,

        /// <summary>Bytes allocated by the process / events.</summary>
        BytesPerEvent,

        /// <summary>Events (appends sent + deltas received) per second.</summary>
        EventsPerSecond,

        /// <summary>
        /// Delivery latency, median over the window's deltas, in microseconds: from the server's stamp just before it
        /// writes the frame to the socket to the moment the event reaches the app (see <see cref="LatencyHistogram"/>).
        /// NaN for a row that does not measure it.
        /// </summary>
        LatencyP50,

        /// <summary>The 99th percentile of the same latencies, in microseconds.</summary>
        LatencyP99,
    }

    /// <param name="WorkItems">The thread pool's completed work items (<see cref="ThreadPool.CompletedWorkItemCount"/>):
    /// per event, how often a continuation was posted rather than run inline (socket completions, timers, hops).</param>
    public readonly record struct Snapshot(long Timestamp, TimeSpan User, TimeSpan Kernel, long Allocated, long Events, long WorkItems)
    {
        public static Snapshot Take(long events)
        {
            using Process self = Process.GetCurrentProcess();
            return new Snapshot(Stopwatch.GetTimestamp(), self.UserProcessorTime, self.PrivilegedProcessorTime, GC.GetTotalAllocatedBytes(precise: true), events, ThreadPool.CompletedWorkItemCount);
        }
    }

    /// <summary>
    /// Records one window: CPU, user and kernel fractions of one core, bytes allocated per event, events per second and,
    /// when <paramref name="latency"/> is given (the window's deltas), their p50 and p99.
    /// </summary>
    public static void Record(string key, Snapshot start, Snapshot end, LatencyHistogram.Summary? latency = null)
    {
        double wall = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        double user = (end.User - start.User).TotalSeconds / wall;
        double kernel = (end.Kernel - start.Kernel).TotalSeconds / wall;
        long events = end.Events - start.Events;
        double bytesPerEvent = events == 0 ? double.NaN : (double)(end.Allocated - start.Allocated) / events;
        double p50 = latency?.P50 ?? double.NaN;
        double p99 = latency?.P99 ?? double.NaN;
        double workItemsPerEvent = events == 0 ? double.NaN : (double)(end.WorkItems - start.WorkItems) / events;
        string line = string.Create(CultureInfo.InvariantCulture, $"{user + kernel:F4} {user:F4} {kernel:F4} {bytesPerEvent:F2} {events / wall:F0} {p50:F0} {p99:F0}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// window {key}: cpu/core {user + kernel:F4} (user {user:F4}, kernel {kernel:F4}), B/event {bytesPerEvent:F2}, events/s {events / wall:F0}, latency p50 {p50:F0} us, p99 {p99:F0} us ({latency?.Count ?? 0} deltas timed), work items/event {workItemsPerEvent:F3}, user us/event {user * wall * 1e6 / Math.Max(events, 1):F2}, kernel us/event {kernel * wall * 1e6 / Math.Max(events, 1):F2}"));
        string? directory = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            File.AppendAllText(Path.Combine(directory, key + ".txt"), line + Environment.NewLine);
        }
    }

    public static string Key(BenchmarkCase benchmarkCase)
        => benchmarkCase.Descriptor.Type.Name + "." + benchmarkCase.Descriptor.WorkloadMethod.Name + "-"
            + string.Join("-", benchmarkCase.Parameters.Items.Select(p => Convert.ToString(p.Value, CultureInfo.InvariantCulture)));

    /// <summary>The median over the recorded windows of <paramref name="metric"/>, or NaN when none was recorded.</summary>
    public static double Median(BenchmarkCase benchmarkCase, Metric metric)
    {
        string? directory = Environment.GetEnvironmentVariable(DirectoryVariable);
        string path = directory is null ? string.Empty : Path.Combine(directory, Key(benchmarkCase) + ".txt");
        if (!File.Exists(path))
        {
            return double.NaN;
        }

        List<double> values = File.ReadAllLines(path)
            .Where(l => l.Length > 0)
            .Select(l => l.Split(' '))
            .Select(f => f.Length > (int)metric ? double.Parse(f[(int)metric], CultureInfo.InvariantCulture) : double.NaN)
            .Order()
            .ToList();
        return values.Count == 0 ? double.NaN : values[values.Count / 2];
    }

    /// <summary>
    /// A summary column: the median of one <see cref="Metric"/> over the recorded windows, or with
    /// <c>ratioToBaseline</c> the case's median CPU divided by its baseline's (same parameters, same run).
    /// </summary>
    public sealed class Column(string name, Metric metric, string legend, bool ratioToBaseline = false) : IColumn
    {
        public string Id => nameof(WindowMetrics) + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => ratioToBaseline ? 99 : (int)metric;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            double value = Median(benchmarkCase, metric);
            if (ratioToBaseline)
            {
                BenchmarkCase? baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
                value = baseline is null ? double.NaN : value / Median(baseline, metric);
            }

            if (double.IsNaN(value))
            {
                return "-";
            }

            return ratioToBaseline ? value.ToString("F2", CultureInfo.InvariantCulture)
                : metric switch
                {
                    Metric.BytesPerEvent => value.ToString("F1", CultureInfo.InvariantCulture),
                    Metric.EventsPerSecond or Metric.LatencyP50 or Metric.LatencyP99 => value.ToString("N0", CultureInfo.InvariantCulture),
                    _ => value.ToString("F3", CultureInfo.InvariantCulture),
                };
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => c.Descriptor.Type.Name == "Perf_RealtimeSessions");

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public override string ToString() => ColumnName;
    }

    /// <summary>Counts events from many sessions without contention worth measuring.</summary>
    public sealed class Counter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }
}
