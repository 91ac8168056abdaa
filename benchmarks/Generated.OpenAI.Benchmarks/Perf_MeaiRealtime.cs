using System;
using System.ClientModel;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Generated.OpenAI.Benchmarks.Support;
using Generated.OpenAI.Extensions.AI;
using Generated.OpenAI.Http;
using Generated.OpenAI.Realtime;
using Microsoft.Extensions.AI;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// Bytes and time per realtime audio event through MEAI's <see cref="IRealtimeClientSession"/>: this SDK's adapter
/// (<c>RealtimeClient.AsIRealtimeClient()</c> over its voice-agent session) against Microsoft's
/// (<c>Microsoft.Extensions.AI.OpenAI</c> 11.0.0's <see cref="OpenAIRealtimeClient"/> over the official <c>OpenAI</c>
/// 2.15.0's realtime session), both connected over loopback TCP to <see cref="RealtimeLoadServer"/> (the separate-process
/// server of <c>Perf_RealtimeLoopback</c>). Time and allocations are per event (each invocation moves <see cref="Batch"/>).
/// <list type="bullet">
/// <item><c>receive</c>: the <c>flood4800</c> listener sends the same prebuilt <c>response.output_audio.delta</c> frame
/// (100 ms of 24 kHz PCM16, 4,800 B) back to back; one operation reads one <see cref="OutputTextAudioRealtimeServerMessage"/>
/// from <c>GetStreamingResponseAsync</c> and decodes its <see cref="OutputTextAudioRealtimeServerMessage.Audio"/> (MEAI's
/// type: a base64 string) into a playback buffer, as an app's player would.</item>
/// <item><c>send</c>: one <see cref="InputAudioBufferAppendRealtimeClientMessage"/> (a new message over the same 100 ms of
/// PCM, as an app makes one per microphone chunk) through <c>SendAsync</c> to the <c>sink</c> listener.</item>
/// </list>
/// Baseline in each category: Microsoft's adapter. Client and server share the machine's cores, so the ratio means more
/// than the absolute time.
/// </summary>
/// <remarks>
/// Exempt from the zero-allocation gate, and no row is named for it: every received MEAI message is an object with a
/// base64 string of the audio (MEAI's contract), and the single cold invocation of --dry hops onto thread-pool threads.
/// The 0 B path for the model's audio through our adapter is the session's <c>AudioSink</c> (the message stream then
/// carries no audio deltas; <c>Perf_RealtimeLoopback</c>'s sink row measures it). Each session is connected only for its
/// own row: our session's receive loop reads ahead on another thread as soon as it connects.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[BenchmarkCategory(Program.NoAllocationGate)]
public class Perf_MeaiRealtime
{
    private const int Batch = 100;
    private const string Send = "send";
    private const string Receive = "receive";
    private const string Model = "gpt-realtime";

    private ServerProcess _server = null!;
    private byte[] _pcm = [];
    private byte[] _playback = [];
    private global::OpenAI.Realtime.RealtimeClient? _officialSdk;
    private IRealtimeClient? _client;
    private RealtimeClient? _sdk;
    private IRealtimeClientSession? _session;
    private IAsyncEnumerator<RealtimeServerMessage>? _messages;

    [GlobalSetup(Target = nameof(OfficialReceive))]
    public void SetupOfficialReceive() => SetupReceive(official: true, nameof(OfficialReceive));

    [GlobalSetup(Target = nameof(SdkAdapterReceive))]
    public void SetupSdkAdapterReceive() => SetupReceive(official: false, nameof(SdkAdapterReceive));

    [GlobalSetup(Target = nameof(SdkAdapterZeroCopyReceive))]
    public void SetupSdkAdapterZeroCopyReceive() => SetupReceive(official: false, nameof(SdkAdapterZeroCopyReceive), zeroCopy: true);

    [GlobalSetup(Target = nameof(OfficialSend))]
    public void SetupOfficialSend() => Connect(official: true, "sink");

    [GlobalSetup(Target = nameof(SdkAdapterSend))]
    public void SetupSdkAdapterSend() => Connect(official: false, "sink");

