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

    private sealed class FailingWriteStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => 0, TaskScheduler.Default));

        public override int Read(byte[] buffer, int offset, int count) => 0;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException(new IOException("The connection was reset."));

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("The connection was reset.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
