using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// An RFC 6455 client connection over <see cref="System.IO.Pipelines"/>: a hand-written HTTP/1.1 upgrade, a pure
/// frame parser on the receive pipe, and frames built (header, payload, mask) directly in the send pipe's memory.
/// </summary>
/// <remarks>
/// <para><b>Concurrency.</b> One receiver and any number of senders. At most one
/// <see cref="ReceiveMessageAsync"/> may be pending at a time (a second concurrent call throws
/// <see cref="InvalidOperationException"/>). Sends are serialized: concurrent <see cref="SendAsync"/>,
/// <see cref="SendTextAsync{TState}"/>, <see cref="SendBinaryAsync{TState}"/> and control frames queue on one lock
/// and each frame reaches the wire whole, in the order the lock was acquired. A fragmented message
/// (<c>endOfMessage: false</c>) must come from one logical sender, because the continuation frames of
/// different callers would otherwise interleave.</para>
/// <para><b>Buffers.</b> Received payloads are borrowed from the connection (see <see cref="WebSocketReceivedMessage"/>);
/// payloads given to send methods are only read, never modified: masking happens in the pipe's memory.</para>
/// <para><b>Transport.</b> The receive pipe is a <see cref="FrameAlignedPipeReader"/>: over plain ws:// it reads the
/// <see cref="Socket"/> itself, over wss:// the <see cref="SslStream"/>, into frame-aligned segments (a message that
/// fits in one is never split between two). Over wss:// the send pipe runs over the <see cref="SslStream"/>. Over plain
/// ws:// a data frame of up to 16 KiB, built in
/// the connection's own buffer, is one <see cref="Socket.SendAsync(ReadOnlyMemory{byte}, SocketFlags, CancellationToken)"/>:
/// no <see cref="NetworkStream"/> or stream pipe reader between the frames and the socket.</para>
/// <para><b>Control frames.</b> Pings are answered with pongs while a receive is pending (also between fragments
/// of a message), pongs are ignored, and a close frame completes the close handshake and is reported as a
/// <see cref="WebSocketMessageType.Close"/> message.</para>
/// <para><b>Lifetime.</b> Cancelling any operation aborts the connection (a frame may be half done). Disposing aborts
/// it too: a pending receive ends within a second with <see cref="WebSocketConnectionException"/> and the socket is closed.
/// Use <see cref="CloseAsync"/> for a graceful close. <see cref="ShutdownReason"/> says why the connection ended.
/// With <see cref="WebSocketConnectionOptions.KeepAliveInterval"/> set, a peer that sends nothing within
/// <see cref="WebSocketConnectionOptions.KeepAliveTimeout"/> of a ping is aborted (<see cref="ShutdownReason.KeepAliveTimeout"/>).</para>
/// </remarks>
public sealed partial class WebSocketConnection : IAsyncDisposable
{
    private const int ReceiveBufferSize = 64 * 1024;
    private const int SendBufferSize = 16 * 1024;
    private const int SendChunkSize = 64 * 1024;
    private const int RetainedReassemblyBufferSize = 1024 * 1024;

    private static readonly TimeSpan s_serverCloseWait = TimeSpan.FromSeconds(1);

    private readonly Stream _stream;
    private readonly Socket? _socket; // plain ws://: data frames from _frameInFlight go straight to it (_stream owns and closes it)
    private readonly PipeReader _reader;
    private readonly FrameAlignedPipeReader? _alignedReader; // _reader when it is ours: told where frames end (frame-aligned segments)
    private readonly PipeWriter _writer;
    private readonly SendLock _sendLock = new();
    private readonly object _stateLock = new();
    private readonly TaskCompletionSource<bool> _closeFrameReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _maxMessageSize;
    private readonly TimeSpan _closeTimeout;
    private readonly Timer? _keepAliveTimer;

    // Keep-alive timeout: armed when a ping goes out, checked when it fires. Null when keep-alive or its timeout is off.
    private readonly Timer? _keepAliveDeadlineTimer;
    private readonly TimeSpan _keepAliveTimeout;
    private readonly object _keepAliveLock = new();
    private bool _keepAliveDeadlineArmed; // guarded by _keepAliveLock
    private long _keepAlivePingTimestamp; // Stopwatch timestamp of the ping that armed the deadline; guarded by _keepAliveLock
    private bool _receivedSincePing; // set by the receiver on every read that returns bytes, cleared when a deadline is armed

    private WebSocketState _state = WebSocketState.Open;
    private ShutdownReason _shutdownReason;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeStatusDescription;
    private bool _closeSent;
    private bool _disposed;

    // Receive side, touched only by the single receiver (guarded by _receiveInProgress).
    private int _receiveInProgress;
    private bool _hasDeferredAdvance;
    private SequencePosition _deferredConsumed;
    private ReadOnlySequence<byte> _deferredBuffer; // the read result _deferredConsumed belongs to (for a retained floor)
    private byte[]? _reassemblyBuffer;
    private int _reassemblyLength;
    private bool _inFragmentedMessage;
    private Opcode _fragmentOpcode;
    private ShutdownReason _failureReason;
    private WebSocketCloseStatus _failureStatus;
    private string? _failureMessage;
    private bool _hasPendingFailure;
    private int _unescapedTailStart = -1; // of the last text message, when FindsUnescapedTail

    // Send side, touched only while _sendLock is held.
    private bool _sendInFragmentedMessage;
    private byte[]? _sendFrame; // the connection's frame buffer when its thread's is not free (see GetOwnSendFrame)
    private byte[]? _frameInFlight; // the buffer of the frame being written (see GetOwnSendFrame)

    // The frame buffer of the thread that sends (see GetOwnSendFrame): null while a send of this thread holds it.
    [ThreadStatic]
    private static byte[]? t_sendFrame;

    // Wire byte counts (frame headers and payloads): each written by one side only (the receiver, or the holder of
    // _sendLock), read by anyone.
    private long _bytesReceived;
    private long _bytesSent;
    private long _lastFrameBytes; // the frame ProcessNextFrame consumed last, counted once its step is taken

