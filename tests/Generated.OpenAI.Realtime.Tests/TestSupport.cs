using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;

namespace Generated.OpenAI.Realtime.Tests;

internal static class TestSupport
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public static RealtimeClient CreateClient(RealtimeSimulator simulator, string apiKey = "sk-test", string? safetyIdentifier = null)
        => new(new OpenAIClientOptions { ApiKey = apiKey, BaseUrl = simulator.BaseUrl, SafetyIdentifier = safetyIdentifier, MaxRetries = 0 });

    /// <summary>Reads events until <paramref name="stop"/> accepts one (included), with a timeout.</summary>
    public static async Task<List<T>> ReadUntilAsync<T>(IAsyncEnumerable<T> events, Func<T, bool> stop)
    {
        using var cts = new CancellationTokenSource(Patience);
        var list = new List<T>();
        await foreach (T e in events.WithCancellation(cts.Token))
        {
            list.Add(e);
            if (stop(e))
            {
                return list;
            }
        }

        throw new InvalidOperationException("The event stream ended before the expected event.");
    }

    public static string[] Kinds(IEnumerable<RealtimeServerEvent> events) => events.Select(e => e.Kind.ToString()).ToArray();

    public static string[] Kinds(IEnumerable<RealtimeTranslationServerEvent> events) => events.Select(e => e.Kind.ToString()).ToArray();

    /// <summary>The client messages of the last connection, as (type, JSON).</summary>
    public static List<RealtimeClientMessage> Messages(RealtimeSimulator simulator)
    {
        int connection = simulator.Handshakes[^1].ConnectionId;
        return simulator.ClientMessages.Where(m => m.ConnectionId == connection).ToList();
    }

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static RealtimeAudioFormats Pcm24k() => new PcmAudioFormat { Rate = 24000 };

    /// <summary>A sequence cut into segments of <paramref name="segmentSize"/> bytes.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, int segmentSize) => Segmented(data, segmentSize, segmentSize);

    /// <summary>A sequence whose first segment is <paramref name="firstSegment"/> bytes, the rest cut into segments of <paramref name="segmentSize"/>.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, int firstSegment, int segmentSize)
    {
        Segment? first = null;
        Segment? last = null;
        for (int offset = 0; offset < data.Length; offset += offset == 0 ? firstSegment : segmentSize)
        {
            var memory = new ReadOnlyMemory<byte>(data, offset, Math.Min(offset == 0 ? firstSegment : segmentSize, data.Length - offset));
            if (first is null)
            {
                first = last = new Segment(memory, 0);
            }
            else
            {
                last = last!.Append(memory);
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "rt-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
