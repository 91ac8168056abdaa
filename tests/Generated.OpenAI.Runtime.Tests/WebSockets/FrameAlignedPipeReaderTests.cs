using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// The ws:// receive path's <see cref="FrameAlignedPipeReader"/> over a connected loopback socket pair: the pipe contract the
/// connection relies on (examined vs consumed, segments chained for big frames, end of stream, CancelPendingRead) and
/// a steady state without allocation.
/// </summary>
public sealed class FrameAlignedPipeReaderTests : IDisposable
{
    private const int SegmentSize = 64 * 1024;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private readonly ITestOutputHelper _output;
    private readonly Socket _client;
    private readonly Socket _server;
    private readonly FrameAlignedPipeReader _reader;

    public FrameAlignedPipeReaderTests(ITestOutputHelper output)
    {
        _output = output;
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _client.Connect(listener.LocalEndPoint!);
        _server = listener.Accept();
        _server.NoDelay = true;
        _reader = new FrameAlignedPipeReader(_client, SegmentSize);
    }

    public void Dispose()
    {
        _reader.Complete();
        _client.Dispose();
        _server.Dispose();
    }

    [Fact(Timeout = 15_000)]
    public async Task Bytes_not_yet_examined_are_returned_without_receiving_and_examined_ones_wait_for_more()
    {
        _server.Send(Bytes(0, 10));
        ReadResult first = await ReadAtLeastAsync(10);
        Assert.Equal(Bytes(0, 10), first.Buffer.ToArray());

        // Consumed 4, examined 4: the other 6 come back at once, with no new bytes sent.
        _reader.AdvanceTo(first.Buffer.GetPosition(4), first.Buffer.GetPosition(4));
        ValueTask<ReadResult> again = _reader.ReadAsync();
        Assert.True(again.IsCompletedSuccessfully);
        Assert.Equal(Bytes(4, 6), again.Result.Buffer.ToArray());

        // Examined to the end: the next read waits for the peer, then sees the old bytes and the new ones together.
        _reader.AdvanceTo(again.Result.Buffer.Start, again.Result.Buffer.End);
        ValueTask<ReadResult> waiting = _reader.ReadAsync();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        _server.Send(Bytes(10, 5));
        ReadResult more = await waiting.AsTask().WaitAsync(s_timeout);
        Assert.Equal(Bytes(4, 11), more.Buffer.ToArray());
        _reader.AdvanceTo(more.Buffer.End);
    }

    [Fact(Timeout = 15_000)]
    public async Task A_frame_larger_than_a_segment_is_buffered_whole_across_segments()
    {
        byte[] big = Bytes(7, 200_000);
        Task send = Task.Run(() => _server.Send(big));
        ReadResult result = await ReadAtLeastAsync(big.Length);
        await send.WaitAsync(s_timeout);
        Assert.False(result.Buffer.IsSingleSegment);
        Assert.Equal(big, result.Buffer.ToArray());

        // Consuming part of it releases the segments before the position and keeps the rest intact.
        SequencePosition middle = result.Buffer.GetPosition(150_000);
        _reader.AdvanceTo(middle, middle);
        ReadResult rest = await _reader.ReadAsync();
        Assert.Equal(big.AsSpan(150_000).ToArray(), rest.Buffer.ToArray());
        _reader.AdvanceTo(rest.Buffer.End);
    }

    [Fact(Timeout = 15_000)]
    public async Task A_partly_consumed_segment_near_its_end_moves_the_rest_to_its_start_and_keeps_the_bytes()
    {
        // Fill the segment to within 4 KiB of its end, consume all but 100 bytes: the next receive needs room.
        // (All of it in the socket first, so that one receive takes it into one segment.)
        byte[] first = Bytes(1, SegmentSize - 1000);
        _server.Send(first);
        await WaitForAvailableAsync(first.Length);
        ReadResult result = await ReadAtLeastAsync(first.Length);
        Assert.True(result.Buffer.IsSingleSegment);
        SequencePosition keep = result.Buffer.GetPosition(first.Length - 100);
        _reader.AdvanceTo(keep, result.Buffer.End);

        _server.Send(Bytes(9, 5000));
        ReadResult next = await ReadAtLeastAsync(5100);
        Assert.True(next.Buffer.IsSingleSegment);
        byte[] expected = [.. first.AsSpan(first.Length - 100), .. Bytes(9, 5000)];
        Assert.Equal(expected, next.Buffer.ToArray());
        _reader.AdvanceTo(next.Buffer.End);
    }

