using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Sse;

/// <summary>
/// Reads <c>text/event-stream</c> events (WHATWG HTML "server-sent events") from a <see cref="PipeReader"/>:
/// <c>event</c>, <c>data</c> (several lines joined with <c>\n</c>), <c>id</c> and <c>retry</c> fields; CRLF, LF or CR
/// line endings, split anywhere between reads; comment lines; a leading UTF-8 BOM. OpenAI's <c>data: [DONE]</c>
/// sentinel ends the stream.
/// </summary>
/// <remarks>
/// <para>
/// Low-allocation contract: after <see cref="ReadAsync"/> returns <see langword="true"/>, <see cref="Data"/>,
/// <see cref="EventName"/> and <see cref="LastEventId"/> are borrowed views of buffers owned by the reader, valid
/// until the next <see cref="ReadAsync"/> or <see cref="DisposeAsync"/>. Nothing refers to pipe memory after a read
/// returns. <see cref="ReadAllAsync"/> copies each event instead.
/// </para>
/// <para>One consumer at a time; not thread-safe.</para>
/// <para>
/// An event is dispatched at a blank line if it had a <c>data</c> or <c>event</c> field; an unterminated event at
/// the end of the stream is discarded, as the specification requires.
/// </para>
/// </remarks>
public sealed class SseReader : IAsyncDisposable
{
    /// <summary>The default for <see cref="MaxLineLength"/>: 16 MiB.</summary>
    public const int DefaultMaxLineLength = 16 * 1024 * 1024;

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> LineEnds => "\r\n"u8;
    private static ReadOnlySpan<byte> DoneSentinel => "[DONE]"u8;

    private readonly PipeReader _reader;
    private readonly bool _leaveOpen;
    private byte[] _data;
    private int _dataLength;
    private bool _hasData;
    private byte[] _eventName;
    private int _eventNameLength;
    private bool _hasEventName;
    private byte[] _lastEventId;
    private int _lastEventIdLength;
    private bool _hasLastEventId;
    private int? _retry;
    private bool _bomChecked;
    private bool _skipLineFeed;
    private bool _ended;
    private bool _returnedEvent;
    private bool _disposed;

    /// <summary>Creates a reader over a stream (for example <c>PipelineResponse.ContentStream</c>).</summary>
    /// <param name="stream">The event stream.</param>
    /// <param name="leaveOpen">Whether <see cref="DisposeAsync"/> leaves <paramref name="stream"/> open.</param>
    public SseReader(Stream stream, bool leaveOpen = false)
        : this(PipeReader.Create(stream ?? throw new ArgumentNullException(nameof(stream)), new StreamPipeReaderOptions(leaveOpen: leaveOpen)), leaveOpen: false)
    {
    }

    /// <summary>Creates a reader over a pipe.</summary>
    /// <param name="reader">The pipe to read events from.</param>
    /// <param name="leaveOpen">Whether <see cref="DisposeAsync"/> leaves <paramref name="reader"/> uncompleted.</param>
    public SseReader(PipeReader reader, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _leaveOpen = leaveOpen;
        _data = ArrayPool<byte>.Shared.Rent(1024);
        _eventName = ArrayPool<byte>.Shared.Rent(64);
        _lastEventId = ArrayPool<byte>.Shared.Rent(64);
    }

    /// <summary>The longest line accepted; a longer one fails the read with <see cref="InvalidDataException"/>.</summary>
    public int MaxLineLength { get; init; } = DefaultMaxLineLength;

    /// <summary>The current event's data (UTF-8, lines joined with <c>\n</c>); borrowed until the next read.</summary>
    public ReadOnlyMemory<byte> Data => _data.AsMemory(0, _dataLength);

    /// <summary>The current event's <c>event:</c> field (UTF-8); empty when it had none. Borrowed until the next read.</summary>
    public ReadOnlyMemory<byte> EventName => _eventName.AsMemory(0, _eventNameLength);

    /// <summary>Whether the current event had an <c>event:</c> field.</summary>
    public bool HasEventName => _hasEventName;

    /// <summary>The last <c>id:</c> seen on the stream (UTF-8); empty when none. Borrowed until the next read.</summary>
    public ReadOnlyMemory<byte> LastEventId => _lastEventId.AsMemory(0, _lastEventIdLength);

