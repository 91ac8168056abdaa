using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// Frame-aligned segments: with the connection's hints (<c>NoteFrame</c>, <c>SetFrameBoundary</c>) the reader ends a
/// receive where a frame of the largest recent length may still start and end in the segment, or at the end of the frame
/// the buffer ends in; the next frame then starts a fresh segment. Over a stream that records how many bytes each read
/// asked for, playing the consumer by hand (everything kept, as while a connection retains messages), and over a real
/// connection that retains what it receives.
/// </summary>
public sealed class FrameAlignedPipeReaderAlignmentTests(ITestOutputHelper output)
{
    private const int SegmentSize = 64 * 1024;

    [Fact]
    public async Task A_frame_that_fits_in_what_is_left_is_received_up_to_its_end_in_the_same_segment()
    {
        var stream = new RecordingStream(Bytes(300_000));
        var reader = new FrameAlignedPipeReader(stream, SegmentSize) { KeepsBytesInPlace = true };
        reader.NoteFrame(6_000);
        reader.SetFrameBoundary(0);
        ReadResult result = await reader.ReadAsync();

        // Frames start only where one of 6,000 bytes still ends in the segment: the receive stops there.
        Assert.Equal(SegmentSize - 6_000, stream.Requests[0]);
        Assert.Equal(SegmentSize - 6_000, result.Buffer.Length);

        // Nine whole frames and 5,536 bytes of the tenth, which needs 464 more: the receive asks for exactly those.
        reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        reader.SetFrameBoundary(10 * 6_000 - result.Buffer.Length);
        result = await reader.ReadAsync();
        Assert.Equal(464, stream.Requests[1]);
        Assert.True(result.Buffer.IsSingleSegment);
        Assert.Equal(60_000, result.Buffer.Length);
        Assert.Equal(Bytes(60_000), result.Buffer.ToArray());
        reader.Complete();
    }

    [Fact]
    public async Task A_frame_that_would_not_fit_in_what_is_left_starts_a_fresh_segment()
    {
        var stream = new RecordingStream(Bytes(300_000));
        var reader = new FrameAlignedPipeReader(stream, SegmentSize) { KeepsBytesInPlace = true };
        reader.NoteFrame(6_000);
        reader.SetFrameBoundary(0);
        ReadResult result = await reader.ReadAsync();
        reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        reader.SetFrameBoundary(60_000 - result.Buffer.Length);
        result = await reader.ReadAsync();

        // At a boundary 60,000 bytes in: a 6,000-byte frame would not fit in the 5,536 left, so the next one starts a
        // segment of its own (the reader's size: twice 6,000 is less), received up to its own limit.
        reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        reader.SetFrameBoundary(0);
        result = await reader.ReadAsync();
        Assert.Equal(SegmentSize - 6_000, stream.Requests[2]);
        Assert.False(result.Buffer.IsSingleSegment);
        Assert.Equal(60_000, result.Buffer.First.Length);
        for (int start = 0; start + 6_000 <= result.Buffer.Length; start += 6_000)
        {
            Assert.True(start + 6_000 <= 60_000 || start >= 60_000, $"the frame at {start} is split");
        }

        Assert.Equal(Bytes(60_000 + SegmentSize - 6_000), result.Buffer.ToArray());
        reader.Complete();
    }

