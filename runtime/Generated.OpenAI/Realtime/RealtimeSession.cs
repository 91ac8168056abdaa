using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// What every realtime session shares: one receive loop over a <see cref="WebSocketConnection"/>, the event
/// stream, error correlation by client <c>event_id</c>, the zero-allocation audio paths and the lifetime.
/// </summary>
/// <typeparam name="TServerEvent">The server event union of the endpoint family.</typeparam>
/// <remarks>
/// <para><b>Receive loop.</b> The session starts exactly one loop when it connects. It keeps a receive pending
/// at all times (so pings are answered), decodes audio deltas into <see cref="AudioSink"/> when one is set, parses
/// every other message into <typeparamref name="TServerEvent"/> (unknown types become the union's <c>Unknown</c>
/// case and are never dropped), updates the session's state (transcripts, tools, acknowledgements) and queues the
/// event for <see cref="ReadEventsAsync"/>. Events are buffered without bound until read.</para>
/// <para><b>Concurrency.</b> One consumer of <see cref="ReadEventsAsync"/> at a time; any number of concurrent
/// senders (frames are serialized by the connection).</para>
/// <para><b>End.</b> The loop ends when the server closes (the event stream completes), when the connection
/// fails (the stream throws <see cref="WebSocketConnectionException"/> or <see cref="WebSocketProtocolException"/>),
/// when the server sends something that is not an event (<see cref="RealtimeProtocolException"/>) or on
/// <see cref="DisposeAsync"/>, which closes gracefully (bounded by <see cref="RealtimeSessionOptions.CloseTimeout"/>)
/// and stops the loop within a second.</para>
/// </remarks>
public abstract class RealtimeSession<TServerEvent> : IAsyncDisposable
    where TServerEvent : class
{
    private const int InitialAudioBufferSize = 32 * 1024;
    private const int MaxEventIdBytes = 512;

    private readonly WebSocketConnection _connection;
    private readonly RealtimeSessionOptions _options;
    private readonly Channel<TServerEvent> _events = Channel.CreateUnbounded<TServerEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private readonly Dictionary<string, string?> _sentTypes = new(StringComparer.Ordinal);
    private readonly Queue<string> _sentOrder = new();
    private readonly List<RealtimeErrorException> _errors = [];
    private readonly List<Waiter> _waiters = [];
    private readonly string _eventIdPrefix = "evt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + "_";
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _audioBuffer;
    private RealtimeAudioSink? _audioSink;
    private Task _receiveLoop = Task.CompletedTask;
    private long _nextEventId;
    private long _audioBytesReceived;
    private volatile bool _disposing;
    private Exception? _terminalException;
    private WebSocketCloseStatus? _closeStatus;

    private protected RealtimeSession(WebSocketConnection connection, RealtimeSessionOptions options)
    {
        _connection = connection;
        _options = options;
        _audioSink = options.AudioSink;
        _audioBuffer = ArrayPool<byte>.Shared.Rent(InitialAudioBufferSize);
    }

    /// <summary>
    /// Where received audio deltas go (see <see cref="RealtimeSessionOptions.AudioSink"/>); can be changed at any time.
    /// </summary>
    public RealtimeAudioSink? AudioSink
    {
        get => Volatile.Read(ref _audioSink);
        set => Volatile.Write(ref _audioSink, value);
    }

    /// <summary>Total PCM16 bytes decoded into <see cref="AudioSink"/> so far.</summary>
    public long AudioBytesReceived => Interlocked.Read(ref _audioBytesReceived);

    /// <summary>The subprotocol the server selected, if any.</summary>
    public string? SubProtocol => _connection.SubProtocol;

    /// <summary>Why the connection ended; <see cref="ShutdownReason.None"/> while it is open.</summary>
    public ShutdownReason ShutdownReason => _connection.ShutdownReason;

    /// <summary>Completes (never faults) when the receive loop has ended.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Why the receive loop ended abnormally, or <see langword="null"/> (still running, server close, dispose).</summary>
    public Exception? TerminalException => Volatile.Read(ref _terminalException);

    /// <summary>The <c>error</c> events received so far, in order.</summary>
    public IReadOnlyList<RealtimeErrorException> Errors
    {
        get
        {
            lock (_lock)
            {
                return _errors.ToArray();
            }
        }
    }

    /// <summary>
    /// Raised on the receive loop for every <c>error</c> event (also published in the event stream). Keep it quick;
    /// an exception thrown by a handler ends the session.
    /// </summary>
    public event Action<RealtimeErrorException>? ErrorReceived;

    private protected abstract ReadOnlySpan<byte> AudioDeltaType { get; }

    private protected abstract RealtimeAudioAppendEvent AppendEventType { get; }

    private protected abstract int DefaultChunkBytes { get; }

    /// <summary>
    /// The stream of every server event, in arrival order. Completes when the server closes the session; throws the
    /// exception that ended it otherwise. One enumeration at a time; cancelling <paramref name="cancellationToken"/>
    /// ends the enumeration (the session goes on).
    /// </summary>
    public IAsyncEnumerable<TServerEvent> ReadEventsAsync(CancellationToken cancellationToken = default) => _events.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Reads the next event, or <see langword="null"/> when the session closed normally.</summary>
    public async ValueTask<TServerEvent?> ReadEventAsync(CancellationToken cancellationToken = default)
    {
        if (await _events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) && _events.Reader.TryRead(out TServerEvent? item))
        {
            return item;
        }

        return null;
    }

    /// <summary>
    /// Waits for the <c>error</c> event the server sends for the client event <paramref name="clientEventId"/>
    /// (returned by the send methods). Returns at once if it already arrived.
    /// </summary>
    /// <exception cref="RealtimeSessionClosedException">The session ended before such an error arrived.</exception>
    public Task<RealtimeErrorException> WaitForErrorAsync(string clientEventId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientEventId);
        var waiter = new Waiter(clientEventId, null, errorOnly: true);
        lock (_lock)
        {
            foreach (RealtimeErrorException error in _errors)
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
        }

        return AwaitErrorAsync(waiter, cancellationToken);
    }

    /// <summary>
    /// Sends one input-audio append event with <paramref name="pcm16"/> (24 kHz mono PCM16, little-endian),
    /// base64-encoded straight into the socket's send buffer: no allocation per call. The event carries no
    /// <c>event_id</c>; an <c>error</c> about it arrives uncorrelated.
    /// </summary>
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken = default)
    {
        if ((pcm16.Length & 1) != 0)
        {
            throw new ArgumentException("PCM16 audio must have an even number of bytes.", nameof(pcm16));
        }

        return _connection.SendAudioAppendAsync(AppendEventType, pcm16, null, cancellationToken);
    }

    /// <summary>
    /// Sends a PCM16 stream (24 kHz mono) in chunks (default 100 ms; 200 ms for translation), optionally paced to real
    /// time. The stream is read to its end; a trailing odd byte is dropped. Returns the number of bytes sent.
    /// </summary>
    public async Task<long> SendAudioAsync(Stream pcm16, RealtimeAudioStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pcm16);
        int chunk = options is { ChunkBytes: > 0 } ? options.ChunkBytes : DefaultChunkBytes;
        if ((chunk & 1) != 0)
        {
            throw new ArgumentException("The chunk size must be even.", nameof(options));
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunk);
        try
        {
            long total = 0;
            long started = Stopwatch.GetTimestamp();
            while (true)
            {
                int read = await pcm16.ReadAtLeastAsync(buffer.AsMemory(0, chunk), chunk, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                read &= ~1;
                if (read == 0)
                {
                    return total;
                }

                await SendAudioAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                total += read;
                options?.Progress?.Report(total);
                if (options is { PaceInRealTime: true })
                {
                    TimeSpan due = TimeSpan.FromSeconds(total / (double)RealtimeAudio.BytesPerSecond) - Stopwatch.GetElapsedTime(started);
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Closes gracefully (close frame 1000, bounded by <see cref="RealtimeSessionOptions.CloseTimeout"/>), stops the
    /// receive loop within a second, closes the socket and returns the pooled buffers. Safe to call more than once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposing)
        {
            await _completion.Task.ConfigureAwait(false);
            return;
        }

        _disposing = true;
        OnDisposing();
        if (!_completion.Task.IsCompleted && _connection.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.CloseTimeout);
                await _connection.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketConnectionException or InvalidOperationException)
            {
                // Closing is best effort; the connection is aborted below either way.
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        if (_receiveLoop.IsCompleted)
        {
            byte[] buffer = Interlocked.Exchange(ref _audioBuffer, []);
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        GC.SuppressFinalize(this);
    }

    internal void Start() => _receiveLoop = Task.Run(ReceiveLoopAsync);

    /// <summary>Serializes <paramref name="model"/>, gives it an <c>event_id</c> if it has none, sends it and returns the id.</summary>
    private protected ValueTask<string> SendModelAsync<T>(T model, CancellationToken cancellationToken)
        where T : IJsonModel<T>
        => SendJsonAsync(JsonModel.SerializeToUtf8Bytes(model), cancellationToken);

    /// <summary>Sends a client event given as JSON; adds <c>event_id</c> when missing; returns the event id.</summary>
    private protected async ValueTask<string> SendJsonAsync(byte[] json, CancellationToken cancellationToken)
    {
        (byte[] payload, string eventId) = PrepareEvent(json);
        await _connection.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        return eventId;
    }

    /// <summary>
    /// Sends a client event and waits for the first server event that <paramref name="isAcknowledgement"/> accepts, or
    /// throws <see cref="RealtimeErrorException"/> when the server answers the event with an <c>error</c>.
    /// </summary>
    private protected async Task<TServerEvent> SendAndWaitAsync(byte[] json, Func<TServerEvent, bool> isAcknowledgement, CancellationToken cancellationToken)
    {
        (byte[] payload, string eventId) = PrepareEvent(json);
        var waiter = new Waiter(eventId, isAcknowledgement, errorOnly: false);
        lock (_lock)
        {
            if (_completion.Task.IsCompleted)
            {
                throw CreateClosedException();
            }

            _waiters.Add(waiter);
        }

        try
        {
            await _connection.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            return (TServerEvent)await waiter.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            RemoveWaiter(waiter);
        }
    }

    private protected abstract TServerEvent ParseEvent(in ReadOnlySequence<byte> json);

    private protected abstract TServerEvent CreateUnknown(JsonElement json);

    private protected abstract RealtimeServerEventError? GetError(TServerEvent serverEvent);

    /// <summary>Session state updates; runs on the receive loop before the event is published.</summary>
    private protected virtual void OnEvent(TServerEvent serverEvent)
    {
    }

    /// <summary>Runs first in <see cref="DisposeAsync"/>: stop background work.</summary>
    private protected virtual void OnDisposing()
    {
    }

    /// <summary>Runs on the receive loop after an audio delta was decoded into the sink.</summary>
    private protected virtual void OnAudioDecoded(int pcmBytes)
    {
    }

    /// <summary>
    /// Handles one received message: the audio fast path, else parse, update state and publish. Internal so that
    /// tests can measure the per-delta allocation of the sink path without a socket.
    /// </summary>
    internal void ProcessMessage(in ReadOnlySequence<byte> payload)
    {
        RealtimeAudioSink? sink = Volatile.Read(ref _audioSink);
        if (sink is not null && TryDecodeAudio(payload, sink) && !_options.EmitAudioDeltaEvents)
        {
            return;
        }

        TServerEvent serverEvent = Parse(payload);
        RealtimeServerEventError? error = GetError(serverEvent);
        if (error is not null)
        {
            HandleError(error);
        }

        OnEvent(serverEvent);
        CompleteWaiters(serverEvent);
        _events.Writer.TryWrite(serverEvent);
    }

    private bool TryDecodeAudio(in ReadOnlySequence<byte> payload, RealtimeAudioSink sink)
    {
        if (!RealtimeAudioDeltaReader.IsEventType(payload, AudioDeltaType))
        {
            return false;
        }

        AudioDeltaStatus status = RealtimeAudioDeltaReader.DecodeDelta(payload, _audioBuffer, out int written);
        if (status == AudioDeltaStatus.DestinationTooSmall)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(written);
            ArrayPool<byte>.Shared.Return(_audioBuffer);
            _audioBuffer = larger;
            status = RealtimeAudioDeltaReader.DecodeDelta(payload, _audioBuffer, out written);
        }

        if (status != AudioDeltaStatus.Done)
        {
            // Not decodable: publish it as a parsed event instead, so that nothing is lost silently.
            return false;
        }

        Interlocked.Add(ref _audioBytesReceived, written);
        OnAudioDecoded(written);
        sink(new ReadOnlySpan<byte>(_audioBuffer, 0, written));
        return true;
    }

    private TServerEvent Parse(in ReadOnlySequence<byte> payload)
    {
        try
        {
            return ParseEvent(payload);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            // Either not JSON at all, or a known type whose payload does not fit the spec (e.g. a required member
            // missing): keep the raw JSON as the Unknown case rather than dropping it.
            JsonElement element;
            try
            {
                var reader = new Utf8JsonReader(payload);
                element = JsonElement.ParseValue(ref reader);
            }
            catch (JsonException notJson)
            {
                throw new RealtimeProtocolException("The server sent a message that is not JSON.", Preview(payload), notJson);
            }

            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new RealtimeProtocolException($"The server sent a JSON {element.ValueKind}, not an event object.", Preview(payload));
            }

            return CreateUnknown(element);
        }
    }

    private void HandleError(RealtimeServerEventError error)
    {
        string? clientEventId = error.Error.EventId;
        RealtimeErrorException exception;
        lock (_lock)
        {
            string? type = null;
            if (clientEventId is not null)
            {
                _sentTypes.TryGetValue(clientEventId, out type);
            }

            exception = new RealtimeErrorException(error, type);
            _errors.Add(exception);
            if (clientEventId is not null)
            {
                for (int i = _waiters.Count - 1; i >= 0; i--)
                {
                    Waiter waiter = _waiters[i];
                    if (waiter.EventId == clientEventId)
                    {
                        _waiters.RemoveAt(i);
                        if (waiter.ErrorOnly)
                        {
                            waiter.Completion.TrySetResult(exception);
                        }
                        else
                        {
                            waiter.Completion.TrySetException(exception);
                        }
                    }
                }
            }
        }

        ErrorReceived?.Invoke(exception);
    }

    private void CompleteWaiters(TServerEvent serverEvent)
    {
        lock (_lock)
        {
            for (int i = 0; i < _waiters.Count; i++)
            {
                Waiter waiter = _waiters[i];
                if (waiter.Match is not null && waiter.Match(serverEvent))
                {
                    _waiters.RemoveAt(i);
                    waiter.Completion.TrySetResult(serverEvent);
                    return;
                }
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        Exception? terminal = null;
        try
        {
            while (true)
            {
                WebSocketReceivedMessage message = await _connection.ReceiveMessageAsync(_stop.Token).ConfigureAwait(false);
                if (message.MessageType == WebSocketMessageType.Close)
                {
                    _closeStatus = message.CloseStatus;
                    break;
                }

                ProcessMessage(message.Payload);
            }
        }
        catch (Exception ex) when (_disposing && ex is OperationCanceledException or WebSocketConnectionException)
        {
            // DisposeAsync stopped the loop.
        }
        catch (RealtimeProtocolException ex)
        {
            terminal = ex;
            try
            {
                using var timeout = new CancellationTokenSource(_options.CloseTimeout);
                await _connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "invalid realtime event", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception closeError) when (closeError is OperationCanceledException or WebSocketConnectionException or InvalidOperationException)
            {
            }
        }
        catch (Exception ex)
        {
            terminal = ex;
        }
        finally
        {
            Volatile.Write(ref _terminalException, terminal);
            _events.Writer.TryComplete(terminal);
            Waiter[] waiters;
            lock (_lock)
            {
                waiters = _waiters.ToArray();
                _waiters.Clear();
                _completion.TrySetResult();
            }

            foreach (Waiter waiter in waiters)
            {
                waiter.Completion.TrySetException(CreateClosedException());
            }
        }
    }

    private Exception CreateClosedException()
    {
        Exception? terminal = Volatile.Read(ref _terminalException);
        string message = terminal is not null
            ? "The realtime session ended: " + terminal.Message
            : _disposing ? "The realtime session was disposed." : "The server closed the realtime session.";
        return new RealtimeSessionClosedException(message, _closeStatus ?? _connection.CloseStatus, terminal);
    }

    private (byte[] Payload, string EventId) PrepareEvent(byte[] json)
    {
        string eventId;
        byte[] payload = json;
        Span<byte> existing = stackalloc byte[MaxEventIdBytes];
        if (RealtimeAudioDeltaReader.TryCopyString(json, "event_id"u8, existing, out int length) == OperationStatus.Done)
        {
            eventId = Encoding.UTF8.GetString(existing.Slice(0, length));
        }
        else
        {
            int open = Array.IndexOf(json, (byte)'{');
            if (open < 0)
            {
                throw new ArgumentException("A client event must be a JSON object.", nameof(json));
            }

            eventId = _eventIdPrefix + Interlocked.Increment(ref _nextEventId).ToString(CultureInfo.InvariantCulture);
            byte[] property = Encoding.UTF8.GetBytes("\"event_id\":\"" + eventId + "\"");
            bool empty = json.AsSpan(open + 1).TrimStart(" \t\r\n"u8).StartsWith("}"u8);
            payload = new byte[json.Length + property.Length + (empty ? 0 : 1)];
            json.AsSpan(0, open + 1).CopyTo(payload);
            property.CopyTo(payload, open + 1);
            int rest = open + 1 + property.Length;
            if (!empty)
            {
                payload[rest++] = (byte)',';
            }

            json.AsSpan(open + 1).CopyTo(payload.AsSpan(rest));
        }

        string? type = RealtimeAudioDeltaReader.TryGetEventType(payload, out ReadOnlySpan<byte> typeUtf8) ? Encoding.UTF8.GetString(typeUtf8) : null;
        lock (_lock)
        {
            if (_sentTypes.TryAdd(eventId, type))
            {
                _sentOrder.Enqueue(eventId);
                while (_sentOrder.Count > Math.Max(1, _options.SentEventHistory))
                {
                    _sentTypes.Remove(_sentOrder.Dequeue());
                }
            }
        }

        return (payload, eventId);
    }

    private async Task<RealtimeErrorException> AwaitErrorAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        try
        {
            return (RealtimeErrorException)await waiter.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
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
        }
    }

    private static string Preview(in ReadOnlySequence<byte> payload)
    {
        ReadOnlySequence<byte> head = payload.Slice(0, Math.Min(payload.Length, 256));
        return Encoding.UTF8.GetString(head);
    }

    private sealed class Waiter(string? eventId, Func<TServerEvent, bool>? match, bool errorOnly)
    {
        public string? EventId { get; } = eventId;

        public Func<TServerEvent, bool>? Match { get; } = match;

        public bool ErrorOnly { get; } = errorOnly;

        public TaskCompletionSource<object> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
