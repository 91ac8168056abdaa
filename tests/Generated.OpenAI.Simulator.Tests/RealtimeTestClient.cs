using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Simulator.Tests;

/// <summary>A BCL <see cref="ClientWebSocket"/> with JSON helpers and short timeouts.</summary>
internal sealed class RealtimeTestClient : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket = new();

    public ClientWebSocket Socket => _socket;

    public static async Task<RealtimeTestClient> ConnectAsync(Uri uri, string? bearer = "sk-test", string? safetyIdentifier = null)
    {
        var client = new RealtimeTestClient();
        if (bearer is not null)
        {
            client._socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        }

        if (safetyIdentifier is not null)
        {
            client._socket.Options.SetRequestHeader("OpenAI-Safety-Identifier", safetyIdentifier);
        }

        client._socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(s_timeout);
        await client._socket.ConnectAsync(uri, timeout.Token);
        return client;
    }

    public Task SendAsync(string json)
        => _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Receives one whole message as text; null when the server closed.</summary>
    public async Task<string?> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? s_timeout);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        while (true)
        {
            ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(buffer.GetMemory(64 * 1024), cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(buffer.WrittenSpan);
            }
        }
    }

    /// <summary>Receives one event; fails on close.</summary>
    public async Task<JsonElement> ReceiveAsync()
    {
        string text = await ReceiveTextAsync() ?? throw new InvalidOperationException("The server closed the socket.");
        using JsonDocument document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Receives events up to and including the first of type <paramref name="type"/>.</summary>
    public async Task<List<JsonElement>> ReceiveUntilAsync(string type)
    {
        var events = new List<JsonElement>();
        while (true)
        {
            JsonElement e = await ReceiveAsync();
            events.Add(e);
            if (e.GetProperty("type").GetString() == type)
            {
                return events;
            }
        }
    }

    public async Task<JsonElement> ExpectAsync(string type)
    {
        JsonElement e = await ReceiveAsync();
        Xunit.Assert.Equal(type, e.GetProperty("type").GetString());
        return e;
    }

    public static string Append(ReadOnlySpan<byte> pcm, string type = "input_audio_buffer.append")
        => $"{{\"type\":\"{type}\",\"audio\":\"{Convert.ToBase64String(pcm)}\"}}";

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
    }
}
