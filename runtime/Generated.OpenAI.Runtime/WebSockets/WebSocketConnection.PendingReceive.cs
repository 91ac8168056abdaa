using System;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Generated.OpenAI.WebSockets;

// The receive that waits for the network (every paced realtime event does): completed from the read's continuation by
// an IValueTaskSource the connection keeps, rather than by an async method per event (a pooled box rented and
// returned, its MoveNext and its builder, between the socket's completion and the caller's continuation).
public sealed partial class WebSocketConnection
{
    private PendingReceive? _pendingReceive;

    /// <summary>
    /// The rest of <see cref="ReceiveMessageAsync"/> once its read has to wait: the same steps and outcomes as
    /// <see cref="ReceiveGuardedAsync"/>, which it falls back to for anything but a data message taken from the buffer.
    /// </summary>
    private ValueTask<WebSocketReceivedMessage> ReceivePendingAsync(ValueTask<ReadResult> read, CancellationToken cancellationToken)
    {
        PendingReceive pending = _pendingReceive ??= new PendingReceive(this);
        return pending.IsIdle
            ? pending.Start(read, cancellationToken)
            : ReceiveGuardedAsync(hasPendingRead: true, read, cancellationToken);
    }

    /// <summary>
    /// One connection's source for receives whose read waits. Reused from one receive to the next, but only once the
    /// previous caller has taken its result (<see cref="IsIdle"/>): the receive ends (<see cref="EndReceive"/>) before
    /// its caller's continuation runs, so a next receive may start before that; it then takes the async method instead.
    /// </summary>
    private sealed class PendingReceive : IValueTaskSource<WebSocketReceivedMessage>
    {
        private readonly WebSocketConnection _connection;
        private readonly Action _onReadCompleted;

        // Continuations run inline: the caller's continuation runs on the socket's completion thread, where the async
        // method's completion ran it before (and where the reader's own source runs this one).
        private ManualResetValueTaskSourceCore<WebSocketReceivedMessage> _core;
        private ValueTask<ReadResult> _read;
        private CancellationToken _cancellationToken;
        private volatile bool _idle = true;

        public PendingReceive(WebSocketConnection connection)
        {
            _connection = connection;
            _onReadCompleted = OnReadCompleted;
        }

        public bool IsIdle => _idle;

        public ValueTask<WebSocketReceivedMessage> Start(ValueTask<ReadResult> read, CancellationToken cancellationToken)
        {
            _idle = false;
            _core.Reset();
            short version = _core.Version;
            _cancellationToken = cancellationToken;
            Await(read);
            return new ValueTask<WebSocketReceivedMessage>(this, version);
        }

        private void Await(ValueTask<ReadResult> read)
        {
            _read = read;
            read.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onReadCompleted);
        }

        private void OnReadCompleted()
        {
            WebSocketConnection connection = _connection;
            CancellationToken cancellationToken = _cancellationToken;
            ValueTask<ReadResult> read = _read;
            _read = default;
            try
            {
                while (true)
                {
                    ReadResult result = read.GetAwaiter().GetResult();
                    connection.NoteReceived(result);
                    switch (connection.TryTakeBufferedMessage(result, out WebSocketReceivedMessage message))
                    {
                        case SyncStep.Taken:
                            connection.EndReceive();
                            _core.SetResult(message);
                            return;
                        case SyncStep.ReadAgain:
                            read = connection._reader.ReadAsync(cancellationToken);
                            if (read.IsCompleted)
                            {
                                continue;
                            }

                            Await(read);
                            return;
                        case SyncStep.Canceled:
                            throw connection.CreateClosedException();
                        default:
                            // A ping, a close, a failure or the end of the stream: the general loop, which ends the
                            // receive itself.
                            Forward(connection.ReceiveGuardedAsync(hasPendingRead: false, default, cancellationToken));
                            return;
                    }
                }
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                connection.Abort(ShutdownReason.Canceled);
                Fail(ex);
            }
            catch (WebSocketConnectionException ex)
            {
                Fail(ex);
            }
            catch (Exception ex)
            {
                connection.Abort(ShutdownReason.TransportError);
                Fail(connection.CreateClosedException(ex));
            }
        }

        private void Fail(Exception exception)
        {
            _connection.EndReceive();
            _core.SetException(exception);
        }

        /// <summary>The general loop's outcome becomes this receive's (rare: control frames, failures).</summary>
        private void Forward(ValueTask<WebSocketReceivedMessage> receive)
        {
            if (receive.IsCompleted)
            {
                Complete(receive);
                return;
            }

            receive.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => Complete(receive));
        }

        private void Complete(ValueTask<WebSocketReceivedMessage> receive)
        {
            WebSocketReceivedMessage message;
            try
            {
                message = receive.GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                _core.SetException(ex);
                return;
            }

            _core.SetResult(message);
        }

        WebSocketReceivedMessage IValueTaskSource<WebSocketReceivedMessage>.GetResult(short token)
        {
            bool current = token == _core.Version; // a stale token (a ValueTask awaited twice) must not free the source
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                if (current)
                {
                    _idle = true;
                }
            }
        }

        ValueTaskSourceStatus IValueTaskSource<WebSocketReceivedMessage>.GetStatus(short token) => _core.GetStatus(token);

        void IValueTaskSource<WebSocketReceivedMessage>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);
    }
}
