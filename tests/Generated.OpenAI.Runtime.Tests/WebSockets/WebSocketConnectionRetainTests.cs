using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// Retained messages (<c>TryRetainLastMessage</c> / <c>ReleaseRetained</c>): a retained payload stays intact while later
/// messages are received, over the stream pipe reader (in memory and TLS) and the socket pipe reader (ws://), and the
/// pipe keeps only from the oldest unreleased one on.
/// </summary>
public sealed class WebSocketConnectionRetainTests
{
    // Frames of several sizes, each payload filled with its own index, so that a payload that was overwritten shows.
    private static readonly int[] s_sizes = [3_000, 125, 17_000, 700, 40_000, 126, 5_000];

    private static byte[] PayloadFor(int index)
    {
        byte[] payload = new byte[s_sizes[index % s_sizes.Length]];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(index * 31 + i % 251);
        }

        return payload;
    }

    private static byte[] Script(int frames) => [.. Enumerable.Range(0, frames).SelectMany(i => RawServerConnection.Frame(0x82, PayloadFor(i)))];

    [Fact]
    public async Task Retained_payloads_stay_intact_while_later_messages_are_received_across_segments()
    {
        // The script (about 66 KB) replays forever, so the retained messages fill several segments (frame-aligned: a
        // payload straddles two only before a frame of its size was seen).
        var stream = new InMemoryWebSocketStream(Script(s_sizes.Length));
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        var retained = new List<(long Ticket, ReadOnlySequence<byte> Payload, int Index)>();
        var segments = new HashSet<object?>();
        for (int i = 0; i < 60; i++)
        {
            WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
            Assert.True(connection.TryRetainLastMessage(out long ticket));
            segments.Add(message.Payload.Start.GetObject());
            retained.Add((ticket, message.Payload, i % s_sizes.Length));
        }

        Assert.Equal(60, connection.RetainedCount);
        Assert.True(segments.Count > 3, $"the payloads lie in {segments.Count} segments");
        foreach ((_, ReadOnlySequence<byte> payload, int index) in retained)
        {
            Assert.Equal(PayloadFor(index), payload.ToArray());
        }

        long total = connection.RetainedBytes;
        Assert.True(total > 60 * 125, $"retained {total} bytes");
        foreach ((long ticket, _, _) in retained)
        {
            connection.ReleaseRetained(ticket);
        }

        WebSocketReceivedMessage next = await connection.ReceiveMessageAsync();
        Assert.Equal(PayloadFor(60 % s_sizes.Length), next.Payload.ToArray());
        Assert.Equal(0, connection.RetainedCount);
        Assert.Equal(0, connection.RetainedBytes);
    }

    [Theory]
    [InlineData(5_996)] // 6,000-byte frames: ten fill 60,000 bytes of a 64 KiB segment and leave 5,536, less than a frame
    [InlineData(6_400)]
    public async Task Each_message_is_retained_in_one_block_when_one_frame_arrives_per_read_and_each_is_released_after_the_next_receive(int payloadLength)
    {
        // A session's loop that runs one delta ahead of its app: each message retained, the one before released after the
        // next receive, so the segment is never reset under them and fills up to its end. Each read of the replay stream
        // ends at a frame's end, so the connection receives again without parsing an empty remainder first: the frame it
        // just parsed must tell the reader that the buffer ends at a boundary, or the next frame is received into what is
        // left of the segment and straddles two (one message in ten was, with 6,000-byte frames: a session then copied
        // that delta instead of lending it).
        byte[] payload = new byte[payloadLength];
        payload.AsSpan().Fill((byte)'A');
        var stream = new InMemoryWebSocketStream(RawServerConnection.Frame(0x81, payload));
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        long previous = -1;
        object? segment = null;
        int turnovers = 0;
        for (int i = 0; i < 200; i++)
        {
            WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
            connection.ReleaseRetained(previous);
            Assert.True(message.Payload.IsSingleSegment, $"message {i} straddles two receive buffers");
            Assert.True(connection.TryRetainLastMessage(out previous));
            turnovers += segment is not null && message.Payload.Start.GetObject() != segment ? 1 : 0;
            segment = message.Payload.Start.GetObject();
        }

        Assert.True(turnovers > 10, $"the payloads moved to another segment {turnovers} times: the test must cross segment ends");
    }

    [Fact(Timeout = 120000)]
    public async Task Releases_from_another_thread_racing_receives_keep_every_payload_intact_and_the_bytes_bounded()
    {
        // Releases are lock-free (a compare-exchange on the ticket's slot) while the receiver retains, grows the ring and
        // moves the head: 100k messages retained on this thread, released on another in a shuffled window (up to 64
        // held), with a retained-bytes bound that makes the receiver wait for releases now and then.
        const int Messages = 100_000;
        const long Limit = 192 * 1024;
        var stream = new InMemoryWebSocketStream(Script(s_sizes.Length));
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        connection.RetainedBytesLimit = Limit;
        var handed = new System.Collections.Concurrent.BlockingCollection<(long Ticket, ReadOnlySequence<byte> Payload, int Index)>();
        int corrupt = 0;
        Task releaser = Task.Factory.StartNew(() =>
        {
            var random = new Random(12);
            var held = new List<(long Ticket, ReadOnlySequence<byte> Payload, int Index)>();
            int window = 1;
            while (!handed.IsCompleted || held.Count > 0)
            {
                // Takes what the receiver handed over; when it hands over nothing for a moment (it may be waiting for
                // releases), or the window is full, releases a held message picked at random.
                if (held.Count < window && handed.TryTake(out (long, ReadOnlySequence<byte>, int) item, held.Count == 0 ? 50 : 0))
                {
                    held.Add(item);
                    continue;
                }

                if (held.Count == 0)
                {
                    continue;
                }

                window = random.Next(1, 64);
                int at = random.Next(held.Count);
                (long ticket, ReadOnlySequence<byte> payload, int index) = held[at];
                held.RemoveAt(at);
                byte[] expected = PayloadFor(index % s_sizes.Length);
                bool intact = index % 64 == 0
                    ? payload.ToArray().AsSpan().SequenceEqual(expected)
                    : payload.Length == expected.Length && payload.FirstSpan[0] == expected[0] && payload.Slice(payload.Length - 1).FirstSpan[0] == expected[^1];
                if (!intact)
                {
                    Interlocked.Increment(ref corrupt);
                }

                connection.ReleaseRetained(ticket);
                if (random.Next(8) == 0)
                {
                    connection.ReleaseRetained(ticket); // twice: ignored
                }
            }
        }, TaskCreationOptions.LongRunning);

        long most = 0;
        for (int i = 0; i < Messages; i++)
        {
            WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
            Assert.True(connection.TryRetainLastMessage(out long ticket));
            most = Math.Max(most, connection.RetainedBytes);
            handed.Add((ticket, message.Payload, i));
        }

        handed.CompleteAdding();
        await releaser.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, corrupt);
        Assert.InRange(most, 1, Limit + 128 * 1024); // the bound plus one read (the largest message is 40 KB)

        // All released: the next receive moves the floor to the parse position.
        WebSocketReceivedMessage next = await connection.ReceiveMessageAsync();
        Assert.Equal(PayloadFor(Messages % s_sizes.Length), next.Payload.ToArray());
        Assert.Equal(0, connection.RetainedCount);
        Assert.Equal(0, connection.RetainedBytes);
    }

    [Fact]
    public async Task Floor_stays_at_the_oldest_unreleased_message_and_moves_right_when_it_is_released()
    {
        var stream = new InMemoryWebSocketStream(Script(s_sizes.Length));
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        var tickets = new long[3];
        var payloads = new ReadOnlySequence<byte>[3];
        for (int i = 0; i < 3; i++)
        {
            payloads[i] = (await connection.ReceiveMessageAsync()).Payload;
            Assert.True(connection.TryRetainLastMessage(out tickets[i]));
        }

        long frames = tickets[2] - tickets[0] + RawServerConnection.Frame(0x82, PayloadFor(2)).Length;
        Assert.Equal(frames, connection.RetainedBytes);

        connection.ReleaseRetained(tickets[1]); // the middle one first: the floor stays at the first
        await ReceiveUnretainedAsync(connection, 3);
        Assert.Equal(2, connection.RetainedCount);
        Assert.Equal(PayloadFor(0), payloads[0].ToArray());
        Assert.Equal(PayloadFor(2), payloads[2].ToArray());

        connection.ReleaseRetained(tickets[0]); // then the first: the floor moves to the third
        connection.ReleaseRetained(tickets[0]); // a second release is ignored
        await ReceiveUnretainedAsync(connection, 4);
        Assert.Equal(1, connection.RetainedCount);
        long fromThird = Enumerable.Range(2, 3).Sum(i => RawServerConnection.Frame(0x82, PayloadFor(i)).Length);
        Assert.Equal(fromThird, connection.RetainedBytes);
        Assert.Equal(PayloadFor(2), payloads[2].ToArray());

        connection.ReleaseRetained(tickets[2]);
        Assert.Equal(0, connection.RetainedBytes);
    }

    [Fact]
    public async Task A_fragmented_message_is_not_retained_and_the_next_receive_still_reuses_its_buffer()
    {
        byte[] script = [.. RawServerConnection.Frame(0x02, [1, 2]), .. RawServerConnection.Frame(0x80, [3]), .. RawServerConnection.Frame(0x82, [4])];
        var stream = new InMemoryWebSocketStream(script);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        WebSocketReceivedMessage fragmented = await connection.ReceiveMessageAsync();
        Assert.Equal(new byte[] { 1, 2, 3 }, fragmented.Payload.ToArray());
        Assert.False(connection.TryRetainLastMessage(out _));
        WebSocketReceivedMessage whole = await connection.ReceiveMessageAsync();
        Assert.True(connection.TryRetainLastMessage(out long ticket));
        WebSocketReceivedMessage again = await connection.ReceiveMessageAsync();
        Assert.Equal(new byte[] { 1, 2, 3 }, again.Payload.ToArray());
        Assert.Equal(new byte[] { 4 }, whole.Payload.ToArray());
        connection.ReleaseRetained(ticket);
    }

    [Fact(Timeout = 30_000)]
    public async Task Retained_payloads_stay_intact_over_the_socket_reader_and_after_the_close()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection serverSide = await accept;
        const int Count = 40;
        Task write = Task.Run(async () =>
        {
            for (int i = 0; i < Count; i++)
            {
                await serverSide.WriteAsync(RawServerConnection.Frame(0x82, PayloadFor(i)));
            }

            await serverSide.WriteAsync(RawServerConnection.Frame(0x88, [0x03, 0xE8]));
        });

        var retained = new List<(long Ticket, ReadOnlySequence<byte> Payload)>();
        for (int i = 0; i < Count; i++)
        {
            WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
            Assert.True(connection.TryRetainLastMessage(out long ticket));
            retained.Add((ticket, message.Payload));
            if (i % 3 == 2)
            {
                connection.ReleaseRetained(retained[i - 1].Ticket); // some released out of order on the way
                retained[i - 1] = (-1, default);
            }
        }

        WebSocketReceivedMessage close = await connection.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        await write;
        for (int i = 0; i < Count; i++)
        {
            if (retained[i].Ticket >= 0)
            {
                Assert.Equal(PayloadFor(i), retained[i].Payload.ToArray());
            }
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Retained_payloads_stay_intact_over_tls()
    {
        await using var server = new KestrelWebSocketServer();
        using X509Certificate2 certificate = WebSocketConnectionTlsTests.CreateCertificate();
        server.Certificate = certificate;
        await server.InitializeAsync();
        var options = new WebSocketConnectionOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true };
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(new Uri(server.SecureBaseUri!, "/echo"), options, CancellationToken.None);
        const int Count = 30;
        for (int i = 0; i < Count; i++)
        {
            await connection.SendAsync(PayloadFor(i), WebSocketMessageType.Binary, true);
        }

        var retained = new List<ReadOnlySequence<byte>>();
        var tickets = new List<long>();
        for (int i = 0; i < Count; i++)
        {
            WebSocketReceivedMessage message = await connection.ReceiveMessageAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(connection.TryRetainLastMessage(out long ticket));
            retained.Add(message.Payload);
            tickets.Add(ticket);
        }

        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(PayloadFor(i), retained[i].ToArray());
        }

        foreach (long ticket in tickets)
        {
            connection.ReleaseRetained(ticket);
        }

        await connection.SendAsync(PayloadFor(0), WebSocketMessageType.Binary, true);
        WebSocketReceivedMessage last = await connection.ReceiveMessageAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(PayloadFor(0), last.Payload.ToArray());
        Assert.Equal(0, connection.RetainedBytes);
    }

    [Fact]
    public async Task Dispose_keeps_retained_payloads_until_their_release_and_the_last_release_completes_the_reader()
    {
        var stream = new InMemoryWebSocketStream(Script(s_sizes.Length));
        var reader = new CountingPipeReader(System.IO.Pipelines.PipeReader.Create(stream));
        WebSocketConnection connection = WebSocketConnection.CreateFromReaderForTests(stream, reader);
        var retained = new List<(long Ticket, ReadOnlySequence<byte> Payload, int Index)>();
        for (int i = 0; i < 10; i++)
        {
            WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
            Assert.True(connection.TryRetainLastMessage(out long ticket));
            retained.Add((ticket, message.Payload, i % s_sizes.Length));
        }

        await connection.DisposeAsync();
        await Assert.ThrowsAsync<WebSocketConnectionException>(async () => await connection.ReceiveMessageAsync());
        for (int i = 0; i < retained.Count; i++)
        {
            // Still the owners' (a session's queued deltas after the server closed): intact, the reader not completed.
            Assert.Equal(PayloadFor(retained[i].Index), retained[i].Payload.ToArray());
            Assert.Equal(0, reader.Completions);
            connection.ReleaseRetained(retained[i].Ticket);
            connection.ReleaseRetained(retained[i].Ticket); // twice: ignored
        }

        Assert.Equal(1, reader.Completions); // the last release returned the pipe's buffers
    }

    /// <summary>A pipe reader that counts its completions.</summary>
    private sealed class CountingPipeReader(System.IO.Pipelines.PipeReader inner) : System.IO.Pipelines.PipeReader
    {
        public int Completions { get; private set; }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null)
        {
            Completions++;
            inner.Complete(exception);
        }

        public override ValueTask<System.IO.Pipelines.ReadResult> ReadAsync(CancellationToken cancellationToken = default) => inner.ReadAsync(cancellationToken);

        public override bool TryRead(out System.IO.Pipelines.ReadResult result) => inner.TryRead(out result);
    }

    [Fact]
    public async Task Retaining_and_releasing_each_message_allocates_nothing_in_steady_state()
    {
        var stream = new InMemoryWebSocketStream(Script(s_sizes.Length));
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        var window = new long[8]; // each message released eight receives later, as a session's queue would
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 2_000; i++)
            {
                ValueTask<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync();
                Assert.True(receive.IsCompletedSuccessfully);
                if (i >= window.Length)
                {
                    connection.ReleaseRetained(window[i % window.Length]);
                }

                connection.TryRetainLastMessage(out window[i % window.Length]);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                Assert.Equal(0, allocated);
            }

            foreach (long ticket in window)
            {
                connection.ReleaseRetained(ticket);
            }
        }
    }

    private static async Task ReceiveUnretainedAsync(WebSocketConnection connection, int index)
    {
        WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
        Assert.Equal(PayloadFor(index), message.Payload.ToArray());
    }

}
