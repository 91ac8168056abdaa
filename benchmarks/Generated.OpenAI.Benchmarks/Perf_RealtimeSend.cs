using System;
using System.Buffers;
using System.Buffers.Text;
using System.ClientModel.Primitives;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Benchmarks.Support;
using Generated.OpenAI.Models;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// The client side of streaming microphone audio: PCM16 in, the complete masked WebSocket frame of an
/// <c>input_audio_buffer.append</c> event out, in a reused send buffer. Baseline: bare
/// <see cref="Base64.EncodeToUtf8(ReadOnlySpan{byte}, Span{byte}, out int, out int, bool)"/> of the PCM, the floor
/// any implementation has to pay. Methods whose name starts with <c>Ours</c> must allocate nothing (checked by
/// <c>Program</c>).
/// </summary>
/// <remarks>
/// <para>Through the session API, next to the connection-level rows: <c>session.SendAudioAsync</c> (the append with
/// its own <c>event_id</c>, 0 B) against <c>SendAudioAppendAsync</c> of the same PCM; and, in their own categories,
/// a typed <c>conversation.item.create</c> and <c>response.create</c> sent with
/// <see cref="RealtimeVoiceSession.SendAsync(RealtimeClientEvent, System.Threading.CancellationToken)"/> (a new
/// <c>event_id</c> per send, as for a new event: a <see cref="RealtimeEventId"/> the writer formats, 0 B) against the same model
/// serialized into a reused <see cref="ArrayBufferWriter{T}"/> and sent with <c>WebSocketConnection.SendAsync</c>
/// (the baseline). The typed rows do not depend on <see cref="PcmBytes"/>; they repeat under each value. The
/// session is built over a no-op stream with the SDK's internal constructor and has no receive loop.</para>
/// All variants take mask keys from the same pooled CSPRNG buffer (<see cref="MaskKeySource"/>); the official
/// SDK's <c>ClientWebSocket</c> calls <c>RandomNumberGenerator.Fill</c> per frame instead, which is not charged here.
/// </remarks>
[MemoryDiagnoser]
[Support.DryAllocationGate]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class Perf_RealtimeSend
{
    private const string ItemCreate = "conversation.item.create";
    private const string ResponseCreate = "response.create";

    private readonly MaskKeySource _maskKeys = new();
    private byte[] _pcm = [];
    private ReadOnlyMemory<byte> _pcmMemory;
    private byte[] _frame = [];
    private NullDuplexStream _stream = null!;
    private WebSocketConnection _connection = null!;
    private NullDuplexStream _sessionStream = null!;
    private RealtimeVoiceSession _session = null!;
    private RealtimeClientEvent _itemCreate = null!;
    private RealtimeClientEvent _responseCreate = null!;
    private RealtimeClientEvent _itemCreateWithId = null!;
    private RealtimeClientEvent _responseCreateWithId = null!;
    private RealtimeConversationItemCreate _itemCreateModel = null!;
    private RealtimeClientEventResponseCreate _responseCreateModel = null!;
    private readonly ArrayBufferWriter<byte> _eventBuffer = new(4096);
    private Utf8JsonWriter _eventWriter = null!;

    [Params(AudioSamples.Pcm20Ms, AudioSamples.Pcm100Ms, AudioSamples.Pcm1S)]
    public int PcmBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pcm = AudioSamples.CreatePcm(PcmBytes);
        _pcmMemory = _pcm;
        _stream = new NullDuplexStream();
        _connection = WebSocketConnection.CreateFromStream(_stream, new WebSocketConnectionOptions());

        // One buffer big enough for every variant (the naive one escapes '+' as \u002B, so it is the longest).
        byte[] naiveJson = JsonSerializer.SerializeToUtf8Bytes(
            new NaiveAudioAppendEvent("input_audio_buffer.append", Convert.ToBase64String(_pcm)), NaiveRealtimeJsonContext.Default.NaiveAudioAppendEvent);
        _frame = new byte[FrameHeader.MaxHeaderLength + Math.Max(naiveJson.Length, 2 * Base64.GetMaxEncodedToUtf8Length(PcmBytes))];

        // Every variant must put the same audio on the wire, or the comparison means nothing.
        Verify(nameof(OursFrame), OursFrame());
        Verify(nameof(Official), Official());
        Verify(nameof(Naive), Naive());
        OursConnection();
        if (_stream.LastWriteLength != OursFrame())
        {
            throw new InvalidOperationException($"{nameof(OursConnection)} wrote {_stream.LastWriteLength} bytes; the frame is {OursFrame()}.");
        }

        _sessionStream = new NullDuplexStream();
        _session = InMemorySession.Create(_sessionStream);
        OursSessionAudio();

        // The session's frame is the connection's plus `"event_id":"evt_xxxxxxxx_a<n>",`: the same audio, its own id.
        int idLength = _sessionStream.LastWriteLength - _stream.LastWriteLength;
        if (idLength is < 20 or > 40)
        {
            throw new InvalidOperationException($"{nameof(OursSessionAudio)} wrote {_sessionStream.LastWriteLength} bytes; the connection wrote {_stream.LastWriteLength}.");
        }

        // The typed events, read from JSON once: the session sets a new event_id on each send; the connection's copy
        // carries an id of the same length as the session's.
        _itemCreate = ReadClientEvent(ItemCreateJson(null), RealtimeClientEventKind.ConversationItemCreate);
        _responseCreate = ReadClientEvent(ResponseCreateJson(null), RealtimeClientEventKind.ResponseCreate);
        _itemCreateModel = _itemCreate.AsConversationItemCreate();
        _responseCreateModel = _responseCreate.AsResponseCreate();
        _itemCreateWithId = ReadClientEvent(ItemCreateJson("evt_0a1b2c3d_1000"), RealtimeClientEventKind.ConversationItemCreate);
        _responseCreateWithId = ReadClientEvent(ResponseCreateJson("evt_0a1b2c3d_1000"), RealtimeClientEventKind.ResponseCreate);
        _eventWriter = new Utf8JsonWriter(_eventBuffer, JsonModel.WriterOptions);
        ConnectionItemCreate();
        SessionItemCreate();
        VerifyTyped(ItemCreate);
        ConnectionResponseCreate();
        SessionResponseCreate();
        VerifyTyped(ResponseCreate);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _eventWriter.Dispose();
    }

    [Benchmark(Baseline = true, Description = "bare Base64.EncodeToUtf8")]
    public int BareBase64()
    {
        Base64.EncodeToUtf8(_pcm, _frame, out _, out int written);
        return written;
    }

    /// <summary>What <c>SendAudioAppendAsync</c> does inside the connection's send pipe, here into a plain reused array.</summary>
    [Benchmark(Description = "ours: header + WriteAppendEvent + mask")]
    public int OursFrame()
    {
        // The type is checked once, before the frame; the event is then written and masked in one pass (in 8 KiB
        // chunks for large appends), as SendAudioAppendAsync does in the pipe.
        int payloadLength = RealtimeAudioEvents.GetValidatedAppendEventLength(RealtimeAudioBufferAppend.TypeUtf8, _pcm.Length, default);
        int headerLength = WebSocketFrameParser.GetClientHeaderLength(payloadLength);
        Span<byte> frame = _frame.AsSpan(0, headerLength + payloadLength);
        int maskKey = _maskKeys.Next();
        WebSocketFrameParser.WriteClientHeader(frame, Opcode.Text, fin: true, payloadLength, maskKey);
        RealtimeAudioEvents.WriteMaskedAppendEvent(frame.Slice(headerLength), RealtimeAudioBufferAppend.TypeUtf8, _pcm, default, maskKey);
        return frame.Length;
    }

    /// <summary>The real send path (send lock, PipeWriter, flush) over a stream that drops the bytes.</summary>
    [Benchmark(Description = "ours: SendAudioAppendAsync (no-op stream)")]
    public int OursConnection()
    {
        ValueTask send = _connection.SendAudioAppendAsync(AudioSamples.AppendType, _pcmMemory);
        if (!send.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The send did not complete synchronously.");
        }

        send.GetAwaiter().GetResult();
        return _pcm.Length;
    }

    /// <summary>
    /// The session API's append: <see cref="RealtimeSession{TServerEvent}.SendAudioAsync(ReadOnlyMemory{byte}, System.Threading.CancellationToken)"/>,
    /// the same frame as <see cref="OursConnection"/> plus the append's own <c>event_id</c>.
    /// </summary>
    [Benchmark(Description = "ours: session.SendAudioAsync (no-op stream)")]
    public int OursSessionAudio()
    {
        ValueTask send = _session.SendAudioAsync(_pcmMemory);
        if (!send.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The session's send did not complete synchronously.");
        }

        send.GetAwaiter().GetResult();
        return _pcm.Length;
    }

    /// <summary>The connection-level floor of a typed event: serialize the model into a reused buffer, send it.</summary>
    [Benchmark(Baseline = true, Description = "connection: model into reused buffer + SendAsync")]
    [BenchmarkCategory(ItemCreate)]
    public int ConnectionItemCreate() => SendSerialized(_itemCreateWithId);

    /// <summary><see cref="RealtimeVoiceSession.SendAsync(RealtimeClientEvent, System.Threading.CancellationToken)"/>, a new event_id each time.</summary>
    [Benchmark(Description = "session: SendAsync(RealtimeClientEvent)")]
    [BenchmarkCategory(ItemCreate)]
    public int SessionItemCreate()
    {
        // A new event each time, as far as the session can tell: it gives the event a new event_id. (Reset through the
        // model's class, cast once in setup: the row charges the session's send, not the benchmark's reset.)
        _itemCreateModel.EventId = null;
        return SendThroughSession(_itemCreate);
    }

    [Benchmark(Baseline = true, Description = "connection: model into reused buffer + SendAsync")]
    [BenchmarkCategory(ResponseCreate)]
    public int ConnectionResponseCreate() => SendSerialized(_responseCreateWithId);

    [Benchmark(Description = "session: SendAsync(RealtimeClientEvent)")]
    [BenchmarkCategory(ResponseCreate)]
    public int SessionResponseCreate()
    {
        _responseCreateModel.EventId = null;
        return SendThroughSession(_responseCreate);
    }

    /// <summary>
    /// <c>-- --compare-send ROUNDS</c>: the typed rows without BenchmarkDotNet, interleaved, for a loaded machine: each
    /// round times 20,000 sends of each of the four rows in turn and the minimum per row over the rounds is kept, so that
    /// a burst of another process's work lands in one round of one row, not in the ratio. <c>ROUNDS</c> of 0 loops the
    /// session's response.create forever (-1 the connection's), for a profiler (<c>perf record -g -p</c>, with <c>DOTNET_PerfMapEnabled=1</c>).
    /// </summary>
    internal static int Compare(int rounds)
    {
        var bench = new Perf_RealtimeSend { PcmBytes = AudioSamples.Pcm20Ms };
        bench.Setup();
        const int Sends = 20_000;
        if (rounds <= 0)
        {
            Func<int> send = rounds == 0 ? bench.SessionResponseCreate : bench.ConnectionResponseCreate;
            while (true)
            {
                send();
            }
        }

        Func<int>[] rows = [bench.ConnectionItemCreate, bench.SessionItemCreate, bench.ConnectionResponseCreate, bench.SessionResponseCreate];
        string[] names = ["item.create connection", "item.create session", "response.create connection", "response.create session"];
        double[] best = [double.MaxValue, double.MaxValue, double.MaxValue, double.MaxValue];
        for (int round = 0; round < rounds; round++)
        {
            for (int row = 0; row < rows.Length; row++)
            {
                Func<int> send = rows[row];
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int i = 0; i < Sends; i++)
                {
                    send();
                }

                double ns = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalNanoseconds / Sends;
                best[row] = Math.Min(best[row], ns);
            }
        }

        for (int row = 0; row < rows.Length; row++)
        {
            Console.WriteLine($"{names[row],-28} {best[row],8:F1} ns{(row % 2 == 1 ? $"  {best[row] / best[row - 1]:F2}x (+{best[row] - best[row - 1]:F1} ns)" : "")}");
        }

        bench.Cleanup();
        return 0;
    }

    private int SendSerialized(RealtimeClientEvent clientEvent)
    {
        _eventBuffer.ResetWrittenCount();
        _eventWriter.Reset(_eventBuffer);
        clientEvent.WriteJson(_eventWriter);
        _eventWriter.Flush();
        ValueTask send = _connection.SendAsync(_eventBuffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true);
        if (!send.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The send did not complete synchronously.");
        }

        send.GetAwaiter().GetResult();
        return _eventBuffer.WrittenCount;
    }

    private int SendThroughSession(RealtimeClientEvent clientEvent)
    {
        ValueTask<RealtimeEventId> send = _session.SendAsync(clientEvent);
        if (!send.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The session's send did not complete synchronously.");
        }

        // The id as an app awaiting the send gets it (a value: no string unless the app makes one).
        return send.Result.HasValue ? _sessionStream.LastWriteLength : 0;
    }

    private static RealtimeClientEvent ReadClientEvent(string json, RealtimeClientEventKind kind)
    {
        RealtimeClientEvent clientEvent = JsonModel.Deserialize<RealtimeClientEvent>(System.Text.Encoding.UTF8.GetBytes(json));
        return clientEvent.Kind == kind ? clientEvent : throw new InvalidOperationException($"The benchmark's event read as {clientEvent.Kind}: {clientEvent.UnknownReason}");
    }

    /// <summary>A user text message, as an app sends one (the shape of the issue's measurement).</summary>
    private static string ItemCreateJson(string? eventId)
        => "{" + (eventId is null ? "" : "\"event_id\":\"" + eventId + "\",") + "\"type\":\"" + System.Text.Encoding.UTF8.GetString(RealtimeConversationItemCreate.TypeUtf8)
            + "\",\"item\":{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"What is the weather like in Paris today? Answer in one short sentence.\"}]}}";

    /// <summary>A response with per-response instructions and audio output.</summary>
    private static string ResponseCreateJson(string? eventId)
        => "{" + (eventId is null ? "" : "\"event_id\":\"" + eventId + "\",") + "\"type\":\"" + System.Text.Encoding.UTF8.GetString(RealtimeClientEventResponseCreate.TypeUtf8)
            + "\",\"response\":{\"instructions\":\"Answer briefly and politely.\",\"output_modalities\":[\"audio\"]}}";

    /// <summary>
    /// Both paths must put the same event on the wire: the same frame length, give or take the digits of the session's
    /// event_id (<c>evt_xxxxxxxx_&lt;n&gt;</c> against the connection's <c>evt_0a1b2c3d_1000</c>).
    /// </summary>
    private void VerifyTyped(string name)
    {
        if (_stream.LastWriteLength < 60 || Math.Abs(_stream.LastWriteLength - _sessionStream.LastWriteLength) > 4)
        {
            throw new InvalidOperationException($"{name}: the session wrote {_sessionStream.LastWriteLength} bytes, the connection {_stream.LastWriteLength}.");
        }
    }

    /// <summary>
    /// What <c>RealtimeSessionClient.SendInputAudioAsync(BinaryData)</c> in OpenAI 2.15.0 does before the socket:
    /// the command model, <see cref="ModelReaderWriter.Write{T}(T, ModelReaderWriterOptions, ModelReaderWriterContext)"/>
    /// with <c>OpenAIContext.Default</c>; then <c>ClientWebSocket</c> copies and masks the bytes.
    /// </summary>
    [Benchmark(Description = "official: ModelReaderWriter.Write + mask")]
    public int Official()
    {
        var command = new global::OpenAI.Realtime.RealtimeClientCommandInputAudioBufferAppend(BinaryData.FromBytes(_pcmMemory));
        BinaryData json = ModelReaderWriter.Write(command, ModelReaderWriterOptions.Json, global::OpenAI.OpenAIContext.Default);
        return MaskedFrame.WriteCopy(_frame, json.ToMemory().Span, _maskKeys.Next());
    }

    /// <summary>The obvious hand-rolled client: a record with a base64 string, source-generated System.Text.Json.</summary>
    [Benchmark(Description = "naive: ToBase64String + STJ record + mask")]
    public int Naive()
    {
        var command = new NaiveAudioAppendEvent("input_audio_buffer.append", Convert.ToBase64String(_pcm));
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(command, NaiveRealtimeJsonContext.Default.NaiveAudioAppendEvent);
        return MaskedFrame.WriteCopy(_frame, json, _maskKeys.Next());
    }

    private void Verify(string name, int frameLength)
    {
        byte[] payload = MaskedFrame.ReadPayload(_frame.AsSpan(0, frameLength));
        using JsonDocument json = JsonDocument.Parse(payload);
        if (json.RootElement.GetProperty("type").GetString() != "input_audio_buffer.append"
            || !json.RootElement.GetProperty("audio").GetBytesFromBase64().SequenceEqual(_pcm))
        {
            throw new InvalidOperationException($"{name} did not produce an input_audio_buffer.append event carrying the PCM.");
        }
    }
}