    [Fact]
    public async Task A_frame_larger_than_a_segment_gets_a_segment_sized_for_it_and_one_longer_than_the_aligned_maximum_chains()
    {
        // 100,000 bytes (1.5 s of 24 kHz PCM16 in base64, about): a segment for two of them, the first received whole.
        var stream = new RecordingStream(Bytes(2_000_000));
        var reader = new FrameAlignedPipeReader(stream, SegmentSize) { KeepsBytesInPlace = true };
        reader.NoteFrame(100_000);
        reader.SetFrameBoundary(0);
        ReadResult result = await reader.ReadAsync();
        Assert.True(result.Buffer.IsSingleSegment);
        Assert.InRange(result.Buffer.First.Length, 100_000, 300_000);
        int capacity = stream.Requests[0] + 100_000;
        Assert.True(capacity >= 200_000, $"segment of {capacity} bytes");
        reader.AdvanceTo(result.Buffer.End);

        // Longer than MaxAlignedFrameLength: not aligned for (it would take segments of twice its size); it chains, whole.
        int huge = FrameAlignedPipeReader.MaxAlignedFrameLength + 100_000;
        reader.NoteFrame(huge);
        Assert.Equal(100_000, reader.AlignedFrameLength);
        long frameStart = result.Buffer.Length;
        long received = 0;
        while (received < huge)
        {
            reader.SetFrameBoundary(huge - received);
            result = await reader.ReadAsync();
            received = result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        Assert.Equal(huge, result.Buffer.Length);
        Assert.False(result.Buffer.IsSingleSegment);
        Assert.Equal(Bytes(2_000_000).AsSpan((int)frameStart, huge).ToArray(), result.Buffer.ToArray());
        reader.Complete();
    }

    [Fact]
    public async Task A_header_split_across_receives_is_completed_by_receives_that_stop_where_it_can_be_judged()
    {
        var stream = new RecordingStream(Bytes(300_000));
        var reader = new FrameAlignedPipeReader(stream, SegmentSize) { KeepsBytesInPlace = true };
        reader.NoteFrame(6_000);
        reader.SetFrameBoundary(0);
        ReadResult result = await reader.ReadAsync();
        reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);

        // The receive stopped at the limit one byte into a header: one more byte tells its length (a 16-bit length here),
        // two more complete it, then the frame's end; the frame after it starts a new segment.
        reader.SetFrameBoundary(1);
        result = await reader.ReadAsync();
        reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        reader.SetFrameBoundary(2);
        result = await reader.ReadAsync();
        reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        reader.SetFrameBoundary(4_000);
        result = await reader.ReadAsync();
        reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        Assert.Equal([SegmentSize - 6_000, 1, 2, 4_000], stream.Requests);
        Assert.True(result.Buffer.IsSingleSegment);
        reader.SetFrameBoundary(0);
        result = await reader.ReadAsync();
        Assert.Equal(SegmentSize - 6_000 + 4_003, result.Buffer.First.Length);
        Assert.False(result.Buffer.IsSingleSegment);
        reader.Complete();
    }

    [Theory]
    [InlineData(new byte[] { }, 0)]
    [InlineData(new byte[] { 0x81 }, 1)]
    [InlineData(new byte[] { 0x81, 126 }, 2)]
    [InlineData(new byte[] { 0x81, 126, 0 }, 1)]
    [InlineData(new byte[] { 0x82, 127, 0, 0 }, 6)]
    [InlineData(new byte[] { 0x81, 0x80 | 5 }, 4)]
    public void The_bytes_that_complete_a_split_header_are_counted_from_what_it_has(byte[] start, long expected)
    {
        Assert.Equal(expected, WebSocketFrameParser.GetBytesToJudgeHeader(new ReadOnlySequence<byte>(start)));

        // Split after the first byte, across segments.
        if (start.Length >= 2)
        {
            Assert.Equal(expected, WebSocketFrameParser.GetBytesToJudgeHeader(SegmentedSequence.Create(start, 1)));
        }
    }

    [Fact]
    public async Task A_connection_that_retains_100_ms_and_1_s_deltas_gets_every_payload_in_one_segment()
    {
        // Frames the size of 100 ms and 1 s audio deltas (6,500 and 64,150 bytes of JSON), replayed forever and all read
        // at once when asked (a peer far ahead): each message is retained and released eight messages later, as a session
        // whose app is behind does. Before frame alignment about one in ten 100 ms payloads and every 1 s one straddled
        // two segments.
        int[] sizes = [64_150, 6_500, 6_500, 6_500, 6_500, 6_500, 6_500, 6_500, 6_500, 6_500];
        byte[] script = [.. Enumerable.Range(0, sizes.Length).SelectMany(i => RawServerConnection.Frame(0x82, Payload(i, sizes[i])))];
        var stream = new RecordingStream(script, replay: true);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        var held = new Queue<(long Ticket, ReadOnlySequence<byte> Payload, int Index)>();
        int split = 0;
        const int Messages = 2_000;
        for (int i = 0; i < Messages; i++)
        {
            WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
            Assert.True(connection.TryRetainLastMessage(out long ticket));
            split += message.Payload.IsSingleSegment ? 0 : 1;
            held.Enqueue((ticket, message.Payload, i % sizes.Length));
            if (held.Count > 8)
            {
                (long oldTicket, ReadOnlySequence<byte> payload, int index) = held.Dequeue();
                Assert.Equal(Payload(index, sizes[index]), payload.ToArray());
                connection.ReleaseRetained(oldTicket);
            }
        }

        output.WriteLine($"{Messages} messages, {split} split; {stream.Requests.Count} reads ({(double)stream.Requests.Count / Messages:F2} per message), {stream.Requests.Count(r => r < 100)} of fewer than 100 bytes");
        Assert.Equal(0, split);
        Assert.InRange(stream.Requests.Count, 1, Messages / 2); // several frames a read: stopping at frames costs few reads
    }

