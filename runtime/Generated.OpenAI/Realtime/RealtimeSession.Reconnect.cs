using System;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

// Reconnect with states: the observable state, the gate that holds sends while reconnecting, what was dropped, and
// ReconnectAsync, the one place where a session replaces its connection.
public abstract partial class RealtimeSession<TServerEvent>
{
    private static readonly AsyncLocal<bool> s_resuming = new();
    private static readonly AsyncLocal<bool> s_released = new();

    private readonly object _stateLock = new();
    private Func<CancellationToken, Task<WebSocketConnection>>? _connector;
    private int _state = (int)RealtimeSessionState.Connecting;
    private TaskCompletionSource _open = NewGate(completed: true);
    private int _waitingSends;
    private Task _lastQueuedSend = Task.CompletedTask;
    private int _reconnects;
    private long _droppedInputAudioBytes;
    private long _droppedInputAudioAppends;
    private long _uncommittedAudioBytes;
    private long _uncommittedAudioAppends;
    private volatile bool _expired;
    private volatile bool _renewing;
    private CancellationTokenSource? _reconnecting;

    /// <summary>
    /// Raised when <see cref="State"/> changes, and for each new attempt while <see cref="RealtimeSessionState.Reconnecting"/>
    /// (with its number and wait), so that an app can show "reconnecting" or "unavailable". Runs on the receive loop:
    /// keep it quick. An exception thrown by a handler ends the session with <see cref="RealtimeCallbackException"/>
    /// (except on the final change to <see cref="RealtimeSessionState.Closed"/> or <see cref="RealtimeSessionState.Unavailable"/>, where it is ignored).
    /// </summary>
    public event Action<RealtimeSessionStateChange>? StateChanged;

    /// <summary>
    /// Raised when a reconnected session is open again, with what it restored and what audio was lost. Runs on the
    /// receive loop; an exception thrown by a handler ends the session with <see cref="RealtimeCallbackException"/>.
    /// </summary>
    public event Action<RealtimeSessionResumed>? Resumed;

    /// <summary>Where the session stands (see <see cref="RealtimeSessionState"/>).</summary>
    public RealtimeSessionState State => (RealtimeSessionState)Volatile.Read(ref _state);

    /// <summary>How many times the session reconnected and resumed.</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>
    /// PCM16 bytes of input audio the session could not deliver because its connection was lost: appends that failed
    /// fast, overflowed <see cref="RealtimeReconnectPolicy.MaxQueuedSends"/>, or were still waiting when the session
    /// ended. (Audio the old connection accepted but the server never committed is reported by <see cref="Resumed"/>.)
    /// </summary>
    public long DroppedInputAudioBytes => Interlocked.Read(ref _droppedInputAudioBytes);

    /// <summary>The appends that carried <see cref="DroppedInputAudioBytes"/>.</summary>
    public long DroppedInputAudioAppends => Interlocked.Read(ref _droppedInputAudioAppends);

    /// <summary>
    /// Completes when the session is <see cref="RealtimeSessionState.Open"/> (at once when it is); throws
    /// <see cref="RealtimeSessionClosedException"/> when it ends first.
    /// </summary>
    public Task WaitUntilOpenAsync(CancellationToken cancellationToken = default) => Volatile.Read(ref _open).Task.WaitAsync(cancellationToken);

    private bool CanReconnect => _options.Reconnect is not null && _connector is not null;

    /// <summary>Whether this session resumes its conversation after a reconnect (voice agents use it to keep their log).</summary>
    private protected bool RestoresConversation => _options.Reconnect is not null && _options.Resume.RestoreConversation;

    /// <summary>The resume budget and callback.</summary>
    private protected RealtimeResumeOptions ResumeOptions => _options.Resume;

    /// <summary>Set by the client before <see cref="Start"/> when the options ask for reconnects: how to open a new connection of this kind.</summary>
    internal void SetConnector(Func<CancellationToken, Task<WebSocketConnection>> connector) => _connector = connector;

    /// <summary>Runs on the receive loop when the connection is lost and the session will reconnect: forget what the old connection had in flight.</summary>
    private protected virtual void OnConnectionLost()
    {
    }

