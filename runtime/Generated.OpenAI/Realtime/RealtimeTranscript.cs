namespace Generated.OpenAI.Realtime;

/// <summary>The text of one item (or response) as accumulated from its deltas.</summary>
/// <param name="ItemId">The conversation item the text belongs to (for translation: <c>output</c> or <c>input</c>).</param>
/// <param name="ResponseId">The response that produced it, for model output; otherwise <see langword="null"/>.</param>
/// <param name="Text">The deltas joined verbatim, or the final text once the server sent it.</param>
/// <param name="IsFinal">Whether the server marked the text done/completed.</param>
public sealed record RealtimeTranscript(string ItemId, string? ResponseId, string Text, bool IsFinal);
