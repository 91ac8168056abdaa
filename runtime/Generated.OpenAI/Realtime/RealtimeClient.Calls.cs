using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.Webhooks;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

/// <summary>Call control for WebRTC and SIP calls: the webhook, accept, reject, refer, hang up, and the sideband session.</summary>
/// <remarks>
/// The flow for an incoming SIP call: OpenAI posts a signed <c>realtime.call.incoming</c> webhook to the app
/// (<see cref="ReadIncomingCall"/>); the app accepts it with a session configuration (<see cref="AcceptCallAsync"/>)
/// or rejects or refers it; once accepted, <see cref="AttachToCallAsync"/> opens the sideband WebSocket that runs
/// the conversation (tools, MCP approvals, interruptions) from the server; <see cref="RealtimeCallSession.HangUpAsync"/>
/// ends it. The four REST calls are the generated <see cref="RealtimeCallsResource"/> operations on this client's pipeline
/// (same key, base URL, retries and safety identifier).
/// </remarks>
public sealed partial class RealtimeClient
{
    private RealtimeCallsResource? _calls;

    /// <summary>The generated REST operations under <c>/realtime/calls</c>, on this client's pipeline.</summary>
    private RealtimeCallsResource Calls => _calls ??= new RealtimeCallsResource(_pipeline.Value);

    /// <summary>
    /// Verifies a webhook request with <paramref name="verifier"/> and reads it as a <c>realtime.call.incoming</c> event.
    /// Returns <see langword="null"/> for an authentic webhook of another type (one endpoint may receive several).
    /// </summary>
    /// <param name="verifier">The verifier for the webhook endpoint's secret.</param>
    /// <param name="body">The request body exactly as received.</param>
    /// <param name="getHeader">Returns a request header's value by name (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>).</param>
    /// <exception cref="WebhookVerificationException">The request is not authentic or not fresh; nothing in it was read.</exception>
    /// <exception cref="JsonException">The authentic body is not a JSON event.</exception>
    public static WebhookRealtimeCallIncoming? ReadIncomingCall(WebhookVerifier verifier, ReadOnlySpan<byte> body, Func<string, string?> getHeader)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        verifier.Verify(body, getHeader);
        var reader = new Utf8JsonReader(body, JsonModel.ReaderOptions);
        if (!IsIncomingCall(reader))
        {
            return null;
        }

        var incoming = JsonModel.Deserialize<WebhookRealtimeCallIncoming>(body);
        return incoming.Data?.CallId is { Length: > 0 }
            ? incoming
            : throw new JsonException("The realtime.call.incoming webhook has no data.call_id.");
    }

    /// <summary>
    /// Accepts an incoming call with the session it will run: <c>POST /realtime/calls/{call_id}/accept</c>
    /// (the body is a GA session, <c>"type":"realtime"</c>: model, instructions, voice, tools…).
    /// </summary>
    /// <exception cref="OpenAIException">The API answered with an error status.</exception>
    public async Task AcceptCallAsync(string callId, RealtimeSessionConfig session, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(session);
        using PipelineResponse response = await Calls.AcceptRealtimeCallAsync(callId, session, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Declines an incoming call: <c>POST /realtime/calls/{call_id}/reject</c> with the SIP status code for the caller
    /// (the API sends <c>603 Decline</c> when <paramref name="sipStatusCode"/> is <see langword="null"/>).
    /// </summary>
    /// <exception cref="OpenAIException">The API answered with an error status.</exception>
    public async Task RejectCallAsync(string callId, int? sipStatusCode = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        RealtimeCallRejectRequest? body = sipStatusCode is { } code ? new RealtimeCallRejectRequest { StatusCode = code } : null;
        using PipelineResponse response = await Calls.RejectRealtimeCallAsync(callId, body, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Transfers a SIP call with a SIP REFER: <c>POST /realtime/calls/{call_id}/refer</c> with
    /// <paramref name="targetUri"/> (<c>tel:+14155550123</c> or <c>sip:agent@example.com</c>).
    /// </summary>
    /// <exception cref="OpenAIException">The API answered with an error status.</exception>
    public async Task ReferCallAsync(string callId, string targetUri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentException.ThrowIfNullOrEmpty(targetUri);
        using PipelineResponse response = await Calls.ReferRealtimeCallAsync(callId, new RealtimeCallReferRequest { TargetUri = targetUri }, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends a SIP or WebRTC call: <c>POST /realtime/calls/{call_id}/hangup</c>. The server closes its sideband sessions.</summary>
    /// <exception cref="OpenAIException">The API answered with an error status.</exception>
    public async Task HangUpCallAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        using PipelineResponse response = await Calls.HangupRealtimeCallAsync(callId, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Attaches a sideband session to an accepted WebRTC or SIP call (<c>/realtime?call_id=…</c>) and starts its
    /// receive loop. The call must have been accepted first; the server refuses the upgrade otherwise.
    /// </summary>
    /// <exception cref="WebSocketHandshakeException">The server refused the upgrade: an unknown call, one not accepted (yet), or a bad key; the exception carries the API's error.</exception>
    /// <exception cref="WebSocketConnectionException">The connection could not be made.</exception>
    public Task<RealtimeCallSession> AttachToCallAsync(string callId, RealtimeSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        RealtimeCallsResource calls = Calls;
        return ConnectAsync(RealtimeCallSession.CallDescriptor, RealtimeCallSession.Query(callId), (c, o) => new RealtimeCallSession(c, o, callId, calls), options, cancellationToken);
    }

    /// <summary>Whether the top-level <c>type</c> of a JSON object is <c>realtime.call.incoming</c>.</summary>
    private static bool IsIncomingCall(Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The webhook body is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType)
            {
                // Webhook event types are not in a generated union: the one this method reads is named here.
                return reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("realtime.call.incoming"u8);
            }

            reader.Skip();
        }

        return false;
    }
}
