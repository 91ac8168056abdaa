using System.IO;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// A voice-agent session over an in-memory stream (<see cref="NullDuplexStream"/>), built with the SDK's internal
/// constructor (the SDK gives this assembly its internals), so that the session API runs with no socket.
/// </summary>
internal static class InMemorySession
{
    /// <summary>
    /// A session over <paramref name="stream"/>, not started: no receive loop (the benchmark drives the receive side
    /// itself, or sends only). <see cref="Start"/> starts the loop, as <c>RealtimeClient.ConnectVoiceAgentAsync</c> does.
    /// </summary>
    public static RealtimeVoiceSession Create(Stream stream, RealtimeSessionOptions? options = null)
        => Create(WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions()), options);

    /// <summary>A session over <paramref name="connection"/> (which it then owns), not started.</summary>
    public static RealtimeVoiceSession Create(WebSocketConnection connection, RealtimeSessionOptions? options = null)
        => new(connection, options ?? new RealtimeSessionOptions());

    /// <summary>Starts the session's receive loop.</summary>
    public static RealtimeVoiceSession Start(RealtimeVoiceSession session)
    {
        session.Start();
        return session;
    }
}
