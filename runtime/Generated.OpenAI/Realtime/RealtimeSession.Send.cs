using System;
using System.Buffers;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

// Sending: typed client events serialized once, under the connection's send lock, into its scratch buffer, each with an
// event_id (a session's own id is a RealtimeEventId, formatted by the writer: 0 B per send); audio appends written
// straight into the connection's send pipe with an event_id of their own, 0 B per append.
public abstract partial class RealtimeSession<TServerEvent>
{
    private const int MaxEventIdBytes = 64;

    private readonly RealtimeEventIdPrefix _eventIdPrefix;
    private readonly byte[] _appendIdPrefix;
    private long _nextEventId;
    private long _nextAppendId;

    // Bytes whose contents are never read: a span of the append id's length, for GetAppendEventLength, which
    // counts the id's bytes only.
    private static readonly byte[] s_idLengthOnly = new byte[MaxEventIdBytes];

    /// <summary>
    /// Sends one input-audio append event with <paramref name="pcm16"/> (24 kHz mono PCM16, little-endian),
    /// base64-encoded straight into the socket's send buffer: no allocation per call. The event carries an
    /// <c>event_id</c> of its own (<c>evt_…_a&lt;n&gt;</c>), so that an <c>error</c> about it says it was an append.
    /// Fails (never throws synchronously) when the session has ended.
    /// </summary>
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken = default)
    {
        if ((pcm16.Length & 1) != 0)
        {
            return ValueTask.FromException(new ArgumentException("PCM16 audio must have an even number of bytes.", nameof(pcm16)));
        }

        if (MustWaitToSend)
        {
            return SendAudioWhenOpenAsync(pcm16, cancellationToken);
        }

        try
        {
            var state = new AppendState(_kind.AudioAppendType, pcm16, _appendIdPrefix, Interlocked.Increment(ref _nextAppendId));
            // Nothing to validate: the type is the generated constant of the session's endpoint and the id is
            // `evt_<hex>_a<digits>`, neither of which can need JSON escaping. Only the id's length counts toward the
            // event's length, so the id is formatted once, by the writer, straight into the send buffer.
            int length = RealtimeAudioEvents.GetAppendEventLength(state.Type.Span, pcm16.Length, s_idLengthOnly.AsSpan(0, state.IdLength));
            WebSocketConnection connection = Volatile.Read(ref _connection);
            ValueTask send = connection.SendMaskedTextAsync(length, state, static (destination, maskKey, state) =>
            {
                Span<byte> id = stackalloc byte[MaxEventIdBytes];
                ReadOnlySpan<byte> eventId = state.WriteId(id);
                Debug.Assert(eventId.Length == state.IdLength, "The length counted must be the length written.");
                RealtimeAudioEvents.WriteMaskedAppendEvent(destination, state.Type.Span, state.Pcm.Span, eventId, maskKey);
            }, cancellationToken);
            Telemetry.AudioSent(pcm16.Length, state.Number);
            if (_options.Reconnect is null)
            {
                return send;
            }

            if (_kind.EndsUncommittedAudio is not null)
            {
                Interlocked.Add(ref _uncommittedAudioBytes, pcm16.Length);
                Interlocked.Increment(ref _uncommittedAudioAppends);
            }

            return send.IsCompletedSuccessfully ? send : AwaitAppendAsync(send, connection, pcm16, cancellationToken);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    /// <summary>An append made while reconnecting: waits in the queue for the session to open (or fails fast), then sends.</summary>
    private async ValueTask SendAudioWhenOpenAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
        => await SendQueuedAsync(() => AppendAsync(pcm16, cancellationToken), pcm16.Length, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Sends a PCM16 stream (24 kHz mono) in chunks (default 100 ms; 200 ms for translation), optionally paced to real
    /// time. The stream is read to its end; a trailing odd byte is dropped. Returns the number of bytes sent.
    /// </summary>
    public async Task<long> SendAudioAsync(Stream pcm16, RealtimeAudioStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pcm16);
        int chunk = options is { ChunkBytes: > 0 } ? options.ChunkBytes : _kind.DefaultChunkBytes;
        if ((chunk & 1) != 0)
        {
            throw new ArgumentException("The chunk size must be even.", nameof(options));
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunk);
        try
        {
            long total = 0;
            long started = Stopwatch.GetTimestamp();
            while (true)
            {
                int read = await pcm16.ReadAtLeastAsync(buffer.AsMemory(0, chunk), chunk, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                read &= ~1;
                if (read == 0)
                {
                    return total;
                }

                await SendAudioAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                total += read;
                options?.Progress?.Report(total);
                if (options is { PaceInRealTime: true })
                {
                    TimeSpan due = TimeSpan.FromSeconds(total / (double)RealtimeAudio.BytesPerSecond) - Stopwatch.GetElapsedTime(started);
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends a typed client event with an <c>event_id</c> (see the envelope overload); returns the id.</summary>
    private protected ValueTask<RealtimeEventId> SendEventAsync<TEvent>(TEvent clientEvent, CancellationToken cancellationToken)
        where TEvent : IJsonModel<TEvent>, IRealtimeEvent
        => SendEventAsync(clientEvent, RealtimeEnvelopeWriters.Of<TEvent>.Write, clientEvent, cancellationToken);

    /// <summary>Sends a typed client event in its envelope (the event itself, or the client union holding it); see the non-generic overload.</summary>
    private protected ValueTask<RealtimeEventId> SendEventAsync<TEnvelope>(TEnvelope envelope, IRealtimeEvent clientEvent, CancellationToken cancellationToken, Waiter? waiter = null)
        where TEnvelope : IJsonModel<TEnvelope>
        => SendEventAsync(envelope, RealtimeEnvelopeWriters.Of<TEnvelope>.Write, clientEvent, cancellationToken, waiter);

    /// <summary>
    /// Sends a typed client event: gives it an <c>event_id</c> (on the model) when it has none and has the connection
    /// serialize it once, under its send lock, into the connection's scratch buffer, sent as one text message (one
    /// lock per event; no async state machine when the send completes at once). Returns the event id.
    /// </summary>
    /// <remarks>
    /// Not generic in the envelope, and the writer is a plain delegate over <see cref="object"/>: this class is shared
    /// code for every server event type (a reference type), where each generic method instantiation, cached lambda or
    /// constrained call is a runtime dictionary lookup on every send. Without a waiter the envelope itself is the
    /// connection's callback state, so the send path takes no lookup at all.
    /// </remarks>
    /// <param name="envelope">What is written: the event itself, or the client union holding it.</param>
    /// <param name="write">Writes <paramref name="envelope"/> (a delegate of <see cref="RealtimeEnvelopeWriters"/>).</param>
    /// <param name="clientEvent">The event model inside <paramref name="envelope"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the send lock; once the frame is being written, aborts the connection.</param>
    /// <param name="waiter">A call that waits for this event's answer, registered under the send lock, before the event is written.</param>
    private protected ValueTask<RealtimeEventId> SendEventAsync(object envelope, Action<Utf8JsonWriter, object> write, IRealtimeEvent clientEvent, CancellationToken cancellationToken, Waiter? waiter = null)
    {
        string type = clientEvent.Type;
        RealtimeEventId eventId = EnsureEventId(clientEvent, type);
        if (waiter is not null || MustWaitToSend)
        {
            return SendEventWithWaiterOrQueuedAsync(envelope, write, clientEvent, type, eventId, cancellationToken, waiter);
        }

        // The common case, kept small: no waiter, no reconnect in progress. What goes wrong is handled out of line
        // (SendFailed, AwaitEventSentAsync), so that this method has no exception-mapping logic of its own and is
        // compiled (and re-compiled with profile data) as an ordinary hot method.
        ValueTask send;
        try
        {
            send = Volatile.Read(ref _connection).SendJsonAsync(envelope, write, cancellationToken);
        }
        catch (Exception ex)
        {
            return SendFailed(ex, waiter: null);
        }

        if (!send.IsCompletedSuccessfully)
        {
            return AwaitEventSentAsync(send, type, eventId);
        }

        send.GetAwaiter().GetResult();
        ObserveSent(type, eventId);
        return new ValueTask<RealtimeEventId>(eventId);
    }

    /// <summary>
    /// The rest of <see cref="SendEventAsync(object, Action{Utf8JsonWriter, object}, IRealtimeEvent, CancellationToken, Waiter?)"/>
    /// when the event has a waiter (registered under the send lock, before the event is written) or must wait for a
    /// reconnection: the event already has its id.
    /// </summary>
    private ValueTask<RealtimeEventId> SendEventWithWaiterOrQueuedAsync(object envelope, Action<Utf8JsonWriter, object> write, IRealtimeEvent clientEvent, string type, RealtimeEventId eventId, CancellationToken cancellationToken, Waiter? waiter)
    {
        if (MustWaitToSend)
        {
            return SendEventWhenOpenAsync(envelope, write, clientEvent, cancellationToken, waiter);
        }

        if (waiter is not null && _completion.Task.IsCompleted)
        {
            return ValueTask.FromException<RealtimeEventId>(CreateClosedException());
        }

        ValueTask send;
        try
        {
            WebSocketConnection connection = Volatile.Read(ref _connection);
            send = waiter is null
                ? connection.SendJsonAsync(envelope, write, cancellationToken)
                : connection.SendJsonAsync((Session: this, Envelope: envelope, Write: write, Waiter: waiter), static (writer, state) =>
                {
                    state.Session.AddWaiter(state.Waiter);
                    state.Write(writer, state.Envelope);
                }, cancellationToken);
        }
        catch (Exception ex)
        {
            return SendFailed(ex, waiter);
        }

        if (!send.IsCompletedSuccessfully)
        {
            return AwaitEventSentAsync(send, type, eventId);
        }

        send.GetAwaiter().GetResult();
        ObserveSent(type, eventId);
        return new ValueTask<RealtimeEventId>(eventId);
    }

    /// <summary>A typed send that failed before its frame was written: the exception its caller observes.</summary>
    private ValueTask<RealtimeEventId> SendFailed(Exception ex, Waiter? waiter)
        => ValueTask.FromException<RealtimeEventId>(ex switch
        {
            // A call that waits for an answer reports the session's end, as its registration would have.
            WebSocketConnectionException when waiter is not null && _completion.Task.IsCompleted => CreateClosedException(),
            WebSocketConnectionException lost when ReconnectsAfterLoss => ConnectionLostUnderSend(lost),
            _ => ex,
        });

    /// <summary>
    /// A typed event sent while reconnecting: waits in the queue for the session to open (or fails fast), then sends.
    /// A method of its own, so that the closure the queue needs is allocated only here, not on every send.
    /// </summary>
    private ValueTask<RealtimeEventId> SendEventWhenOpenAsync(object envelope, Action<Utf8JsonWriter, object> write, IRealtimeEvent clientEvent, CancellationToken cancellationToken, Waiter? waiter)
        => SendQueuedAsync(() => SendEventAsync(envelope, write, clientEvent, cancellationToken, waiter), 0, cancellationToken);

    /// <summary>The rest of <see cref="SendEventAsync(object, Action{Utf8JsonWriter, object}, IRealtimeEvent, CancellationToken, Waiter?)"/> when the frame's flush is pending.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RealtimeEventId> AwaitEventSentAsync(ValueTask send, string type, RealtimeEventId eventId)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (WebSocketConnectionException ex) when (ReconnectsAfterLoss)
        {
            throw ConnectionLostUnderSend(ex);
        }

        ObserveSent(type, eventId);
        return eventId;
    }

    /// <summary>Whether a connection lost under a send is one the session reconnects from (not its own close or end).</summary>
    private bool ReconnectsAfterLoss
        => _options.Reconnect is not null && !s_resuming.Value && !_disposing && !_closing && !_completion.Task.IsCompleted;

    /// <summary>
    /// The connection dropped under the send; the session reconnects. Whether the server saw the event is unknown. A loop
    /// parked softly goes on now, to notice the loss and reconnect.
    /// </summary>
    private RealtimeConnectionLostException ConnectionLostUnderSend(WebSocketConnectionException ex)
    {
        UnparkForApp();
        return new("The connection was lost while the event was being sent; the session is reconnecting. Send it again once it is open (WaitUntilOpenAsync).", ex);
    }

    /// <summary>
    /// Sends a client event the SDK has no model for (a union's Unknown case): its properties as they are, with an
    /// <c>event_id</c> first when it has none. Returns the event id.
    /// </summary>
    private protected async ValueTask<RealtimeEventId> SendRawEventAsync(JsonElement json, CancellationToken cancellationToken)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("A client event must be a JSON object.", nameof(json));
        }

        string? type = json.TryGetProperty("type", out JsonElement typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
        string eventId;
        if (json.TryGetProperty("event_id", out JsonElement id) && id.ValueKind == JsonValueKind.String)
        {
            eventId = id.GetString()!;
            RememberForeignId(eventId, type);
        }
        else
        {
            eventId = NextEventId(type).ToString(); // written by a writer callback of its own: a string, as the app's ids
        }

        if (MustWaitToSend)
        {
            return await SendQueuedAsync(() => SendRawEventAsync(json, cancellationToken), 0, cancellationToken).ConfigureAwait(false);
        }

        await Volatile.Read(ref _connection).SendJsonAsync((Json: json, EventId: eventId), static (writer, state) =>
        {
            writer.WriteStartObject();
            writer.WriteString("event_id"u8, state.EventId);
            foreach (JsonProperty property in state.Json.EnumerateObject())
            {
                if (!property.NameEquals("event_id"u8))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);

        ObserveSent(type, new RealtimeEventId(eventId), untyped: true);

        return new RealtimeEventId(eventId);
    }

    /// <summary>
    /// The id <paramref name="clientEvent"/> is sent with: its own, or a new one of the session's, set on the model. An
    /// id the app chose is remembered with the event's type, so that an error naming it says what it was.
    /// </summary>
    private protected RealtimeEventId EnsureEventId(IRealtimeEvent clientEvent) => EnsureEventId(clientEvent, clientEvent.Type);

    /// <summary><see cref="EnsureEventId(IRealtimeEvent)"/> with the event's type already read (an interface call saved on every send).</summary>
    private RealtimeEventId EnsureEventId(IRealtimeEvent clientEvent, string type)
    {
        RealtimeEventId eventId = clientEvent.EventIdValue;
        if (!eventId.HasValue)
        {
            clientEvent.EventIdValue = eventId = NextEventId(type);
        }
        else if (!eventId.StartsWith(_eventIdPrefix))
        {
            RememberForeignId(eventId.ToString(), type);
        }

        return eventId;
    }

    /// <summary>
    /// A new <c>event_id</c> (<c>evt_&lt;8 hex&gt;_&lt;n&gt;</c>, kept as the prefix and n: no string until someone
    /// reads it as one) for an event of <paramref name="type"/>, remembered in the history ring at slot n, so that an
    /// error naming it says what it was.
    /// </summary>
    private protected RealtimeEventId NextEventId(string? type)
    {
        long number = Interlocked.Increment(ref _nextEventId);
        _sentHistory[(int)number & (_sentHistory.Length - 1)] = new SentEvent(number, type);
        return RealtimeEventId.Generated(_eventIdPrefix, number);
    }

    private static RealtimeEventIdPrefix NewEventIdPrefix() => new("evt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + "_");

    /// <summary>An append: its type, its PCM (borrowed until the send completes) and the number in its event_id.</summary>
    private readonly record struct AppendState(ReadOnlyMemory<byte> Type, ReadOnlyMemory<byte> Pcm, byte[] IdPrefix, long Number)
    {
        /// <summary>The length of the id <see cref="WriteId"/> writes, without formatting it: the prefix and the decimal digits of the number.</summary>
        public int IdLength
        {
            get
            {
                int digits = 1;
                for (ulong value = (ulong)Number; value >= 10; value /= 10)
                {
                    digits++;
                }

                return IdPrefix.Length + digits;
            }
        }

        public ReadOnlySpan<byte> WriteId(Span<byte> destination)
        {
            IdPrefix.CopyTo(destination);
            Utf8Formatter.TryFormat(Number, destination.Slice(IdPrefix.Length), out int digits);
            return destination.Slice(0, IdPrefix.Length + digits);
        }
    }
}
