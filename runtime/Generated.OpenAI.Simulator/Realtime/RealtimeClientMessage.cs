namespace Generated.OpenAI.Simulator;

/// <summary>A client message as received (UTF-8 JSON text, or whatever the client sent).</summary>
/// <param name="ConnectionId">The connection it came from.</param>
/// <param name="Type">The <c>type</c> value, or null when the message was not a JSON object with a string type.</param>
/// <param name="Json">The message text.</param>
public sealed record RealtimeClientMessage(int ConnectionId, string? Type, string Json);
