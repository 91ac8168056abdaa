using System;
using System.Buffers.Binary;
using System.IO;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// <c>/v1/realtime/translations?model=…</c>: for every 200 ms of appended input (9,600 bytes) it sends
/// <c>session.output_audio.delta</c> (the same 200 ms with every sample negated), <c>session.output_transcript.delta</c>
/// naming the target language and, when input transcription is configured (it is by default),
/// <c>session.input_transcript.delta</c>. <c>session.close</c> flushes the remainder, sends <c>session.closed</c>
/// and closes with 1000.
/// </summary>
internal sealed class TranslationConnection : RealtimeConnection
{
    private const string Supported = "'session.update', 'session.input_audio_buffer.append' and 'session.close'";

    private readonly JsonObject _session;
    private readonly MemoryStream _pending = new();
    private int _frames;
    private long _elapsedBytes;

    public TranslationConnection(RealtimeSimulator simulator, HttpContext context, Stream transport, WebSocket socket, RealtimeHandshake handshake, RealtimeFault fault, int faultAfter)
        : base(simulator, context, transport, socket, handshake, fault, faultAfter)
    {
        _session = new JsonObject
        {
            ["id"] = simulator.NextId("sess_"),
            ["type"] = "translation",
            ["model"] = handshake.Model,
            ["expires_at"] = SessionExpiresAt(),
            ["audio"] = new JsonObject
            {
                ["input"] = new JsonObject
                {
                    ["transcription"] = new JsonObject { ["model"] = "gpt-realtime-whisper" },
                    ["noise_reduction"] = null,
                },
                ["output"] = new JsonObject { ["language"] = simulator.Options.DefaultTranslationLanguage },
            },
        };
    }

    private string Language => _session["audio"]?["output"]?["language"]?.ToString() ?? Options.DefaultTranslationLanguage;

    protected override Task OnConnectedAsync(CancellationToken cancellationToken)
        => SendSessionAsync("session.created", cancellationToken);

    protected override async Task OnEventAsync(JsonElement root, string type, string? eventId, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case "session.update":
                await UpdateAsync(root, eventId, cancellationToken).ConfigureAwait(false);
                break;
            case "session.input_audio_buffer.append":
                if (!TryDecodeAudio(raw, out byte[] pcm, out string? problem))
                {
                    await SendErrorAsync("invalid_value", problem!, "audio", eventId, cancellationToken).ConfigureAwait(false);
                    return;
                }

                Simulator.AddAudioReceived(Handshake.ConnectionId, pcm);
                _pending.Write(pcm);
                await DrainAsync(flush: false, cancellationToken).ConfigureAwait(false);
                break;
            case "session.close":
                await DrainAsync(flush: true, cancellationToken).ConfigureAwait(false);
                await SendEventAsync("session.closed", null, cancellationToken).ConfigureAwait(false);
                await CloseNormallyAsync("session closed", cancellationToken).ConfigureAwait(false);
                break;
            default:
                await SendUnsupportedTypeAsync(type, eventId, Supported, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task UpdateAsync(JsonElement root, string? eventId, CancellationToken cancellationToken)
    {
        if (!root.TryGetProperty("session", out JsonElement session) || session.ValueKind != JsonValueKind.Object)
        {
            await SendErrorAsync("missing_required_parameter", "Missing required parameter: 'session'.", "session", eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (JsonProperty property in session.EnumerateObject())
        {
            if (property.Name != "audio")
            {
                // RealtimeTranslationSessionUpdate has only 'audio'; type and model are fixed at creation.
                await SendErrorAsync("unknown_parameter", $"Unknown parameter: 'session.{property.Name}'.", "session." + property.Name, eventId, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        if (session.TryGetProperty("audio", out JsonElement audio)
            && audio.TryGetProperty("output", out JsonElement output)
            && output.TryGetProperty("language", out JsonElement language)
            && (language.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(language.GetString())))
        {
            await SendErrorAsync("invalid_value", "Invalid 'session.audio.output.language': expected a language code such as 'es'.", "session.audio.output.language", eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        Merge(_session, session);
        await SendSessionAsync("session.updated", cancellationToken).ConfigureAwait(false);
    }

    private Task SendSessionAsync(string type, CancellationToken cancellationToken)
        => SendEventAsync(type, writer =>
        {
            writer.WritePropertyName("session");
            _session.WriteTo(writer);
        }, cancellationToken);

    private async Task DrainAsync(bool flush, CancellationToken cancellationToken)
    {
        byte[] pending = _pending.ToArray();
        int offset = 0;
        while (pending.Length - offset >= SampleAudio.BytesPer200Milliseconds || (flush && pending.Length - offset > 0))
        {
            int length = Math.Min(SampleAudio.BytesPer200Milliseconds, pending.Length - offset);
            await SendFrameAsync(pending.AsMemory(offset, length), cancellationToken).ConfigureAwait(false);
            offset += length;
        }

        _pending.SetLength(0);
        _pending.Write(pending, offset, pending.Length - offset);
    }

    private async Task SendFrameAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        int frame = ++_frames;
        _elapsedBytes += input.Length;
        long elapsedMs = _elapsedBytes * 1000 / SampleAudio.BytesPerSecond;
        byte[] translated = Transform(input.Span);
        await SendEventAsync("session.output_audio.delta", writer =>
        {
            writer.WriteBase64String("delta", translated);
            writer.WriteNumber("sample_rate", SampleAudio.SampleRate);
            writer.WriteNumber("channels", 1);
            writer.WriteString("format", "pcm16");
            writer.WriteNumber("elapsed_ms", elapsedMs);
        }, cancellationToken).ConfigureAwait(false);
        string language = Language;
        await SendEventAsync("session.output_transcript.delta", writer =>
        {
            writer.WriteString("delta", SimulatedText.TranslationOutput(language, frame));
            writer.WriteNumber("elapsed_ms", elapsedMs);
        }, cancellationToken).ConfigureAwait(false);
        if (_session["audio"]?["input"]?["transcription"] is JsonObject)
        {
            await SendEventAsync("session.input_transcript.delta", writer =>
            {
                writer.WriteString("delta", SimulatedText.TranslationInput(frame));
                writer.WriteNumber("elapsed_ms", elapsedMs);
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The simulated "translation": every PCM16 sample negated (saturating), so tests can predict the bytes.</summary>
    public static byte[] Transform(ReadOnlySpan<byte> pcm16)
    {
        byte[] output = new byte[pcm16.Length];
        int even = pcm16.Length & ~1;
        for (int i = 0; i < even; i += 2)
        {
            short sample = BinaryPrimitives.ReadInt16LittleEndian(pcm16[i..]);
            BinaryPrimitives.WriteInt16LittleEndian(output.AsSpan(i), sample == short.MinValue ? short.MaxValue : (short)-sample);
        }

        return output;
    }
}
