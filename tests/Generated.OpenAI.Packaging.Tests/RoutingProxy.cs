using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>
/// One base URL for two simulators, as OpenAI has one for both APIs: a TCP proxy on 127.0.0.1 that reads the
/// request line of each new connection and sends <c>/v1/realtime…</c> (the WebSocket handshake) to the realtime
/// simulator and everything else to the REST simulator, then copies bytes both ways until either side closes.
/// A connection keeps its first route (HTTP keep-alive reuses it for the same kind of request here).
/// </summary>
internal sealed class RoutingProxy : IAsyncDisposable
{
    private const int MaxRequestLine = 16 * 1024;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Uri _rest;
    private readonly Uri _realtime;
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;

    public RoutingProxy(Uri restBaseUrl, Uri realtimeBaseUrl)
    {
        _rest = restBaseUrl;
        _realtime = realtimeBaseUrl;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary><c>http://127.0.0.1:port/v1</c>.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");

    /// <summary>How many connections went to each simulator.</summary>
    public int RestConnections => Volatile.Read(ref _restConnections);

    public int RealtimeConnections => Volatile.Read(ref _realtimeConnections);

    private int _restConnections;
    private int _realtimeConnections;

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
                _connections.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            NetworkStream downstream = client.GetStream();
            byte[] head = ArrayPool<byte>.Shared.Rent(MaxRequestLine);
            try
            {
                int length = 0;
                int lineEnd;
                while ((lineEnd = Array.IndexOf(head, (byte)'\n', 0, length)) < 0)
                {
                    int read = length < MaxRequestLine ? await downstream.ReadAsync(head.AsMemory(length, MaxRequestLine - length), _stop.Token).ConfigureAwait(false) : 0;
                    if (read == 0)
                    {
                        return;
                    }
                    length += read;
                }
                string requestLine = Encoding.ASCII.GetString(head, 0, lineEnd);
                string[] parts = requestLine.Split(' ');
                bool realtime = parts.Length >= 2 && parts[1].StartsWith("/v1/realtime", StringComparison.Ordinal);
                Uri target = realtime ? _realtime : _rest;
                if (realtime)
                {
                    Interlocked.Increment(ref _realtimeConnections);
                }
                else
                {
                    Interlocked.Increment(ref _restConnections);
                }

                using var upstreamClient = new TcpClient();
                await upstreamClient.ConnectAsync(target.Host, target.Port, _stop.Token).ConfigureAwait(false);
                NetworkStream upstream = upstreamClient.GetStream();
                await upstream.WriteAsync(head.AsMemory(0, length), _stop.Token).ConfigureAwait(false);
                Task up = CopyAsync(downstream, upstream, upstreamClient.Client);
                Task down = CopyAsync(upstream, downstream, client.Client);
                await Task.WhenAll(up, down).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception ex) when (ex is SocketException or System.IO.IOException or ObjectDisposedException)
            {
                // A side closed abruptly: the other side sees its connection end, which is what it would see without the proxy.
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(head);
            }
        }
    }

    private async Task CopyAsync(NetworkStream from, NetworkStream to, Socket toSocket)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or System.IO.IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        try
        {
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }
        await Task.WhenAll(connections).ConfigureAwait(false);
        _stop.Dispose();
    }
}