    [Theory]
    [InlineData(1_400, 0)]
    [InlineData(1_400, 8)]
    [InlineData(6_500, 0)]
    [InlineData(6_500, 8)]
    [InlineData(64_150, 0)]
    [InlineData(64_150, 8)]
    public async Task Stopping_at_frames_costs_at_most_one_more_read_per_segment(int frameBytes, int retainedWindow)
    {
        // 20 ms, 100 ms and 1 s deltas from a peer far ahead (every read gets all it asks for), each message released
        // retainedWindow messages later (0: not retained). The reads per message, next to the stream pipe reader's
        // (PipeReader.Create, what wss:// used), and the payloads split between segments.
        byte[] script = RawServerConnection.Frame(0x82, Payload(1, frameBytes));
        const int Messages = 3_000;
        (int reads, int split) = await ReceiveAsync(stream => WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions()));
        (int streamReaderReads, int streamReaderSplit) = await ReceiveAsync(stream => WebSocketConnection.CreateFromReaderForTests(
            stream, PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: SegmentSize, minimumReadSize: 4096, leaveOpen: true))));
        output.WriteLine($"{frameBytes}-byte frames, retained for {retainedWindow}: {(double)reads / Messages:F3} reads per message, {split} split; the stream pipe reader {(double)streamReaderReads / Messages:F3}, {streamReaderSplit} split");
        Assert.Equal(0, split);

        // A segment holds at least one frame: one read to fill it (to the limit), one to the end of the frame that crossed it.
        double segmentsPerMessage = 1.0 / Math.Max(1, (SegmentSize - frameBytes) / frameBytes);
        Assert.True(reads <= Messages * 2 * segmentsPerMessage + 4, $"{reads} reads");

        async Task<(int Reads, int Split)> ReceiveAsync(Func<Stream, WebSocketConnection> create)
        {
            var stream = new RecordingStream(script, replay: true);
            await using WebSocketConnection connection = create(stream);
            var held = new Queue<long>();
            int split = 0;
            for (int i = 0; i < Messages; i++)
            {
                WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
                split += message.Payload.IsSingleSegment ? 0 : 1;
                if (retainedWindow > 0)
                {
                    Assert.True(connection.TryRetainLastMessage(out long ticket));
                    held.Enqueue(ticket);
                    if (held.Count > retainedWindow)
                    {
                        connection.ReleaseRetained(held.Dequeue());
                    }
                }
            }

            return (stream.Requests.Count, split);
        }
    }

    private static byte[] Payload(int index, int length)
    {
        byte[] payload = new byte[length];
        for (int k = 0; k < payload.Length; k++)
        {
            payload[k] = (byte)(index * 37 + k % 253);
        }

        return payload;
    }

    private static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    /// <summary>
    /// A read stream over a script (replayed forever, or read once) that gives every read as many bytes as it asks for
    /// and records how many that was; writes are dropped.
    /// </summary>
    private sealed class RecordingStream(byte[] script, bool replay = false) : Stream
    {
        private int _position;

        public List<int> Requests { get; } = [];

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => new(Read(buffer.Span));

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Requests.Add(buffer.Length);
            int written = 0;
            while (written < buffer.Length && (replay || _position < script.Length))
            {
                int count = Math.Min(buffer.Length - written, script.Length - _position);
                script.AsSpan(_position, count).CopyTo(buffer.Slice(written));
                written += count;
                _position = replay ? (_position + count) % script.Length : _position + count;
            }

            return written;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