    private static TaskCompletionSource NewGate(bool completed)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            gate.SetResult();
        }

        return gate;
    }

    /// <summary>Why the loop's connection ended in a way worth reconnecting, or <see langword="null"/> when the session ends.</summary>
    private RealtimeReconnectReason? GetReconnectReason(Exception? failure, bool serverClosed)
    {
        if (!CanReconnect || _disposing || _closing)
        {
            return null;
        }

        RealtimeReconnectPolicy policy = _options.Reconnect!;
        if (_renewing)
        {
            return RealtimeReconnectReason.Renewal;
        }

        if (_expired)
        {
            return RealtimeReconnectReason.SessionExpired;
        }

        if (failure is not null)
        {
            return policy.IsRetryable(failure) ? RealtimeReconnectReason.ConnectionLost : null;
        }

        return serverClosed && policy.IsRetryable(_closeStatus) ? RealtimeReconnectReason.ServerClosed : null;
    }

    /// <summary>
    /// The one place where a session reconnects: runs on the receive loop after its connection ended for
    /// <paramref name="reason"/>. Fails the calls that waited on the old connection, waits out the backoff, connects,
    /// resumes, and opens the gate for waiting sends. Returns (true, null) when open again; (false, failure) when it gave
    /// up (the session becomes <see cref="RealtimeSessionState.Unavailable"/>); (false, null) when it was disposed meanwhile.
    /// </summary>
    private async Task<(bool Resumed, Exception? Failure)> ReconnectAsync(RealtimeReconnectReason reason, Exception? cause)
    {
        RealtimeReconnectPolicy policy = _options.Reconnect!;
        long lostAt = Stopwatch.GetTimestamp();
        StopRenewal();
        lock (_stateLock)
        {
            if (_open.Task.IsCompleted)
            {
                Volatile.Write(ref _open, NewGate(completed: false));
            }
        }

        Volatile.Write(ref _state, (int)RealtimeSessionState.Reconnecting);
        FailWaiters(() => new RealtimeConnectionLostException($"The connection was lost ({reason}) before the server answered; the session is reconnecting. Call again once it is open (WaitUntilOpenAsync).", cause));
        long lostBytes = Interlocked.Exchange(ref _uncommittedAudioBytes, 0);
        long lostAppends = Interlocked.Exchange(ref _uncommittedAudioAppends, 0);
        OnConnectionLost();
        _expired = false;
        _renewing = false;
        Telemetry.ObserveWire(_connection); // the last bytes of the lost connection; the next one counts from zero
        await _connection.DisposeAsync().ConfigureAwait(false);

        using var reconnecting = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        Volatile.Write(ref _reconnecting, reconnecting);
        if (_closing)
        {
            return (false, null);
        }

        RealtimeSessionState previous = RealtimeSessionState.Open;
        Exception? last = cause;
        int attempts = Math.Max(1, policy.MaxAttempts);
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            TimeSpan delay = attempt == 1 && reason is RealtimeReconnectReason.SessionExpired or RealtimeReconnectReason.Renewal ? TimeSpan.Zero : policy.GetDelay(attempt);
            RaiseStateChanged(new RealtimeSessionStateChange(previous, RealtimeSessionState.Reconnecting, attempt, delay, reason, last));
            RecordReconnect(attempt, reason.ToString());
            previous = RealtimeSessionState.Reconnecting;
            WebSocketConnection connection;
            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, reconnecting.Token).ConfigureAwait(false);
                }

                connection = await _connector!(reconnecting.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_disposing || _closing)
            {
                return (false, null);
            }
            catch (WebSocketConnectionException ex)
            {
                last = ex;
                if (!policy.IsRetryable(ex))
                {
                    return (false, ex);
                }

                continue;
            }

            connection.FindsUnescapedTail = FindsUnescapedTail(_audioDeltaBuilder, _options);
            connection.RetainedBytesLimit = RetainedBytesLimit(_options);
            Interlocked.Exchange(ref _connection, connection);
            if (_disposing || _closing)
            {
                // DisposeAsync may have read the old connection: this one is ours to close.
                await connection.DisposeAsync().ConfigureAwait(false);
                return (false, null);
            }

            _connectedAt = DateTimeOffset.UtcNow;
            ResumeResult resumed;
            try
            {
                resumed = await ResumeAsync(reason).ConfigureAwait(false);
            }
            catch (Exception) when (_disposing || _closing)
            {
                return (false, null);
            }
            catch (WebSocketConnectionException ex)
            {
                // The new connection failed while resuming: another attempt.
                last = ex;
                await connection.DisposeAsync().ConfigureAwait(false);
                if (!policy.IsRetryable(ex))
                {
                    return (false, ex);
                }

                continue;
            }

            if (_disposing || _closing)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                return (false, null);
            }

            Interlocked.Increment(ref _reconnects);
            Volatile.Write(ref _state, (int)RealtimeSessionState.Open);
            Volatile.Read(ref _open).TrySetResult();
            RaiseStateChanged(new RealtimeSessionStateChange(RealtimeSessionState.Reconnecting, RealtimeSessionState.Open, attempt, null, reason, null));
            var report = new RealtimeSessionResumed(reason, attempt, Stopwatch.GetElapsedTime(lostAt), resumed.Updates, resumed.ItemIds, resumed.OmittedItems, lostBytes, lostAppends);
            try
            {
                Resumed?.Invoke(report);
            }
            catch (Exception ex)
            {
                throw new RealtimeCallbackException(nameof(Resumed), ex);
            }

            return (true, null);
        }

        return (false, last);
    }

    /// <summary><c>CloseAsync</c> while reconnecting: no graceful part to play; the attempt under way is abandoned and the session ends.</summary>
    private void AbandonReconnect()
    {
        _closing = true;
        try
        {
            Volatile.Read(ref _reconnecting)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The reconnect ended meanwhile; it checks _closing after each step.
        }
    }

    private void RaiseStateChanged(RealtimeSessionStateChange change)
    {
        try
        {
            StateChanged?.Invoke(change);
        }
        catch (Exception ex)
        {
            throw new RealtimeCallbackException(nameof(StateChanged), ex);
        }
    }

    /// <summary>The session ended: the final state, the gate closed for good (waiting sends fail), the last change raised.</summary>
    private void SetFinalState(bool unavailable)
    {
        var state = unavailable ? RealtimeSessionState.Unavailable : RealtimeSessionState.Closed;
        var previous = (RealtimeSessionState)Interlocked.Exchange(ref _state, (int)state);
        StopRenewal();
        lock (_stateLock)
        {
            if (_open.Task.IsCompleted)
            {
                Volatile.Write(ref _open, NewGate(completed: false));
            }

            _open.TrySetException(CreateClosedException());
            _ = _open.Task.Exception; // observed: nobody may be waiting
        }

        if (previous != state)
        {
            try
            {
                StateChanged?.Invoke(new RealtimeSessionStateChange(previous, state, 0, null, null, TerminalException));
            }
            catch (Exception)
            {
                // The session has ended; a failing handler has nothing left to stop.
            }
        }
    }

    /// <summary>
    /// A send made while the session is not open, or while earlier such sends still wait: waits for it to open (at most
    /// <see cref="RealtimeReconnectPolicy.MaxQueuedSends"/> wait), then runs <paramref name="send"/> after the sends
    /// queued before it, in order; or fails fast, as the policy says. <paramref name="audioBytes"/> is counted as
    /// dropped when the send cannot go out.
    /// </summary>
    private async ValueTask<T> SendQueuedAsync<T>(Func<ValueTask<T>> send, int audioBytes, CancellationToken cancellationToken)
    {
        RealtimeReconnectPolicy policy = _options.Reconnect!;
        Task open = Volatile.Read(ref _open).Task;
        if (open.IsFaulted)
        {
            CountDropped(audioBytes);
            await open.ConfigureAwait(false); // throws the session's end
        }

        if (State == RealtimeSessionState.Reconnecting && policy.WhileReconnecting == RealtimeSendWhileReconnecting.FailFast)
        {
            CountDropped(audioBytes);
            throw new RealtimeConnectionLostException("The session is reconnecting and sends fail fast (RealtimeReconnectPolicy.WhileReconnecting).");
        }

        if (Interlocked.Increment(ref _waitingSends) > Math.Max(0, policy.MaxQueuedSends))
        {
            Interlocked.Decrement(ref _waitingSends);
            CountDropped(audioBytes);
            throw new RealtimeConnectionLostException($"The session is reconnecting and {policy.MaxQueuedSends} sends are already waiting (RealtimeReconnectPolicy.MaxQueuedSends).");
        }

        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous = Interlocked.Exchange(ref _lastQueuedSend, sent.Task);
        try
        {
            try
            {
                await open.WaitAsync(cancellationToken).ConfigureAwait(false);
                await previous.WaitAsync(cancellationToken).ConfigureAwait(false); // never faults
            }
            catch
            {
                CountDropped(audioBytes);
                throw;
            }

            s_released.Value = true; // this send goes now, past the queue it was in
            return await send().ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waitingSends);
            sent.TrySetResult();
        }
    }

    /// <summary>An append through the queue: its result is unused.</summary>
    private async ValueTask<bool> AppendAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
    {
        await SendAudioAsync(pcm16, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private void CountDropped(int audioBytes)
    {
        if (audioBytes > 0)
        {
            Interlocked.Add(ref _droppedInputAudioBytes, audioBytes);
            Interlocked.Increment(ref _droppedInputAudioAppends);
            RecordAudioNotSent(1);
        }
    }

    /// <summary>
    /// Whether a send must go through <see cref="SendQueuedAsync"/>: the session is not open, or sends made while it
    /// was not still wait (they go first), and this is neither the resume itself nor a send the queue released.
    /// </summary>
    /// <remarks>
    /// Small enough to be inlined into every send: a session without <see cref="RealtimeSessionOptions.Reconnect"/> (the
    /// default) pays two field reads; the rest (two async-local reads) is out of line.
    /// </remarks>
    private bool MustWaitToSend
        => _options.Reconnect is not null && MustWaitWhileReconnecting();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool MustWaitWhileReconnecting()
        => (Volatile.Read(ref _state) != (int)RealtimeSessionState.Open || Volatile.Read(ref _waitingSends) > 0)
            && !s_resuming.Value && !s_released.Value;

    /// <summary>An append that did not complete at once: a loss of the connection under it waits for the new one and sends again.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitAppendAsync(ValueTask send, WebSocketConnection connection, ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (WebSocketConnectionException) when (!_disposing && !_closing && !_completion.Task.IsCompleted)
        {
            // The receive loop notices the loss a moment later; until then the state still says Open.
            while (State == RealtimeSessionState.Open && ReferenceEquals(Volatile.Read(ref _connection), connection) && !_completion.Task.IsCompleted)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }

            await SendQueuedAsync(() => AppendAsync(pcm16, cancellationToken), pcm16.Length, cancellationToken).ConfigureAwait(false);
        }
    }
}
