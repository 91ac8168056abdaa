using System;
using System.Collections.Generic;
using System.Net.WebSockets;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// When and how a realtime session reconnects after its connection is lost (set
/// <see cref="RealtimeSessionOptions.Reconnect"/>; off by default). The session keeps one object and one event
/// stream across drops: it goes <see cref="RealtimeSessionState.Reconnecting"/>, connects again after a backoff, resumes
/// (<see cref="RealtimeResumeOptions"/>) and is <see cref="RealtimeSessionState.Open"/> again, or gives up as
/// <see cref="RealtimeSessionState.Unavailable"/>.
/// </summary>
/// <remarks>
/// <para><b>What is retried</b> (<see cref="IsRetryable(Exception)"/>): a dropped connection (<see cref="ShutdownReason.RemoteDisconnected"/>,
/// <see cref="ShutdownReason.RemoteDisconnectedMidFrame"/>, <see cref="ShutdownReason.TransportError"/>,
/// <see cref="ShutdownReason.KeepAliveTimeout"/>, <see cref="ShutdownReason.ConnectTimeout"/>), an upgrade refused with one of
/// <see cref="RetryableStatusCodes"/> (408, 429, 500, 502, 503, 504), a server close with one of
/// <see cref="RetryableCloseStatuses"/> (1001, 1011, 1012, 1013, 1014) and the end of the session's maximum length.
/// Never retried: 401, 403 and every other refusal (a wrong key or an invalid request does not get better), a server
/// that breaks the protocol, a message that is not an event, an app callback that threw.</para>
/// <para><b>Backoff</b>: attempt n waits <c>min(MaxDelay, InitialDelay × 2^(n−1))</c> minus a random part of up to
/// <see cref="Jitter"/> of it, so that many clients dropped together do not come back together. The first attempt
/// after an expiry or a renewal does not wait.</para>
/// </remarks>
public sealed class RealtimeReconnectPolicy
{
    /// <summary>How many connection attempts after a loss before the session is <see cref="RealtimeSessionState.Unavailable"/>. Default: 6.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait before the first attempt (doubled for each further one). Default: 250 ms.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between attempts. Default: 10 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest share of a wait taken off at random (0 to 1). Default: 0.5.</summary>
    public double Jitter { get; set; } = 0.5;

    /// <summary>HTTP statuses of a refused upgrade that are worth another attempt. Default: 408, 429, 500, 502, 503, 504.</summary>
    public ISet<int> RetryableStatusCodes { get; } = new HashSet<int> { 408, 429, 500, 502, 503, 504 };

    /// <summary>Close statuses from the server that are worth another attempt. Default: 1001, 1011, 1012, 1013, 1014.</summary>
    public ISet<int> RetryableCloseStatuses { get; } = new HashSet<int> { 1001, 1011, 1012, 1013, 1014 };

    /// <summary>What sends do while the session is reconnecting. Default: <see cref="RealtimeSendWhileReconnecting.Wait"/>.</summary>
    public RealtimeSendWhileReconnecting WhileReconnecting { get; set; } = RealtimeSendWhileReconnecting.Wait;

    /// <summary>How many sends may wait while reconnecting (under <see cref="RealtimeSendWhileReconnecting.Wait"/>). Default: 256.</summary>
    public int MaxQueuedSends { get; set; } = 256;

    /// <summary>
    /// Whether <paramref name="failure"/> (why a connection ended, or why an attempt to connect failed) is worth
    /// another attempt; see the remarks of the type.
    /// </summary>
    public bool IsRetryable(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure switch
        {
            WebSocketHandshakeException handshake => RetryableStatusCodes.Contains(handshake.StatusCode),
            WebSocketProtocolException => false,
            WebSocketConnectionException connection => connection.Reason is ShutdownReason.RemoteDisconnected or ShutdownReason.RemoteDisconnectedMidFrame
                or ShutdownReason.TransportError or ShutdownReason.KeepAliveTimeout or ShutdownReason.ConnectTimeout,
            _ => false,
        };
    }

    /// <summary>Whether a server close with <paramref name="status"/> is worth another attempt.</summary>
    public bool IsRetryable(WebSocketCloseStatus? status) => status is { } s && RetryableCloseStatuses.Contains((int)s);

    /// <summary>The wait before attempt <paramref name="attempt"/> (1-based), jittered.</summary>
    public TimeSpan GetDelay(int attempt)
    {
        double baseMs = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1)));
        double jitter = Math.Clamp(Jitter, 0, 1);
        return TimeSpan.FromMilliseconds(baseMs * (1 - (jitter * Random.Shared.NextDouble())));
    }
}
