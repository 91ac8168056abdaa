using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// In a dry run (<see cref="Program.IsDry"/>), measures each benchmark of the class over <see cref="Invocations"/>
/// invocations instead of one, so that the zero-allocation gate reads a per-operation figure. BenchmarkDotNet counts
/// allocations process-wide: with a single invocation, a few hundred bytes allocated once by another thread (a pool
/// bucket, a timer) failed a 0 B/op row in CI. Over 1,024 operations such a one-off rounds to 0 B/op, while any
/// allocation made by every operation (an object is at least 24 B) still shows in full. Outside a dry run: no effect.
/// For the cheap, gated classes only (a few microseconds per operation); the wall-clock ones keep one invocation.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class DryAllocationGateAttribute : JobMutatorConfigBaseAttribute
{
    /// <summary>Operations per measured iteration in a dry run.</summary>
    public const int Invocations = 1024;

    public DryAllocationGateAttribute()
        : base(Program.IsDry ? Job.Default.WithInvocationCount(Invocations).WithUnrollFactor(1) : Job.Default)
    {
    }
}
