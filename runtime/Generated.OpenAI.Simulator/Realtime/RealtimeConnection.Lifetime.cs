using System;
using System.Globalization;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Simulator;

// The session's maximum length (RealtimeSimulatorOptions.SessionLifetime) and the mid-response drop.
internal abstract partial class RealtimeConnection
{
    private DateTimeOffset _connectedAt = DateTimeOffset.UtcNow;

    /// <summary>The <c>expires_at</c> announced in <c>session.created</c>: the lifetime when set, else 30 minutes.</summary>
    protected long SessionExpiresAt() => (_connectedAt + (Options.SessionLifetime ?? TimeSpan.FromMinutes(30))).ToUnixTimeSeconds();

    private void StartLifetime(CancellationToken cancellationToken)
    {
        _connectedAt = DateTimeOffset.UtcNow;
        if (Options.SessionLifetime is { } lifetime && lifetime > TimeSpan.Zero)
        {
            _ = ExpireAsync(lifetime, cancellationToken);
        }
    }

    /// <summary>
    /// At the end of the lifetime: the <c>error</c> OpenAI sends when a session reaches its maximum duration
    /// (<c>session_expired</c>), then a close 1000; the receive loop ends when the client answers the close.
    /// </summary>
    private async Task ExpireAsync(TimeSpan lifetime, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(lifetime, cancellationToken).ConfigureAwait(false);
            if (Closed || Socket.State != WebSocketState.Open)
            {
                return;
            }

            Simulator.RecordExpiry(Handshake.ConnectionId);
            string minutes = lifetime.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture);
            await SendEventAsync("error", writer =>
            {
                writer.WriteStartObject("error");
                writer.WriteString("type", "invalid_request_error");
                writer.WriteString("code", "session_expired");
                writer.WriteString("message", $"Your session hit the maximum duration of {minutes} minutes.");
                writer.WriteNull("param");
                writer.WriteNull("event_id");
                writer.WriteEndObject();
            }, cancellationToken).ConfigureAwait(false);
            Closed = true;
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "session expired", cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or System.IO.IOException or ObjectDisposedException)
        {
            // The connection ended first.
        }
    }

    /// <summary>
    /// Fires <see cref="RealtimeFault.DropMidResponse"/> once when it is this connection's fault and the connection has
    /// received <see cref="RealtimeSimulatorOptions.FaultAfterClientMessages"/> client messages: gives the client a moment
    /// to read what was sent, then aborts the TCP connection and throws to unwind the response.
    /// </summary>
    protected async Task DropIfFaultedMidResponseAsync(CancellationToken cancellationToken)
    {
        if (_faultFired || _fault != RealtimeFault.DropMidResponse || _received < _faultAfter)
        {
            return;
        }

        _faultFired = true;
        Simulator.RecordFault(Handshake.ConnectionId, _fault);
        await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        _context.Abort();
        throw new OperationCanceledException("The simulator dropped the connection mid-response (RealtimeFault.DropMidResponse).");
    }
}
