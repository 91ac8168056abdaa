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
