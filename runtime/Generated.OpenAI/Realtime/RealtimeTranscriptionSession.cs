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
        : base(connection, options, RealtimeVoiceSession.Descriptor)
    {
    }

    /// <summary>Transcripts per <c>item_id</c>: deltas joined verbatim, replaced by the completed transcript.</summary>
    public RealtimeTranscriptAccumulator Transcripts { get; } = new();

    /// <summary>
    /// Sends <c>session.update</c> (always <c>"type":"transcription"</c>) and waits for the <c>session.updated</c> that
    /// answers it (updates are answered in the order they were sent).
    /// </summary>
    /// <exception cref="RealtimeErrorException">The server rejected the update.</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    /// <returns>The <c>session.updated</c> event.</returns>
    public Task<RealtimeServerEvent> UpdateSessionAsync(RealtimeTranscriptionSessionConfig session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return SendConfigurationAsync(() => new RealtimeClientEventSessionUpdate { Session = RealtimeClientEventSessionUpdateSession.FromTranscription(session) }, RealtimeConversationRules.AnswersUpdate, TypeName(RealtimeServerEventSessionUpdated.TypeUtf8), cancellationToken);
    }

    /// <summary>Sends <c>input_audio_buffer.commit</c>: the audio so far becomes an item and is transcribed.</summary>
    public ValueTask<RealtimeEventId> CommitAsync(CancellationToken cancellationToken = default)
        => SendEventAsync(new RealtimeClientEventInputAudioBufferCommit(), cancellationToken);

    /// <summary>
    /// Commits and waits for the transcript of the item this commit produced: the item named by the
    /// <c>input_audio_buffer.committed</c> that answers it, then that item's
    /// <c>conversation.item.input_audio_transcription.completed</c>, whatever other items complete meanwhile. Meant
    /// for manual turns (turn detection off): with server VAD the server commits on its own.
    /// </summary>
    /// <exception cref="RealtimeErrorException">The server rejected the commit (e.g. less than 100 ms of audio).</exception>
    /// <exception cref="RealtimeTranscriptionFailedException">The server could not transcribe the item.</exception>
    /// <exception cref="TimeoutException">No transcript within <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    /// <returns>The final transcript of the committed item.</returns>
    public async Task<RealtimeTranscript> CommitAndWaitAsync(CancellationToken cancellationToken = default)
    {
        var commit = new RealtimeClientEventInputAudioBufferCommit();
        RealtimeServerEvent done = await SendAndWaitAsync(commit, commit, RealtimeConversationRules.AnswersCommit, "the transcript of the committed item", cancellationToken).ConfigureAwait(false);
        RealtimeInputTranscriptionCompleted completed = done.AsConversationItemInputAudioTranscriptionCompleted();
        return new RealtimeTranscript(completed.ItemId, null, completed.Transcript, IsFinal: true);
    }

    /// <summary>Sends <c>input_audio_buffer.clear</c>.</summary>
    public ValueTask<RealtimeEventId> ClearAsync(CancellationToken cancellationToken = default)
        => SendEventAsync(new RealtimeClientEventInputAudioBufferClear(), cancellationToken);

    /// <summary>
    /// Sends any client event; gives it an <c>event_id</c> when it has none and returns that id (a
    /// <see cref="RealtimeEventId"/>, which converts to its string: an id the session gave is made a string only when read).
    /// </summary>
    public ValueTask<RealtimeEventId> SendAsync(RealtimeClientEvent clientEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientEvent);
        return clientEvent.Value is IRealtimeEvent model
            ? SendEventAsync(clientEvent, RealtimeEnvelopeWriters.ClientEvent, model, cancellationToken)
            : SendRawEventAsync(clientEvent.UnknownJson!.Value, cancellationToken);
    }

    private protected override void OnEvent(RealtimeServerEvent serverEvent)
    {
        switch (serverEvent.Value)
        {
            case RealtimeInputTranscriptionDelta delta:
                Transcripts.Append(delta.ItemId, null, delta.Delta);
                break;
            case RealtimeInputTranscriptionCompleted completed:
                Transcripts.Complete(completed.ItemId, null, completed.Transcript);
                break;
        }
    }
}
