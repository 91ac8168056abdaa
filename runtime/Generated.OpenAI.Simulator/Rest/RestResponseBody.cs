using System.Collections.Generic;

namespace Generated.OpenAI.Simulator;

/// <summary>A prepared response: a body with its media type, or SSE events to write one by one.</summary>
internal sealed record RestResponseBody(string? ContentType, byte[] Body, IReadOnlyList<byte[]>? SseEvents = null);