    private WebSocketConnection(Stream stream, Socket? socket, PipeReader reader, WebSocketConnectionOptions options, string? subProtocol)
    {
        _stream = stream;
        _socket = socket;
        _reader = reader;
        _alignedReader = reader as FrameAlignedPipeReader;

        // Frames start here (bytes the handshake left in the pipe are returned before any receive, and parsed first).
        _alignedReader?.SetFrameBoundary(0);
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: SendBufferSize, leaveOpen: true));
        _maxMessageSize = options.MaxMessageSize;
        _closeTimeout = options.CloseTimeout;
        SubProtocol = subProtocol;
        _keepAliveTimeout = options.KeepAliveTimeout;
        if (options.KeepAliveInterval > TimeSpan.Zero)
        {
            if (options.KeepAliveTimeout != Timeout.InfiniteTimeSpan)
            {
                _keepAliveDeadlineTimer = new Timer(static state => ((WebSocketConnection)state!).OnKeepAliveDeadline(), this, Timeout.Infinite, Timeout.Infinite);
            }

            _keepAliveTimer = new Timer(static state => ((WebSocketConnection)state!).OnKeepAlive(), this, options.KeepAliveInterval, options.KeepAliveInterval);
        }
    }

    /// <summary>The subprotocol the server selected, or <see langword="null"/>.</summary>
    public string? SubProtocol { get; }

    /// <summary>
    /// Bytes of WebSocket frames read from the transport since the handshake: headers and payloads of every frame
    /// the connection consumed (data, continuation, ping, pong and close). TLS and TCP overhead are not included.
    /// </summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>
    /// Bytes of WebSocket frames written to the transport since the handshake: headers (with their mask keys) and
    /// payloads of every frame (data, ping, pong and close). TLS and TCP overhead are not included.
    /// </summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Open, CloseSent, CloseReceived, Closed (handshake done) or Aborted.</summary>
    public WebSocketState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>Why the connection ended; <see cref="ShutdownReason.None"/> while it is open.</summary>
    public ShutdownReason ShutdownReason
    {
        get
        {
            lock (_stateLock)
            {
                return _shutdownReason;
            }
        }
    }

    /// <summary>The close status received from the server, or sent by the client on a protocol error.</summary>
    public WebSocketCloseStatus? CloseStatus
    {
        get
        {
            lock (_stateLock)
            {
                return _closeStatus;
            }
        }
    }

    /// <summary>The close reason received from the server, if any.</summary>
    public string? CloseStatusDescription
    {
        get
        {
            lock (_stateLock)
            {
                return _closeStatusDescription;
            }
        }
    }

    /// <summary>
    /// Opens a TCP connection (and TLS for wss://), performs the HTTP/1.1 upgrade and returns the open connection.
    /// The caller owns the result and must dispose it.
    /// </summary>
    /// <exception cref="WebSocketHandshakeException">The server refused the upgrade or answered with an invalid handshake.</exception>
    /// <exception cref="WebSocketConnectionException">Connect timeout (<see cref="ShutdownReason.ConnectTimeout"/>) or a socket/TLS failure (<see cref="ShutdownReason.TransportError"/>).</exception>
    public static async ValueTask<WebSocketConnection> ConnectAsync(Uri uri, WebSocketConnectionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(options);
        if (!uri.IsAbsoluteUri || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            throw new ArgumentException("The URI must be absolute with scheme ws or wss.", nameof(uri));
        }

        WebSocketHandshake.ValidateOptions(options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(options.ConnectTimeout);
        }

        // A host that is an IP address gets a socket of its own family: an IPv4 peer is then reached over AF_INET, not
        // as a v4-mapped address through a dual-mode IPv6 socket, whose every send and receive also takes the IPv6
        // code in the kernel. A name keeps the dual-mode socket, which connects to whichever family it resolves to.
        EndPoint endPoint = IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? address)
            ? new IPEndPoint(address, uri.Port)
            : new DnsEndPoint(uri.DnsSafeHost, uri.Port);
        Socket socket = address is null
            ? new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        PipeReader? reader = null;
        try
        {
            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            bool tls = uri.Scheme == "wss";
            if (tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = uri.IdnHost,
                        RemoteCertificateValidationCallback = options.RemoteCertificateValidationCallback,
                    },
                    timeout.Token).ConfigureAwait(false);
            }

            string key = WebSocketHandshake.CreateKey();
            await stream.WriteAsync(WebSocketHandshake.BuildRequest(uri, key, options), timeout.Token).ConfigureAwait(false);
            await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
            // Plain ws:// receives straight from the socket (see FrameAlignedPipeReader); TLS from the SslStream, by the same reader.
            reader = tls ? CreateReader(stream) : new FrameAlignedPipeReader(socket, ReceiveBufferSize);
            string? subProtocol = await WebSocketHandshake.ReadResponseAsync(reader, key, options, timeout.Token).ConfigureAwait(false);
            return new WebSocketConnection(stream, tls ? null : socket, reader, options, subProtocol);
        }
        catch (Exception ex)
        {
            if (reader is not null)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }

            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            if (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new WebSocketConnectionException(ShutdownReason.ConnectTimeout, $"The WebSocket connection to {uri.Host}:{uri.Port} did not open within {options.ConnectTimeout}.", ex);
            }

            if (ex is IOException or SocketException or AuthenticationException)
            {
                throw new WebSocketConnectionException(ShutdownReason.TransportError, $"The WebSocket connection to {uri.Host}:{uri.Port} failed: {ex.Message}", ex);
            }

            throw;
        }
    }

    /// <summary>
    /// Wraps a stream on which the upgrade has already happened (tests, in-memory transports). The connection
    /// takes ownership of <paramref name="stream"/>.
    /// </summary>
    internal static WebSocketConnection CreateFromStream(Stream stream, WebSocketConnectionOptions options, string? subProtocol = null)
        => new(stream, socket: null, CreateReader(stream), options, subProtocol);

    /// <summary>As <see cref="CreateFromStream"/>, over a receive pipe the caller made (tests that watch the reader).</summary>
    internal static WebSocketConnection CreateFromReaderForTests(Stream stream, PipeReader reader)
        => new(stream, socket: null, reader, new WebSocketConnectionOptions(), subProtocol: null);

    /// <summary>
    /// The receive pipe over a stream (wss://, tests): the socket reader's own segments and frame alignment, reading the
    /// stream (an SslStream keeps the rest of a TLS record when a read stops at a frame's end). It does not own the stream.
    /// </summary>
    private static FrameAlignedPipeReader CreateReader(Stream stream) => new(stream, ReceiveBufferSize);

    /// <summary>
    /// Receives the next whole data message, handling control frames on the way. The returned payload is
    /// borrowed and valid only until the next call (see <see cref="WebSocketReceivedMessage"/>). When the server
    /// closes, the close handshake is completed and a <see cref="WebSocketMessageType.Close"/> message returned;
    /// later calls throw <see cref="WebSocketConnectionException"/>. Only one call may be pending at a time.
    /// </summary>
    /// <exception cref="WebSocketProtocolException">The server broke the protocol; the connection was closed with 1002, 1007 or 1009.</exception>
    /// <exception cref="WebSocketConnectionException">The connection is gone; <see cref="WebSocketConnectionException.Reason"/> says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; the connection was aborted.</exception>
    public ValueTask<WebSocketReceivedMessage> ReceiveMessageAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfNotReceivable();
        if (Interlocked.Exchange(ref _receiveInProgress, 1) != 0)
        {
            // DisposeAsync takes the receive for good once it finds none pending; a receive that passed the check above
            // just before is told the connection is gone, not that it misused it.
            ThrowIfNotReceivable();
            throw new InvalidOperationException("Only one ReceiveMessageAsync may be pending at a time.");
        }

        bool handedOff = false;
        try
        {
            ReleaseBorrowedPayload();
            if (_retainedCount != 0 && MustWaitForReleases())
            {
                // The retained messages hold as much as they may: the general loop waits for releases before it reads.
                handedOff = true;
                return ReceiveGuardedAsync(hasPendingRead: false, default, cancellationToken);
            }

            // Synchronous fast path: while reads complete inline and no frame needs I/O (ping, close, error),
            // no async state machine is involved at all.
            while (true)
            {
                ValueTask<ReadResult> read = _reader.ReadAsync(cancellationToken);
                if (!read.IsCompletedSuccessfully)
                {
                    handedOff = true;
                    return ReceivePendingAsync(read, cancellationToken);
                }

                ReadResult result = read.Result;
                NoteReceived(result);
                switch (TryTakeBufferedMessage(result, out WebSocketReceivedMessage message))
                {
                    case SyncStep.Taken:
                        return new ValueTask<WebSocketReceivedMessage>(message);
                    case SyncStep.ReadAgain:
                        continue;
                    case SyncStep.Canceled:
                        return ValueTask.FromException<WebSocketReceivedMessage>(CreateClosedException());
                    default:
                        handedOff = true;
                        return ReceiveGuardedAsync(hasPendingRead: false, default, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is not WebSocketConnectionException)
        {
            // E.g. the reader was completed by a concurrent DisposeAsync.
            Abort(ShutdownReason.TransportError);
            return ValueTask.FromException<WebSocketReceivedMessage>(CreateClosedException(ex));
        }
        finally
        {
            if (!handedOff)
            {
                EndReceive();
            }
        }
    }

    private enum SyncStep
    {
        Taken,
        ReadAgain,
        Canceled,
        NeedsAsync,
    }

    /// <summary>
    /// Takes a complete data message from an already available read result. Anything that needs I/O is left
    /// unconsumed (or, for a protocol error, remembered) for the async path.
    /// </summary>
    private SyncStep TryTakeBufferedMessage(in ReadResult result, out WebSocketReceivedMessage message)
    {
        message = default;
        ReadOnlySequence<byte> buffer = result.Buffer;
        if (result.IsCanceled)
        {
            _reader.AdvanceTo(buffer.Start);
            return SyncStep.Canceled;
        }

        SequencePosition consumed = ParseStart(buffer);
        while (true)
        {
            SequencePosition before = consumed;
            long beforeOffset = _parseOffset;
            FrameStep step = ProcessNextFrame(buffer, ref consumed, out ReadOnlySequence<byte> payload, out Opcode opcode);
            switch (step)
            {
                case FrameStep.Continue:
                    Volatile.Write(ref _bytesReceived, _bytesReceived + _lastFrameBytes);
                    continue;
                case FrameStep.Message:
                    Volatile.Write(ref _bytesReceived, _bytesReceived + _lastFrameBytes);
                    _deferredConsumed = consumed;
                    _deferredBuffer = buffer;
                    _hasDeferredAdvance = true;
                    message = DataMessage(opcode, payload);
                    return SyncStep.Taken;
                case FrameStep.NeedMoreData when !result.IsCompleted:
                    AdvanceReader(buffer, consumed, buffer.End);
                    return SyncStep.ReadAgain;
                case FrameStep.Fail:
                    // Fragment state may already have changed; do not parse this frame twice.
                    _hasPendingFailure = true;
                    _parseOffset = beforeOffset;
                    AdvanceReader(buffer, before, before);
                    return SyncStep.NeedsAsync;
                default:
                    // Ping, close, or end of stream: re-read from this frame on the async path.
                    _parseOffset = beforeOffset;
                    AdvanceReader(buffer, before, before);
                    return SyncStep.NeedsAsync;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<WebSocketReceivedMessage> ReceiveGuardedAsync(bool hasPendingRead, ValueTask<ReadResult> pendingRead, CancellationToken cancellationToken)
    {
        try
        {
            // A pending read when PendingReceive cannot take it (its previous caller has not taken its result yet): when
            // the read completes the frame is usually whole in the buffer. Take it here with the synchronous step, so
            // that such an event costs this one async method, not also ReceiveCoreAsync's.
            while (hasPendingRead)
            {
                ReadResult result = await pendingRead.ConfigureAwait(false);
                NoteReceived(result);
                switch (TryTakeBufferedMessage(result, out WebSocketReceivedMessage message))
                {
                    case SyncStep.Taken:
                        return message;
                    case SyncStep.ReadAgain:
                        pendingRead = _reader.ReadAsync(cancellationToken);
                        continue;
                    case SyncStep.Canceled:
                        throw CreateClosedException();
                    default:
                        hasPendingRead = false; // a ping, a close, a failure or the end of the stream: the general loop
                        break;
                }
            }

            if (_hasPendingFailure)
            {
                _hasPendingFailure = false;
                await FailAsync().ConfigureAwait(false);
            }

            return await ReceiveCoreAsync(discardData: false, hasPendingRead: false, default, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abort(ShutdownReason.Canceled);
            throw;
        }
        catch (Exception ex) when (ex is not WebSocketConnectionException)
        {
            Abort(ShutdownReason.TransportError);
            throw CreateClosedException(ex);
        }
        finally
        {
            EndReceive();
        }
    }

    private void EndReceive()
    {
        Volatile.Write(ref _receiveInProgress, 0);
        if (Volatile.Read(ref _disposed) && Interlocked.CompareExchange(ref _receiveInProgress, 1, 0) == 0)
        {
            ReleaseReceiveResources();
        }
    }

    private void ReleaseBorrowedPayload()
    {
        if (_hasDeferredAdvance)
        {
            _hasDeferredAdvance = false;
            AdvanceReader(_deferredBuffer, _deferredConsumed, _deferredConsumed);
            _deferredBuffer = default;
        }

        if (!_inFragmentedMessage && _reassemblyBuffer is { Length: > RetainedReassemblyBufferSize } large)
        {
            // A rare huge fragmented message must not pin its buffer for the connection's lifetime.
            _reassemblyBuffer = null;
            _reassemblyLength = 0;
            ArrayPool<byte>.Shared.Return(large);
        }
    }

    // Pooled: a receive that waits for the network (every paced realtime event does) would otherwise box this state
    // machine each time (Perf_RealtimeSessions measured about 250 B per received event before this).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<WebSocketReceivedMessage> ReceiveCoreAsync(bool discardData, bool hasPendingRead, ValueTask<ReadResult> pendingRead, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!hasPendingRead && _retainedCount != 0 && MustWaitForReleases())
            {
                await WaitForReleasesAsync(cancellationToken).ConfigureAwait(false);
            }

            ReadResult result = hasPendingRead
                ? await pendingRead.ConfigureAwait(false)
                : await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            hasPendingRead = false;
            if (result.IsCanceled)
            {
                throw CreateClosedException();
            }

            NoteReceived(result);

            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition consumed = ParseStart(buffer);
            SequencePosition examined = buffer.End;
            bool deferAdvance = false;
            bool closeCompleted = false;
            WebSocketReceivedMessage closeMessage = default;
            try
            {
                while (!closeCompleted)
                {
                    FrameStep step = ProcessNextFrame(buffer, ref consumed, out ReadOnlySequence<byte> payload, out Opcode opcode);
                    if (step == FrameStep.NeedMoreData)
                    {
                        break;
                    }

                    if (step != FrameStep.Fail)
                    {
                        Volatile.Write(ref _bytesReceived, _bytesReceived + _lastFrameBytes);
                    }

                    switch (step)
                    {
                        case FrameStep.Ping:
                            await SendControlFrameAsync(Opcode.Pong, payload, cancellationToken).ConfigureAwait(false);
                            if (IsTerminated)
                            {
                                // Aborted or disposed meanwhile (the pong was then skipped): stop here rather than
                                // work through a burst of buffered frames.
                                throw CreateClosedException();
                            }

                            break;
                        case FrameStep.Close:
                            closeMessage = await OnCloseFrameAsync(payload, cancellationToken).ConfigureAwait(false);
                            closeCompleted = true;
                            examined = consumed;
                            break;
                        case FrameStep.Fail:
                            await FailAsync().ConfigureAwait(false);
                            break;
                        case FrameStep.Message when !discardData:
                            deferAdvance = true;
                            _deferredConsumed = consumed;
                            _deferredBuffer = buffer;
                            _hasDeferredAdvance = true;
                            return DataMessage(opcode, payload);
                    }
                }

                if (!closeCompleted && result.IsCompleted)
                {
                    bool midFrame = !buffer.Slice(consumed).IsEmpty || _inFragmentedMessage;
                    Abort(midFrame ? ShutdownReason.RemoteDisconnectedMidFrame : ShutdownReason.RemoteDisconnected);
                    throw CreateClosedException();
                }
            }
            finally
            {
                if (!deferAdvance)
                {
                    AdvanceReader(buffer, consumed, examined);
                }
            }

            if (closeCompleted)
            {
                await WaitForServerToCloseAsync().ConfigureAwait(false);
                ShutdownTransport();
                return closeMessage;
            }
        }
    }

    private enum FrameStep
    {
        NeedMoreData,
        Continue,
        Message,
        Ping,
        Close,
        Fail,
    }

    /// <summary>
    /// Decodes and judges the next frame at <paramref name="consumed"/>. Data fragments are copied into the
    /// reassembly buffer here; everything that needs I/O is returned to the caller as a step.
    /// </summary>
    private FrameStep ProcessNextFrame(in ReadOnlySequence<byte> buffer, ref SequencePosition consumed, out ReadOnlySequence<byte> payload, out Opcode opcode)
    {
        payload = default;

        // The first frame of a read result (the common case: one message per ReceiveMessageAsync) needs no slice.
        ReadOnlySequence<byte> remaining = consumed.Equals(buffer.Start) ? buffer : buffer.Slice(consumed);

        // Fast path: the whole header is in the first segment; only a header that straddles segments needs the reader.
        if (!WebSocketFrameParser.TryParse(remaining.FirstSpan, out FrameHeader header))
        {
            var reader = new SequenceReader<byte>(remaining);
            if (!WebSocketFrameParser.TryReadFrameHeader(ref reader, out header))
            {
                // At a frame boundary (nothing left), or inside a header: where the reader may stop for alignment.
                opcode = default;
                _alignedReader?.SetFrameBoundary(WebSocketFrameParser.GetBytesToJudgeHeader(remaining));
                return FrameStep.NeedMoreData;
            }
        }

        opcode = header.Opcode;
        if (header.ReservedBits != 0)
        {
            return Fail(ShutdownReason.ProtocolError, WebSocketCloseStatus.ProtocolError, "The server set reserved bits (RSV1-3) without a negotiated extension.");
        }

        if (header.Mask)
        {
            return Fail(ShutdownReason.ProtocolError, WebSocketCloseStatus.ProtocolError, "The server sent a masked frame.");
        }

        switch (header.Opcode)
        {
            case Opcode.Continuation:
                if (!_inFragmentedMessage)
                {
                    return Fail(ShutdownReason.ProtocolError, WebSocketCloseStatus.ProtocolError, "The server sent a continuation frame without a message to continue.");
                }

                break;
            case Opcode.Text:
            case Opcode.Binary:
                if (_inFragmentedMessage)
                {
                    return Fail(ShutdownReason.ProtocolError, WebSocketCloseStatus.ProtocolError, "The server started a new data message inside a fragmented one.");
                }

                break;
            case Opcode.Close:
            case Opcode.Ping:
            case Opcode.Pong:
                if (!header.Fin)
                {
                    return Fail(ShutdownReason.ProtocolError, WebSocketCloseStatus.ProtocolError, "The server sent a fragmented control frame.");
                }

                if (header.PayloadLength > FrameHeader.MaxControlPayloadLength)
                {
                    return Fail(ShutdownReason.ProtocolError, WebSocketCloseStatus.ProtocolError, "The server sent a control frame with more than 125 bytes of payload.");
                }

                break;
            default:
                return Fail(ShutdownReason.ProtocolError, WebSocketCloseStatus.ProtocolError, $"The server sent reserved opcode 0x{(byte)header.Opcode:X}.");
        }

        if (header.PayloadLength > long.MaxValue)
        {
            return Fail(ShutdownReason.ProtocolError, WebSocketCloseStatus.ProtocolError, "The server sent a 64-bit payload length with the most significant bit set.");
        }

        if (!header.IsControlFrame)
        {
            ulong total = header.PayloadLength + (ulong)(header.Opcode == Opcode.Continuation ? _reassemblyLength : 0);
            if (header.PayloadLength > (ulong)_maxMessageSize || total > (ulong)_maxMessageSize)
            {
                return Fail(ShutdownReason.MessageTooBig, WebSocketCloseStatus.MessageTooBig, $"The server sent a message larger than MaxMessageSize ({_maxMessageSize} bytes).");
            }
        }

        long length = (long)header.PayloadLength;
        if (remaining.Length - header.HeaderLength < length)
        {
            // The frame's end, so that a receive that must turn the segment over for the next frame stops there.
            _alignedReader?.SetFrameBoundary(header.HeaderLength + length - remaining.Length);
            return FrameStep.NeedMoreData;
        }

        payload = remaining.Slice(header.HeaderLength, length);
        consumed = payload.End;
        _lastFrameBytes = header.HeaderLength + length;
        _parseOffset += _lastFrameBytes;
        _alignedReader?.NoteFrame(_lastFrameBytes);

        // Where the frame ends, for the reader's alignment: 0 when the buffer ends there (one frame per receive, the usual
        // case), negative (not a boundary the reader can use) when more bytes follow. The connection receives again as
        // soon as everything buffered was parsed, without another NeedMoreData to say that the buffer ends at a frame
        // boundary; without this the reader saw a stale hint there and filled what was left of its segment, so that while
        // messages are retained (the segment is not reset under them) about one frame per segment straddled two
        // segments, and a session copied that delta instead of lending it (Perf_RealtimeReceive's lent typed row at
        // 100 ms: one delta in ten).
        _alignedReader?.SetFrameBoundary(header.HeaderLength + length - remaining.Length);
        switch (header.Opcode)
        {
            case Opcode.Ping:
                return FrameStep.Ping;
            case Opcode.Pong:
                return FrameStep.Continue;
            case Opcode.Close:
                return FrameStep.Close;
            case Opcode.Continuation:
                AppendFragment(payload);
                if (!header.Fin)
                {
                    return FrameStep.Continue;
                }

                _inFragmentedMessage = false;
                _lastMessageReassembled = true;
                opcode = _fragmentOpcode;
                payload = new ReadOnlySequence<byte>(_reassemblyBuffer!, 0, _reassemblyLength);
                break;
            default:
                _lastMessageReassembled = false;
                if (!header.Fin)
                {
                    _inFragmentedMessage = true;
                    _fragmentOpcode = header.Opcode;
                    _reassemblyLength = 0;
                    AppendFragment(payload);
                    return FrameStep.Continue;
                }

                break;
        }

        if (opcode == Opcode.Text && !(FindsUnescapedTail ? IsValidFindingUnescapedTail(payload) : Utf8Validation.IsValid(payload)))
        {
            return Fail(ShutdownReason.InvalidPayloadData, WebSocketCloseStatus.InvalidPayloadData, "The server sent a text message that is not valid UTF-8.");
        }

        return FrameStep.Message;
    }

    /// <summary>
    /// Whether each text message's UTF-8 check also finds where its plain tail starts
    /// (<see cref="WebSocketReceivedMessage.UnescapedTailStart"/>): a realtime session whose typed audio deltas are built
    /// from their offsets sets it, so that the delta's body, most of the message, is looked at once for both. Off, the
    /// connection's own receive is as it was. Set before the first receive.
    /// </summary>
    internal bool FindsUnescapedTail { get; set; }

    [MethodImpl(MethodImplOptions.NoInlining)] // off the connection's own path (ProcessNextFrame stays as it was)
    private bool IsValidFindingUnescapedTail(in ReadOnlySequence<byte> payload)
    {
        if (!payload.IsSingleSegment)
        {
            _unescapedTailStart = -1;
            return Utf8Validation.IsValid(payload);
        }

        return Utf8Validation.IsValid(payload.FirstSpan, out _unescapedTailStart);
    }

    /// <summary>A received data message, with what the UTF-8 check found when it is text (see <see cref="FindsUnescapedTail"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // built straight into the caller's message, as before
    private WebSocketReceivedMessage DataMessage(Opcode opcode, in ReadOnlySequence<byte> payload)
        => new(opcode == Opcode.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary, payload, opcode == Opcode.Text ? _unescapedTailStart : -1);

    private FrameStep Fail(ShutdownReason reason, WebSocketCloseStatus status, string message)
    {
        _failureReason = reason;
        _failureStatus = status;
        _failureMessage = message;
        return FrameStep.Fail;
    }

    private void AppendFragment(in ReadOnlySequence<byte> payload)
    {
        int needed = _reassemblyLength + (int)payload.Length;
        if (_reassemblyBuffer is null || _reassemblyBuffer.Length < needed)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 4096));
            if (_reassemblyBuffer is not null)
            {
                _reassemblyBuffer.AsSpan(0, _reassemblyLength).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_reassemblyBuffer);
            }

            _reassemblyBuffer = larger;
        }

        payload.CopyTo(_reassemblyBuffer.AsSpan(_reassemblyLength));
        _reassemblyLength = needed;
    }

    private async ValueTask FailAsync()
    {
        ShutdownReason reason = _failureReason;
        WebSocketCloseStatus status = _failureStatus;
        string message = _failureMessage ?? "The server broke the WebSocket protocol.";
        lock (_stateLock)
        {
            _closeStatus ??= status;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_closeTimeout);
            await SendCloseFrameAsync(status, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: the connection is being torn down either way.
        }

        Abort(reason);
        throw new WebSocketProtocolException(reason, status, message);
    }

    private async ValueTask<WebSocketReceivedMessage> OnCloseFrameAsync(ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        WebSocketCloseStatus status = WebSocketCloseStatus.Empty;
        string? description = null;
        if (payload.Length == 1)
        {
            Fail(ShutdownReason.ProtocolError, WebSocketCloseStatus.ProtocolError, "The server sent a close frame with a one-byte payload.");
            await FailAsync().ConfigureAwait(false);
        }
        else if (payload.Length >= 2)
        {
            Span<byte> code = stackalloc byte[2];
            payload.Slice(0, 2).CopyTo(code);
            ushort value = BinaryPrimitives.ReadUInt16BigEndian(code);
            if (!IsValidReceivedCloseStatus(value))
            {
                Fail(ShutdownReason.ProtocolError, WebSocketCloseStatus.ProtocolError, $"The server sent invalid close status {value}.");
                await FailAsync().ConfigureAwait(false);
            }

            ReadOnlySequence<byte> reason = payload.Slice(2);
            if (!Utf8Validation.IsValid(reason))
            {
                Fail(ShutdownReason.InvalidPayloadData, WebSocketCloseStatus.InvalidPayloadData, "The server sent a close reason that is not valid UTF-8.");
                await FailAsync().ConfigureAwait(false);
            }

            status = (WebSocketCloseStatus)value;
            description = reason.IsEmpty ? null : Encoding.UTF8.GetString(reason);
        }

        bool replyNeeded;
        lock (_stateLock)
        {
            _closeStatus = status;
            _closeStatusDescription = description;
            replyNeeded = !_closeSent;
            if (_state == WebSocketState.Open)
            {
                _state = WebSocketState.CloseReceived;
            }
        }

        _closeFrameReceived.TrySetResult(true);
        if (replyNeeded)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_closeTimeout);
            try
            {
                await SendCloseFrameAsync(status, description, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The server may already have closed the socket after its close frame; the handshake is still done.
            }
        }

        // The transport stays up: the receive path waits briefly for the server to close TCP first (RFC 6455 7.1.1).
        TransitionToClosed(replyNeeded ? ShutdownReason.RemoteClose : ShutdownReason.LocalClose, shutdownTransport: false);
        return new WebSocketReceivedMessage(WebSocketMessageType.Close, ReadOnlySequence<byte>.Empty, status, description);
    }

    private static bool IsValidReceivedCloseStatus(ushort value)
        => value is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    /// <summary>
    /// Sends a data frame. <paramref name="payload"/> is only read (copied into the pipe, then masked there) and may
    /// be reused when the returned task completes. With <paramref name="endOfMessage"/> false the next send continues
    /// the same message (its type is taken from the first fragment). Text payloads must be valid UTF-8; they are not
    /// checked. Sends are serialized; see the type remarks. Cancellation while waiting for the send lock only cancels
    /// this send; cancellation once the frame is being written aborts the connection.
    /// </summary>
    /// <exception cref="WebSocketConnectionException">The connection is not open.</exception>
    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken = default)
    {
        Opcode opcode = ToDataOpcode(messageType);
        return SendFrameAsync(opcode, endOfMessage, payload.Length, payload, state: (byte)0, write: null, writeMasked: null, cancellationToken);
    }

    /// <summary>
    /// Sends one whole text message of exactly <paramref name="payloadLength"/> bytes that <paramref name="write"/>
    /// produces directly in the send pipe's memory (the span passed to it is borrowed for the call only). The
    /// connection then masks the bytes in place and flushes once. With a <c>static</c> lambda and a struct
    /// <typeparamref name="TState"/> a send allocates nothing in steady state. The writer must produce valid UTF-8.
    /// </summary>
    public ValueTask SendTextAsync<TState>(int payloadLength, TState state, PayloadWriter<TState> write, CancellationToken cancellationToken = default)
        => SendWrittenAsync(Opcode.Text, payloadLength, state, write, cancellationToken);

    /// <summary>The binary counterpart of <see cref="SendTextAsync{TState}"/>; the same buffer and concurrency rules apply.</summary>
    public ValueTask SendBinaryAsync<TState>(int payloadLength, TState state, PayloadWriter<TState> write, CancellationToken cancellationToken = default)
        => SendWrittenAsync(Opcode.Binary, payloadLength, state, write, cancellationToken);

    /// <summary>
    /// <see cref="SendTextAsync{TState}"/> for a writer that masks what it writes (RFC 6455 section 5.3, from key byte 0,
    /// with the key it is given): the connection skips its own mask pass. The writer must fill the span exactly
    /// (<paramref name="payloadLength"/> bytes of the connection's send buffer, borrowed for the call) with valid UTF-8.
    /// </summary>
    internal ValueTask SendMaskedTextAsync<TState>(int payloadLength, TState state, MaskedPayloadWriter<TState> write, CancellationToken cancellationToken = default)
        => SendFrameAsync(Opcode.Text, endOfMessage: true, payloadLength, ReadOnlyMemory<byte>.Empty, state, write: null, write, cancellationToken);

    private ValueTask SendWrittenAsync<TState>(Opcode opcode, int payloadLength, TState state, PayloadWriter<TState> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return SendFrameAsync(opcode, endOfMessage: true, payloadLength, ReadOnlyMemory<byte>.Empty, state, write, writeMasked: null, cancellationToken);
    }

    private ValueTask SendFrameAsync<TState>(Opcode opcode, bool endOfMessage, int payloadLength, ReadOnlyMemory<byte> copySource, TState state, PayloadWriter<TState>? write, MaskedPayloadWriter<TState>? writeMasked, CancellationToken cancellationToken)
    {
        ThrowIfNotSendable();
        Task wait = _sendLock.WaitAsync(cancellationToken);
        if (!wait.IsCompletedSuccessfully)
        {
            return SendFrameAfterLockAsync(wait, opcode, endOfMessage, payloadLength, copySource, state, write, writeMasked, cancellationToken);
        }

        return SendFrameLockedAsync(opcode, endOfMessage, payloadLength, copySource, state, write, writeMasked, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendFrameAfterLockAsync<TState>(Task wait, Opcode opcode, bool endOfMessage, int payloadLength, ReadOnlyMemory<byte> copySource, TState state, PayloadWriter<TState>? write, MaskedPayloadWriter<TState>? writeMasked, CancellationToken cancellationToken)
    {
        await wait.ConfigureAwait(false);
        await SendFrameLockedAsync(opcode, endOfMessage, payloadLength, copySource, state, write, writeMasked, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs with the send lock held and releases it when the flush is done.</summary>
    private ValueTask SendFrameLockedAsync<TState>(Opcode opcode, bool endOfMessage, int payloadLength, ReadOnlyMemory<byte> copySource, TState state, PayloadWriter<TState>? write, MaskedPayloadWriter<TState>? writeMasked, CancellationToken cancellationToken)
    {
        ValueTask<FlushResult> flush = default;
        int ownFrameLength = 0;
        try
        {
            ThrowIfNotSendable();
            Opcode wireOpcode = _sendInFragmentedMessage ? Opcode.Continuation : opcode;
            int frameLength = WebSocketFrameParser.GetClientHeaderLength(payloadLength) + payloadLength;
            if (write is null && writeMasked is null)
            {
                if (frameLength <= SendBufferSize)
                {
                    WriteFrameCopy(GetOwnSendFrame(frameLength), wireOpcode, endOfMessage, copySource.Span);
                    ownFrameLength = frameLength;
                }
                else
                {
                    WriteFrameCopy(wireOpcode, endOfMessage, copySource.Span);
                }
            }
            else if (frameLength <= SendBufferSize)
            {
                WriteFrameInPlace(GetOwnSendFrame(frameLength), wireOpcode, endOfMessage, payloadLength, state, write, writeMasked);
                ownFrameLength = frameLength;
            }
            else
            {
                WriteFrameInPlace(_writer.GetSpan(frameLength).Slice(0, frameLength), wireOpcode, endOfMessage, payloadLength, state, write, writeMasked);
                _writer.Advance(frameLength);
            }

            _sendInFragmentedMessage = !endOfMessage;
            if (ownFrameLength == 0)
            {
                flush = _writer.FlushAsync(cancellationToken);
            }
        }
        catch
        {
            ReturnFrameInFlight(); // never handed to the transport (a writer threw): free again
            _sendLock.Release();
            throw;
        }

        if (ownFrameLength != 0)
        {
            return WriteOwnSendFrameAsync(ownFrameLength, cancellationToken);
        }

        if (flush.IsCompletedSuccessfully)
        {
            FlushResult result = flush.Result;
            _sendLock.Release();
            if (result.IsCanceled)
            {
                Abort(ShutdownReason.Canceled);
                throw CreateClosedException();
            }

            return default;
        }

        return AwaitFlushAsync(flush, cancellationToken);
    }

    /// <summary>
    /// The buffer for a data frame of at most <see cref="SendBufferSize"/> bytes, written in place or copied (an audio
    /// append of 20 or 100 ms, a typed event): the frame goes to the stream in one write, without the pipe's segment
    /// rent and return and its flush machinery, which cost more than the encode of a 20 ms append. It is the sending
    /// thread's buffer when that one is free and large enough, else the connection's own; it is
    /// <see cref="_frameInFlight"/> until the write is done (<see cref="ReturnFrameInFlight"/>). Why the thread's: at
    /// hundreds of connections each connection's own buffer has left the cache by its next send, so writing a 20 ms
    /// append into it (1.3 KB) missed the cache on every line, where one buffer per thread stays in it. The buffers are
    /// plain arrays, never pooled, and one whose write did not complete at once goes back to no one until it did:
    /// a write still in flight when the connection is torn down cannot read memory that was handed to someone else.
    /// They grow in 4 KiB steps to the largest frame sent this way. Used only under <see cref="_sendLock"/>; the pipe
    /// is empty whenever the lock is free (every holder flushes), so frames from both paths never interleave.
    /// </summary>
    private Span<byte> GetOwnSendFrame(int frameLength)
    {
        byte[]? buffer = t_sendFrame;
        if (buffer is not null && buffer.Length >= frameLength)
        {
            t_sendFrame = null; // this send's until its write is done: a send on this thread meanwhile uses its connection's
        }
        else
        {
            buffer = _sendFrame;
            if (buffer is null || buffer.Length < frameLength)
            {
                buffer = new byte[Math.Min(SendBufferSize, (frameLength + 4095) & ~4095)];
            }

            _sendFrame = null;
        }

        _frameInFlight = buffer;
        return buffer.AsSpan(0, frameLength);
    }

    /// <summary>
    /// The write of <see cref="_frameInFlight"/> completed: the buffer is free again, for this thread (the send ran on it
    /// without waiting, or its continuation runs here) or, when the thread has one at least as large, for the connection.
    /// Not called when the write failed: the buffer is then left to the collector.
    /// </summary>
    private void ReturnFrameInFlight()
    {
        byte[]? buffer = _frameInFlight;
        _frameInFlight = null;
        if (buffer is null)
        {
            return;
        }

        if (t_sendFrame is not { } threads || threads.Length < buffer.Length)
        {
            t_sendFrame = buffer;
        }
        else
        {
            _sendFrame ??= buffer;
        }
    }

    /// <summary>Writes the frame in <see cref="_frameInFlight"/> to the stream and flushes it; releases the send lock when done.</summary>
    private ValueTask WriteOwnSendFrameAsync(int frameLength, CancellationToken cancellationToken)
    {
        if (_socket is { } socket)
        {
            return SendOwnFrameToSocketAsync(socket, frameLength, cancellationToken);
        }

        ValueTask write;
        try
        {
            write = _stream.WriteAsync(_frameInFlight.AsMemory(0, frameLength), cancellationToken);
        }
        catch (Exception ex)
        {
            write = ValueTask.FromException(ex);
        }

        if (!write.IsCompletedSuccessfully)
        {
            return AwaitOwnSendFrameAsync(write, flush: null, cancellationToken);
        }

        write.GetAwaiter().GetResult(); // consumes a pooled IValueTaskSource, if the stream used one
        ReturnFrameInFlight(); // the stream is done with the bytes (a flush does not read them)
        Task flush;
        try
        {
            flush = _stream.FlushAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            flush = Task.FromException(ex);
        }

        if (!flush.IsCompletedSuccessfully)
        {
            return AwaitOwnSendFrameAsync(default, flush, cancellationToken);
        }

        _sendLock.Release();
        return default;
    }

    /// <summary>
    /// Plain ws://: the frame in <see cref="_frameInFlight"/> goes to the socket in one send (which sends all of it) without
    /// the <see cref="NetworkStream"/> layer: its write is this send plus checks, and its flush does nothing. Releases
    /// the send lock when done. A socket error surfaces as the <see cref="IOException"/> the stream made of it.
    /// </summary>
    private ValueTask SendOwnFrameToSocketAsync(Socket socket, int frameLength, CancellationToken cancellationToken)
    {
        ValueTask<int> send;
        try
        {
            send = socket.SendAsync(_frameInFlight.AsMemory(0, frameLength), SocketFlags.None, cancellationToken);
        }
        catch (Exception ex)
        {
            send = ValueTask.FromException<int>(ex);
        }

        if (!send.IsCompletedSuccessfully)
        {
            return AwaitOwnSocketSendAsync(send, cancellationToken);
        }

        _ = send.Result; // consumes the socket's pooled IValueTaskSource, if it used one
        ReturnFrameInFlight();
        _sendLock.Release();
        return default;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitOwnSocketSendAsync(ValueTask<int> send, CancellationToken cancellationToken)
    {
        try
        {
            await send.ConfigureAwait(false);
            ReturnFrameInFlight();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abort(ShutdownReason.Canceled);
            throw;
        }
        catch (Exception ex) when (ex is not WebSocketConnectionException and not OperationCanceledException)
        {
            Abort(ShutdownReason.TransportError);
            throw CreateClosedException(ex is SocketException ? new IOException($"Unable to write data to the transport connection: {ex.Message}", ex) : ex);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The rest of <see cref="WriteOwnSendFrameAsync"/> once the stream did not complete at once; the same
    /// outcomes as <see cref="AwaitFlushAsync"/>: cancellation or a transport failure aborts the connection.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitOwnSendFrameAsync(ValueTask write, Task? flush, CancellationToken cancellationToken)
    {
        try
        {
            await write.ConfigureAwait(false);
            ReturnFrameInFlight();
            await (flush ?? _stream.FlushAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abort(ShutdownReason.Canceled);
            throw;
        }
        catch (Exception ex) when (ex is not WebSocketConnectionException and not OperationCanceledException)
        {
            Abort(ShutdownReason.TransportError);
            throw CreateClosedException(ex);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush, CancellationToken cancellationToken)
    {
        try
        {
            FlushResult result = await flush.ConfigureAwait(false);
            if (result.IsCanceled)
            {
                Abort(ShutdownReason.Canceled);
                throw CreateClosedException();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abort(ShutdownReason.Canceled);
            throw;
        }
        catch (Exception ex) when (ex is not WebSocketConnectionException and not OperationCanceledException)
        {
            Abort(ShutdownReason.TransportError);
            throw CreateClosedException(ex);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Writes a whole frame into <paramref name="frame"/> (exactly its length; the caller's send buffer).</summary>
    private void WriteFrameInPlace<TState>(Span<byte> frame, Opcode opcode, bool fin, int payloadLength, TState state, PayloadWriter<TState>? write, MaskedPayloadWriter<TState>? writeMasked)
    {
        int maskKey = MaskKeySource.ForCurrentThread.Next();
        int headerLength = WebSocketFrameParser.WriteClientHeader(frame, opcode, fin, payloadLength, maskKey);
        Span<byte> payload = frame.Slice(headerLength);
        if (writeMasked is not null)
        {
            writeMasked(payload, maskKey, state);
        }
        else
        {
            write!(payload, state);
            WebSocketMask.Apply(payload, maskKey, 0);
        }

        Volatile.Write(ref _bytesSent, _bytesSent + frame.Length);
    }

    /// <summary>Copies a whole frame into <paramref name="frame"/> (exactly its length; the connection's own buffer) and masks it there.</summary>
    private void WriteFrameCopy(Span<byte> frame, Opcode opcode, bool fin, ReadOnlySpan<byte> payload)
    {
        int maskKey = MaskKeySource.ForCurrentThread.Next();
        int headerLength = WebSocketFrameParser.WriteClientHeader(frame, opcode, fin, payload.Length, maskKey);
        Span<byte> destination = frame.Slice(headerLength);
        payload.CopyTo(destination);
        WebSocketMask.Apply(destination, maskKey, 0);
        Volatile.Write(ref _bytesSent, _bytesSent + frame.Length);
    }

    private void WriteFrameCopy(Opcode opcode, bool fin, ReadOnlySpan<byte> payload)
    {
        int headerLength = WebSocketFrameParser.GetClientHeaderLength(payload.Length);
        int maskKey = MaskKeySource.ForCurrentThread.Next();
        int firstChunk = Math.Min(payload.Length, SendChunkSize);
        Span<byte> span = _writer.GetSpan(headerLength + firstChunk);
        WebSocketFrameParser.WriteClientHeader(span, opcode, fin, payload.Length, maskKey);
        _writer.Advance(headerLength);
        Volatile.Write(ref _bytesSent, _bytesSent + headerLength + payload.Length);
        int maskOffset = 0;
        while (!payload.IsEmpty)
        {
            Span<byte> destination = _writer.GetSpan(Math.Min(payload.Length, SendChunkSize));
            int count = Math.Min(destination.Length, payload.Length);
            destination = destination.Slice(0, count);
            payload.Slice(0, count).CopyTo(destination);
            maskOffset = WebSocketMask.Apply(destination, maskKey, maskOffset);
            _writer.Advance(count);
            payload = payload.Slice(count);
        }
    }

    private async ValueTask SendControlFrameAsync(Opcode opcode, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_stateLock)
            {
                if (_closeSent || _state is WebSocketState.Closed or WebSocketState.Aborted)
                {
                    return;
                }
            }

            Span<byte> body = stackalloc byte[FrameHeader.MaxControlPayloadLength];
            body = body.Slice(0, (int)payload.Length);
            payload.CopyTo(body);
            WriteFrameCopy(opcode, fin: true, body);
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async ValueTask SendCloseFrameAsync(WebSocketCloseStatus status, string? description, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_stateLock)
            {
                if (_closeSent || _state is WebSocketState.Closed or WebSocketState.Aborted)
                {
                    return;
                }

                _closeSent = true;
                if (_state == WebSocketState.Open)
                {
                    _state = WebSocketState.CloseSent;
                }
            }

            Span<byte> body = stackalloc byte[FrameHeader.MaxControlPayloadLength];
            int length = 0;
            if (status != WebSocketCloseStatus.Empty)
            {
                BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)status);
                length = 2 + (description is null ? 0 : Encoding.UTF8.GetBytes(description, body.Slice(2)));
            }

            WriteFrameCopy(Opcode.Close, fin: true, body.Slice(0, length));
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Performs the close handshake: sends a close frame with <paramref name="closeStatus"/> and waits up to
    /// <see cref="WebSocketConnectionOptions.CloseTimeout"/> for the server's close frame (data messages that arrive
    /// meanwhile are discarded unless a <see cref="ReceiveMessageAsync"/> is pending, which then sees them and the close).
    /// The socket is closed afterwards. On timeout the socket is closed and <see cref="ShutdownReason"/> is
    /// <see cref="ShutdownReason.CloseTimeout"/>; no exception is thrown. Calling it on a closed connection does nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The status cannot be sent (1005, 1006, 1015) or the description exceeds 123 UTF-8 bytes.</exception>
    public async ValueTask CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken = default)
    {
        if (closeStatus is WebSocketCloseStatus.Empty or (WebSocketCloseStatus)1006 or (WebSocketCloseStatus)1015 || (int)closeStatus < 1000 || (int)closeStatus > 4999)
        {
            throw new ArgumentException($"Close status {(int)closeStatus} cannot be sent.", nameof(closeStatus));
        }

        if (statusDescription is not null && Encoding.UTF8.GetByteCount(statusDescription) > FrameHeader.MaxControlPayloadLength - 2)
        {
            throw new ArgumentException("The close description must be at most 123 UTF-8 bytes.", nameof(statusDescription));
        }

        lock (_stateLock)
        {
            if (_state is WebSocketState.Closed or WebSocketState.Aborted)
            {
                return;
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_closeTimeout);
        try
        {
            await SendCloseFrameAsync(closeStatus, statusDescription, timeout.Token).ConfigureAwait(false);
            if (Interlocked.CompareExchange(ref _receiveInProgress, 1, 0) == 0)
            {
                // No receive is pending: drive the reader until the server's close frame.
                try
                {
                    if (State is not (WebSocketState.Closed or WebSocketState.Aborted))
                    {
                        ReleaseBorrowedPayload();
                        await ReceiveCoreAsync(discardData: true, hasPendingRead: false, default, timeout.Token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    EndReceive();
                }
            }
            else
            {
                await _closeFrameReceived.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }

            TransitionToClosed(ShutdownReason.LocalClose);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abort(ShutdownReason.Canceled);
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Abort(ShutdownReason.CloseTimeout);
        }
        catch (WebSocketConnectionException)
        {
            // The connection died while closing (server dropped it, protocol error): it is closed either way.
            Abort(ShutdownReason.TransportError);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Abort(ShutdownReason.TransportError);
        }
    }

    /// <summary>
    /// Aborts the connection without a close handshake (use <see cref="CloseAsync"/> first for a graceful close):
    /// a pending receive ends promptly with <see cref="WebSocketConnectionException"/>
    /// (<see cref="ShutdownReason.Disposed"/>), the socket is closed and pooled buffers are returned. Borrowed
    /// payloads become invalid. Safe to call more than once and concurrently with other operations.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Abort(ShutdownReason.Disposed);
        Volatile.Write(ref _disposed, true);
        if (Interlocked.CompareExchange(ref _receiveInProgress, 1, 0) == 0)
        {
            ReleaseReceiveResources();
        }

        if (_sendLock.TryEnter())
        {
            // Completing returns the pipe's buffers; it may try to flush leftovers into the already closed stream,
            // which is expected to fail. The lock is released again, not kept: a pending receive that is answering
            // a ping waits for it, and would wait forever. Nothing writes after this all the same, because every
            // holder of the lock re-checks the state (now Aborted or Closed) before it touches the writer.
            try
            {
                await _writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
            }
            finally
            {
                _sendLock.Release();
            }
        }

        ShutdownTransport();
    }

    private void ReleaseReceiveResources()
    {
        _hasDeferredAdvance = false;
        if (!DefersReaderCompletion())
        {
            CompleteReader();
        }

        byte[]? buffer = Interlocked.Exchange(ref _reassemblyBuffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Any bytes from the peer (a pong, data, a ping) count as liveness for the keep-alive timeout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NoteReceived(in ReadResult result)
    {
        if (_keepAliveDeadlineTimer is not null && !result.Buffer.IsEmpty)
        {
            Volatile.Write(ref _receivedSincePing, true);
        }
    }

    /// <summary>
    /// Starts the keep-alive timeout for the ping about to be sent, unless an earlier ping is still unanswered
    /// (its deadline stands: a peer that never answers must not be saved by more pings).
    /// </summary>
    private void ArmKeepAliveDeadline()
    {
        if (_keepAliveDeadlineTimer is null)
        {
            return;
        }

        lock (_keepAliveLock)
        {
            if (_keepAliveDeadlineArmed && !Volatile.Read(ref _receivedSincePing))
            {
                return;
            }

            Volatile.Write(ref _receivedSincePing, false);
            _keepAliveDeadlineArmed = true;
            _keepAlivePingTimestamp = Stopwatch.GetTimestamp();
            TryScheduleKeepAliveDeadline(_keepAliveTimeout);
        }
    }

    private void OnKeepAliveDeadline()
    {
        lock (_keepAliveLock)
        {
            if (!_keepAliveDeadlineArmed)
            {
                return;
            }

            if (Volatile.Read(ref _receivedSincePing))
            {
                _keepAliveDeadlineArmed = false; // answered; the next ping arms a new deadline
                return;
            }

            TimeSpan remaining = _keepAliveTimeout - Stopwatch.GetElapsedTime(_keepAlivePingTimestamp);
            if (remaining > TimeSpan.Zero)
            {
                // A callback of an earlier arming that raced with a re-arm, or an early one: wait out the rest.
                TryScheduleKeepAliveDeadline(remaining);
                return;
            }

            _keepAliveDeadlineArmed = false;
            if (Volatile.Read(ref _receiveInProgress) == 0 || _waitingForReleases)
            {
                // Nothing reads the socket, so a pong could not have been seen: no verdict (see KeepAliveTimeout).
                return;
            }
        }

        Abort(ShutdownReason.KeepAliveTimeout);
    }

    private void TryScheduleKeepAliveDeadline(TimeSpan dueTime)
    {
        try
        {
            _keepAliveDeadlineTimer!.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The connection shut down meanwhile.
        }
    }

    private void OnKeepAlive()
    {
        if (State != WebSocketState.Open || !_sendLock.TryEnter())
        {
            return; // a send is in progress, which keeps the connection alive anyway
        }

        ValueTask<FlushResult> flush;
        try
        {
            if (State != WebSocketState.Open)
            {
                _sendLock.Release(); // disposed or closing since the check above: the writer may be completed
                return;
            }

            // Before the ping is written: its pong may be received before the flush returns.
            ArmKeepAliveDeadline();
            WriteFrameCopy(Opcode.Ping, fin: true, ReadOnlySpan<byte>.Empty);
            flush = _writer.FlushAsync();
        }
        catch (Exception)
        {
            _sendLock.Release();
            return;
        }

        if (flush.IsCompleted)
        {
            _sendLock.Release();
            return;
        }

        _ = ReleaseAfterKeepAliveAsync(flush);
    }

    private async Task ReleaseAfterKeepAliveAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            await flush.ConfigureAwait(false);
        }
        catch (Exception)
        {
            Abort(ShutdownReason.TransportError);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// After the close handshake the server should close TCP first (RFC 6455 section 7.1.1); give it a moment,
    /// as ClientWebSocket does, so that the TIME_WAIT lands on the server. Bytes that still arrive are discarded.
    /// </summary>
    private async ValueTask WaitForServerToCloseAsync()
    {
        TimeSpan wait = _closeTimeout == Timeout.InfiniteTimeSpan || _closeTimeout > s_serverCloseWait ? s_serverCloseWait : _closeTimeout;
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                ReadResult result = await _reader.ReadAsync(timeout.Token).ConfigureAwait(false);

                // Retained messages stay where they are (their owners may still read them after the close): only what
                // follows them is discarded.
                _reader.AdvanceTo(RetainsAny ? result.Buffer.Start : result.Buffer.End, result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception)
        {
            // Timed out, or the transport is already gone (dispose): the socket gets closed either way.
        }
    }

    private void TransitionToClosed(ShutdownReason reason, bool shutdownTransport = true)
    {
        lock (_stateLock)
        {
            if (_state is WebSocketState.Closed or WebSocketState.Aborted)
            {
                return;
            }

            _state = WebSocketState.Closed;
            _shutdownReason = reason;
        }

        _closeFrameReceived.TrySetResult(false);
        if (shutdownTransport)
        {
            ShutdownTransport();
        }
    }

    /// <summary>Moves to Aborted (unless already closed) and tears the transport down so every pending operation ends.</summary>
    private void Abort(ShutdownReason reason)
    {
        lock (_stateLock)
        {
            if (_state is WebSocketState.Closed or WebSocketState.Aborted)
            {
                return;
            }

            _state = WebSocketState.Aborted;
            _shutdownReason = reason;
        }

        _closeFrameReceived.TrySetResult(false);
        _reader.CancelPendingRead();
        WakeReleaseWaiter();
        ShutdownTransport();
    }

    private void ShutdownTransport()
    {
        _keepAliveTimer?.Dispose();
        _keepAliveDeadlineTimer?.Dispose();
        try
        {
            _stream.Dispose();
        }
        catch (Exception)
        {
            // Disposing a broken TLS or socket stream may throw; the socket is closed regardless.
        }
    }

    private bool IsTerminated
    {
        get
        {
            lock (_stateLock)
            {
                return _state is WebSocketState.Closed or WebSocketState.Aborted;
            }
        }
    }

    private void ThrowIfNotReceivable()
    {
        // As ThrowIfNotSendable: one atomic read of a field written under _stateLock on every receive; only the failure
        // takes the lock, for a consistent message. (A receive that passes while the connection is being torn down ends
        // on the reader, which the teardown cancels.)
        if (_state is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            return;
        }

        throw CreateClosedException();
    }

    private void ThrowIfNotSendable()
    {
        // Both fields are written under _stateLock, and each read here is atomic. A send that passes may find the
        // connection closed a moment later either way (the lock's answer is stale once released); the write then
        // fails on the completed pipe. Only the failure takes the lock, for a consistent message.
        if (_state == WebSocketState.Open && !_closeSent)
        {
            return;
        }

        ThrowNotSendable();
    }

    private void ThrowNotSendable()
    {
        lock (_stateLock)
        {
            if (_state != WebSocketState.Open || _closeSent)
            {
                throw _state is WebSocketState.Closed or WebSocketState.Aborted
                    ? CreateClosedExceptionLocked(null)
                    : new WebSocketConnectionException(ShutdownReason.None, _closeStatus, $"The WebSocket connection is closing ({_state}); no more data can be sent.");
            }
        }
    }

    private WebSocketConnectionException CreateClosedException(Exception? innerException = null)
    {
        lock (_stateLock)
        {
            return CreateClosedExceptionLocked(innerException);
        }
    }

    private WebSocketConnectionException CreateClosedExceptionLocked(Exception? innerException)
        => new(_shutdownReason, _closeStatus, $"The WebSocket connection is {_state} ({_shutdownReason}).", innerException);

    private static Opcode ToDataOpcode(WebSocketMessageType messageType) => messageType switch
    {
        WebSocketMessageType.Text => Opcode.Text,
        WebSocketMessageType.Binary => Opcode.Binary,
        _ => throw new ArgumentOutOfRangeException(nameof(messageType), "Only Text and Binary can be sent; use CloseAsync to close."),
    };
}
