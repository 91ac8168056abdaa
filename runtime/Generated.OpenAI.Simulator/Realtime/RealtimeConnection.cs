using System;
using System.Buffers;
using System.Buffers.Text;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// One accepted realtime WebSocket: the receive loop, serialized sends, <c>error</c> events and fault injection.
/// Subclasses implement one session type.
/// </summary>
/// <remarks>One reader (the loop); sends from the loop and from a background response are serialized by a lock.</remarks>
internal abstract partial class RealtimeConnection
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly HttpContext _context;
    private readonly Stream _transport;
    private readonly RealtimeFault _fault;
    private readonly int _faultAfter;
    private int _received;
    private bool _faultFired;

    protected RealtimeConnection(RealtimeSimulator simulator, HttpContext context, Stream transport, WebSocket socket, RealtimeHandshake handshake, RealtimeFault fault, int faultAfter)
    {
        Simulator = simulator;
        _context = context;
        _transport = transport;
        Socket = socket;
        Handshake = handshake;
        _fault = fault;
        _faultAfter = faultAfter;
    }

    protected RealtimeSimulator Simulator { get; }

    protected RealtimeSimulatorOptions Options => Simulator.Options;

    protected WebSocket Socket { get; }

    protected RealtimeHandshake Handshake { get; }

    protected CancellationToken Aborted => _context.RequestAborted;

    protected bool Closed { get; set; }

    /// <summary>Runs the connection until the socket closes.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _context.RequestAborted);
        CancellationToken token = linked.Token;
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            StartLifetime(token);
            await OnConnectedAsync(token).ConfigureAwait(false);
            if (!await MaybeFaultAsync(token).ConfigureAwait(false))
            {
                return;
            }

            while (!Closed && Socket.State == WebSocketState.Open)
            {
                message.ResetWrittenCount();
                WebSocketMessageType type = await ReceiveMessageAsync(message, token).ConfigureAwait(false);
                if (type == WebSocketMessageType.Close)
                {
                    if (Socket.State == WebSocketState.CloseReceived)
                    {
                        await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", token).ConfigureAwait(false);
                    }

                    return;
                }

                _received++;
                await DispatchAsync(message.WrittenMemory, type, token).ConfigureAwait(false);
                if (!await MaybeFaultAsync(token).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The client went away, the simulator stopped, or a fault aborted the transport.
        }
        finally
        {
            await OnClosedAsync().ConfigureAwait(false);
        }
    }

    protected abstract Task OnConnectedAsync(CancellationToken cancellationToken);

    protected abstract Task OnEventAsync(JsonElement root, string type, string? eventId, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken);

    protected virtual Task OnClosedAsync() => Task.CompletedTask;

    private async Task<WebSocketMessageType> ReceiveMessageAsync(ArrayBufferWriter<byte> message, CancellationToken cancellationToken)
    {
        while (true)
        {
            Memory<byte> memory = message.GetMemory(16 * 1024);
            ValueWebSocketReceiveResult result = await Socket.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return WebSocketMessageType.Close;
            }

            message.Advance(result.Count);
            if (message.WrittenCount > Options.MaxClientMessageBytes)
            {
                await Socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "message too big", cancellationToken).ConfigureAwait(false);
                return WebSocketMessageType.Close;
            }

            if (result.EndOfMessage)
            {
                return result.MessageType;
            }
        }
    }

    private async Task DispatchAsync(ReadOnlyMemory<byte> raw, WebSocketMessageType messageType, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(raw);
        }
        catch (JsonException exception)
        {
            Simulator.RecordClientMessage(new RealtimeClientMessage(Handshake.ConnectionId, null, Encoding.UTF8.GetString(raw.Span)));
            await SendErrorAsync("invalid_json", $"The client event could not be parsed as JSON: {exception.Message}", null, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            string? eventId = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("event_id", out JsonElement id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            string? type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            Simulator.RecordClientMessage(new RealtimeClientMessage(Handshake.ConnectionId, type, Encoding.UTF8.GetString(raw.Span)));
            if (messageType != WebSocketMessageType.Text)
            {
                await SendErrorAsync("invalid_event", "Client events must be sent as text messages.", null, eventId, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                await SendErrorAsync("invalid_event", "The client event must be a JSON object.", null, eventId, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (type is null)
            {
                await SendErrorAsync("invalid_event", "The 'type' field is missing.", "type", eventId, cancellationToken).ConfigureAwait(false);
                return;
            }

            await OnEventAsync(root, type, eventId, raw, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <c>{"type":…,"event_id":…, …}</c>; <paramref name="body"/> writes the remaining properties.</summary>
    protected async Task SendEventAsync(string type, Action<Utf8JsonWriter>? body, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, LenientJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("event_id", Simulator.NextId("event_"));
            body?.Invoke(writer);
            writer.WriteEndObject();
        }

        await SendRawAsync(buffer.WrittenMemory, WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
    }

    protected async Task SendRawAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Socket.SendAsync(message, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends an <c>error</c> event; the socket stays open.</summary>
    protected Task SendErrorAsync(string code, string message, string? param, string? clientEventId, CancellationToken cancellationToken)
        => SendEventAsync("error", writer =>
        {
            writer.WriteStartObject("error");
            writer.WriteString("type", "invalid_request_error");
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            writer.WriteString("param", param);
            writer.WriteString("event_id", clientEventId);
            writer.WriteEndObject();
        }, cancellationToken);

    /// <summary>Reports an event type this session does not accept.</summary>
    protected Task SendUnsupportedTypeAsync(string type, string? eventId, string supported, CancellationToken cancellationToken)
        => SendErrorAsync("invalid_value", $"Invalid value: '{type}'. Supported values are: {supported}.", "type", eventId, cancellationToken);

    /// <summary>Closes the socket with 1000 after the last event.</summary>
    protected async Task CloseNormallyAsync(string description, CancellationToken cancellationToken)
    {
        Closed = true;
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, description, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }

        // Wait (briefly) for the client's close frame so that the close handshake completes.
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            byte[] scratch = new byte[256];
            while (Socket.State == WebSocketState.CloseSent)
            {
                ValueWebSocketReceiveResult result = await Socket.ReceiveAsync(scratch.AsMemory(), timeout.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
        }
    }

    /// <summary>Decodes the base64 <c>audio</c> property of an append event straight from the UTF-8 JSON.</summary>
    protected static bool TryDecodeAudio(ReadOnlyMemory<byte> raw, out byte[] pcm, out string? problem)
    {
        pcm = [];
        problem = null;
        var reader = new Utf8JsonReader(raw.Span);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("audio"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    problem = "The 'audio' field must be a base64 string.";
                    return false;
                }

                byte[] rented = ArrayPool<byte>.Shared.Rent(reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length);
                try
                {
                    int length = reader.CopyString(rented);
                    ReadOnlySpan<byte> base64 = rented.AsSpan(0, length);
                    byte[] decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(length)];
                    OperationStatus status = Base64.DecodeFromUtf8(base64, decoded, out _, out int written);
                    if (status != OperationStatus.Done)
                    {
                        problem = "Invalid 'audio': the value is not valid base64.";
                        return false;
                    }

                    pcm = written == decoded.Length ? decoded : decoded.AsSpan(0, written).ToArray();
                    return true;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        problem = "The 'audio' field is missing.";
        return false;
    }

    /// <summary>Merges <paramref name="update"/> into <paramref name="target"/> (objects recursively; anything else replaces).</summary>
    protected static void Merge(JsonObject target, JsonElement update)
    {
        foreach (JsonProperty property in update.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Object && target[property.Name] is JsonObject existing)
            {
                Merge(existing, property.Value);
            }
            else
            {
                target[property.Name] = JsonNode.Parse(property.Value.GetRawText());
            }
        }
    }

    private async Task<bool> MaybeFaultAsync(CancellationToken cancellationToken)
    {
        if (_faultFired || _fault is RealtimeFault.None or RealtimeFault.DropMidResponse || _received < _faultAfter)
        {
            return true;
        }

        _faultFired = true;
        Simulator.RecordFault(Handshake.ConnectionId, _fault);
        switch (_fault)
        {
            case RealtimeFault.DropMidFrame:
                await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    // FIN + text opcode, 16-bit extended length announcing 1,000 bytes, then only 20 of them.
                    byte[] partial = new byte[4 + 20];
                    partial[0] = 0x81;
                    partial[1] = 126;
                    partial[2] = 1000 >> 8;
                    partial[3] = 1000 & 0xFF;
                    "{\"type\":\"response.ou"u8.CopyTo(partial.AsSpan(4));
                    await _transport.WriteAsync(partial, cancellationToken).ConfigureAwait(false);
                    await _transport.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }

                // A reset discards what the peer has not read yet, so give the client a moment to read the
                // partial frame (and everything before it) before the connection is aborted.
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                _context.Abort();
                return false;
            case RealtimeFault.Stall:
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                return false;
            case RealtimeFault.Garbage:
                await SendRawAsync("this is not json {"u8.ToArray(), WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
                return true;
            case RealtimeFault.UnknownEvent:
                await SendRawAsync("""{"type":"future.event","x":1}"""u8.ToArray(), WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
                return true;
            case RealtimeFault.Oversize:
                byte[] prefix = Encoding.UTF8.GetBytes($"{{\"type\":\"simulator.oversize\",\"event_id\":\"{Simulator.NextId("event_")}\",\"padding\":\"");
                byte[] oversize = new byte[Math.Max(Options.OversizeMessageBytes, prefix.Length + 2)];
                prefix.CopyTo(oversize, 0);
                oversize.AsSpan(prefix.Length, oversize.Length - prefix.Length - 2).Fill((byte)'a');
                oversize[^2] = (byte)'"';
                oversize[^1] = (byte)'}';
                await SendRawAsync(oversize, WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
                return true;
            default:
                return true;
        }
    }
}
