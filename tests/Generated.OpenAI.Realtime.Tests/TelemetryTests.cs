using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.DependencyInjection;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;
using Generated.OpenAI.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>
/// The realtime Meter and ActivitySource read by OpenTelemetry's SDK (in-memory exporters) while a voice agent talks
/// to the simulator, and the realtime logs read by a test logger. Other tests run in parallel and record into the same
/// process-wide Meter: every metric point is picked by the <c>server.port</c> of this test's simulator.
/// </summary>
public sealed class TelemetryTests(ITestOutputHelper output)
{
    private const string Key = "sk-test-telemetry-0123456789abcdefghijklmnop";

    private static RealtimeSessionConfig ManualTurns() => new()
    {
        OutputModalities = [RealtimeSessionOutputModality.Audio],
        Audio = new RealtimeSessionAudio
        {
            Input = new RealtimeSessionAudioInput { Format = Pcm24k(), TurnDetection = null },
        },
    };

    [Fact(Timeout = 60000)]
    public async Task A_voice_turn_with_a_tool_call_is_measured_and_traced_with_the_names_units_and_values_of_the_conventions()
    {
        var metrics = new List<MetricSnapshot>();
        var activities = new List<Activity>();
        using MeterProvider meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(RealtimeTelemetry.MeterName).AddInMemoryExporter(metrics).Build()!;
        using TracerProvider tracerProvider = Sdk.CreateTracerProviderBuilder().AddSource(RealtimeTelemetry.ActivitySourceName).AddInMemoryExporter(activities).Build()!;

        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        int port = simulator.BaseUrl.Port;
        using RealtimeClient client = CreateClient(simulator);
        long sinkBytes = 0;
        RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions
        {
            AudioSink = pcm => sinkBytes += pcm.Length,
            KeepAliveInterval = TimeSpan.Zero,
        });
        string? toolActivityParent = null;
        session.AddFunctionTool("get_weather", (args, ct) =>
        {
            toolActivityParent = Activity.Current?.ParentSpanId.ToHexString();
            return ValueTask.FromResult("""{"temperature_c":21}""");
        });
        await session.UpdateSessionAsync(ManualTurns()).WaitAsync(Patience);

