using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// What voice-agent and transcription sessions share (<c>/v1/realtime</c>): the GA session object,
/// <c>session.update</c>, the input audio buffer with manual commit, and input transcription.
/// </summary>
internal abstract class ConversationConnection : RealtimeConnection
{
    private readonly MemoryStream _inputBuffer = new();
    private int _transcriptCount;

    protected ConversationConnection(RealtimeSimulator simulator, HttpContext context, Stream transport, WebSocket socket, RealtimeHandshake handshake, RealtimeFault fault, int faultAfter)
        : base(simulator, context, transport, socket, handshake, fault, faultAfter)
    {
        simulator.RecordConversation(handshake.ConnectionId, SnapshotItems);
    }

    /// <summary>The items of this connection's conversation, in order, as JSON (what <see cref="RealtimeSimulator.GetConversationItems"/> returns).</summary>
    private IReadOnlyList<string> SnapshotItems()
    {
        lock (StateLock)
        {
            return ItemOrder.ConvertAll(id => Items[id].ToJsonString());
        }
    }

    protected JsonObject Session { get; set; } = [];

    protected abstract string SessionType { get; }

    protected string? LastItemId { get; set; }

    protected Dictionary<string, JsonObject> Items { get; } = new(StringComparer.Ordinal);

    protected List<string> ItemOrder { get; } = [];

    /// <summary>The audio of the most recent committed user turn (PCM16 24 kHz mono), if any.</summary>
    protected byte[]? LastCommittedAudio { get; private set; }

    protected override Task OnConnectedAsync(CancellationToken cancellationToken)
        => SendEventAsync("session.created", writer =>
        {
            writer.WritePropertyName("session");
            Session.WriteTo(writer);
        }, cancellationToken);

