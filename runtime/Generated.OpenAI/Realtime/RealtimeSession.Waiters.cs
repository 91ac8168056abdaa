using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Realtime;

// Answers matched to questions: errors correlated by the client event_id they name (kept in a bounded ring), and
// calls that wait for the server's answer, each matched by its own rule and bounded by a deadline.
public abstract partial class RealtimeSession<TServerEvent>
{
    private readonly object _lock = new();
    private readonly Dictionary<string, string?> _foreignSentTypes = new(StringComparer.Ordinal);
    private readonly Queue<string> _foreignSentOrder = new();
    private readonly SentEvent[] _sentHistory;
    private readonly RealtimeErrorException[] _errors;
    private readonly List<Waiter> _waiters = [];
    private int _waiterCount; // _waiters.Count, written under _lock after each change, read without it by CompleteWaiters
    private int _errorCount;
    private int _errorNext;

    /// <summary>What a waiting call makes of a server event.</summary>
    internal enum WaitStep
    {
        /// <summary>Not this call's answer; offer it to the next waiting call.</summary>
        NotMine,

        /// <summary>Part of this call's answer (e.g. the <c>committed</c> that names the item); no other call gets it.</summary>
        Consumed,

        /// <summary>This call's answer: the call returns the event (or the exception the rule set).</summary>
        Done,
    }

    /// <summary>
    /// Raised on the receive loop for every <c>error</c> event (also published in the event stream). Keep it quick;
    /// an exception thrown by a handler ends the session with <see cref="RealtimeCallbackException"/>.
    /// </summary>
    public event Action<RealtimeErrorException>? ErrorReceived;

    /// <summary>The most recent <c>error</c> events (at most <see cref="RealtimeSessionOptions.MaxRetainedErrors"/>), oldest first.</summary>
    public IReadOnlyList<RealtimeErrorException> Errors
    {
        get
        {
            lock (_lock)
            {
                var list = new RealtimeErrorException[_errorCount];
                for (int i = 0; i < _errorCount; i++)
                {
                    list[i] = _errors[(_errorNext - _errorCount + i + _errors.Length) % _errors.Length];
                }

                return list;
            }
        }
    }

    /// <summary>
    /// Waits for the <c>error</c> event the server sends for the client event <paramref name="clientEventId"/>
    /// (returned by the send methods). Returns at once if it already arrived and is still among <see cref="Errors"/>.
    /// Waits without a deadline: this is for an error that may never come; use <paramref name="cancellationToken"/>.
    /// </summary>
    /// <exception cref="RealtimeSessionClosedException">The session ended before such an error arrived.</exception>
    public Task<RealtimeErrorException> WaitForErrorAsync(string clientEventId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientEventId);
        var waiter = new Waiter(clientEventId, null, errorOnly: true);
        lock (_lock)
        {
            foreach (RealtimeErrorException error in Errors)
            {
                if (error.ClientEventId == clientEventId)
                {
                    return Task.FromResult(error);
                }
            }

            if (_completion.Task.IsCompleted)
            {
                return Task.FromException<RealtimeErrorException>(CreateClosedException());
            }

            _waiters.Add(waiter);
            Volatile.Write(ref _waiterCount, _waiters.Count);
        }