    /// <summary>The <c>retry:</c> value (milliseconds) given in the current event, or <see langword="null"/>.</summary>
    public int? Retry => _retry;

    /// <summary>Whether the stream ended with the <c>[DONE]</c> sentinel.</summary>
    public bool IsDone { get; private set; }

    /// <summary>Whether the current event's <c>event:</c> field equals <paramref name="utf8Name"/>, without allocating.</summary>
    /// <param name="utf8Name">The event name in UTF-8, for example <c>"response.completed"u8</c>.</param>
    public bool IsEvent(ReadOnlySpan<byte> utf8Name) => _hasEventName && EventName.Span.SequenceEqual(utf8Name);

    /// <summary>
    /// Advances to the next event. Returns <see langword="false"/> at the end of the stream or at <c>[DONE]</c>
    /// (see <see cref="IsDone"/>), after which it keeps returning <see langword="false"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for data.</param>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ended)
        {
            return false;
        }
        if (_returnedEvent)
        {
            // Fields of a partly read event survive a cancelled read; only a returned event is cleared.
            ResetEvent();
            _returnedEvent = false;
        }
        while (true)
        {
            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition consumed = buffer.Start;
            bool dispatched = false;
            try
            {
                dispatched = TryReadEvent(buffer, result.IsCompleted, out consumed);
            }
            finally
            {
                // After an event, stop at what was consumed so the buffered rest is parsed without new data;
                // otherwise everything was examined and the next read waits for more bytes.
                if (dispatched)
                {
                    _reader.AdvanceTo(consumed);
                }
                else
                {
                    _reader.AdvanceTo(consumed, buffer.End);
                }
            }

            if (dispatched)
            {
                if (Data.Span.StartsWith(DoneSentinel))
                {
                    IsDone = true;
                    _ended = true;
                    ResetEvent();
                    return false;
                }
                _returnedEvent = true;
                return true;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                // An unterminated event at the end is discarded.
                _ended = result.IsCompleted;
                ResetEvent();
                return false;
            }
        }
    }

    /// <summary>Copies the current event (after <see cref="ReadAsync"/> returned <see langword="true"/>).</summary>
    public SseEvent ToEvent() => new(
        _hasEventName ? Encoding.UTF8.GetString(EventName.Span) : null,
        Encoding.UTF8.GetString(Data.Span),
        _hasLastEventId ? Encoding.UTF8.GetString(LastEventId.Span) : null,
        _retry);

    /// <summary>Reads the remaining events, each copied into an <see cref="SseEvent"/>, until the end or <c>[DONE]</c>.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public async IAsyncEnumerable<SseEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ToEvent();
        }
    }

    /// <summary>Completes the pipe (unless left open) and returns the reader's buffers to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_leaveOpen)
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }
        ArrayPool<byte>.Shared.Return(_data);
        ArrayPool<byte>.Shared.Return(_eventName);
        ArrayPool<byte>.Shared.Return(_lastEventId);
        _data = _eventName = _lastEventId = [];
        _dataLength = _eventNameLength = _lastEventIdLength = 0;
    }

    /// <summary>Parses complete lines until an event is dispatched (true) or input runs out (false).</summary>
    private bool TryReadEvent(ReadOnlySequence<byte> buffer, bool isCompleted, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        consumed = reader.Position;
        if (!_bomChecked)
        {
            if (reader.Remaining < Bom.Length && !isCompleted)
            {
                Span<byte> start = stackalloc byte[Bom.Length];
                int length = (int)reader.Remaining;
                buffer.CopyTo(start);
                if (Bom.StartsWith(start[..length]))
                {
                    return false; // Could still be a BOM: wait for more bytes.
                }
            }
            _bomChecked = true;
            if (reader.IsNext(Bom, advancePast: true))
            {
                consumed = reader.Position;
            }
        }

        while (true)
        {
            if (_skipLineFeed)
            {
                if (!reader.TryPeek(out byte next))
                {
                    return false;
                }
                _skipLineFeed = false;
                if (next == (byte)'\n')
                {
                    reader.Advance(1);
                    consumed = reader.Position;
                }
            }

            if (!reader.TryReadToAny(out ReadOnlySequence<byte> line, LineEnds, advancePastDelimiter: false))
            {
                if (reader.Remaining > MaxLineLength)
                {
                    throw new InvalidDataException($"A server-sent event line exceeds {MaxLineLength} bytes.");
                }
                return false;
            }
            reader.TryRead(out byte delimiter);
            if (delimiter == (byte)'\r')
            {
                if (reader.TryPeek(out byte next))
                {
                    if (next == (byte)'\n')
                    {
                        reader.Advance(1);
                    }
                }
                else
                {
                    _skipLineFeed = true; // A CR at the end of the buffer: a following LF belongs to it.
                }
            }
            consumed = reader.Position;
            if (ProcessLine(line))
            {
                return true;
            }
        }
    }

    /// <summary>Applies one line; returns true when it is the blank line that dispatches a non-empty event.</summary>
    private bool ProcessLine(ReadOnlySequence<byte> line)
    {
        if (line.IsEmpty)
        {
            return _hasData || _hasEventName;
        }
        if (FirstByte(line) == (byte)':')
        {
            return false; // Comment (OpenAI and proxies use these as keep-alives).
        }

        ReadOnlySequence<byte> name;
        ReadOnlySequence<byte> value;
        SequencePosition? colon = line.PositionOf((byte)':');
        if (colon is { } position)
        {
            name = line.Slice(0, position);
            value = line.Slice(line.GetPosition(1, position));
            if (!value.IsEmpty && FirstByte(value) == (byte)' ')
            {
                value = value.Slice(1);
            }
        }
        else
        {
            name = line;
            value = ReadOnlySequence<byte>.Empty;
        }

        if (name.Length > 5)
        {
            return false; // Longer than every known field name.
        }
        Span<byte> field = stackalloc byte[5];
        field = field[..(int)name.Length];
        name.CopyTo(field);

        if (field.SequenceEqual("data"u8))
        {
            int extra = (int)value.Length + (_hasData ? 1 : 0);
            EnsureCapacity(ref _data, _dataLength, extra);
            if (_hasData)
            {
                _data[_dataLength++] = (byte)'\n';
            }
            value.CopyTo(_data.AsSpan(_dataLength));
            _dataLength += (int)value.Length;
            _hasData = true;
        }
        else if (field.SequenceEqual("event"u8))
        {
            EnsureCapacity(ref _eventName, 0, (int)value.Length);
            value.CopyTo(_eventName);
            _eventNameLength = (int)value.Length;
            _hasEventName = true;
        }
        else if (field.SequenceEqual("id"u8))
        {
            if (value.PositionOf((byte)0) is null)
            {
                EnsureCapacity(ref _lastEventId, 0, (int)value.Length);
                value.CopyTo(_lastEventId);
                _lastEventIdLength = (int)value.Length;
                _hasLastEventId = true;
            }
        }
        else if (field.SequenceEqual("retry"u8))
        {
            if (TryParseDigits(value, out int retry))
            {
                _retry = retry;
            }
        }
        // Unknown fields are ignored.
        return false;
    }

    /// <summary>The first byte of a non-empty sequence, skipping empty segments.</summary>
    private static byte FirstByte(in ReadOnlySequence<byte> sequence)
    {
        if (!sequence.FirstSpan.IsEmpty)
        {
            return sequence.FirstSpan[0];
        }
        foreach (ReadOnlyMemory<byte> segment in sequence)
        {
            if (!segment.IsEmpty)
            {
                return segment.Span[0];
            }
        }
        throw new InvalidOperationException("The sequence is empty.");
    }

    private static bool TryParseDigits(ReadOnlySequence<byte> value, out int result)
    {
        result = 0;
        if (value.IsEmpty || value.Length > 10)
        {
            return false;
        }
        long accumulated = 0;
        foreach (ReadOnlyMemory<byte> segment in value)
        {
            foreach (byte b in segment.Span)
            {
                if (b is < (byte)'0' or > (byte)'9')
                {
                    return false;
                }
                accumulated = (accumulated * 10) + (b - '0');
            }
        }
        if (accumulated > int.MaxValue)
        {
            return false;
        }
        result = (int)accumulated;
        return true;
    }

    private static void EnsureCapacity(ref byte[] buffer, int used, int extra)
    {
        int needed = used + extra;
        if (needed <= buffer.Length)
        {
            return;
        }
        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
        buffer.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }

    private void ResetEvent()
    {
        _dataLength = 0;
        _hasData = false;
        _eventNameLength = 0;
        _hasEventName = false;
        _retry = null;
    }
}
