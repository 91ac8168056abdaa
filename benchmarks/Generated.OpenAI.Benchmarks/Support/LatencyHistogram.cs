using System;
using System.Diagnostics;
using System.Numerics;
using System.Threading;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// Delivery latencies of one measured window, in microseconds, recorded from any number of threads without allocating:
/// a fixed array of counters, log-linear (exact below 128 µs, then 64 buckets per power of two, so a bucket is at most
/// 1/64 = 1.6% wide), up to 2^26 µs (67 s; longer is counted in the last bucket). Made once per benchmark instance;
/// <see cref="Reset"/> at the start of a window, <see cref="Percentile"/> after its end.
/// </summary>
/// <remarks>
/// The stamps are <see cref="Stopwatch.GetTimestamp"/> values taken in two processes (the server's just before it
/// writes a frame to its socket, the client's when the event reaches the app). On Linux that is
/// <c>clock_gettime(CLOCK_MONOTONIC)</c> in nanoseconds, one clock for the whole machine, so the difference is a
/// latency; <see cref="RealtimeLoadServer.Start"/> checks it on the machine that runs (the server's stamp at start-up
/// must fall between two of the client's), and <see cref="IsComparableAcrossProcesses"/> says whether it held.
/// </remarks>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6; // 64 buckets per power of two above 128 µs
    private const int MaxMagnitude = 26;
    private const int LinearLimit = 2 << SubBucketBits; // 128: exact microseconds below

    private readonly long[] _counts = new long[LinearLimit + ((MaxMagnitude - SubBucketBits - 1) << SubBucketBits)];

    /// <summary>Whether the server's stamps can be compared with this process's (set once the server has started).</summary>
    public static bool IsComparableAcrossProcesses { get; set; }

    /// <summary>Records one latency from the server's send stamp to now. Allocation-free; safe from any thread.</summary>
    public void RecordSince(long serverTimestamp)
    {
        long elapsed = Stopwatch.GetTimestamp() - serverTimestamp;
        long microseconds = elapsed <= 0 ? 0 : elapsed * 1_000_000 / Stopwatch.Frequency;
        Interlocked.Increment(ref _counts[IndexOf(microseconds)]);
    }

    /// <summary>Starts a window. A recording that races with it is counted in this window or dropped (a few per window at most).</summary>
    public void Reset() => Array.Clear(_counts);

    /// <summary>The p50 and p99 of the latencies recorded since <see cref="Reset"/> (NaN when there are none, or when
    /// the two processes' stamps are not on one clock), and how many there were.</summary>
    public readonly record struct Summary(double P50, double P99, long Count);

    /// <summary>Summarizes the window so far (recordings that go on meanwhile may or may not be in it).</summary>
    public Summary Summarize()
        => IsComparableAcrossProcesses ? new Summary(Percentile(0.50), Percentile(0.99), Count) : new Summary(double.NaN, double.NaN, Count);

    /// <summary>Latencies recorded since <see cref="Reset"/>.</summary>
    public long Count
    {
        get
        {
            long count = 0;
            foreach (long c in _counts)
            {
                count += c;
            }

            return count;
        }
    }

    /// <summary>
    /// The latency in microseconds that <paramref name="fraction"/> of the recorded ones do not exceed (the upper edge of
    /// its bucket), or NaN when none was recorded.
    /// </summary>
    public double Percentile(double fraction)
    {
        long total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(fraction * total));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return UpperEdge(i);
            }
        }

        return UpperEdge(_counts.Length - 1);
    }

    private int IndexOf(long microseconds)
    {
        if (microseconds < LinearLimit)
        {
            return (int)microseconds;
        }

        int magnitude = BitOperations.Log2((ulong)microseconds); // >= 7
        if (magnitude >= MaxMagnitude)
        {
            return _counts.Length - 1;
        }

        int shift = magnitude - SubBucketBits;
        int subBucket = (int)(microseconds >> shift) - (1 << SubBucketBits); // 0..63
        return LinearLimit + ((magnitude - SubBucketBits - 1) << SubBucketBits) + subBucket;
    }

    private static double UpperEdge(int index)
    {
        if (index < LinearLimit)
        {
            return index + 1;
        }

        int offset = index - LinearLimit;
        int magnitude = (offset >> SubBucketBits) + SubBucketBits + 1;
        int subBucket = offset & ((1 << SubBucketBits) - 1);
        int shift = magnitude - SubBucketBits;
        return (double)(((long)(subBucket + (1 << SubBucketBits)) + 1) << shift);
    }
}

/// <summary>
/// Where the paced server puts its send stamp: in the audio itself, the first 8 bytes of the delta's PCM (little-endian
/// <see cref="Stopwatch.GetTimestamp"/>), so that it reaches the app by the path that carries the audio: a session's
/// <c>AudioSink</c>, which gets PCM only and is what a voice app plays from. In the frame that is the first 12 characters
/// of the <c>delta</c> string (9 bytes: the stamp and the sample's 9th byte, unchanged), overwritten in place: the
/// frame keeps its length and the client's work (one more base64 quantum of the same kind) does not change.
/// </summary>
internal static class DeliveryStamp
{
    /// <summary>The base64 characters that carry the stamp (9 bytes: a whole number of 3-byte quanta, no padding).</summary>
    public const int EncodedLength = 12;

    private const int StampedBytes = 9;

    /// <summary>Where the stamp starts in <paramref name="message"/>, a <c>response.output_audio.delta</c> event (its <c>delta</c> string).</summary>
    public static int FindIn(ReadOnlySpan<byte> message)
    {
        ReadOnlySpan<byte> name = "\"delta\":\""u8;
        int at = message.IndexOf(name);
        return at < 0 ? throw new ArgumentException("The message has no delta.", nameof(message)) : at + name.Length;
    }

    /// <summary>Overwrites the stamp at <paramref name="encoded"/> (12 base64 characters) with now; the 9th byte is kept.</summary>
    public static void Write(Span<byte> encoded)
    {
        Span<byte> bytes = stackalloc byte[StampedBytes];
        System.Buffers.Text.Base64.DecodeFromUtf8(encoded[..EncodedLength], bytes, out _, out _);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes, Stopwatch.GetTimestamp());
        System.Buffers.Text.Base64.EncodeToUtf8(bytes, encoded, out _, out _);
    }

    /// <summary>The stamp in decoded PCM (its first 8 bytes).</summary>
    public static long Read(ReadOnlySpan<byte> pcm) => System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(pcm);

    /// <summary>The stamp in the base64 at <paramref name="encoded"/> (for a client that does not decode the audio).</summary>
    public static long ReadEncoded(ReadOnlySpan<byte> encoded)
    {
        Span<byte> bytes = stackalloc byte[StampedBytes];
        System.Buffers.Text.Base64.DecodeFromUtf8(encoded[..EncodedLength], bytes, out _, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }
}
