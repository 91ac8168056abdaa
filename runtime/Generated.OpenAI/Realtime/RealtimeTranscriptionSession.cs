using System;
using System.Buffers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// A transcription session on <c>/v1/realtime?intent=transcription</c>: input audio in, transcript deltas out, per
/// item. With turn detection off (<c>null</c>, required by <c>gpt-realtime-whisper</c>) call <see cref="CommitAsync"/>
/// to end a turn. See <see cref="RealtimeSession{TServerEvent}"/> for the loop, errors and lifetime.
/// </summary>
public sealed class RealtimeTranscriptionSession : RealtimeSession<RealtimeServerEvent>
{
    internal RealtimeTranscriptionSession(WebSocketConnection connection, RealtimeSessionOptions options)
        : base(connection, options)
    {
    }

    /// <summary>Transcripts per <c>item_id</c>: deltas joined verbatim, replaced by the completed transcript.</summary>
    public RealtimeTranscriptAccumulator Transcripts { get; } = new();

    private protected override ReadOnlySpan<byte> AudioDeltaType => RealtimeAudioDeltaReader.ResponseOutputAudioDeltaType;

    private protected override RealtimeAudioAppendEvent AppendEventType => RealtimeAudioAppendEvent.InputAudioBufferAppend;

    private protected override int DefaultChunkBytes => RealtimeAudio.BytesPer100Milliseconds;

    /// <summary>Sends <c>session.update</c> (always <c>"type":"transcription"</c>) and waits for <c>session.updated</c>.</summary>
    /// <exception cref="RealtimeErrorException">The server rejected the update.</exception>
    /// <returns>The <c>session.updated</c> event.</returns>
    public Task<RealtimeServerEvent> UpdateSessionAsync(RealtimeTranscriptionSessionCreateRequestGA session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var update = new RealtimeClientEventSessionUpdate { Session = RealtimeClientEventSessionUpdateSession.FromRealtimeTranscriptionSessionCreateRequestGA(session) };
        return SendAndWaitAsync(JsonModel.SerializeToUtf8Bytes(update), static e => e.GetTypeKind() == RealtimeServerEventKind.SessionUpdated, cancellationToken);
    }

    /// <summary>Sends <c>input_audio_buffer.commit</c>: the audio so far becomes an item and is transcribed.</summary>
    public ValueTask<string> CommitAsync(CancellationToken cancellationToken = default)
        => SendModelAsync(new RealtimeClientEventInputAudioBufferCommit(), cancellationToken);

    /// <summary>
    /// Commits and waits for the completed transcript of the committed item
    /// (<c>conversation.item.input_audio_transcription.completed</c>).
    /// </summary>
    /// <exception cref="RealtimeErrorException">The server rejected the commit (e.g. less than 100 ms of audio).</exception>
    /// <returns>The final transcript of the committed item.</returns>
    public async Task<RealtimeTranscript> CommitAndWaitAsync(CancellationToken cancellationToken = default)
    {
        byte[] json = JsonModel.SerializeToUtf8Bytes(new RealtimeClientEventInputAudioBufferCommit());
        RealtimeServerEvent done = await SendAndWaitAsync(json, static e => e.GetTypeKind() == RealtimeServerEventKind.ConversationItemInputAudioTranscriptionCompleted, cancellationToken).ConfigureAwait(false);
        if (done.TryGetConversationItemInputAudioTranscriptionCompleted(out var completed))
        {
            return new RealtimeTranscript(completed.ItemId, null, completed.Transcript, IsFinal: true);
        }

        JsonElement raw = done.UnknownJson ?? default;
        string itemId = RealtimeEventExtensions.GetString(raw, "item_id") ?? string.Empty;
        return new RealtimeTranscript(itemId, null, RealtimeEventExtensions.GetString(raw, "transcript") ?? Transcripts.GetText(itemId) ?? string.Empty, IsFinal: true);
    }

    /// <summary>Sends <c>input_audio_buffer.clear</c>.</summary>
    public ValueTask<string> ClearAsync(CancellationToken cancellationToken = default)
        => SendModelAsync(new RealtimeClientEventInputAudioBufferClear(), cancellationToken);

    /// <summary>Sends any client event; gives it an <c>event_id</c> when it has none and returns that id.</summary>
    public ValueTask<string> SendAsync(RealtimeClientEvent clientEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientEvent);
        return SendModelAsync(clientEvent, cancellationToken);
    }

    private protected override RealtimeServerEvent ParseEvent(in ReadOnlySequence<byte> json) => JsonModel.Deserialize<RealtimeServerEvent>(json);

    private protected override RealtimeServerEvent CreateUnknown(JsonElement json) => RealtimeServerEvent.FromUnknown(json);

    private protected override RealtimeServerEventError? GetError(RealtimeServerEvent serverEvent) => serverEvent.IsError ? serverEvent.AsError : null;

    private protected override void OnEvent(RealtimeServerEvent serverEvent)
    {
        switch (serverEvent.Kind)
        {
            case RealtimeServerEventKind.ConversationItemInputAudioTranscriptionDelta when serverEvent.IsConversationItemInputAudioTranscriptionDelta:
                RealtimeServerEventConversationItemInputAudioTranscriptionDelta delta = serverEvent.AsConversationItemInputAudioTranscriptionDelta;
                Transcripts.Append(delta.ItemId, null, delta.Delta);
                break;
            case RealtimeServerEventKind.ConversationItemInputAudioTranscriptionCompleted when serverEvent.IsConversationItemInputAudioTranscriptionCompleted:
                RealtimeServerEventConversationItemInputAudioTranscriptionCompleted completed = serverEvent.AsConversationItemInputAudioTranscriptionCompleted;
                Transcripts.Complete(completed.ItemId, null, completed.Transcript);
                break;
        }
    }
}
