using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Runtime.Tests.Audio;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// The bytes <c>SendAudioAppendAsync</c> puts on the wire: frames of up to 16 KiB are built in the connection's own
/// buffer and written in one call, larger ones go through the send pipe; both must carry exactly the event that
/// <see cref="RealtimeAudioEvents.WriteAppendEvent(Span{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
/// writes, masked with the key in the header.
/// </summary>
public sealed class WebSocketConnectionAudioFrameTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(960)]     // 20 ms
    [InlineData(4_800)]   // 100 ms
    [InlineData(12_225)]  // the largest frame of the connection's own buffer (16,384 bytes with this type and id)
    [InlineData(12_226)]  // the smallest through the pipe (16,388 bytes)
    [InlineData(48_000)]  // 1 s
    public async Task The_frame_on_the_wire_is_the_masked_append_event(int pcmLength)
    {
        var stream = new InMemoryWebSocketStream([]);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        byte[] pcm = new byte[pcmLength];
        new Random(pcmLength).NextBytes(pcm);
        byte[] eventId = "evt_0a1b2c3d_a7"u8.ToArray();

        for (int halvings = 2; halvings >= 0; halvings--) // the own buffer grows from a smaller frame, then is reused
        {
            int size = pcmLength >> halvings;
            int length = RealtimeAudioEvents.GetAppendEventLength(RealtimeEventTypes.InputAudioBufferAppend, size, eventId);
            byte[] expected = new byte[length];
            RealtimeAudioEvents.WriteAppendEvent(expected, RealtimeEventTypes.InputAudioBufferAppend, pcm.AsSpan(0, size), eventId);

            ValueTask sent = connection.SendAudioAppendAsync(RealtimeEventTypes.InputAudioBufferAppend, pcm.AsMemory(0, size), eventId);
            Assert.True(sent.IsCompletedSuccessfully);
            await sent;

            byte[] frame = stream.LastWrite.AsSpan(0, stream.LastWriteLength).ToArray();
            Assert.True(WebSocketFrameParser.TryParse(frame, out FrameHeader header));
            Assert.True(header.Fin);
            Assert.True(header.Mask);
            Assert.Equal(Opcode.Text, header.Opcode);
            Assert.Equal((ulong)length, header.PayloadLength);
            Assert.Equal(header.HeaderLength + length, frame.Length);
            if (halvings == 0 && pcmLength is 12_225 or 12_226)
            {
                Assert.Equal(pcmLength == 12_225 ? 16_384 : 16_388, frame.Length); // either side of the own buffer's limit
            }

            Span<byte> payload = frame.AsSpan(header.HeaderLength);
            WebSocketMask.ApplyScalar(payload, header.MaskKey, 0);
            Assert.True(payload.SequenceEqual(expected), $"{size} bytes of PCM");
        }
    }

    [Fact]
    public async Task A_frame_whose_write_waits_keeps_its_bytes_while_the_thread_sends_on_other_connections()
    {
        // Small frames are written in the sending thread's buffer when it is free; a write that does not complete at
        // once holds that buffer until it does, so the thread's next frames (another connection's, then the same
        // connection's once the first write is done) must be written elsewhere, never over the bytes in flight.
        var held = new HoldingWriteStream();
        var other = new InMemoryWebSocketStream([]);
        await using WebSocketConnection holding = WebSocketConnection.CreateFromStream(held, new WebSocketConnectionOptions());
        await using WebSocketConnection sending = WebSocketConnection.CreateFromStream(other, new WebSocketConnectionOptions());
        byte[] first = new byte[960];
        byte[] second = new byte[960];
        new Random(1).NextBytes(first);
        new Random(2).NextBytes(second);

        ValueTask pending = holding.SendAudioAppendAsync(RealtimeEventTypes.InputAudioBufferAppend, first);
        Assert.False(pending.IsCompleted);
        byte[] inFlight = held.Written.ToArray();
        for (int i = 0; i < 3; i++)
        {
            await sending.SendAudioAppendAsync(RealtimeEventTypes.InputAudioBufferAppend, second);
            Assert.True(held.Written.Span.SequenceEqual(inFlight), $"send {i} on the other connection wrote over the frame in flight");
        }

        held.Complete();
        await pending;
        ValueTask next = holding.SendAudioAppendAsync(RealtimeEventTypes.InputAudioBufferAppend, second);
        Assert.False(next.IsCompleted);
        Assert.Equal(Expected(first), Decode(inFlight));
        Assert.Equal(Expected(second), Decode(held.Written.ToArray()));
        Assert.Equal(Expected(second), Decode(other.LastWrite.AsSpan(0, other.LastWriteLength).ToArray()));
        held.Complete();
        await next;

        static byte[] Decode(byte[] frame)
        {
            // The frame's payload, unmasked with the key in its header.
            Assert.True(WebSocketFrameParser.TryParse(frame, out FrameHeader header));
            Span<byte> payload = frame.AsSpan(header.HeaderLength, (int)header.PayloadLength).ToArray();
            WebSocketMask.ApplyScalar(payload, header.MaskKey, 0);
            return payload.ToArray();
        }

        static byte[] Expected(byte[] pcm)
        {
            byte[] expected = new byte[RealtimeAudioEvents.GetAppendEventLength(RealtimeEventTypes.InputAudioBufferAppend, pcm.Length, default)];
            RealtimeAudioEvents.WriteAppendEvent(expected, RealtimeEventTypes.InputAudioBufferAppend, pcm, default);
            return expected;
        }
    }

    [Fact]
    public async Task A_transport_failure_on_a_small_send_aborts_with_a_typed_error()
    {
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(new FailingWriteStream(), new WebSocketConnectionOptions());
        WebSocketConnectionException error = await Assert.ThrowsAsync<WebSocketConnectionException>(
            async () => await connection.SendAudioAppendAsync(RealtimeEventTypes.InputAudioBufferAppend, new byte[960]));
        Assert.Equal(ShutdownReason.TransportError, error.Reason);
        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal(ShutdownReason.TransportError, connection.ShutdownReason);
        await Assert.ThrowsAsync<WebSocketConnectionException>(
            async () => await connection.SendAudioAppendAsync(RealtimeEventTypes.InputAudioBufferAppend, new byte[960]));
    }

    [Fact]
    public async Task A_type_that_needs_escaping_is_refused_before_anything_is_written()
    {
        var stream = new InMemoryWebSocketStream([]);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        Assert.Throws<ArgumentException>(() => connection.SendAudioAppendAsync("bad\"type"u8.ToArray(), new byte[960]));
        Assert.Equal(0, stream.BytesWritten);
        await connection.SendAudioAppendAsync(RealtimeEventTypes.InputAudioBufferAppend, new byte[960]); // the lock was not taken
        Assert.True(stream.BytesWritten > 1280);
    }

    /// <summary>A peer that never sends (reads wait until cancelled); what writing does is the subclass's.</summary>
    private abstract class SilentPeerStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => 0, TaskScheduler.Default));

        public override int Read(byte[] buffer, int offset, int count) => 0;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A stream whose every write waits until the test completes it, keeping the memory it was given (as a transport does).</summary>
    private sealed class HoldingWriteStream : SilentPeerStream
    {
        private TaskCompletionSource? _write;

        public ReadOnlyMemory<byte> Written { get; private set; }

        public void Complete() => _write!.SetResult();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written = buffer;
            _write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new ValueTask(_write.Task);
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class FailingWriteStream : SilentPeerStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException(new IOException("The connection was reset."));

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("The connection was reset.");
    }
}
