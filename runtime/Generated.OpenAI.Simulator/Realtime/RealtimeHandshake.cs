using System.Collections.Generic;

namespace Generated.OpenAI.Simulator;

/// <summary>A WebSocket handshake the realtime simulator accepted.</summary>
/// <param name="ConnectionId">1-based connection number.</param>
/// <param name="Kind">Session type chosen from the URL (or the client secret).</param>
/// <param name="Path">Request path, e.g. <c>/v1/realtime</c>.</param>
/// <param name="QueryString">Query string with the leading <c>?</c>.</param>
/// <param name="Model">The <c>model</c> the session runs.</param>
/// <param name="Credential">The bearer credential (API key or <c>ek_</c> secret).</param>
/// <param name="SafetyIdentifier">The <c>OpenAI-Safety-Identifier</c> header, or the one bound to the client secret.</param>
/// <param name="SubProtocol">The WebSocket subprotocol the simulator selected, if any.</param>
/// <param name="Headers">Every handshake header (case-insensitive keys).</param>
public sealed record RealtimeHandshake(
    int ConnectionId,
    RealtimeSessionKind Kind,
    string Path,
    string QueryString,
    string Model,
    string Credential,
    string? SafetyIdentifier,
    string? SubProtocol,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>A client message as received (UTF-8 JSON text, or whatever the client sent).</summary>
/// <param name="ConnectionId">The connection it came from.</param>
/// <param name="Type">The <c>type</c> value, or null when the message was not a JSON object with a string type.</param>
/// <param name="Json">The message text.</param>
public sealed record RealtimeClientMessage(int ConnectionId, string? Type, string Json);

/// <summary>An ephemeral client secret issued by the simulator.</summary>
/// <param name="Value">The <c>ek_…</c> secret.</param>
/// <param name="ExpiresAt">Unix seconds.</param>
/// <param name="SessionType"><c>realtime</c>, <c>transcription</c> or <c>translation</c>.</param>
/// <param name="Model">Model of the session, if given.</param>
/// <param name="SafetyIdentifier">The <c>OpenAI-Safety-Identifier</c> header of the creation request.</param>
public sealed record RealtimeClientSecret(string Value, long ExpiresAt, string SessionType, string? Model, string? SafetyIdentifier);
