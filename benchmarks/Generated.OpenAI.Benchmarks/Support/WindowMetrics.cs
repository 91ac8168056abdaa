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

    public readonly record struct Snapshot(long Timestamp, TimeSpan Cpu, long Allocated, long Events)
    {
        public static Snapshot Take(long events)
        {
            using Process self = Process.GetCurrentProcess();
            return new Snapshot(Stopwatch.GetTimestamp(), self.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true), events);
        }
    }

    /// <summary>Records one window: CPU fraction of one core, bytes allocated per event, events per second.</summary>
    public static void Record(string key, Snapshot start, Snapshot end)
    {
        double wall = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        double cpu = (end.Cpu - start.Cpu).TotalSeconds / wall;
        long events = end.Events - start.Events;
        double bytesPerEvent = events == 0 ? double.NaN : (double)(end.Allocated - start.Allocated) / events;
        string line = string.Create(CultureInfo.InvariantCulture, $"{cpu:F4} {bytesPerEvent:F2} {events / wall:F0}");
        Console.WriteLine($"// window {key}: cpu/core {cpu:F4}, B/event {bytesPerEvent:F2}, events/s {events / wall:F0}");
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

    /// <summary>A summary column: the median over the recorded windows of one value (0: CPU/core, 1: B/event, 2: events/s).</summary>
    public sealed class Column(string name, int index, string legend) : IColumn
    {
        public string Id => nameof(WindowMetrics) + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => index;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            string? directory = Environment.GetEnvironmentVariable(DirectoryVariable);
            string path = directory is null ? string.Empty : Path.Combine(directory, Key(benchmarkCase) + ".txt");
            if (!File.Exists(path))
            {
                return "-";
            }

            List<double> values = File.ReadAllLines(path)
                .Where(l => l.Length > 0)
                .Select(l => double.Parse(l.Split(' ')[index], CultureInfo.InvariantCulture))
                .Order()
                .ToList();
            double median = values.Count == 0 ? double.NaN : values[values.Count / 2];
            return index == 0 ? median.ToString("F3", CultureInfo.InvariantCulture)
                : index == 1 ? median.ToString("F1", CultureInfo.InvariantCulture)
                : median.ToString("N0", CultureInfo.InvariantCulture);
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
