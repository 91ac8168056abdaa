namespace Generated.OpenAI.Sse;

/// <summary>A server-sent event copied out of the stream: it stays valid after the reader moves on.</summary>
/// <param name="EventName">The <c>event:</c> field, or <see langword="null"/> when the event had none (type <c>message</c>).</param>
/// <param name="Data">The <c>data:</c> lines joined with <c>\n</c>.</param>
/// <param name="Id">The last event id seen so far on the stream (<c>id:</c> persists across events), or <see langword="null"/>.</param>
/// <param name="Retry">The <c>retry:</c> reconnection time in milliseconds given in this event, or <see langword="null"/>.</param>
public sealed record SseEvent(string? EventName, string Data, string? Id, int? Retry);