    protected async Task HandleSessionUpdateAsync(JsonElement root, string? eventId, CancellationToken cancellationToken)
    {
        if (!root.TryGetProperty("session", out JsonElement session) || session.ValueKind != JsonValueKind.Object)
        {
            await SendErrorAsync("missing_required_parameter", "Missing required parameter: 'session'.", "session", eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (session.TryGetProperty("type", out JsonElement type) && type.GetString() is { } requested && requested != SessionType)
        {
            await SendErrorAsync("invalid_value", $"Invalid value: '{requested}'. The session type of this connection is '{SessionType}' and cannot be changed.", "session.type", eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        Merge(Session, session);
        await SendEventAsync("session.updated", writer =>
        {
            writer.WritePropertyName("session");
            Session.WriteTo(writer);
        }, cancellationToken).ConfigureAwait(false);
    }

    protected async Task HandleAppendAsync(ReadOnlyMemory<byte> raw, string? eventId, CancellationToken cancellationToken)
    {
        if (!TryDecodeAudio(raw, out byte[] pcm, out string? problem))
        {
            await SendErrorAsync("invalid_value", problem!, "audio", eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        _inputBuffer.Write(pcm);
        Simulator.AddAudioReceived(Handshake.ConnectionId, pcm);
    }

    protected Task HandleClearAsync(CancellationToken cancellationToken)
    {
        _inputBuffer.SetLength(0);
        return SendEventAsync("input_audio_buffer.cleared", null, cancellationToken);
    }

    /// <summary>Commits the input buffer; returns the new user item id, or null after sending an error.</summary>
    protected async Task<string?> HandleCommitAsync(string? eventId, CancellationToken cancellationToken)
    {
        if (_inputBuffer.Length < SampleAudio.BytesPer100Milliseconds)
        {
            double ms = _inputBuffer.Length * 1000.0 / SampleAudio.BytesPerSecond;
            await SendErrorAsync("input_audio_buffer_commit_empty",
                string.Create(CultureInfo.InvariantCulture, $"Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has {ms:0.00}ms of audio."),
                null, eventId, cancellationToken).ConfigureAwait(false);
            return null;
        }

        byte[] audio = _inputBuffer.ToArray();
        _inputBuffer.SetLength(0);
        LastCommittedAudio = audio;
        string itemId = Simulator.NextId("item_");
        string? previous = LastItemId;
        await SendEventAsync("input_audio_buffer.committed", writer =>
        {
            writer.WriteString("previous_item_id", previous);
            writer.WriteString("item_id", itemId);
        }, cancellationToken).ConfigureAwait(false);

        var item = new JsonObject
        {
            ["id"] = itemId,
            ["type"] = "message",
            ["object"] = "realtime.item",
            ["status"] = "completed",
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "input_audio", ["transcript"] = null }),
        };
        AddItem(item);
        OnUserAudioCommitted(itemId, audio);
        return itemId;
    }

    protected virtual void OnUserAudioCommitted(string itemId, byte[] audio)
    {
    }

    /// <summary>Guards <see cref="Items"/>, <see cref="ItemOrder"/> and <see cref="LastItemId"/> against a background response.</summary>
    protected object StateLock { get; } = new();

    protected void AddItem(JsonObject item)
    {
        lock (StateLock)
        {
            string id = (string)item["id"]!;
            Items[id] = item;
            ItemOrder.Remove(id);
            ItemOrder.Add(id);
            LastItemId = id;
        }
    }

    protected JsonObject? FindItem(string? id)
    {
        lock (StateLock)
        {
            return id is not null && Items.TryGetValue(id, out JsonObject? item) ? item : null;
        }
    }

    protected JsonObject? FindItem(Func<JsonObject, bool> predicate)
    {
        lock (StateLock)
        {
            foreach (JsonObject item in Items.Values)
            {
                if (predicate(item))
                {
                    return item;
                }
            }

            return null;
        }
    }

    protected void RemoveItem(string id)
    {
        lock (StateLock)
        {
            Items.Remove(id);
            ItemOrder.Remove(id);
            LastItemId = ItemOrder.Count > 0 ? ItemOrder[^1] : null;
        }
    }

    protected bool InputTranscriptionEnabled => Session["audio"]?["input"]?["transcription"] is JsonObject;

    /// <summary>Sends the deterministic transcript of a committed item as deltas then <c>.completed</c>.</summary>
    protected async Task SendInputTranscriptionAsync(string itemId, int audioBytes, CancellationToken cancellationToken)
    {
        int number = Interlocked.Increment(ref _transcriptCount);
        string transcript = SimulatedText.Transcript(number, audioBytes);
        foreach (string piece in SimulatedText.Pieces(transcript))
        {
            await SendEventAsync("conversation.item.input_audio_transcription.delta", writer =>
            {
                writer.WriteString("item_id", itemId);
                writer.WriteNumber("content_index", 0);
                writer.WriteString("delta", piece);
            }, cancellationToken).ConfigureAwait(false);
        }

        int audioTokens = Math.Max(1, audioBytes / 4800);
        int outputTokens = SimulatedText.Pieces(transcript).Count;
        await SendEventAsync("conversation.item.input_audio_transcription.completed", writer =>
        {
            writer.WriteString("item_id", itemId);
            writer.WriteNumber("content_index", 0);
            writer.WriteString("transcript", transcript);
            writer.WriteStartObject("usage");
            writer.WriteString("type", "tokens");
            writer.WriteNumber("total_tokens", audioTokens + outputTokens);
            writer.WriteNumber("input_tokens", audioTokens);
            writer.WriteStartObject("input_token_details");
            writer.WriteNumber("text_tokens", 0);
            writer.WriteNumber("audio_tokens", audioTokens);
            writer.WriteEndObject();
            writer.WriteNumber("output_tokens", outputTokens);
            writer.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
    }

    protected static JsonObject AudioFormat() => new() { ["type"] = "audio/pcm", ["rate"] = 24000 };

    protected long ExpiresAt() => SessionExpiresAt();
}