        byte[] question = SampleAudio.CreatePcm16(TimeSpan.FromSeconds(1));
        Assert.Equal(RealtimeAudio.BytesPerSecond, await session.SendAudioAsync(new MemoryStream(question)).WaitAsync(Patience));
        await session.CommitAudioAsync();
        await session.CreateResponseAsync();
        int done = 0;
        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone && ++done == 2);
        RealtimeResponse[] responses = events.Where(e => e.IsResponseDone).Select(e => e.AsResponseDone().Response).ToArray();
        RealtimeFunctionCallArgumentsDone call = events.Single(e => e.IsResponseFunctionCallArgumentsDone).AsResponseFunctionCallArgumentsDone();

        // An injected error: response.cancel with no response in flight.
        string cancelId = await session.SendAsync(new RealtimeClientEventResponseCancel());
        RealtimeErrorException error = await session.WaitForErrorAsync(cancelId).WaitAsync(Patience);
        Assert.Equal("response_cancel_not_active", error.Error.Code);

        // The backlog: the error event waits in the queue, unread.
        using (var wait = new CancellationTokenSource(Patience))
        {
            while (session.QueuedEvents != 1)
            {
                await Task.Delay(10, wait.Token);
            }
        }

        Assert.True(meterProvider.ForceFlush(10000));
        MetricPoint backlog = Point(metrics, RealtimeTelemetry.EventBacklogInstrument, port, out MetricSnapshot backlogMetric);
        Assert.Equal("{event}", backlogMetric.Unit);
        Assert.Equal(MetricType.LongSumNonMonotonic, backlogMetric.MetricType);
        Assert.Equal(1, backlog.GetSumLong());

        await session.DisposeAsync();
        Assert.True(meterProvider.ForceFlush(10000));
        Assert.True(tracerProvider.ForceFlush(10000));

        // Token usage: what the simulator's response.done events said, per token type.
        MetricPoint inputTokens = Point(metrics, RealtimeTelemetry.TokenUsageInstrument, port, out MetricSnapshot tokenMetric, ("gen_ai.token.type", "input"));
        MetricPoint outputTokens = Point(metrics, RealtimeTelemetry.TokenUsageInstrument, port, out _, ("gen_ai.token.type", "output"));
        Assert.Equal("{token}", tokenMetric.Unit);
        Assert.Equal(MetricType.Histogram, tokenMetric.MetricType);
        Assert.Equal(2, inputTokens.GetHistogramCount());
        Assert.Equal(responses.Sum(r => r.Usage!.InputTokens!.Value), (long)inputTokens.GetHistogramSum());
        Assert.Equal(responses.Sum(r => r.Usage!.OutputTokens!.Value), (long)outputTokens.GetHistogramSum());
        Assert.True(outputTokens.GetHistogramSum() > 0);
        Assert.Equal("chat", Tag(inputTokens, "gen_ai.operation.name"));
        Assert.Equal("openai", Tag(inputTokens, "gen_ai.provider.name"));
        Assert.Equal(RealtimeClient.DefaultVoiceModel, Tag(inputTokens, "gen_ai.request.model"));
        Assert.Equal("127.0.0.1", Tag(inputTokens, "server.address"));
        Assert.Equal("voice_agent", Tag(inputTokens, "openai.realtime.session.kind"));

        // Operation duration: one per response, in seconds.
        MetricPoint duration = Point(metrics, RealtimeTelemetry.OperationDurationInstrument, port, out MetricSnapshot durationMetric);
        Assert.Equal("s", durationMetric.Unit);
        Assert.Equal(2, duration.GetHistogramCount());
        Assert.InRange(duration.GetHistogramSum(), double.Epsilon, Patience.TotalSeconds);

        // Time to first audio: from the commit to the first delta of the answer (after the tool call), once.
        MetricPoint firstAudio = Point(metrics, RealtimeTelemetry.TimeToFirstAudioInstrument, port, out MetricSnapshot firstAudioMetric);
        Assert.Equal("s", firstAudioMetric.Unit);
        Assert.Equal(1, firstAudio.GetHistogramCount());
        Assert.InRange(firstAudio.GetHistogramSum(), double.Epsilon, Patience.TotalSeconds);
        Assert.Equal("realtime", Tag(firstAudio, "gen_ai.operation.name"));

        // Audio seconds: in is what was sent (1 s), out is what reached the sink.
        MetricPoint audioIn = Point(metrics, RealtimeTelemetry.AudioDurationInstrument, port, out MetricSnapshot audioMetric, ("openai.realtime.audio.direction", "input"));
        MetricPoint audioOut = Point(metrics, RealtimeTelemetry.AudioDurationInstrument, port, out _, ("openai.realtime.audio.direction", "output"));
        Assert.Equal("s", audioMetric.Unit);
        Assert.Equal(1.0, audioIn.GetSumDouble(), 9);
        Assert.True(sinkBytes > 0);
        Assert.Equal(sinkBytes / (double)RealtimeAudio.BytesPerSecond, audioOut.GetSumDouble(), 9);

        // Errors by type: the injected one, once.
        MetricPoint errors = Point(metrics, RealtimeTelemetry.ErrorsInstrument, port, out MetricSnapshot errorMetric, ("error.type", "response_cancel_not_active"));
        Assert.Equal("{error}", errorMetric.Unit);
        Assert.Equal(1, errors.GetSumLong());
        Assert.Equal("server_event", Tag(errors, "openai.realtime.error.source"));

        // Bytes on the wire: every client frame is its JSON plus a 6- or 8-byte masked header, then the 8-byte close.
        long expectedSent = Messages(simulator).Sum(m => FrameLength(Encoding.UTF8.GetByteCount(m.Json))) + 8;
        MetricPoint sent = Point(metrics, RealtimeTelemetry.WireBytesInstrument, port, out MetricSnapshot wireMetric, ("network.io.direction", "transmit"));
        MetricPoint received = Point(metrics, RealtimeTelemetry.WireBytesInstrument, port, out _, ("network.io.direction", "receive"));
        Assert.Equal("By", wireMetric.Unit);
        Assert.Equal(expectedSent, sent.GetSumLong());
        Assert.True(received.GetSumLong() > sinkBytes * 4 / 3, $"{received.GetSumLong()} bytes received for {sinkBytes} PCM bytes");
        output.WriteLine($"tokens in {inputTokens.GetHistogramSum()} out {outputTokens.GetHistogramSum()}; time to first audio {firstAudio.GetHistogramSum() * 1000:0.0} ms; " +
            $"audio in {audioIn.GetSumDouble():0.000} s out {audioOut.GetSumDouble():0.000} s; wire sent {sent.GetSumLong()} B received {received.GetSumLong()} B");

        // Activities: the session, its two responses, the tool call under the response that asked for it.
        Activity sessionActivity = activities.Single(a => a.OperationName == "realtime " + RealtimeClient.DefaultVoiceModel && Equals(a.GetTagItem("server.port"), port));
        Assert.Equal(ActivityKind.Client, sessionActivity.Kind);
        Assert.Equal("realtime", sessionActivity.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("openai", sessionActivity.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(ActivityStatusCode.Unset, sessionActivity.Status);
        Activity[] responseActivities = activities.Where(a => a.ParentSpanId == sessionActivity.SpanId).OrderBy(a => a.StartTimeUtc).ToArray();
        Assert.Equal(responses.Select(r => r.Id), responseActivities.Select(a => (string?)a.GetTagItem("gen_ai.response.id")));
        Assert.All(responseActivities, a => Assert.Equal("chat " + RealtimeClient.DefaultVoiceModel, a.DisplayName));
        Assert.Equal(responses[1].Usage!.OutputTokens, (long?)responseActivities[1].GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(["completed"], (string[])responseActivities[1].GetTagItem("gen_ai.response.finish_reasons")!);
        Activity tool = activities.Single(a => a.TraceId == sessionActivity.TraceId && a.OperationName == "execute_tool get_weather");
        Assert.Equal(responseActivities[0].SpanId, tool.ParentSpanId);
        Assert.Equal(call.CallId, tool.GetTagItem("gen_ai.tool.call.id"));
        Assert.Equal(ActivityKind.Internal, tool.Kind);
        Assert.Equal(responseActivities[0].SpanId.ToHexString(), toolActivityParent); // the handler ran under the tool's activity
    }

    [Fact(Timeout = 60000)]
    public async Task Logs_tell_the_lifecycle_and_every_event_by_type_and_id_and_never_the_key_or_the_audio()
    {
        var provider = new CapturingLoggerProvider();
        using ILoggerFactory loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(provider));
        var metrics = new List<MetricSnapshot>();
        using MeterProvider meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(RealtimeTelemetry.MeterName).AddInMemoryExporter(metrics).Build()!;
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        var options = new OpenAIClientOptions { ApiKey = Key, BaseUrl = simulator.BaseUrl, MaxRetries = 0 };
        using var client = new RealtimeClient(options, loggerFactory: loggerFactory);

        byte[] pcm = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(100));
        string eventIdOfSessionCreated;
        string clearId;
        await using (RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions { KeepAliveInterval = TimeSpan.Zero }))
        {
            RealtimeServerEvent created = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
            eventIdOfSessionCreated = created.AsSessionCreated().EventId;
            await session.SendAudioAsync(pcm);

            // A typed event through SendAsync(RealtimeClientEvent): the send path that skips the trace check for the null logger.
            clearId = await session.SendAsync(new RealtimeClientEventInputAudioBufferClear());

            // A server that echoes the key: the simulator quotes an unsupported event type in its error message.
            string echoId = await session.SendAsync(RealtimeClientEvent.FromUnknown(Json("{\"type\":\"" + Key + "\"}")));
            RealtimeErrorException echoed = await session.WaitForErrorAsync(echoId).WaitAsync(Patience);
            Assert.Contains(Key, echoed.Error.Message); // the error itself is the app's to see; the log is not
        }

        using var failing = new RealtimeClient(new OpenAIClientOptions { ApiKey = "ek_unknown_" + Key, BaseUrl = simulator.BaseUrl, MaxRetries = 0 }, loggerFactory: loggerFactory);
        var refused = await Assert.ThrowsAsync<WebSocketHandshakeException>(() => failing.ConnectVoiceAgentAsync());
        Assert.Equal(401, refused.StatusCode);

        LogEntry[] logs = provider.Entries.ToArray();
        foreach (LogEntry entry in logs)
        {
            output.WriteLine($"{entry.Level} {entry.EventId} {entry.Message}");
        }

        Assert.All(logs, e => Assert.Equal(RealtimeTelemetry.LoggerCategory, e.Category));
        string endpoint = $"ws://127.0.0.1:{simulator.BaseUrl.Port}/v1/realtime";
        Assert.Contains(logs, e => e.Level == LogLevel.Information && e.Message == $"Realtime voice_agent session connected to {endpoint} (model {RealtimeClient.DefaultVoiceModel})");
        Assert.Contains(logs, e => e.Level == LogLevel.Information && e.Message.StartsWith("Realtime voice_agent session closed after ", StringComparison.Ordinal));
        Assert.Contains(logs, e => e.Level == LogLevel.Trace && e.Message == "Received session.created " + eventIdOfSessionCreated);
        Assert.Contains(logs, e => e.Level == LogLevel.Trace && e.Message == $"Sent input_audio_buffer.append number 1 ({pcm.Length} PCM bytes)");
        Assert.Contains(logs, e => e.Level == LogLevel.Trace && e.Message == "Sent input_audio_buffer.clear " + clearId);
        Assert.Contains(logs, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Realtime server error invalid_request_error (code invalid_value, param type)", StringComparison.Ordinal));
        Assert.Contains(logs, e => e.Level == LogLevel.Error && e.Message.StartsWith($"Realtime voice_agent session could not connect to {endpoint}: 401: ", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, e => e.Message.Contains(Key, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, e => e.Message.Contains(Convert.ToBase64String(pcm)[..24], StringComparison.Ordinal));

        // The refused connect is counted by its status.
        Assert.True(meterProvider.ForceFlush(10000));
        MetricPoint refusedCount = Point(metrics, RealtimeTelemetry.ErrorsInstrument, simulator.BaseUrl.Port, out _, ("error.type", "401"));
        Assert.Equal(1, refusedCount.GetSumLong());
        Assert.Equal("connect", Tag(refusedCount, "openai.realtime.error.source"));
    }

    [Fact(Timeout = 30000)]
    public async Task The_end_of_speech_starts_the_time_to_first_audio_and_only_the_first_delta_after_it_stops_it()
    {
        var metrics = new List<MetricSnapshot>();
        using MeterProvider meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(RealtimeTelemetry.MeterName).AddInMemoryExporter(metrics).Build()!;
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions { AudioSink = _ => { }, KeepAliveInterval = TimeSpan.Zero });
        Assert.NotNull(await session.ReadEventAsync().AsTask().WaitAsync(Patience)); // session.created: the loop is idle now

        // Server VAD's events, as the server sends them (the simulator has no VAD): speech stopped, then audio.
        ReadOnlySequence<byte> speechStopped = Utf8("""{"type":"input_audio_buffer.speech_stopped","event_id":"event_1","audio_end_ms":1200,"item_id":"item_1"}""");
        ReadOnlySequence<byte> delta = Utf8("""{"type":"response.output_audio.delta","event_id":"event_2","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0,"delta":"AAAAAA=="}""");
        var clock = Stopwatch.StartNew();
        Assert.NotNull(session.ProcessMessage(speechStopped));
        await Task.Delay(50);
        Assert.Null(session.ProcessMessage(delta)); // into the sink
        double bound = clock.Elapsed.TotalSeconds;
        Assert.Null(session.ProcessMessage(delta)); // not a first delta any more
        Assert.True(meterProvider.ForceFlush(10000));

        MetricPoint firstAudio = Point(metrics, RealtimeTelemetry.TimeToFirstAudioInstrument, simulator.BaseUrl.Port, out _);
        Assert.Equal(1, firstAudio.GetHistogramCount());
        Assert.InRange(firstAudio.GetHistogramSum(), 0.045, bound);
        MetricPoint audioOut = Point(metrics, RealtimeTelemetry.AudioDurationInstrument, simulator.BaseUrl.Port, out _, ("openai.realtime.audio.direction", "output"));
        Assert.Equal(2 * 4 / (double)RealtimeAudio.BytesPerSecond, audioOut.GetSumDouble(), 12);
    }

    [Fact(Timeout = 30000)]
    public async Task Audio_deltas_dropped_under_backpressure_are_counted_as_the_session_counts_them()
    {
        var metrics = new List<MetricSnapshot>();
        using MeterProvider meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(RealtimeTelemetry.MeterName).AddInMemoryExporter(metrics).Build()!;
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions
        {
            Backpressure = RealtimeBackpressure.DropOldestAudio,
            MaxQueuedEvents = 4,
            KeepAliveInterval = TimeSpan.Zero,
        });
        await session.UpdateSessionAsync(ManualTurns()).WaitAsync(Patience);
        await session.SendAudioAsync(new MemoryStream(SampleAudio.CreatePcm16(TimeSpan.FromSeconds(1)))).WaitAsync(Patience);
        await session.CommitAudioAsync();
        await session.CreateResponseAsync();
        await Task.Delay(500); // the whole response arrives while nobody reads
        await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone);
        await session.DisposeAsync();
        Assert.True(meterProvider.ForceFlush(10000));

        Assert.True(session.DroppedAudioDeltas > 0);
        MetricPoint dropped = Point(metrics, RealtimeTelemetry.AudioDroppedInstrument, simulator.BaseUrl.Port, out MetricSnapshot metric, ("openai.realtime.audio.direction", "output"));
        Assert.Equal("{event}", metric.Unit);
        Assert.Equal(session.DroppedAudioDeltas, dropped.GetSumLong());
        output.WriteLine($"{dropped.GetSumLong()} deltas dropped and counted");
    }

    [Fact(Timeout = 60000)]
    public async Task A_reconnect_after_a_drop_is_counted_with_its_reason_and_logged()
    {
        var metrics = new List<MetricSnapshot>();
        using MeterProvider meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(RealtimeTelemetry.MeterName).AddInMemoryExporter(metrics).Build()!;
        var provider = new CapturingLoggerProvider();
        using ILoggerFactory loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Information).AddProvider(provider));
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 1 });
        simulator.NextConnectionFault = RealtimeFault.DropMidFrame;
        using var client = new RealtimeClient(new OpenAIClientOptions { ApiKey = "sk-test", BaseUrl = simulator.BaseUrl, MaxRetries = 0 }, loggerFactory: loggerFactory);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions
        {
            KeepAliveInterval = TimeSpan.Zero,
            Reconnect = new RealtimeReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(400) },
        });
        var reopened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.StateChanged += change =>
        {
            if (change.Previous == RealtimeSessionState.Reconnecting && change.State == RealtimeSessionState.Open)
            {
                reopened.TrySetResult();
            }
        };

        await session.CommitAudioAsync().AsTask().WaitAsync(Patience); // the simulator drops the connection after this
        await reopened.Task.WaitAsync(Patience);
        session.RecordAudioNotSent(3); // what the send queue reports for appends it could not send
        Assert.True(meterProvider.ForceFlush(10000));

        MetricPoint reconnects = Point(metrics, RealtimeTelemetry.ReconnectsInstrument, simulator.BaseUrl.Port, out MetricSnapshot metric, ("error.type", nameof(RealtimeReconnectReason.ConnectionLost)));
        Assert.Equal("{reconnect}", metric.Unit);
        Assert.Equal(1, reconnects.GetSumLong());
        Assert.Equal("voice_agent", Tag(reconnects, "openai.realtime.session.kind"));
        Assert.Equal(3, Point(metrics, RealtimeTelemetry.AudioDroppedInstrument, simulator.BaseUrl.Port, out _, ("openai.realtime.audio.direction", "input")).GetSumLong());
        Assert.Contains(provider.Entries, e => e.Level == LogLevel.Information && e.Message == "Realtime voice_agent session reconnecting (attempt 1) after ConnectionLost");
        Assert.Single(provider.Entries, e => e.Message.StartsWith("Realtime voice_agent session connected", StringComparison.Ordinal)); // the session's, not one per connection
    }

    [Fact(Timeout = 30000)]
    public async Task AddOpenAI_registers_a_realtime_client_whose_sessions_log_through_the_container()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        var provider = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Information).AddProvider(provider));
        services.AddOpenAI(o =>
        {
            o.ApiKey = "sk-test";
            o.BaseUrl = simulator.BaseUrl;
        });
        await using ServiceProvider container = services.BuildServiceProvider();

        RealtimeClient client = container.GetRequiredService<RealtimeClient>();
        Assert.Same(container.GetRequiredService<ILoggerFactory>(), client.LoggerFactory);
        Assert.Same(container.GetRequiredService<OpenAIPipeline>().Options, client.Options);
        await using (RealtimeTranscriptionSession session = await client.ConnectTranscriptionAsync(new RealtimeSessionOptions { KeepAliveInterval = TimeSpan.Zero }))
        {
            Assert.NotNull(await session.ReadEventAsync().AsTask().WaitAsync(Patience));
        }

        Assert.Contains(provider.Entries, e => e.Message == $"Realtime transcription session connected to ws://127.0.0.1:{simulator.BaseUrl.Port}/v1/realtime (model (null))");
    }

    [Fact(Timeout = 30000)]
    public async Task A_sideband_session_on_a_call_is_traced_as_a_call_from_attach_to_hang_up()
    {
        var activities = new List<Activity>();
        using TracerProvider tracerProvider = Sdk.CreateTracerProviderBuilder().AddSource(RealtimeTelemetry.ActivitySourceName).AddInMemoryExporter(activities).Build()!;
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        string secret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string callId = System.Text.Json.JsonDocument.Parse(simulator.StartIncomingCall(secret).Body).RootElement.GetProperty("data").GetProperty("call_id").GetString()!;
        await client.AcceptCallAsync(callId, new RealtimeSessionConfig());
        await using (RealtimeCallSession session = await client.AttachToCallAsync(callId))
        {
            await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.SessionCreated);
            await session.HangUpAsync();
            await session.Completion.WaitAsync(Patience);
        }

        Assert.True(tracerProvider.ForceFlush(10000));
        Activity call = activities.Single(a => Equals(a.GetTagItem("server.port"), simulator.BaseUrl.Port));
        Assert.Equal("realtime", call.DisplayName); // no model in a call's URL: it is the call's
        Assert.Equal("call", call.GetTagItem("openai.realtime.session.kind"));
        Assert.Equal(ActivityStatusCode.Unset, call.Status);
        Assert.Equal(nameof(ShutdownReason.RemoteClose), call.GetTagItem("openai.realtime.shutdown_reason"));
    }

    private static ReadOnlySequence<byte> Utf8(string json) => new(Encoding.UTF8.GetBytes(json));

    /// <summary>A client frame: 2 header bytes, 2 or 8 more for a 16- or 64-bit length, 4 for the mask key, then the payload.</summary>
    private static long FrameLength(int payload) => 2 + (payload > 65535 ? 8 : payload > 125 ? 2 : 0) + 4 + payload;

    /// <summary>The one point of the last export of <paramref name="name"/> for this test's server with the given attributes.</summary>
    private static MetricPoint Point(List<MetricSnapshot> metrics, string name, int port, out MetricSnapshot metric, params (string Key, string Value)[] attributes)
    {
        metric = metrics.Last(m => m.Name == name);
        MetricPoint[] points = metric.MetricPoints
            .Where(p => Equals(TagObject(p, "server.port"), port) && attributes.All(a => Tag(p, a.Key) == a.Value))
            .ToArray();
        return Assert.Single(points);
    }

    private static string? Tag(MetricPoint point, string key) => TagObject(point, key) as string;

    private static object? TagObject(MetricPoint point, string key)
    {
        foreach (KeyValuePair<string, object?> tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value;
            }
        }

        return null;
    }

    private sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));
        }
    }
}
