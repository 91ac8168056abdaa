using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Benchmarks.Support;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// Streaming 100 ms <c>input_audio_buffer.append</c> events (4,800 bytes of PCM16 each) over loopback TCP to an
/// in-process WebSocket sink (<see cref="WebSocketSinkServer"/>, 127.0.0.1, discards the bytes). Time is per message
/// (messages per second = 1e9 / Mean in ns); each invocation sends <see cref="Batch"/> messages back to back.
/// Baseline: raw TCP writes of a prebuilt masked frame of the same event (no JSON, no base64, no masking).
/// </summary>
/// <remarks>
/// Ours builds every frame from PCM (JSON + base64 + mask); <c>ClientWebSocket</c> gets the finished JSON
/// (prebuilt once) and only copies and masks it. The sink is shared and the client and server share the two
/// cores, so the ratios mean more than the absolute rate.
/// </remarks>
[MemoryDiagnoser]
public class Perf_RealtimeLoopback
{
    private const int Batch = 100;

    private WebSocketSinkServer _server = null!;
    private byte[] _pcm = [];
    private ReadOnlyMemory<byte> _pcmMemory;
    private byte[] _prebuiltFrame = [];
    private byte[] _prebuiltJson = [];
    private Socket _raw = null!;
    private WebSocketConnection _ours = null!;
    private ClientWebSocket _clientWebSocket = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _server = new WebSocketSinkServer();
        _pcm = AudioSamples.CreatePcm(AudioSamples.Pcm100Ms);
        _pcmMemory = _pcm;

        _prebuiltJson = new byte[RealtimeAudioEvents.GetAppendEventLength(RealtimeAudioAppendEvent.InputAudioBufferAppend, _pcm.Length)];
        RealtimeAudioEvents.WriteAppendEvent(_prebuiltJson, RealtimeAudioAppendEvent.InputAudioBufferAppend, _pcm);
        _prebuiltFrame = new byte[FrameHeader.MaxHeaderLength + _prebuiltJson.Length];
        int frameLength = MaskedFrame.WriteCopy(_prebuiltFrame, _prebuiltJson, new MaskKeySource().Next());
        Array.Resize(ref _prebuiltFrame, frameLength);

        _raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await _raw.ConnectAsync(IPAddress.Loopback, _server.Port).ConfigureAwait(false);
        await RawHandshakeAsync(_raw).ConfigureAwait(false);

        _ours = await WebSocketConnection.ConnectAsync(_server.Uri, new WebSocketConnectionOptions(), CancellationToken.None).ConfigureAwait(false);

        _clientWebSocket = new ClientWebSocket();
        await _clientWebSocket.ConnectAsync(_server.Uri, CancellationToken.None).ConfigureAwait(false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _clientWebSocket.Abort();
        _clientWebSocket.Dispose();
        _ours.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _raw.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "raw TCP, prebuilt frame")]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask RawTcp()
    {
        for (int i = 0; i < Batch; i++)
        {
            ReadOnlyMemory<byte> frame = _prebuiltFrame;
            while (!frame.IsEmpty)
            {
                int sent = await _raw.SendAsync(frame, SocketFlags.None).ConfigureAwait(false);
                frame = frame.Slice(sent);
            }
        }
    }

    /// <summary>
    /// Exempt from the zero-allocation gate: steady state is 0 B (the --quick run says so), but the first sends
    /// after connecting hop onto thread-pool threads whose pooled async boxes do not exist yet, so the one
    /// measured invocation of --dry shows about 10 B/op. The in-memory send path (Perf_RealtimeSend) is gated.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "ours: SendAudioAppendAsync from PCM")]
    [BenchmarkCategory(Program.NoAllocationGate)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask Ours()
    {
        for (int i = 0; i < Batch; i++)
        {
            await _ours.SendAudioAppendAsync(RealtimeAudioAppendEvent.InputAudioBufferAppend, _pcmMemory).ConfigureAwait(false);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "ClientWebSocket, prebuilt JSON")]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ClientWebSocketPrebuilt()
    {
        for (int i = 0; i < Batch; i++)
        {
            await _clientWebSocket.SendAsync(_prebuiltJson.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task RawHandshakeAsync(Socket socket)
    {
        string key = WebSocketHandshake.CreateKey();
        byte[] request = Encoding.ASCII.GetBytes(
            $"GET /v1/realtime HTTP/1.1\r\nHost: 127.0.0.1:{_server.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        await socket.SendAsync(request, SocketFlags.None).ConfigureAwait(false);
        byte[] response = new byte[1024];
        int length = 0;
        while (response.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
        {
            int read = await socket.ReceiveAsync(response.AsMemory(length), SocketFlags.None).ConfigureAwait(false);
            if (read == 0 || (length += read) == response.Length)
            {
                throw new IOException("The sink did not complete the upgrade.");
            }
        }

        if (!Encoding.ASCII.GetString(response, 0, length).StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new IOException("The sink refused the upgrade.");
        }
    }
}
