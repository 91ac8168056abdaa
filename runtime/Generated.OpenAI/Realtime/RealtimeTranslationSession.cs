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
        : base(connection, options, Descriptor)
    {
    }

    /// <summary>The translation endpoint: <c>/realtime/translations</c>, its own event union, 200 ms appends.</summary>
    internal static RealtimeSessionDescriptor<RealtimeTranslationServerEvent> Descriptor { get; } = new()
    {
        Path = "realtime/translations",
        AudioAppendType = RealtimeTranslationAudioAppend.TypeUtf8.ToArray(),
        AudioDeltaType = RealtimeTranslationAudioDelta.TypeUtf8.ToArray(),
        DefaultChunkBytes = RealtimeAudio.BytesPer200Milliseconds,
        GetError = static e => e.TryGetError(out RealtimeServerEventError? error) ? error : null,
        IsAudioDelta = static e => e.Kind == RealtimeTranslationServerEventKind.SessionOutputAudioDelta,
        IsSessionCreated = static e => e.Kind == RealtimeTranslationServerEventKind.SessionCreated,
        GetExpiresAt = static e => e.Value is RealtimeTranslationServerEventSessionCreated created ? created.Session.ExpiresAt : null,
    };

    /// <summary>The translated text (<c>session.output_transcript.delta</c> joined verbatim), under item id <c>output</c>,
    /// and the source text (<c>session.input_transcript.delta</c>) under <c>input</c>.</summary>
    public RealtimeTranscriptAccumulator Transcripts { get; } = new();

    /// <summary>The translated text so far.</summary>
    public string OutputTranscript => Transcripts.GetText("output") ?? string.Empty;

    /// <summary>The recognized source text so far.</summary>
    public string InputTranscript => Transcripts.GetText("input") ?? string.Empty;

    /// <summary>Whether <see cref="RealtimeSession{TServerEvent}.CloseAsync"/> received <c>session.closed</c>, i.e. the remaining translated audio was flushed.</summary>
    public bool OutputFlushed { get; private set; }

    /// <summary>
    /// Sends <c>session.update</c> and waits for the <c>session.updated</c> that answers it (updates are answered in
    /// the order they were sent).
    /// </summary>
    /// <exception cref="RealtimeErrorException">The server rejected the update.</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    /// <returns>The <c>session.updated</c> event.</returns>
    public Task<RealtimeTranslationServerEvent> UpdateSessionAsync(RealtimeTranslationSessionUpdate session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return SendConfigurationAsync(() => new RealtimeTranslationClientEventSessionUpdate { Session = session }, static (e, _) => e.Kind == RealtimeTranslationServerEventKind.SessionUpdated ? WaitStep.Done : WaitStep.NotMine, TypeName(RealtimeTranslationServerEventSessionUpdated.TypeUtf8), cancellationToken);
    }

    /// <summary>Sets the target language (<c>session.audio.output.language</c>, e.g. <c>es</c>) and waits for <c>session.updated</c>.</summary>
    public Task<RealtimeTranslationServerEvent> SetLanguageAsync(string language, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        return UpdateSessionAsync(
            new RealtimeTranslationSessionUpdate
            {
                Audio = new RealtimeTranslationSessionUpdateAudio { Output = new RealtimeTranslationSessionUpdateAudioOutput { Language = language } },
            },
            cancellationToken);
    }

    /// <summary>
    /// Sends any translation client event; gives it an <c>event_id</c> when it has none and returns that id (a
    /// <see cref="RealtimeEventId"/>, which converts to its string: an id the session gave is made a string only when read).
    /// </summary>
    public ValueTask<RealtimeEventId> SendAsync(RealtimeTranslationClientEvent clientEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientEvent);
        return clientEvent.Value is IRealtimeEvent model
            ? SendEventAsync(clientEvent, model, cancellationToken)
            : SendRawEventAsync(clientEvent.UnknownJson!.Value, cancellationToken);
    }

    /// <summary>
    /// The graceful end of a translation: <c>session.close</c>, then <c>session.closed</c>, which follows the flush of
    /// the remaining translated audio (<see cref="OutputFlushed"/>), within <see cref="RealtimeSessionOptions.ResponseTimeout"/>;
    /// the close handshake follows. A server that rejects <c>session.close</c> (it is in the spec but not in the
    /// guides) makes <c>CloseAsync</c> throw that <see cref="RealtimeErrorException"/> with the session still open,
    /// so that the app can let the remaining translation arrive before it disposes the session.
    /// </summary>
    private protected override async Task OnClosingAsync(CancellationToken cancellationToken)
    {
        var close = new RealtimeTranslationClientEventSessionClose();
        try
        {
            await SendAndWaitAsync(close, close, static (e, _) => e.Kind == RealtimeTranslationServerEventKind.SessionClosed ? WaitStep.Done : WaitStep.NotMine, TypeName(RealtimeTranslationServerEventSessionClosed.TypeUtf8), cancellationToken).ConfigureAwait(false);
            OutputFlushed = true;
        }
        catch (Exception ex) when (ex is TimeoutException or RealtimeSessionClosedException)
        {
            // Not flushed (OutputFlushed stays false); closing goes on.
        }
    }

    private protected override void OnEvent(RealtimeTranslationServerEvent serverEvent)
    {
        switch (serverEvent.Value)
        {
            case RealtimeTranslationTranscriptDelta output:
                Transcripts.Append("output", null, output.Delta);
                break;
            case RealtimeTranslationInputTranscriptDelta input:
                Transcripts.Append("input", null, input.Delta);
                break;
            case RealtimeTranslationServerEventSessionClosed:
                Transcripts.Complete("output", null, null);
                Transcripts.Complete("input", null, null);
                break;
        }
    }
}
