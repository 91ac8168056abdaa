using System;
using System.Text;
using System.Text.Json;
using System.Threading;
using Generated.OpenAI.Models;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

// Telemetry: what the session tells RealtimeSessionTelemetry, from the hooks in the receive path (ObserveMessage,
// ObserveEvent, the sink), the send path (ObserveSent, the appends) and the end (EndAsync). Each hook costs a field
// read and an Enabled check when nothing listens; none allocates on the audio paths.
public abstract partial class RealtimeSession<TServerEvent>
{
    private RealtimeSessionTelemetry? _telemetry;

    /// <summary>The session's telemetry: the client's (<see cref="AttachTelemetry"/>), or metrics only for a session made without one.</summary>
    private protected RealtimeSessionTelemetry Telemetry => Volatile.Read(ref _telemetry) ?? CreateUnattachedTelemetry();

    /// <summary>The first use of <see cref="Telemetry"/> by a session made without one; out of line, so that the getter inlines.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private RealtimeSessionTelemetry CreateUnattachedTelemetry()
        => Interlocked.CompareExchange(ref _telemetry, RealtimeSessionTelemetry.Unattached(RealtimeSessionTelemetry.KindOf(GetType())), null)
            ?? _telemetry!;

    /// <summary>
    /// Records a reconnection attempt (counted in <see cref="RealtimeTelemetry.ReconnectsInstrument"/> with
    /// <paramref name="reason"/> as <c>error.type</c>, and logged at Information); the reconnect loop calls it per attempt.
    /// </summary>
    /// <param name="attempt">The attempt number, from 1.</param>
    /// <param name="reason">Why the previous connection ended (a low-cardinality name: a <see cref="RealtimeReconnectReason"/>).</param>
    internal void RecordReconnect(int attempt, string reason) => Telemetry.Reconnecting(attempt, reason);

    /// <summary>Records input audio appends that were dropped rather than sent (<see cref="RealtimeTelemetry.AudioDroppedInstrument"/>, <c>input</c>).</summary>
    internal void RecordAudioNotSent(long appends) => Telemetry.AudioNotSent(appends);

    /// <summary>Gives the session the telemetry its client started at connect (activity, logger, attributes); before <see cref="Start"/>.</summary>
    internal void AttachTelemetry(RealtimeSessionTelemetry telemetry)
    {
        Volatile.Write(ref _telemetry, telemetry);
        telemetry.Connected(Volatile.Read(ref _connection), () => _queue.Count, TypeName(_kind.AudioDeltaType.Span), TypeName(_kind.AudioAppendType.Span));
    }

    /// <summary>Every received message, first: wire bytes and dropped deltas since the last message.</summary>
    private void ObserveMessage()
    {
        RealtimeSessionTelemetry telemetry = Telemetry;
        telemetry.ObserveWire(Volatile.Read(ref _connection));
        if (RealtimeInstruments.AudioDropped.Enabled)
        {
            telemetry.ObserveDropped(_queue.DroppedAudioDeltas);
        }
    }

    /// <summary>The end of the session, before the event stream completes: the last counts, the close or failure.</summary>
    private void ObserveEnd(Exception? terminal)
    {
        RealtimeSessionTelemetry telemetry = Telemetry;
        if (RealtimeInstruments.AudioDropped.Enabled)
        {
            telemetry.ObserveDropped(_queue.DroppedAudioDeltas);
        }

        WebSocketConnection connection = Volatile.Read(ref _connection);
        telemetry.Ended(connection, terminal, _closeStatus ?? connection.CloseStatus, connection.CloseStatusDescription);
    }

    /// <summary>Every parsed event: its Trace line, the turn and response lifecycle, output audio, errors.</summary>
    private void ObserveEvent(TServerEvent serverEvent)
    {
        RealtimeSessionTelemetry telemetry = Telemetry;
        object? value = serverEvent switch
        {
            RealtimeServerEvent voice => voice.Value,
            RealtimeTranslationServerEvent translation => translation.Value,
            _ => null,
        };
        if (telemetry.TraceEnabled)
        {
            LogReceived(telemetry, value);
        }

        switch (value)
        {
            case RealtimeServerEventResponseAudioDelta delta:
                telemetry.AudioReceived(RealtimeVoiceSession.DecodedLength(delta.Delta), intoSink: false);
                break;
            case RealtimeTranslationAudioDelta delta:
                telemetry.AudioReceived(RealtimeVoiceSession.DecodedLength(delta.Delta), intoSink: false);
                break;
            case RealtimeSpeechStopped:
                telemetry.MarkEndOfTurn();
                break;
            case RealtimeServerEventResponseCreated created:
                telemetry.ResponseCreated(created.Response.Id, created.Response.ConversationId);
                break;
            case RealtimeServerEventResponseDone done:
                telemetry.ResponseDone(done.Response);
                break;
            case RealtimeServerEventError error:
                string? sentType = null;
                if (error.Error.EventId is { } clientEventId)
                {
                    lock (_lock)
                    {
                        sentType = SentTypeOf(clientEventId);
                    }
                }

                telemetry.ServerError(error.Error, sentType);
                break;
        }
    }

    /// <summary>
    /// A typed audio delta built from the fast path's scan: what <see cref="ObserveEvent"/> does for it (the output audio,
    /// and its Trace line when Trace is on), without the type switch.
    /// </summary>
    private void ObserveAudioDelta(TServerEvent serverEvent, long pcmBytes)
    {
        RealtimeSessionTelemetry telemetry = Telemetry;
        if (telemetry.TraceEnabled)
        {
            ObserveEvent(serverEvent);
            return;
        }

        telemetry.AudioReceived(pcmBytes, intoSink: false);
    }

    /// <summary>A client event went out: a commit ends the user's turn; a Trace line.</summary>
    /// <param name="type">The event's type: a generated model's constant, or what an untyped event says (may be null).</param>
    /// <param name="eventId">The event's id (made a string only for the Trace line).</param>
    /// <param name="untyped">Whether the event was sent as raw JSON (a union's Unknown case).</param>
    private void ObserveSent(string? type, RealtimeEventId eventId, bool untyped = false)
    {
        RealtimeSessionTelemetry telemetry = Telemetry;
        if (type == RealtimeEventIds.CommitType)
        {
            telemetry.MarkEndOfTurn();
        }

        if (telemetry.TraceEnabled)
        {
            telemetry.EventSent(type ?? "(no type)", eventId.ToString(), untyped);
        }
    }

    private static void LogReceived(RealtimeSessionTelemetry telemetry, object? value)
    {
        switch (value)
        {
            case IRealtimeEvent known:
                telemetry.EventReceived(known.Type, known.EventId, untyped: false);
                break;
            case JsonElement { ValueKind: JsonValueKind.Object } unknown:
                telemetry.EventReceived(
                    unknown.TryGetProperty("type"u8, out JsonElement type) && type.ValueKind == JsonValueKind.String ? type.GetString()! : "(no type)",
                    unknown.TryGetProperty("event_id"u8, out JsonElement id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null,
                    untyped: true);
                break;
        }
    }
}