    private void SetupReceive(bool official, string name, bool zeroCopy = false)
    {
        Connect(official, "flood4800", zeroCopy);
        _messages = _session!.GetStreamingResponseAsync().GetAsyncEnumerator();

        // The path must really deliver the PCM: check once before measuring.
        ReadAsync().GetAwaiter().GetResult();
        if (!_playback.AsSpan().SequenceEqual(_pcm))
        {
            throw new InvalidOperationException($"{name} did not receive the delta's PCM.");
        }

        Array.Clear(_playback);
    }

    private void Connect(bool official, string listener, bool zeroCopy = false)
    {
        _server = RealtimeLoadServer.Start();
        _pcm = AudioSamples.CreatePcm(AudioSamples.Pcm100Ms);
        _playback = new byte[_pcm.Length];
        int port = _server.Port(listener);
        if (official)
        {
            _officialSdk = new global::OpenAI.Realtime.RealtimeClient(
                new ApiKeyCredential("benchmark"),
                new global::OpenAI.Realtime.RealtimeClientOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/v1") });
            _client = new OpenAIRealtimeClient(_officialSdk, Model);
        }
        else
        {
            _sdk = new RealtimeClient(new OpenAIClientOptions { ApiKey = "benchmark", BaseUrl = new Uri($"http://127.0.0.1:{port}/v1") });
            _client = _sdk.AsIRealtimeClient(Model, zeroCopy ? new Generated.OpenAI.Realtime.RealtimeSessionOptions { ZeroCopyAudioDeltas = true } : null);
        }

        // No options: neither adapter sends a session.update (the server would not answer it).
        _session = _client.CreateSessionAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _messages?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        _session?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        _client?.Dispose();
        _sdk?.Dispose();
        _server.Dispose();
        (_messages, _session, _client, _sdk, _officialSdk) = (null, null, null, null, null);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "official: MEAI.OpenAI session, read + decode 100 ms delta")]
    [BenchmarkCategory(Receive)]
    public Task OfficialReceive() => ReadAsync();

    [Benchmark(OperationsPerInvoke = Batch, Description = "Generated.OpenAI: AsIRealtimeClient session, read + decode 100 ms delta")]
    [BenchmarkCategory(Receive)]
    public Task SdkAdapterReceive() => ReadAsync();

    /// <summary>
    /// The same with the session option <c>ZeroCopyAudioDeltas</c> given to <c>AsIRealtimeClient</c>: the typed delta borrows
    /// its base64 from the receive buffer (the adapter turns it into MEAI's string before the next read), and the session
    /// reads the socket only when the app reads.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "Generated.OpenAI: AsIRealtimeClient(ZeroCopyAudioDeltas) session, read + decode 100 ms delta")]
    [BenchmarkCategory(Receive)]
    public Task SdkAdapterZeroCopyReceive() => ReadAsync();

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "official: MEAI.OpenAI session, append 100 ms")]
    [BenchmarkCategory(Send)]
    public Task OfficialSend() => AppendAsync();

    [Benchmark(OperationsPerInvoke = Batch, Description = "Generated.OpenAI: AsIRealtimeClient session, append 100 ms")]
    [BenchmarkCategory(Send)]
    public Task SdkAdapterSend() => AppendAsync();

    /// <summary><see cref="Batch"/> audio delta messages, each decoded into the playback buffer.</summary>
    private async Task ReadAsync()
    {
        for (int i = 0; i < Batch; i++)
        {
            if (!await _messages!.MoveNextAsync().ConfigureAwait(false))
            {
                throw new IOException("The session ended.");
            }

            if (_messages.Current is not OutputTextAudioRealtimeServerMessage { Type: var type, Audio: { } audio } || type != RealtimeServerMessageType.OutputAudioDelta)
            {
                throw new InvalidOperationException($"Expected an audio delta, read {_messages.Current.Type}.");
            }

            if (!Convert.TryFromBase64String(audio, _playback, out int written) || written != _playback.Length)
            {
                throw new InvalidOperationException("The delta's audio did not decode to 100 ms of PCM.");
            }
        }
    }

    /// <summary><see cref="Batch"/> appends of the same 100 ms, each a new MEAI message over the PCM (no copy).</summary>
    private async Task AppendAsync()
    {
        for (int i = 0; i < Batch; i++)
        {
            await _session!.SendAsync(new InputAudioBufferAppendRealtimeClientMessage(new DataContent(_pcm, "audio/pcm")), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