    [Fact(Timeout = 15_000)]
    public async Task End_of_stream_is_a_completed_result_every_time_after_it()
    {
        _server.Send(Bytes(0, 3));
        _server.Shutdown(SocketShutdown.Send);
        ReadResult result;
        do
        {
            result = await _reader.ReadAsync().AsTask().WaitAsync(s_timeout);
            _reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
        while (!result.IsCompleted);

        Assert.Equal(Bytes(0, 3), result.Buffer.ToArray());
        _reader.AdvanceTo(result.Buffer.End);
        ReadResult after = await _reader.ReadAsync();
        Assert.True(after.IsCompleted);
        Assert.True(after.Buffer.IsEmpty);
    }

    [Fact(Timeout = 15_000)]
    public async Task Cancel_pending_read_before_a_read_returns_a_canceled_result_once()
    {
        _reader.CancelPendingRead();
        ValueTask<ReadResult> canceled = _reader.ReadAsync();
        Assert.True(canceled.IsCompletedSuccessfully);
        Assert.True(canceled.Result.IsCanceled);
        _reader.AdvanceTo(canceled.Result.Buffer.Start);

        _server.Send(Bytes(0, 2));
        ReadResult next = await ReadAtLeastAsync(2);
        Assert.False(next.IsCanceled);
        _reader.AdvanceTo(next.Buffer.End);
    }

    [Fact(Timeout = 15_000)]
    public async Task Cancel_pending_read_then_closing_the_socket_ends_a_waiting_read_as_canceled()
    {
        // The connection's Abort: CancelPendingRead, then the socket is closed under the receive.
        ValueTask<ReadResult> waiting = _reader.ReadAsync();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        _reader.CancelPendingRead();
        _client.Dispose();
        ReadResult result = await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(1));
        Assert.True(result.IsCanceled);
    }

