using System;

namespace Generated.OpenAI.Realtime;

/// <summary>A change of <see cref="RealtimeSessionState"/>, raised by <c>RealtimeSession.StateChanged</c>.</summary>
public sealed class RealtimeSessionStateChange
{
    internal RealtimeSessionStateChange(RealtimeSessionState previous, RealtimeSessionState state, int attempt, TimeSpan? retryDelay, RealtimeReconnectReason? reason, Exception? failure)
    {
        Previous = previous;
        State = state;
        Attempt = attempt;
        RetryDelay = retryDelay;
        Reason = reason;
        Failure = failure;
    }

    /// <summary>The state before.</summary>
    public RealtimeSessionState Previous { get; }

    /// <summary>The state now.</summary>
    public RealtimeSessionState State { get; }

    /// <summary>While <see cref="RealtimeSessionState.Reconnecting"/>: the attempt about to be made (1-based); else the attempts it took, or 0.</summary>
    public int Attempt { get; }

    /// <summary>While <see cref="RealtimeSessionState.Reconnecting"/>: how long the session waits before <see cref="Attempt"/>.</summary>
    public TimeSpan? RetryDelay { get; }

    /// <summary>Why the session is reconnecting (or reconnected), when it is.</summary>
    public RealtimeReconnectReason? Reason { get; }

    /// <summary>What ended the connection or failed the last attempt, when something did (never a secret: handshake errors are redacted).</summary>
    public Exception? Failure { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Previous} -> {State}" + (Attempt > 0 ? $" (attempt {Attempt})" : string.Empty);
}
