using System;
using System.Collections.Generic;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Runtime.Tests.WebSockets;

namespace Generated.OpenAI.Realtime.Tests.Hostile;

/// <summary>
/// A realtime "server" that is neither Kestrel nor the project's simulator: a TcpListener on 127.0.0.1 that answers
/// the upgrade by hand and then writes whatever frames a test scripts, right or wrong, as fast or as slowly as it
/// likes. One client connection at a time.
/// </summary>
internal sealed class HostilePeer : IAsyncDisposable
{
    private readonly RawWebSocketServer _server = new();

    /// <summary>A client whose base URL is this peer (<c>http://127.0.0.1:port/v1</c>).</summary>
    public RealtimeClient CreateClient(string apiKey = "sk-hostile-test-key-0123456789abcdef")
        => new(new OpenAIClientOptions { ApiKey = apiKey, BaseUrl = new Uri($"http://127.0.0.1:{_server.Uri.Port}/v1"), MaxRetries = 0 });

    /// <summary>Accepts the next client and completes its upgrade (or answers with <paramref name="customResponse"/>).</summary>
    public Task<RawServerConnection> AcceptAsync(string? customResponse = null) => _server.AcceptAsync(customResponse: customResponse);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    public static byte[] Text(string json) => RawServerConnection.Frame(0x81, Encoding.UTF8.GetBytes(json));

    public static Task SendAsync(RawServerConnection connection, string json) => connection.WriteAsync(Text(json));

    /// <summary>
    /// The next text message the client sends, skipping pongs; <see langword="null"/> at a close frame.
    /// </summary>
    public static async Task<JsonElement?> ReadClientEventAsync(RawServerConnection connection, TimeSpan? timeout = null)
    {
        while (true)
        {
            (_, int opcode, byte[] payload) = await connection.ReadClientFrameAsync(timeout);
            switch (opcode)
            {
                case 0x1:
                    return JsonDocument.Parse(payload).RootElement.Clone();
                case 0x8:
                    return null;
                case 0xA:
                case 0x9:
                    continue;
                default:
                    throw new InvalidDataException($"Unexpected client opcode {opcode}.");
            }
        }
    }

    /// <summary>Reads client events until one of <paramref name="type"/>; returns it.</summary>
    public static async Task<JsonElement> ReadClientEventAsync(RawServerConnection connection, string type, TimeSpan? timeout = null)
    {
        while (true)
        {
            JsonElement? next = await ReadClientEventAsync(connection, timeout);
            if (next is null)
            {
                throw new InvalidDataException($"The client closed before sending {type}.");
            }

            if (next.Value.GetProperty("type").GetString() == type)
            {
                return next.Value;
            }
        }
    }

    /// <summary>The close status the client sends next, skipping data frames and pongs; null when it closes TCP without one.</summary>
    public static async Task<int?> ReadCloseStatusAsync(RawServerConnection connection, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            (bool _, int opcode, byte[] payload) frame;
            try
            {
                frame = await connection.ReadClientFrameAsync(timeout);
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException)
            {
                return null;
            }

            if (frame.opcode == 0x8)
            {
                return frame.payload.Length >= 2 ? (frame.payload[0] << 8) | frame.payload[1] : (int)WebSocketCloseStatus.Empty;
            }
        }
    }

    /// <summary>The open file descriptors of this process (Linux), or -1 where /proc is not there.</summary>
    public static int OpenFileDescriptors() => Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : -1;

    public static string AudioDelta(int pcmBytes, string itemId = "item_1", int? deltaBytesOverride = null)
    {
        string base64 = Convert.ToBase64String(new byte[deltaBytesOverride ?? pcmBytes]);
        return $$"""{"type":"response.output_audio.delta","event_id":"s","response_id":"resp_1","item_id":"{{itemId}}","output_index":0,"content_index":0,"delta":"{{base64}}"}""";
    }

    public static IEnumerable<string> Lines(params string[] lines) => lines;
}