        UnparkForApp(); // the app may await this while it holds a lent delta: the loop must go on
        return AwaitAsync<RealtimeErrorException>(waiter, Timeout.InfiniteTimeSpan, "an error", cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="clientEvent"/> (inside <paramref name="envelope"/>) with an <c>event_id</c> and waits for
    /// its answer: the first server event that <paramref name="step"/> says is <see cref="WaitStep.Done"/> (calls that
    /// wait for the same kind of answer are answered in the order their events went out, as the server answers them:
    /// the call is registered under the send lock, as its frame is written), or the <c>error</c> that names the
    /// event's <c>event_id</c> (<see cref="RealtimeErrorException"/>). Bounded by
    /// <see cref="RealtimeSessionOptions.ResponseTimeout"/>.
    /// </summary>
    /// <param name="envelope">What is written: the event itself, or the client union holding it.</param>
    /// <param name="clientEvent">The event model inside <paramref name="envelope"/>.</param>
    /// <param name="step">The matching rule; it may fail the call through the waiter it is given.</param>
    /// <param name="expected">What the call waits for, for the timeout message.</param>
    /// <param name="cancellationToken">Ends the wait (the session goes on).</param>
    private protected async Task<TServerEvent> SendAndWaitAsync<TEnvelope>(TEnvelope envelope, IRealtimeEvent clientEvent, Func<TServerEvent, Waiter, WaitStep> step, string expected, CancellationToken cancellationToken)
        where TEnvelope : Serialization.IJsonModel<TEnvelope>
    {
        var waiter = new Waiter(EnsureEventId(clientEvent).ToString(), step, errorOnly: false);
        try
        {
            await SendEventAsync(envelope, clientEvent, cancellationToken, waiter).ConfigureAwait(false);
        }
        catch
        {
            RemoveWaiter(waiter);
            throw;
        }

        return await AwaitAsync<TServerEvent>(waiter, _options.ResponseTimeout, expected, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers a call that waits for an answer; throws when the session has already ended.</summary>
    private void AddWaiter(Waiter waiter)
    {
        lock (_lock)
        {
            if (_completion.Task.IsCompleted)
            {
                throw CreateClosedException();
            }

            _waiters.Add(waiter);
            Volatile.Write(ref _waiterCount, _waiters.Count);
        }

        UnparkForApp(); // the app may await the answer while it holds a lent delta: the loop must go on
    }

    /// <summary>An event type (a generated <c>TypeUtf8</c>) as text, for messages.</summary>
    private protected static string TypeName(ReadOnlySpan<byte> typeUtf8) => Encoding.UTF8.GetString(typeUtf8);

    private void HandleError(RealtimeServerEventError error)
    {
        string? clientEventId = error.Error.EventId;
        RealtimeErrorException exception;
        lock (_lock)
        {
            exception = new RealtimeErrorException(error, clientEventId is null ? null : SentTypeOf(clientEventId));
            _errors[_errorNext] = exception;
            _errorNext = (_errorNext + 1) % _errors.Length;
            _errorCount = Math.Min(_errorCount + 1, _errors.Length);
            if (clientEventId is not null)
            {
                for (int i = _waiters.Count - 1; i >= 0; i--)
                {
                    Waiter waiter = _waiters[i];
                    if (waiter.EventId == clientEventId)
                    {
                        _waiters.RemoveAt(i);
                        Volatile.Write(ref _waiterCount, _waiters.Count);
                        if (waiter.ErrorOnly)
                        {
                            waiter.Completion.TrySetResult(exception);
                        }
                        else if (waiter.Hidden)
                        {
                            waiter.Completion.TrySetCanceled(); // a resume's update: nobody awaits it; the error is published
                        }
                        else
                        {
                            waiter.Completion.TrySetException(exception);
                        }
                    }
                }
            }
        }

        try
        {
            ErrorReceived?.Invoke(exception);
        }
        catch (Exception ex)
        {
            throw new RealtimeCallbackException(nameof(ErrorReceived), ex);
        }
    }

    /// <summary>The type of a client event this session sent, from its <c>event_id</c>.</summary>
    private string? SentTypeOf(string clientEventId)
    {
        if (clientEventId.StartsWith(_eventIdPrefix.Text, StringComparison.Ordinal))
        {
            ReadOnlySpan<char> rest = clientEventId.AsSpan(_eventIdPrefix.Text.Length);
            if (rest.Length > 1 && rest[0] == 'a')
            {
                return TypeName(_kind.AudioAppendType.Span);
            }

            if (long.TryParse(rest, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number) && number > 0)
            {
                SentEvent sent = _sentHistory[(int)number & (_sentHistory.Length - 1)];
                return sent.Number == number ? sent.Type : null;
            }
        }

        return _foreignSentTypes.TryGetValue(clientEventId, out string? type) ? type : null;
    }

    /// <summary>An event_id the app chose: remembered in a bounded map (the session's own ids go to the ring).</summary>
    private void RememberForeignId(string eventId, string? type)
    {
        lock (_lock)
        {
            if (_foreignSentTypes.TryAdd(eventId, type))
            {
                _foreignSentOrder.Enqueue(eventId);
                while (_foreignSentOrder.Count > _sentHistory.Length)
                {
                    _foreignSentTypes.Remove(_foreignSentOrder.Dequeue());
                }
            }
        }
    }

    /// <summary>A sent event in the history ring: its number in the session's ids, and its type.</summary>
    private readonly record struct SentEvent(long Number, string? Type);

    /// <summary>Offers an event to the waiting calls; returns true when it answered a resume's own update (kept from the app).</summary>
    private bool CompleteWaiters(TServerEvent serverEvent)
    {
        // Most events answer no call. A waiter is counted before its event is written, so its answer finds it here.
        if (Volatile.Read(ref _waiterCount) == 0)
        {
            return false;
        }

        lock (_lock)
        {
            for (int i = 0; i < _waiters.Count; i++)
            {
                Waiter waiter = _waiters[i];
                WaitStep result = waiter.Step is null ? WaitStep.NotMine : waiter.Step(serverEvent, waiter);
                if (result == WaitStep.Done)
                {
                    _waiters.RemoveAt(i);
                    Volatile.Write(ref _waiterCount, _waiters.Count);
                    waiter.Completion.TrySetResult(serverEvent);
                    return waiter.Hidden;
                }

                if (result == WaitStep.Consumed)
                {
                    return waiter.Hidden;
                }
            }
        }

        return false;
    }

    private void FailWaiters(Func<Exception> failure)
    {
        Waiter[] waiters;
        lock (_lock)
        {
            waiters = _waiters.ToArray();
            _waiters.Clear();
            Volatile.Write(ref _waiterCount, _waiters.Count);
        }

        foreach (Waiter waiter in waiters)
        {
            if (waiter.Hidden)
            {
                waiter.Completion.TrySetCanceled();
            }
            else
            {
                waiter.Completion.TrySetException(failure());
            }
        }
    }

    private async Task<T> AwaitAsync<T>(Waiter waiter, TimeSpan timeout, string expected, CancellationToken cancellationToken)
    {
        try
        {
            return (T)await waiter.Completion.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The server did not answer with {expected} within {timeout.TotalSeconds:0.###} s (RealtimeSessionOptions.ResponseTimeout).", ex);
        }
        finally
        {
            RemoveWaiter(waiter);
        }
    }

    private void RemoveWaiter(Waiter waiter)
    {
        lock (_lock)
        {
            _waiters.Remove(waiter);
            Volatile.Write(ref _waiterCount, _waiters.Count);
        }
    }

    private Exception CreateClosedException()
    {
        Exception? terminal = Volatile.Read(ref _terminalException);
        string message = terminal is not null
            ? "The realtime session ended: " + terminal.Message
            : _disposing ? "The realtime session was disposed." : "The server closed the realtime session.";
        return new RealtimeSessionClosedException(message, _closeStatus ?? Volatile.Read(ref _connection).CloseStatus, terminal);
    }

    /// <summary>A call waiting for its answer.</summary>
    internal sealed class Waiter(string? eventId, Func<TServerEvent, Waiter, WaitStep>? step, bool errorOnly)
    {
        public string? EventId { get; } = eventId;

        public Func<TServerEvent, Waiter, WaitStep>? Step { get; } = step;

        public bool ErrorOnly { get; } = errorOnly;

        /// <summary>A resume's own update: its answer is taken by the session and kept from the app.</summary>
        public bool Hidden { get; init; }

        /// <summary>State a multi-step rule keeps (the item id a commit produced).</summary>
        public string? State { get; set; }

        public TaskCompletionSource<object> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Ends the call with <paramref name="exception"/> (the rule then returns <see cref="WaitStep.Done"/>).</summary>
        public void Fail(Exception exception) => Completion.TrySetException(exception);
    }
}