    [Fact(Timeout = 15_000)]
    public async Task The_token_cancels_a_waiting_receive()
    {
        using var cancel = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await _reader.ReadAsync(cancel.Token).AsTask().WaitAsync(s_timeout));
    }

    [Fact(Timeout = 30_000)]
    public async Task Receiving_frames_that_are_already_in_the_socket_allocates_nothing()
    {
        const int Frame = 1_300; // about a 20 ms audio delta
        const int Batch = 32;
        byte[] batch = Bytes(3, Frame * Batch);
        long allocated = 0;
        int received = 0;
        for (int round = 0; round < 40; round++)
        {
            _server.Send(batch);
            await WaitForAvailableAsync(batch.Length);

            // Measured on this thread: with the bytes in the socket every read completes inline.
            long before = GC.GetAllocatedBytesForCurrentThread();
            int inRound = ReadSynchronously(Frame, batch.Length);
            long after = GC.GetAllocatedBytesForCurrentThread();
            Assert.Equal(batch.Length, inRound);
            received += inRound;
            if (round >= 8)
            {
                allocated += after - before;
            }
        }

        _output.WriteLine($"{received} bytes in {Frame}-byte frames: {allocated} bytes allocated after warm-up");
        Assert.Equal(0, allocated);
    }

    [Fact(Timeout = 30_000)]
    public async Task Frames_larger_than_a_segment_allocate_nothing_in_steady_state()
    {
        // 4 KiB segments here (so that a batch fits the socket's receive buffer): each 10 KB frame spans three or four
        // segments, whose objects are kept for the next frame (their arrays go back to the pool).
        const int Frame = 10_000;
        const int Batch = 4;
        var reader = new FrameAlignedPipeReader(_client, 4096);
        byte[] batch = Bytes(5, Frame * Batch);
        long allocated = 0;
        for (int round = 0; round < 40; round++)
        {
            _server.Send(batch);
            await WaitForAvailableAsync(batch.Length);

            long before = GC.GetAllocatedBytesForCurrentThread();
            int inRound = ReadSynchronously(reader, Frame, batch.Length);
            long after = GC.GetAllocatedBytesForCurrentThread();
            Assert.Equal(batch.Length, inRound);
            if (round >= 8)
            {
                allocated += after - before;
            }
        }

        reader.Complete();
        _output.WriteLine($"{Frame}-byte frames over 4 KiB segments: {allocated} bytes allocated after warm-up");
        Assert.Equal(0, allocated);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Completing_the_reader_while_a_read_waits_and_the_peer_sends_ends_the_read_with_bytes_or_a_typed_error(bool cancelFirst)
    {
        // The connection's dispose: (CancelPendingRead,) Complete and close the socket while a read waits, with the
        // peer sending as fast as it can, so that a receive often completes with bytes at the moment of Complete.
        // Before the fix the receive's completion then found the segments gone and the read faulted with a
        // NullReferenceException.
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        byte[] chunk = Bytes(1, 200);
        var outcomes = new Dictionary<string, int>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int rounds = 0;
        while (rounds < 3_000 && clock.Elapsed < TimeSpan.FromSeconds(8))
        {
            rounds++;
            using var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.Connect(listener.LocalEndPoint!);
            using Socket server = listener.Accept();
            server.NoDelay = true;
            var reader = new FrameAlignedPipeReader(client, SegmentSize);
            using var stopSending = new CancellationTokenSource();
            Task sending = Task.Run(async () =>
            {
                try
                {
                    while (!stopSending.IsCancellationRequested)
                    {
                        await server.SendAsync(chunk, SocketFlags.None);
                    }
                }
                catch (SocketException)
                {
                    // The client closed its socket.
                }
                catch (ObjectDisposedException)
                {
                }
            });

            // Read until a read has to wait (a few reads in, so that the reader holds segments), then complete it.
            ValueTask<ReadResult> read;
            int reads = 0;
            while (true)
            {
                read = reader.ReadAsync();
                if (!read.IsCompleted && reads >= rounds % 4)
                {
                    break;
                }

                ReadResult done = await read.AsTask().WaitAsync(s_timeout);
                reader.AdvanceTo(done.Buffer.End);
                reads++;
            }

            Task completing = Task.Run(() =>
            {
                if (cancelFirst)
                {
                    reader.CancelPendingRead();
                }

                reader.Complete();
                client.Dispose();
            });

            string outcome;
            try
            {
                ReadResult result = await read.AsTask().WaitAsync(s_timeout);
                outcome = result.IsCanceled ? "canceled" : result.IsCompleted ? "end of stream" : "bytes";
            }
            catch (Exception ex) when (ex is ObjectDisposedException or IOException)
            {
                outcome = ex.GetType().Name;
            }

            await completing.WaitAsync(s_timeout);
            stopSending.Cancel();
            server.Dispose();
            await sending.WaitAsync(s_timeout);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        _output.WriteLine($"{rounds} rounds in {clock.Elapsed.TotalSeconds:F1} s: " + string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
        Assert.True(rounds >= 100, $"only {rounds} rounds");
        if (cancelFirst)
        {
            Assert.DoesNotContain("IOException", outcomes.Keys);
        }
    }

    /// <summary>Reads <paramref name="total"/> bytes a frame at a time; -1 if a read did not complete inline.</summary>
    private int ReadSynchronously(int frame, int total) => ReadSynchronously(_reader, frame, total);

    private static int ReadSynchronously(FrameAlignedPipeReader reader, int frame, int total)
    {
        int received = 0;
        while (received < total)
        {
            ValueTask<ReadResult> read = reader.ReadAsync();
            if (!read.IsCompletedSuccessfully)
            {
                return -1;
            }

            ReadOnlySequence<byte> buffer = read.Result.Buffer;
            if (buffer.Length < frame)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            received += frame;
            SequencePosition consumed = buffer.GetPosition(frame);
            reader.AdvanceTo(consumed, consumed);
        }

        return received;
    }

    private async Task<ReadResult> ReadAtLeastAsync(int length)
    {
        while (true)
        {
            ReadResult result = await _reader.ReadAsync().AsTask().WaitAsync(s_timeout);
            if (result.Buffer.Length >= length || result.IsCompleted)
            {
                return result;
            }

            _reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private async Task WaitForAvailableAsync(int length)
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        while (_client.Available < length)
        {
            await Task.Delay(1, timeout.Token);
        }
    }

    private static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed + i);
        }

        return bytes;
    }
}
