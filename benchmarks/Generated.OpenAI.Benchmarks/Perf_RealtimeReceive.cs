using System;
using System.Buffers.Text;
using System.ClientModel.Primitives;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Benchmarks.Support;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// The client side of playing the model's audio: a received <c>response.output_audio.delta</c> event (UTF-8 JSON)
/// in, its PCM16 in a reused playback buffer out. Baseline: bare
/// <see cref="Base64.DecodeFromUtf8(ReadOnlySpan{byte}, Span{byte}, out int, out int, bool)"/> of the delta's base64
/// (its position known in advance), the floor any implementation has to pay. Methods whose name starts with
/// <c>Ours</c> must allocate nothing (checked by <c>Program</c>).
/// </summary>
[MemoryDiagnoser]
[Support.DryAllocationGate]
public class Perf_RealtimeReceive
{
    private byte[] _pcm = [];
    private byte[] _json = [];
    private BinaryData _jsonData = null!;
    private int _deltaStart;
    private int _deltaLength;
    private byte[] _decoded = [];
    private WebSocketConnection _connection = null!;

    [Params(AudioSamples.Pcm20Ms, AudioSamples.Pcm100Ms, AudioSamples.Pcm1S)]
    public int PcmBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pcm = AudioSamples.CreatePcm(PcmBytes);
        _json = AudioSamples.CreateOutputAudioDelta(_pcm);
        _jsonData = BinaryData.FromBytes(_json);
        _deltaLength = Base64.GetMaxEncodedToUtf8Length(PcmBytes);
        _deltaStart = _json.Length - 2 - _deltaLength;
        _decoded = new byte[PcmBytes];
        _connection = WebSocketConnection.CreateFromStream(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json)), new WebSocketConnectionOptions());

        Verify(nameof(BareBase64), BareBase64());
        Verify(nameof(OursDecodeDelta), OursDecodeDelta());
        Verify(nameof(OursReceiveAndDecode), OursReceiveAndDecode());
        Verify(nameof(Official), Official());
        Verify(nameof(Naive), Naive());
    }

    [GlobalCleanup]
    public void Cleanup() => _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "bare Base64.DecodeFromUtf8")]
    public int BareBase64()
    {
        Base64.DecodeFromUtf8(_json.AsSpan(_deltaStart, _deltaLength), _decoded, out _, out int written);
        return written;
    }

    [Benchmark(Description = "ours: DecodeDelta")]
    public int OursDecodeDelta()
    {
        RealtimeAudioDeltaReader.DecodeDelta(_json, _decoded, out int written);
        return written;
    }

    /// <summary>
    /// The real receive path over a stream that replays the server frame: the stream-to-pipe copy, frame parsing,
    /// then <see cref="RealtimeAudioDeltaReader.DecodeDelta(in System.Buffers.ReadOnlySequence{byte}, Span{byte}, out int)"/>
    /// on the borrowed payload (multi-segment at 1 s of audio, which spans the pipe's 64 KiB buffers).
    /// </summary>
    [Benchmark(Description = "ours: ReceiveMessageAsync + DecodeDelta (replay stream)")]
    public int OursReceiveAndDecode()
    {
        ValueTask<WebSocketReceivedMessage> receive = _connection.ReceiveMessageAsync();
        if (!receive.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The receive did not complete synchronously.");
        }

        RealtimeAudioDeltaReader.DecodeDelta(receive.Result.Payload, _decoded, out int written);
        return written;
    }

    /// <summary>
    /// What <c>RealtimeSessionClient.ReceiveUpdatesAsync</c> in OpenAI 2.15.0 does with a received message:
    /// <see cref="ModelReaderWriter.Read{T}(BinaryData, ModelReaderWriterOptions, ModelReaderWriterContext)"/> to the
    /// <c>RealtimeServerUpdate</c> union; the caller then takes <c>Delta</c> (<see cref="BinaryData"/>) into its buffer.
    /// The SDK's own copy of the message from the socket into a <see cref="BinaryData"/> is not charged here.
    /// </summary>
    [Benchmark(Description = "official: ModelReaderWriter.Read + Delta")]
    public int Official()
    {
        var update = (global::OpenAI.Realtime.RealtimeServerUpdateResponseOutputAudioDelta)ModelReaderWriter.Read<global::OpenAI.Realtime.RealtimeServerUpdate>(
            _jsonData, ModelReaderWriterOptions.Json, global::OpenAI.OpenAIContext.Default)!;
        ReadOnlySpan<byte> pcm = update.Delta.ToMemory().Span;
        pcm.CopyTo(_decoded);
        return pcm.Length;
    }

    /// <summary>The obvious hand-rolled client: a DOM, the delta as a string, the string API for base64.</summary>
    [Benchmark(Description = "naive: JsonDocument + FromBase64String")]
    public int Naive()
    {
        using JsonDocument json = JsonDocument.Parse(_json);
        byte[] pcm = Convert.FromBase64String(json.RootElement.GetProperty("delta").GetString()!);
        pcm.CopyTo(_decoded, 0);
        return pcm.Length;
    }

    private void Verify(string name, int written)
    {
        if (written != _pcm.Length || !_decoded.AsSpan().SequenceEqual(_pcm))
        {
            throw new InvalidOperationException($"{name} did not decode the delta's PCM.");
        }

        Array.Clear(_decoded);
    }
}
