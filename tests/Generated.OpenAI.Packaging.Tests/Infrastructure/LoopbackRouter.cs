using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>
/// One base URL for the two simulators, as OpenAI has one: a TCP relay on 127.0.0.1 that sends each connection to the
/// realtime simulator when its request line's path starts with <c>/v1/realtime</c> and to the REST simulator
/// otherwise. It relays bytes only (WebSocket upgrades included); the quick-start's REST and realtime clients use
/// separate connections, so one decision per connection is enough.
/// </summary>
internal sealed class LoopbackRouter : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Uri _rest;
    private readonly Uri _realtime;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accept;

    public LoopbackRouter(Uri restBaseUrl, Uri realtimeBaseUrl)
    {
        _rest = restBaseUrl;
        _realtime = realtimeBaseUrl;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");
        _accept = AcceptAsync();
    }

    /// <summary><c>http://127.0.0.1:port/v1</c>: give it as <c>OPENAI_BASE_URL</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The request lines routed so far, e.g. <c>GET /v1/models HTTP/1.1 -> rest</c>.</summary>
    public List<string> Routed { get; } = [];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(RelayAsync(client));
            }
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        try
        {
            await RelayCoreAsync(client).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.IO.IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client or the simulator went away, or the router stops.
        }
    }

    private async Task RelayCoreAsync(TcpClient client)
    {
        using (client)
        {
            NetworkStream inbound = client.GetStream();
            var head = new byte[8192];
            int length = 0;
            int lineEnd;
            while ((lineEnd = IndexOfLineEnd(head, length)) < 0)
            {
                int read = await inbound.ReadAsync(head.AsMemory(length), _stop.Token).ConfigureAwait(false);
                if (read == 0 || length + read == head.Length)
                {
                    return;
                }

                length += read;
            }

            string requestLine = Encoding.ASCII.GetString(head, 0, lineEnd);
            string[] parts = requestLine.Split(' ');
            bool realtime = parts.Length > 1 && parts[1].StartsWith("/v1/realtime", StringComparison.Ordinal);
            lock (Routed)
            {
                Routed.Add(requestLine + (realtime ? " -> realtime" : " -> rest"));
            }

            Uri target = realtime ? _realtime : _rest;
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, target.Port, _stop.Token).ConfigureAwait(false);
            NetworkStream outbound = upstream.GetStream();
            await outbound.WriteAsync(head.AsMemory(0, length), _stop.Token).ConfigureAwait(false);
            Task up = PumpAsync(inbound, outbound, upstream.Client);
            Task down = PumpAsync(outbound, inbound, client.Client);
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Socket toSocket)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token).ConfigureAwait(false);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is System.IO.IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A side closed abruptly or the router stops: the other side sees the connection end.
        }
    }

    private static int IndexOfLineEnd(byte[] buffer, int length)
    {
        for (int i = 0; i + 1 < length; i++)
        {
            if (buffer[i] == (byte)'\r' && buffer[i + 1] == (byte)'\n')
            {
                return i;
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Task[] running;
        lock (_connections)
        {
            running = [.. _connections, _accept];
        }

        await Task.WhenAny(Task.WhenAll(running), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        _stop.Dispose();
    }
}
