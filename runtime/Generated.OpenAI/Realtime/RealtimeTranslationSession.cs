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
/// A translation session on <c>/v1/realtime/translations?model=…</c>: continuous audio in (200 ms chunks), translated
/// audio and transcripts out. It has its own event vocabulary (<see cref="RealtimeTranslationServerEvent"/>) and
/// no response lifecycle: there is no <c>response.create</c> and no commit. See
/// <see cref="RealtimeSession{TServerEvent}"/> for the loop, errors and lifetime.
/// </summary>
public sealed class RealtimeTranslationSession : RealtimeSession<RealtimeTranslationServerEvent>
{
    internal RealtimeTranslationSession(WebSocketConnection connection, RealtimeSessionOptions options)
        : base(connection, options)
    {
    }

    /// <summary>The translated text (<c>session.output_transcript.delta</c> joined verbatim), under item id <c>output</c>,
    /// and the source text (<c>session.input_transcript.delta</c>) under <c>input</c>.</summary>
    public RealtimeTranscriptAccumulator Transcripts { get; } = new();

    /// <summary>The translated text so far.</summary>
    public string OutputTranscript => Transcripts.GetText("output") ?? string.Empty;

    /// <summary>The recognized source text so far.</summary>
    public string InputTranscript => Transcripts.GetText("input") ?? string.Empty;

    private protected override ReadOnlySpan<byte> AudioDeltaType => RealtimeAudioDeltaReader.SessionOutputAudioDeltaType;

    private protected override RealtimeAudioAppendEvent AppendEventType => RealtimeAudioAppendEvent.SessionInputAudioBufferAppend;

    private protected override int DefaultChunkBytes => RealtimeAudio.BytesPer200Milliseconds;

    /// <summary>Sends <c>session.update</c> and waits for <c>session.updated</c>.</summary>
    /// <exception cref="RealtimeErrorException">The server rejected the update.</exception>
    /// <returns>The <c>session.updated</c> event.</returns>
    public Task<RealtimeTranslationServerEvent> UpdateSessionAsync(RealtimeTranslationSessionUpdateRequest session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var update = new RealtimeTranslationClientEventSessionUpdate { Session = session };
        return SendAndWaitAsync(JsonModel.SerializeToUtf8Bytes(update), static e => e.GetTypeKind() == RealtimeTranslationServerEventKind.SessionUpdated, cancellationToken);
    }

    /// <summary>Sets the target language (<c>session.audio.output.language</c>, e.g. <c>es</c>) and waits for <c>session.updated</c>.</summary>
    public Task<RealtimeTranslationServerEvent> SetLanguageAsync(string language, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        return UpdateSessionAsync(
            new RealtimeTranslationSessionUpdateRequest
            {
                Audio = new RealtimeTranslationSessionUpdateRequestAudio { Output = new RealtimeTranslationSessionUpdateRequestAudioOutput { Language = language } },
            },
            cancellationToken);
    }

    /// <summary>Sends any translation client event; gives it an <c>event_id</c> when it has none and returns that id.</summary>
    public ValueTask<string> SendAsync(RealtimeTranslationClientEvent clientEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientEvent);
        return SendModelAsync(clientEvent, cancellationToken);
    }

    /// <summary>
    /// Ends the session: sends <c>session.close</c> and waits (up to <paramref name="timeout"/>, default 10 s) for
    /// <c>session.closed</c>, which follows the flush of the remaining translated audio. Returns whether it arrived.
    /// The server then closes the socket, which completes the event stream.
    /// </summary>
    public async Task<bool> CloseAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            await SendAndWaitAsync(JsonModel.SerializeToUtf8Bytes(new RealtimeTranslationClientEventSessionClose()), static e => e.GetTypeKind() == RealtimeTranslationServerEventKind.SessionClosed, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private protected override RealtimeTranslationServerEvent ParseEvent(in ReadOnlySequence<byte> json) => JsonModel.Deserialize<RealtimeTranslationServerEvent>(json);

    private protected override RealtimeTranslationServerEvent CreateUnknown(JsonElement json) => RealtimeTranslationServerEvent.FromUnknown(json);

    private protected override RealtimeServerEventError? GetError(RealtimeTranslationServerEvent serverEvent)
        => serverEvent.IsRealtimeServerEventError ? serverEvent.AsRealtimeServerEventError : null;

    private protected override void OnEvent(RealtimeTranslationServerEvent serverEvent)
    {
        switch (serverEvent.GetTypeKind())
        {
            case RealtimeTranslationServerEventKind.SessionOutputTranscriptDelta when serverEvent.IsSessionOutputTranscriptDelta:
                Transcripts.Append("output", null, serverEvent.AsSessionOutputTranscriptDelta.Delta);
                break;
            case RealtimeTranslationServerEventKind.SessionInputTranscriptDelta when serverEvent.IsSessionInputTranscriptDelta:
                Transcripts.Append("input", null, serverEvent.AsSessionInputTranscriptDelta.Delta);
                break;
            case RealtimeTranslationServerEventKind.SessionClosed:
                Transcripts.Complete("output", null, null);
                Transcripts.Complete("input", null, null);
                break;
        }
    }
}
