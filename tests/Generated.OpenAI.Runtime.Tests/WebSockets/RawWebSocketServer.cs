using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// A TcpListener on 127.0.0.1 that performs the server half of the upgrade by hand, then hands the raw stream to
/// the test: to write hand-made ("evil") frames, or to wrap with <see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>.
/// </summary>
internal sealed class RawWebSocketServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public RawWebSocketServer()
    {
        _listener.Start();
    }

    public Uri Uri => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/raw");

    /// <summary>Accepts one client and answers its upgrade with 101 (optionally selecting a subprotocol) or a custom response.</summary>
    public async Task<RawServerConnection> AcceptAsync(string? subProtocol = null, string? customResponse = null, bool respond = true)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        TcpClient client = await _listener.AcceptTcpClientAsync(timeout.Token);
        client.NoDelay = true;
        NetworkStream stream = client.GetStream();
        Dictionary<string, string> headers = await ReadRequestHeadersAsync(stream, timeout.Token);
        if (respond)
        {
            string response = customResponse ?? BuildUpgradeResponse(headers["Sec-WebSocket-Key"], subProtocol);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), timeout.Token);
        }

        return new RawServerConnection(client, stream, headers);
    }

    public static string BuildUpgradeResponse(string key, string? subProtocol = null, string? acceptOverride = null)
    {
        string accept = acceptOverride ?? Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n"
            + (subProtocol is null ? string.Empty : "Sec-WebSocket-Protocol: " + subProtocol + "\r\n") + "\r\n";
    }

    private static async Task<Dictionary<string, string>> ReadRequestHeadersAsync(Stream stream, CancellationToken cancellationToken)
    {
        // Byte at a time so that nothing after the header block is consumed.
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 4 || bytes[^1] != '\n' || bytes[^2] != '\r' || bytes[^3] != '\n' || bytes[^4] != '\r')
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("Client closed during the upgrade request.");
            }

            bytes.Add(one[0]);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string[] lines = Encoding.ASCII.GetString(bytes.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        headers[":request-line"] = lines[0];
        for (int i = 1; i < lines.Length; i++)
        {
            int colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            headers[lines[i][..colon].Trim()] = lines[i][(colon + 1)..].Trim();
        }

        return headers;
    }

    public ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The server side of one raw connection.</summary>
internal sealed class RawServerConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private long _bytesDrained;

    public RawServerConnection(TcpClient client, NetworkStream stream, Dictionary<string, string> requestHeaders)
    {
        _client = client;
        Stream = stream;
        RequestHeaders = requestHeaders;
    }

    public NetworkStream Stream { get; }

    public Dictionary<string, string> RequestHeaders { get; }

    public Task WriteAsync(params byte[] bytes) => Stream.WriteAsync(bytes).AsTask();

    /// <summary>An unmasked server frame.</summary>
    public static byte[] Frame(byte firstByte, ReadOnlySpan<byte> payload)
    {
        var frame = new List<byte> { firstByte };
        if (payload.Length <= 125)
        {
            frame.Add((byte)payload.Length);
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.Add(126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add(127);
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            frame.AddRange(length);
        }

        frame.AddRange(payload.ToArray());
        return frame.ToArray();
    }

    /// <summary>Reads one client frame (which must be masked) and returns it unmasked.</summary>
    public async Task<(bool Fin, int Opcode, byte[] Payload)> ReadClientFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        byte[] head = await ReadExactlyAsync(2, cts.Token);
        if ((head[1] & 0x80) == 0)
        {
            throw new InvalidDataException("Client frame is not masked.");
        }

        long length = head[1] & 0x7F;
        if (length == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2, cts.Token));
        }
        else if (length == 127)
        {
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactlyAsync(8, cts.Token));
        }

        byte[] mask = await ReadExactlyAsync(4, cts.Token);
        byte[] payload = await ReadExactlyAsync((int)length, cts.Token);
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] ^= mask[i & 3];
        }

        return ((head[0] & 0x80) != 0, head[0] & 0xF, payload);
    }

    /// <summary>Reads the client's close frame and returns its status code (or null when it sent none).</summary>
    public async Task<int?> ReadCloseStatusAsync()
    {
        (_, int opcode, byte[] payload) = await ReadClientFrameAsync();
        if (opcode != 0x8)
        {
            throw new InvalidDataException($"Expected a close frame, got opcode {opcode}.");
        }

        return payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : null;
    }

    /// <summary>True when the client closed the TCP connection within <paramref name="timeout"/>.</summary>
    public async Task<bool> SeesEndOfStreamAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                if (await Stream.ReadAsync(buffer, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset by peer also means closed
        }
    }

    /// <summary>How many bytes <see cref="DrainAsync"/> has read and discarded so far.</summary>
    public long BytesDrained => Interlocked.Read(ref _bytesDrained);

    /// <summary>Reads and discards whatever the client sends until it closes, the stream fails or <paramref name="cancellationToken"/> fires.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await Stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                Interlocked.Add(ref _bytesDrained, read);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Writes <paramref name="chunk"/> over and over until the client closes, the stream fails or <paramref name="cancellationToken"/> fires.</summary>
    public async Task WriteRepeatedlyAsync(byte[] chunk, TimeSpan pause, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Stream.WriteAsync(chunk, cancellationToken);
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await Stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    /// <summary>Closes with a TCP reset (zero linger) instead of a FIN: the peer's next send or receive fails.</summary>
    public void Reset()
    {
        _client.Client.LingerState = new LingerOption(true, 0);
        _client.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
