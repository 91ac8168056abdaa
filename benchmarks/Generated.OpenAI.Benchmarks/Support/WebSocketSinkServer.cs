using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// A minimal WebSocket sink on 127.0.0.1 (an ephemeral port): answers the HTTP/1.1 upgrade with 101, then reads
/// and discards every byte without parsing frames, so the server costs the same whatever the client sends.
/// At most <see cref="MaxConnections"/> connections; everything stops on <see cref="DisposeAsync"/>.
/// </summary>
internal sealed class WebSocketSinkServer : IAsyncDisposable
{
    private const int MaxConnections = 8;
    private const int MaxRequestHeaderBytes = 8 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = new();
    private readonly List<Task> _connections = new();
    private readonly Task _acceptLoop;

    public WebSocketSinkServer()
    {
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri Uri => new($"ws://127.0.0.1:{Port}/v1/realtime");

    /// <summary>Total bytes read after the handshakes (all connections).</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    private long _bytesReceived;

    private async Task AcceptAsync()
    {
        try
        {
            while (_connections.Count < MaxConnections)
            {
                Socket socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
                socket.NoDelay = true;
                lock (_sockets)
                {
                    _sockets.Add(socket);
                }

                _connections.Add(ServeAsync(socket));
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        byte[] buffer = new byte[256 * 1024];
        try
        {
            // The request: read up to the blank line (a client sends nothing else before the 101).
            int length = 0;
            int end;
            while ((end = IndexOfHeaderEnd(buffer.AsSpan(0, length))) < 0)
            {
                if (length >= MaxRequestHeaderBytes)
                {
                    return;
                }

                int read = await socket.ReceiveAsync(buffer.AsMemory(length, MaxRequestHeaderBytes - length), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                length += read;
            }

            string key = FindHeader(Encoding.ASCII.GetString(buffer, 0, end), "Sec-WebSocket-Key") ?? "";
            byte[] response = Encoding.ASCII.GetBytes(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + WebSocketHandshake.ComputeAccept(key) + "\r\n\r\n");
            await socket.SendAsync(response, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            Interlocked.Add(ref _bytesReceived, length - end - 4);

            while (true)
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                Interlocked.Add(ref _bytesReceived, read);
            }
        }
        catch (Exception)
        {
            // Stopped, or the client went away: the sink just ends the connection.
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static int IndexOfHeaderEnd(ReadOnlySpan<byte> data) => data.IndexOf("\r\n\r\n"u8);

    private static string? FindHeader(string headers, string name)
    {
        foreach (string line in headers.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line.Substring(colon + 1).Trim();
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (Socket socket in _sockets)
            {
                socket.Dispose();
            }
        }

        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections).ConfigureAwait(false);
        _stop.Dispose();
    }
}
