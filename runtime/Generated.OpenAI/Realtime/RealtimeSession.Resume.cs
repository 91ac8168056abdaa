using System;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

// Resume: the configuration the app set (replayed in order on a new connection), the conversation restored by the
// kind, what the new connection says that the app must not see twice, and the renewal before the maximum length.
public abstract partial class RealtimeSession<TServerEvent>
{
    private readonly LinkedList<Func<CancellationToken, ValueTask>> _configurationReplays = new();
    private CancellationTokenSource? _renewal;
    private DateTimeOffset _connectedAt = DateTimeOffset.UtcNow;
    private int _hideSessionCreated;

    /// <summary>What a resume sent: the updates replayed and the conversation restored.</summary>
    private protected readonly record struct ResumeResult(int Updates, IReadOnlyList<string> ItemIds, int OmittedItems);

    /// <summary>Whether the session is between responses, so that a renewal can happen without cutting one (voice agents override it).</summary>
    private protected virtual bool IsIdle => true;

    /// <summary>
    /// Sends a configuration update and waits for its answer (as <c>SendAndWaitAsync</c>); once the server accepted it,
    /// remembers how to send it again, so that a resumed session re-sends every accepted update in order.
    /// </summary>
    /// <param name="create">Makes the update event (called again, for a fresh <c>event_id</c>, on each resume).</param>
    /// <param name="answers">The rule that matches the answer (<c>session.updated</c>).</param>
    /// <param name="expected">What the call waits for, for the timeout message.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    private protected async Task<TServerEvent> SendConfigurationAsync<TUpdate>(Func<TUpdate> create, Func<TServerEvent, Waiter, WaitStep> answers, string expected, CancellationToken cancellationToken)
        where TUpdate : IJsonModel<TUpdate>, IRealtimeEvent
    {
        TUpdate update = create();
        TServerEvent answer = await SendAndWaitAsync(update, update, answers, expected, cancellationToken).ConfigureAwait(false);
        if (_options.Reconnect is not null)
        {
            lock (_configurationReplays)
            {
                _configurationReplays.AddLast(token => ReplayAsync(create, answers, token));
                while (_configurationReplays.Count > Math.Max(1, _options.Resume.MaxRememberedUpdates))
                {
                    _configurationReplays.RemoveFirst();
                }
            }
        }

        return answer;
    }

    /// <summary>Sends an update again on a new connection; its answer is taken by the session, not shown to the app.</summary>
    private async ValueTask ReplayAsync<TUpdate>(Func<TUpdate> create, Func<TServerEvent, Waiter, WaitStep> answers, CancellationToken cancellationToken)
        where TUpdate : IJsonModel<TUpdate>, IRealtimeEvent
    {
        TUpdate update = create();
        var waiter = new Waiter(EnsureEventId(update).ToString(), answers, errorOnly: false) { Hidden = true };
        await SendEventAsync(update, update, cancellationToken, waiter).ConfigureAwait(false);
    }

    /// <summary>
    /// What a kind restores after its configuration (a voice agent: its conversation). Runs on the receive loop with
    /// sends let through; returns the ids of the items sent and how many were left out.
    /// </summary>
    private protected virtual ValueTask<(IReadOnlyList<string> ItemIds, int Omitted)> RestoreAsync(RealtimeReconnectReason reason, CancellationToken cancellationToken)
        => new((Array.Empty<string>(), 0));

    /// <summary>Whether a server event only echoes what the resume sent (a restored item's <c>conversation.item.added</c>), kept from the app.</summary>
    private protected virtual bool IsResumeEcho(TServerEvent serverEvent) => false;

    /// <summary>Runs on the receive loop right after a new connection is up: the configuration, then the kind's restore.</summary>
    private async Task<ResumeResult> ResumeAsync(RealtimeReconnectReason reason)
    {
        s_resuming.Value = true; // flows into the sends below only: the app's sends keep waiting at the gate
        Volatile.Write(ref _hideSessionCreated, 1);
        Func<CancellationToken, ValueTask>[] replays;
        lock (_configurationReplays)
        {
            replays = [.. _configurationReplays];
        }

        foreach (Func<CancellationToken, ValueTask> replay in replays)
        {
            await replay(_stop.Token).ConfigureAwait(false);
        }

        (IReadOnlyList<string> ids, int omitted) = await RestoreAsync(reason, _stop.Token).ConfigureAwait(false);
        return new ResumeResult(replays.Length, ids, omitted);
    }

