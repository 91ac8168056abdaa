using System;
using System.IO;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// <c>/v1/realtime?intent=transcription</c>: appends, manual <c>input_audio_buffer.commit</c> (turn detection is
/// null, as the spec requires for <c>gpt-realtime-whisper</c>), then <c>input_audio_buffer.committed</c>, transcript
/// deltas and <c>conversation.item.input_audio_transcription.completed</c>, keyed by <c>item_id</c>.
/// </summary>
internal sealed class TranscriptionConnection : ConversationConnection
{
    private const string Supported = "'session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit' and 'input_audio_buffer.clear'";

    public TranscriptionConnection(RealtimeSimulator simulator, HttpContext context, Stream transport, WebSocket socket, RealtimeHandshake handshake, RealtimeFault fault, int faultAfter)
        : base(simulator, context, transport, socket, handshake, fault, faultAfter)
    {
        Session = new JsonObject
        {
            ["type"] = "transcription",
            ["object"] = "realtime.transcription_session",
            ["id"] = simulator.NextId("sess_"),
            ["expires_at"] = ExpiresAt(),
            ["audio"] = new JsonObject
            {
                ["input"] = new JsonObject
                {
                    ["format"] = AudioFormat(),
                    ["transcription"] = new JsonObject { ["model"] = "gpt-realtime-whisper", ["language"] = null },
                    ["noise_reduction"] = null,
                    ["turn_detection"] = null,
                },
            },
            ["include"] = null,
        };
    }

    protected override string SessionType => "transcription";

    protected override async Task OnEventAsync(JsonElement root, string type, string? eventId, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case "session.update":
                await HandleSessionUpdateAsync(root, eventId, cancellationToken).ConfigureAwait(false);
                break;
            case "input_audio_buffer.append":
                await HandleAppendAsync(raw, eventId, cancellationToken).ConfigureAwait(false);
                break;
            case "input_audio_buffer.clear":
                await HandleClearAsync(cancellationToken).ConfigureAwait(false);
                break;
            case "input_audio_buffer.commit":
                string? itemId = await HandleCommitAsync(eventId, cancellationToken).ConfigureAwait(false);
                if (itemId is not null)
                {
                    await SendInputTranscriptionAsync(itemId, LastCommittedAudio!.Length, cancellationToken).ConfigureAwait(false);
                }

                break;
            default:
                await SendUnsupportedTypeAsync(type, eventId, Supported, cancellationToken).ConfigureAwait(false);
                break;
        }
    }
}
