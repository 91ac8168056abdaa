using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// The process-wide <see cref="Meter"/>, <see cref="ActivitySource"/> and instruments of realtime sessions (names in
/// <see cref="RealtimeTelemetry"/>), and the attribute names and values they use. Sessions record through
/// <see cref="RealtimeSessionTelemetry"/>, which checks <see cref="Instrument.Enabled"/> first.
/// </summary>
internal static class RealtimeInstruments
{
    public const string ProviderName = "gen_ai.provider.name";
    public const string OperationName = "gen_ai.operation.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string TokenType = "gen_ai.token.type";
    public const string ResponseId = "gen_ai.response.id";
    public const string ResponseFinishReasons = "gen_ai.response.finish_reasons";
    public const string ConversationId = "gen_ai.conversation.id";
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";
    public const string ToolName = "gen_ai.tool.name";
    public const string ToolCallId = "gen_ai.tool.call.id";
    public const string ToolType = "gen_ai.tool.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";
    public const string NetworkIoDirection = "network.io.direction";
    public const string SessionKind = "openai.realtime.session.kind";
    public const string AudioDirection = "openai.realtime.audio.direction";
    public const string ErrorSource = "openai.realtime.error.source";
    public const string ShutdownReason = "openai.realtime.shutdown_reason";

    public const string OpenAI = "openai";
    public const string RealtimeOperation = "realtime";
    public const string ChatOperation = "chat";
    public const string ExecuteToolOperation = "execute_tool";
    public const string Input = "input";
    public const string Output = "output";
    public const string Transmit = "transmit";
    public const string Receive = "receive";

    /// <summary>The buckets the GenAI conventions advise for <c>gen_ai.client.operation.duration</c>.</summary>
    private static readonly double[] s_durationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    /// <summary>The buckets the GenAI conventions advise for <c>gen_ai.client.token.usage</c>.</summary>
    private static readonly long[] s_tokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    /// <summary>Time to first audio: a voice agent answers in a few hundred milliseconds when it goes well.</summary>
    private static readonly double[] s_firstAudioBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

    private static readonly string? s_version = typeof(RealtimeInstruments).Assembly.GetName().Version?.ToString();

    /// <summary>The sessions whose backlog <see cref="EventBacklog"/> reports; guarded by itself.</summary>
    private static readonly HashSet<RealtimeSessionTelemetry> s_openSessions = [];

    public static readonly ActivitySource Source = new(RealtimeTelemetry.ActivitySourceName, s_version);

    public static readonly Meter Meter = new(RealtimeTelemetry.MeterName, s_version);

    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram(
        RealtimeTelemetry.OperationDurationInstrument, "s", "GenAI operation duration: a response, from its creation to its end.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });

    public static readonly Histogram<long> TokenUsage = Meter.CreateHistogram(
        RealtimeTelemetry.TokenUsageInstrument, "{token}", "Number of input and output tokens used, from the usage of each finished response.", tags: null,
        new InstrumentAdvice<long> { HistogramBucketBoundaries = s_tokenBuckets });

    public static readonly Histogram<double> TimeToFirstAudio = Meter.CreateHistogram(
        RealtimeTelemetry.TimeToFirstAudioInstrument, "s", "From the end of the user's turn (speech stopped or commit) to the first output audio delta.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = s_firstAudioBuckets });

    public static readonly Counter<double> AudioDuration = Meter.CreateCounter<double>(
        RealtimeTelemetry.AudioDurationInstrument, "s", "Seconds of PCM16 24 kHz audio sent (input) and received (output).");

    public static readonly Counter<long> AudioDropped = Meter.CreateCounter<long>(
        RealtimeTelemetry.AudioDroppedInstrument, "{event}", "Audio events dropped: received deltas under DropOldestAudio (output), appends not sent (input).");

    public static readonly ObservableUpDownCounter<long> EventBacklog = Meter.CreateObservableUpDownCounter(
        RealtimeTelemetry.EventBacklogInstrument, ObserveBacklog, "{event}", "Events received and not read yet by the app.");

    public static readonly Counter<long> Reconnects = Meter.CreateCounter<long>(
        RealtimeTelemetry.ReconnectsInstrument, "{reconnect}", "Reconnections of realtime sessions.");

    public static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        RealtimeTelemetry.ErrorsInstrument, "{error}", "Errors by type: error events, session failures, failed connects.");

    public static readonly Counter<long> WireBytes = Meter.CreateCounter<long>(
        RealtimeTelemetry.WireBytesInstrument, "By", "Bytes of WebSocket frames sent (transmit) and received (receive).");

    /// <summary>Counts <paramref name="session"/> in <see cref="EventBacklog"/> until <see cref="RemoveOpenSession"/>.</summary>
    public static void AddOpenSession(RealtimeSessionTelemetry session)
    {
        lock (s_openSessions)
        {
            s_openSessions.Add(session);
        }
    }

    public static void RemoveOpenSession(RealtimeSessionTelemetry session)
    {
        lock (s_openSessions)
        {
            s_openSessions.Remove(session);
        }
    }

    /// <summary>
    /// The backlog summed per attribute set (sessions with the same kind, model and server are one series: an
    /// observable instrument keeps the last value of a series, so they must not be reported one by one).
    /// </summary>
    private static IEnumerable<Measurement<long>> ObserveBacklog()
    {
        var sums = new Dictionary<string, (long Sum, RealtimeSessionTelemetry First)>(System.StringComparer.Ordinal);
        lock (s_openSessions)
        {
            foreach (RealtimeSessionTelemetry session in s_openSessions)
            {
                sums[session.SeriesKey] = sums.TryGetValue(session.SeriesKey, out var entry)
                    ? (entry.Sum + session.Backlog, entry.First)
                    : (session.Backlog, session);
            }
        }

        var measurements = new List<Measurement<long>>(sums.Count);
        foreach ((long sum, RealtimeSessionTelemetry first) in sums.Values)
        {
            measurements.Add(new Measurement<long>(sum, first.Tags));
        }

        return measurements;
    }
}
