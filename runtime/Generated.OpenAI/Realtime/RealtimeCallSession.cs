using System;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// A server-side (sideband) voice-agent session attached to a WebRTC or SIP call by its id:
/// <c>/v1/realtime?call_id=…</c>. The caller's audio travels over the call; this WebSocket carries the events, so the
/// app can update the session, run function tools, answer MCP approvals and end the call from its server, away from
/// an untrusted client. Opened by <see cref="RealtimeClient.AttachToCallAsync"/> once the call is accepted.
/// </summary>
/// <remarks>
/// Everything <see cref="RealtimeVoiceSession"/> offers works here; what differs is the transport: the server plays
/// the output audio to the caller, so <see cref="RealtimeVoiceSession.InterruptAsync"/> sends
/// <c>output_audio_buffer.clear</c> (valid on WebRTC and SIP only) instead of truncating by the bytes received, and
/// audio deltas, if the server sends any, are informational. When the call ends (hang up by either side) the server
/// closes this WebSocket and the event stream completes.
/// </remarks>
public sealed class RealtimeCallSession : RealtimeVoiceSession
{
    private readonly RealtimeCallsResource _calls;

    internal RealtimeCallSession(WebSocketConnection connection, RealtimeSessionOptions options, string callId, RealtimeCallsResource calls)
        : base(connection, options, CallDescriptor)
    {
        CallId = callId;
        _calls = calls;
    }

    /// <summary>
    /// The sideband endpoint: the voice agent's (<c>/realtime</c>, the same server union and audio events) with
    /// <c>call_id</c> in the query in place of <c>model</c> (see <see cref="Query"/>), so it is the voice descriptor
    /// itself; what differs is the transport (<see cref="ServerPlaysAudio"/>).
    /// </summary>
    internal static RealtimeSessionDescriptor<RealtimeServerEvent> CallDescriptor => Descriptor;

    /// <summary>The call this session is attached to (from <c>realtime.call.incoming</c>, or the <c>Location</c> of a WebRTC call).</summary>
    public string CallId { get; }

    private protected override bool ServerPlaysAudio => true;

    /// <summary>
    /// Ends the call: <c>POST /realtime/calls/{call_id}/hangup</c>. The server then closes this WebSocket, which
    /// completes the event stream; wait for <see cref="RealtimeSession{TServerEvent}.Completion"/> to see it.
    /// </summary>
    /// <exception cref="OpenAIException">The API answered with an error status (for example 404 for a call that has ended).</exception>
    public async Task HangUpAsync(CancellationToken cancellationToken = default)
    {
        using PipelineResponse response = await _calls.HangupRealtimeCallAsync(CallId, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The query that attaches to <paramref name="callId"/>: <c>call_id=…</c>, escaped.</summary>
    internal static string Query(string callId) => "call_id=" + Uri.EscapeDataString(callId);
}