    /// <summary>
    /// Bookkeeping on every server event that the app does not see: the uncommitted-audio count, the end of the session
    /// (<c>session.created</c>'s <c>expires_at</c>), the new connection's <c>session.created</c> and the resume's echoes.
    /// Returns true when the event is kept from the app.
    /// </summary>
    private bool HideFromApp(TServerEvent serverEvent)
    {
        if (_options.Reconnect is null)
        {
            return false;
        }

        if (_kind.EndsUncommittedAudio?.Invoke(serverEvent) == true)
        {
            Interlocked.Exchange(ref _uncommittedAudioBytes, 0);
            Interlocked.Exchange(ref _uncommittedAudioAppends, 0);
        }

        if (_kind.IsSessionCreated?.Invoke(serverEvent) == true)
        {
            ScheduleRenewal(_kind.GetExpiresAt?.Invoke(serverEvent));
            if (Interlocked.Exchange(ref _hideSessionCreated, 0) == 1)
            {
                return true;
            }
        }

        return IsResumeEcho(serverEvent);
    }

    /// <summary>
    /// An <c>error</c> saying the session reached its maximum length (<c>session_expired</c>), when the session will
    /// resume: noted (the close that follows reconnects) and kept from the app and from <see cref="Errors"/>.
    /// </summary>
    private bool IsHandledExpiry(RealtimeServerEventError error)
    {
        if (!CanReconnect || error.Error.Code != "session_expired")
        {
            return false;
        }

        _expired = true;
        return true;
    }

    /// <summary>Plans the renewal of this connection shortly before the session's maximum length.</summary>
    private void ScheduleRenewal(long? expiresAtUnixSeconds)
    {
        RealtimeResumeOptions resume = _options.Resume;
        if (!CanReconnect || resume.RenewBeforeExpiry <= TimeSpan.Zero)
        {
            return;
        }

        DateTimeOffset? end = expiresAtUnixSeconds is { } seconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : resume.MaxSessionDuration is { } duration ? _connectedAt + duration : null;
        if (end is null)
        {
            return;
        }

        var renewal = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        CancellationTokenSource? previous = Interlocked.Exchange(ref _renewal, renewal);
        previous?.Cancel();
        previous?.Dispose();
        _ = RenewAsync(Volatile.Read(ref _connection), end.Value, resume.RenewBeforeExpiry, renewal.Token);
    }

    private void StopRenewal()
    {
        CancellationTokenSource? renewal = Interlocked.Exchange(ref _renewal, null);
        renewal?.Cancel();
        renewal?.Dispose();
    }

    /// <summary>
    /// At <c>end − before</c>, waits for the session to be between responses (for up to half of <paramref name="before"/>),
    /// then closes the connection (1000): the receive loop sees the close and reconnects as <see cref="RealtimeReconnectReason.Renewal"/>.
    /// </summary>
    private async Task RenewAsync(WebSocketConnection connection, DateTimeOffset end, TimeSpan before, CancellationToken cancellationToken)
    {
        try
        {
            TimeSpan wait = end - before - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            DateTimeOffset latest = end - (before / 2);
            while (!IsIdle && DateTimeOffset.UtcNow < latest)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            if (!ReferenceEquals(Volatile.Read(ref _connection), connection) || State != RealtimeSessionState.Open || _disposing || _closing)
            {
                return;
            }

            _renewing = true;
            using var timeout = new CancellationTokenSource(_options.CloseTimeout);
            await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, "renewing session", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or WebSocketConnectionException or InvalidOperationException)
        {
            // Superseded (a new connection, the session ended), or the close failed: the receive loop sees the rest.
        }
    }
}
