namespace Generated.OpenAI.Simulator;

/// <summary>An ephemeral client secret issued by the simulator.</summary>
/// <param name="Value">The <c>ek_…</c> secret.</param>
/// <param name="ExpiresAt">Unix seconds.</param>
/// <param name="SessionType"><c>realtime</c>, <c>transcription</c> or <c>translation</c>.</param>
/// <param name="Model">Model of the session, if given.</param>
/// <param name="SafetyIdentifier">The <c>OpenAI-Safety-Identifier</c> header of the creation request.</param>
public sealed record RealtimeClientSecret(string Value, long ExpiresAt, string SessionType, string? Model, string? SafetyIdentifier);
