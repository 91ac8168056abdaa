using System;
using System.Buffers.Text;
using System.ClientModel.Primitives;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Benchmarks.Support;
using Generated.OpenAI.Models;
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
/// All variants take mask keys from the same pooled CSPRNG buffer (<see cref="MaskKeySource"/>); the official
/// SDK's <c>ClientWebSocket</c> calls <c>RandomNumberGenerator.Fill</c> per frame instead, which is not charged here.
/// </remarks>
[MemoryDiagnoser]
[Support.DryAllocationGate]
public class Perf_RealtimeSend
{
    private readonly MaskKeySource _maskKeys = new();
    private byte[] _pcm = [];
    private ReadOnlyMemory<byte> _pcmMemory;
    private byte[] _frame = [];
    private NullDuplexStream _stream = null!;
    private WebSocketConnection _connection = null!;

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
    }

    [GlobalCleanup]
    public void Cleanup() => _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "bare Base64.EncodeToUtf8")]
    public int BareBase64()
    {
        Base64.EncodeToUtf8(_pcm, _frame, out _, out int written);
        return written;
    }

    /// <summary>What <c>WebSocketConnection</c> does inside its send pipe, here into a plain reused array.</summary>
    [Benchmark(Description = "ours: header + WriteAppendEvent + mask")]
    public int OursFrame()
    {
        int payloadLength = RealtimeAudioEvents.GetAppendEventLength(RealtimeClientEventInputAudioBufferAppend.TypeUtf8, _pcm.Length);
        int headerLength = WebSocketFrameParser.GetClientHeaderLength(payloadLength);
        Span<byte> frame = _frame.AsSpan(0, headerLength + payloadLength);
        int maskKey = _maskKeys.Next();
        WebSocketFrameParser.WriteClientHeader(frame, Opcode.Text, fin: true, payloadLength, maskKey);
        Span<byte> payload = frame.Slice(headerLength);
        RealtimeAudioEvents.WriteAppendEvent(payload, RealtimeClientEventInputAudioBufferAppend.TypeUtf8, _pcm);
        WebSocketMask.Apply(payload, maskKey, 0);
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
