using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Realtime;
using Microsoft.Extensions.AI;
using MeaiSessionOptions = Microsoft.Extensions.AI.RealtimeSessionOptions;

namespace Generated.OpenAI.Extensions.AI.Realtime;

/// <summary>
/// <see cref="IRealtimeClientSession"/> over a <see cref="RealtimeVoiceSession"/> or a <see cref="RealtimeTranscriptionSession"/>.
/// MEAI's client messages become typed client events (see <see cref="SendAsync"/>); the session's typed server events become
/// MEAI's server messages (see <see cref="GetStreamingResponseAsync"/>), each with its event as
/// <see cref="RealtimeServerMessage.RawRepresentation"/>.
/// </summary>
/// <remarks>
/// Function tools are sent as definitions only: MEAI's <c>FunctionInvokingRealtimeClient</c> runs them (the session's own
/// <see cref="RealtimeVoiceSession.AddFunctionTool"/> runner is not used, so a call is never answered twice).
/// Concurrency is the session's: one reader of <see cref="GetStreamingResponseAsync"/> at a time, any number of senders.
/// An audio delta message's own members (its audio included, as a string) are copies, yours to keep; but with the session's
/// default options (and with <see cref="Generated.OpenAI.Realtime.RealtimeSessionOptions.ZeroCopyAudioDeltas"/>) its
/// <see cref="RealtimeServerMessage.RawRepresentation"/> is the session's lent event: valid until the next message is read,
/// then released (its object set again for a later delta). Set
/// <see cref="Generated.OpenAI.Realtime.RealtimeSessionOptions.CopyAudioDeltas"/> to keep the raw events of deltas too.
/// </remarks>
public sealed class RealtimeClientSessionAdapter : IRealtimeClientSession
{
    private readonly RealtimeSession<RealtimeServerEvent> _session;
    private readonly RealtimeVoiceSession? _voice;
    private readonly RealtimeTranscriptionSession? _transcription;
    private readonly ChatClientMetadata _metadata;
    private MeaiSessionOptions? _options;

    internal RealtimeClientSessionAdapter(RealtimeVoiceSession session, ChatClientMetadata metadata)
    {
        _session = _voice = session;
        _metadata = metadata;
    }

    internal RealtimeClientSessionAdapter(RealtimeTranscriptionSession session, ChatClientMetadata metadata)
    {
        _session = _transcription = session;
        _metadata = metadata;
    }

    /// <summary>The options last sent (by <see cref="RealtimeClientAdapter.CreateSessionAsync"/> or a <see cref="SessionUpdateRealtimeClientMessage"/>), tools included.</summary>
    public MeaiSessionOptions? Options => Volatile.Read(ref _options);

    /// <summary>
    /// Sends one MEAI message as its typed event: <see cref="SessionUpdateRealtimeClientMessage"/> as <c>session.update</c>
    /// (waiting for <c>session.updated</c>), <see cref="InputAudioBufferAppendRealtimeClientMessage"/> as
    /// <c>input_audio_buffer.append</c> (the <see cref="DataContent.Data"/> bytes base64-encoded straight into the socket's send
    /// buffer, no copy), <see cref="InputAudioBufferCommitRealtimeClientMessage"/>, <see cref="CreateConversationItemRealtimeClientMessage"/>
    /// as <c>conversation.item.create</c> (one per function result or call), <see cref="CreateResponseRealtimeClientMessage"/> as
    /// <c>response.create</c>; any message whose <see cref="RealtimeClientMessage.RawRepresentation"/> is a
    /// <see cref="RealtimeClientEvent"/> is sent as that event. <see cref="RealtimeClientMessage.MessageId"/> becomes the <c>event_id</c>.
    /// </summary>
    /// <exception cref="NotSupportedException">A message this adapter has no event for.</exception>
    public async Task SendAsync(RealtimeClientMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message)
        {
            case { RawRepresentation: RealtimeClientEvent raw }:
                await SendEventAsync(raw, cancellationToken).ConfigureAwait(false);
                break;
            case SessionUpdateRealtimeClientMessage update:
                if (_voice is not null)
                {
                    await _voice.UpdateSessionAsync(RealtimeRequestBuilder.VoiceSession(update.Options), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _transcription!.UpdateSessionAsync(RealtimeRequestBuilder.TranscriptionSession(update.Options), cancellationToken).ConfigureAwait(false);
                }

                Volatile.Write(ref _options, update.Options);
                break;
            case InputAudioBufferAppendRealtimeClientMessage append when message.MessageId is null:
                await _session.SendAudioAsync(append.Content.Data, cancellationToken).ConfigureAwait(false);
                break;
            case InputAudioBufferAppendRealtimeClientMessage append:
                await SendEventAsync(new RealtimeAudioBufferAppend { EventId = message.MessageId, Audio = Serialization.Base64Data.FromBytes(append.Content.Data) }, cancellationToken).ConfigureAwait(false);
                break;
            case InputAudioBufferCommitRealtimeClientMessage:
                await SendEventAsync(new RealtimeClientEventInputAudioBufferCommit { EventId = message.MessageId }, cancellationToken).ConfigureAwait(false);
                break;
            case CreateConversationItemRealtimeClientMessage create:
                foreach (Models.RealtimeConversationItem item in RealtimeRequestBuilder.Items(create.Item))
                {
                    await SendEventAsync(new RealtimeConversationItemCreate { EventId = message.MessageId, Item = item }, cancellationToken).ConfigureAwait(false);
                }

                break;
            case CreateResponseRealtimeClientMessage response:
                RealtimeClientEventResponseCreate responseCreate = RealtimeRequestBuilder.Response(response);
                responseCreate.EventId = message.MessageId;
                await SendEventAsync(responseCreate, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new NotSupportedException($"The realtime session has no event for {message.GetType().Name}; give a RealtimeClientEvent as its RawRepresentation to send one.");
        }
    }

    /// <summary>
    /// The session's server events as MEAI messages, in arrival order, until the session ends (an abnormal end throws as the
    /// session's <see cref="RealtimeSession{TServerEvent}.ReadEventsAsync"/> does). A function call's
    /// <c>response.output_item.done</c> comes just before its <c>response.done</c> (see <see cref="RealtimeServerMessageReader"/>).
    /// </summary>
    public async IAsyncEnumerable<RealtimeServerMessage> GetStreamingResponseAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = new RealtimeServerMessageReader();
        var messages = new List<RealtimeServerMessage>(2);
        await foreach (RealtimeServerEvent serverEvent in _session.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Clear();
            reader.Read(serverEvent, messages);
            foreach (RealtimeServerMessage message in messages)
            {
                yield return message;
            }
        }
    }

    /// <summary>
    /// The SDK session (<see cref="RealtimeVoiceSession"/> or <see cref="RealtimeTranscriptionSession"/>, for its transcripts,
    /// <see cref="RealtimeSession{TServerEvent}.AudioSink"/>, interruption…), this adapter, or the <see cref="ChatClientMetadata"/>;
    /// <see langword="null"/> for anything else or any key.
    /// </summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(_session) ? _session
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Disposes the SDK session: a graceful close, bounded by its close timeout.</summary>
    public ValueTask DisposeAsync() => _session.DisposeAsync();

    private ValueTask<RealtimeEventId> SendEventAsync(RealtimeClientEvent clientEvent, CancellationToken cancellationToken) =>
        _voice is not null ? _voice.SendAsync(clientEvent, cancellationToken) : _transcription!.SendAsync(clientEvent, cancellationToken);
}
