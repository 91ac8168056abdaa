using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Runtime.Tests.WebSockets;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.WebSockets;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.Hostile.HostilePeer;
using static Generated.OpenAI.Realtime.Tests.Hostile.NumberedAudioDeltas;

namespace Generated.OpenAI.Realtime.Tests.Hostile;

/// <summary>
/// Issue #12's "a typed audio delta never copies its audio", over a real socket: with frame-aligned receive segments a
/// default session lends every 100 ms and 1 s delta on its received message, none on a copy, over ws:// (the raw-socket
/// peer) and over wss:// (a TLS peer). Before, a 100 ms delta straddled two 64 KiB receive buffers about one time in ten
/// and a 1 s delta (64 KB of JSON) nearly always, and each of those was lent on a pooled copy.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class AlignedLentAudioDeltaTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static RealtimeSessionOptions Default => new() { KeepAliveInterval = TimeSpan.Zero, CloseTimeout = TimeSpan.FromMilliseconds(200) };

    /// <summary>24 kHz PCM16: 100 ms is 4,800 bytes, 1 s 48,000 (64,000 in base64).</summary>
    private static int SizeOf(int index) => index % 10 == 0 ? 48_000 : 4_800;

    [Fact(Timeout = 60000)]
    public async Task Deltas_of_100_ms_and_1_s_are_lent_on_their_received_messages_over_ws()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;
        await SendAndReadAsync(session, bytes => server.WriteAsync(bytes));
    }

    [Fact(Timeout = 60000)]
    public async Task Deltas_of_100_ms_and_1_s_are_lent_on_their_received_messages_over_wss()
    {
        using X509Certificate2 certificate = TestCertificate.CreateSelfSigned();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<SslStream> accepting = AcceptTlsAsync(listener, certificate);
        var options = new WebSocketConnectionOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true };
        WebSocketConnection connection = await WebSocketConnection.ConnectAsync(new Uri($"wss://127.0.0.1:{port}/v1/realtime"), options, CancellationToken.None).AsTask().WaitAsync(Patience);
        await using SslStream server = await accepting.WaitAsync(Patience);

        // As RealtimeClient builds a voice session over its connection.
        connection.FindsUnescapedTail = true;
        var session = new RealtimeVoiceSession(connection, Default);
        session.Start();
        await using RealtimeVoiceSession _ = session;
        await SendAndReadAsync(session, async bytes =>
        {
            await server.WriteAsync(bytes);
            await server.FlushAsync();
        });
    }

    /// <summary>
    /// 60 deltas, a 1 s one every tenth (about 1 MB of frames), all sent before the app reads one: the loop receives and
    /// lends them all while the earlier ones stay retained, so the receive buffers fill up and turn over many times.
    /// Then the app reads them all, each with its own audio.
    /// </summary>
    private async Task SendAndReadAsync(RealtimeVoiceSession session, Func<byte[], Task> write)
    {
        const int Count = 60;
        var frames = new List<byte>();
        for (int i = 0; i < Count; i++)
        {
            frames.AddRange(Text(Delta(i, SizeOf(i))));
        }

        await write([.. frames]);
        using (var timeout = new CancellationTokenSource(Patience))
        {
            while (session.QueuedEvents < Count)
            {
                await Task.Delay(10, timeout.Token);
            }
        }

        for (int i = 0; i < Count; i++)
        {
            RealtimeServerEvent e = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
            Assert.Equal("event_" + i, e.AsResponseOutputAudioDelta().EventId);
            Assert.Equal(Pcm(i, SizeOf(i)), Decode(e));
        }

        output.WriteLine($"{session.CopiedAudioDeltas} of {Count} deltas lent on a copy");
        Assert.Equal(0, session.CopiedAudioDeltas);
    }

    /// <summary>A TLS server that answers one upgrade by hand and hands back its stream for frames.</summary>
    private static async Task<SslStream> AcceptTlsAsync(TcpListener listener, X509Certificate2 certificate)
    {
        TcpClient client = await listener.AcceptTcpClientAsync();
        client.NoDelay = true;
        var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsServerAsync(certificate);

        // The request's header block, a byte at a time so that nothing after it is read.
        var request = new List<byte>();
        byte[] one = new byte[1];
        while (request.Count < 4 || request[^1] != '\n' || request[^2] != '\r' || request[^3] != '\n' || request[^4] != '\r')
        {
            if (await ssl.ReadAsync(one) == 0)
            {
                throw new IOException("The client closed during the upgrade request.");
            }

            request.Add(one[0]);
        }

        string key = "";
        foreach (string line in Encoding.ASCII.GetString(request.ToArray()).Split("\r\n"))
        {
            if (line.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))
            {
                key = line["Sec-WebSocket-Key:".Length..].Trim();
            }
        }

        await ssl.WriteAsync(Encoding.ASCII.GetBytes(RawWebSocketServer.BuildUpgradeResponse(key)));
        await ssl.FlushAsync();
        return ssl;
    }
}
