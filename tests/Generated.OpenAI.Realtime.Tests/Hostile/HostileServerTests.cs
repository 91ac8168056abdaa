using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Runtime.Tests.WebSockets;
using Generated.OpenAI.WebSockets;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.Hostile.HostilePeer;

namespace Generated.OpenAI.Realtime.Tests.Hostile;

/// <summary>
/// The session layer against a server that is buggy or hostile, played by a raw-socket peer written here (not Kestrel,
/// not the simulator). Each test has its own time limit.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class HostileServerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact(Timeout = 60000)]
    public async Task A_fast_server_against_a_slow_reader_holds_bounded_memory_and_is_pushed_back_over_TCP()
    {
        // Default options, no audio sink, one event read per 100 ms: before v2 the heap reached 4.8 GB in 30 s.
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        byte[] frame = Text(AudioDelta(4800)); // 100 ms of audio per event, as fast as the socket takes them
        using var stop = new CancellationTokenSource();
        long written = 0;
        Task writer = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await server.Stream.WriteAsync(frame, stop.Token);
                    Interlocked.Add(ref written, frame.Length);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException or ObjectDisposedException)
            {
            }
        });

        GC.Collect();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        int read = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            Assert.NotNull(await session.ReadEventAsync().AsTask().WaitAsync(Patience));
            read++;
            peak = Math.Max(peak, GC.GetTotalMemory(false) - baseline);
            Assert.True(session.QueuedEvents <= 4096, $"{session.QueuedEvents} events queued");
            await Task.Delay(100);
        }

        long wroteAfter5s = Interlocked.Read(ref written);
        await Task.Delay(500);
        long wroteAfter55s = Interlocked.Read(ref written);
        await stop.CancelAsync();
        await server.DisposeAsync();
        await writer.WaitAsync(Patience);

        output.WriteLine($"read {read} events; server wrote {wroteAfter5s / 1048576.0:0.0} MiB in 5 s (+{(wroteAfter55s - wroteAfter5s) / 1024.0:0} KiB in the next 0.5 s); peak managed heap above baseline {peak / 1048576.0:0.0} MiB; {session.QueuedEvents} queued");
        Assert.True(peak < 160L * 1024 * 1024, $"peak heap {peak / 1048576.0:0.0} MiB");
        // The queue holds at most 16 MiB of JSON; the rest waits in socket buffers, so the server is held back.
        Assert.True(wroteAfter5s < 96L * 1024 * 1024, $"the server wrote {wroteAfter5s / 1048576.0:0.0} MiB");
        Assert.True(wroteAfter55s - wroteAfter5s < 2 * 1024 * 1024, "the server kept writing while the reader was behind");
        Assert.Null(session.TerminalException);
    }

    [Fact(Timeout = 60000)]
    public async Task DropOldestAudio_drops_only_audio_deltas_and_counts_them()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        var options = new RealtimeSessionOptions { MaxQueuedEvents = 32, Backpressure = RealtimeBackpressure.DropOldestAudio };
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client, options);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        const int Deltas = 2000;
        var script = new List<byte>();
        for (int i = 0; i < Deltas; i++)
        {
            script.AddRange(Text(AudioDelta(480)));
            if (i % 10 == 9)
            {
                script.AddRange(Text(TranscriptDelta(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            }
        }

        script.AddRange(Text(TranscriptDelta("end")));
        await server.Stream.WriteAsync(script.ToArray()).AsTask().WaitAsync(Patience);
        await Task.Delay(500); // the app is busy: everything has arrived and the queue overflowed

        List<RealtimeServerEvent> events = await TestSupport.ReadUntilAsync(session.ReadEventsAsync(), e => e.IsResponseOutputAudioTranscriptDelta && e.AsResponseOutputAudioTranscriptDelta().Delta == "end");
        string[] markers = events.Where(e => e.IsResponseOutputAudioTranscriptDelta).Select(e => e.AsResponseOutputAudioTranscriptDelta().Delta).ToArray();
        int audio = events.Count(e => e.IsResponseOutputAudioDelta);

        output.WriteLine($"{audio} audio deltas read, {session.DroppedAudioDeltas} dropped, {markers.Length} other events");
        Assert.Equal(Enumerable.Range(0, Deltas / 10).Select(i => (i * 10 + 9).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("end"), markers);
        Assert.True(session.DroppedAudioDeltas > 0);
        Assert.Equal(Deltas, audio + session.DroppedAudioDeltas);
    }

    [Fact(Timeout = 60000)]
    public async Task An_error_flood_keeps_only_the_most_recent_errors()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        var script = new List<byte>();
        for (int i = 0; i < 20_000; i++)
        {
            script.AddRange(Text($$$"""{"type":"error","event_id":"e{{{i}}}","error":{"type":"server_error","message":"number {{{i}}}"}}"""));
        }

        script.AddRange(Text(TranscriptDelta("end")));
        Task writing = server.Stream.WriteAsync(script.ToArray()).AsTask();
        List<RealtimeServerEvent> events = await TestSupport.ReadUntilAsync(session.ReadEventsAsync(), e => e.IsResponseOutputAudioTranscriptDelta);
        await writing.WaitAsync(Patience);

        Assert.Equal(20_000, events.Count(e => e.IsError));
        IReadOnlyList<RealtimeErrorException> kept = session.Errors;
        Assert.Equal(64, kept.Count);
        Assert.Equal("server_error: number 19999", kept[^1].Message);
        Assert.Equal("server_error: number 19936", kept[0].Message);
    }

    [Fact(Timeout = 60000)]
    public async Task Malformed_required_fields_in_a_voice_session_arrive_as_Unknown_and_the_session_goes_on()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        string[] malformed =
        [
            """{"type":"error","event_id":"x"}""",
            """{"type":"response.done","event_id":"x","response":"done"}""",
            """{"type":"response.created","event_id":"x"}""",
            """{"type":"response.output_audio.delta","event_id":"x","response_id":"r","item_id":null,"output_index":0,"content_index":0,"delta":"AAAA"}""",
            """{"type":"response.function_call_arguments.done","event_id":"x","response_id":"r","item_id":"i","output_index":0,"call_id":"c","arguments":"{}"}""",
            """{"event_id":"x","delta":"no type"}""",
        ];
        foreach (string json in malformed)
        {
            await SendAsync(server, json);
        }

        Task<RealtimeServerEvent> update = session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "hi" });
        JsonElement sent = await ReadClientEventAsync(server, "session.update");
        await SendAsync(server, SessionUpdated(sent));
        RealtimeServerEvent updated = await update.WaitAsync(Patience);

        List<RealtimeServerEvent> events = await TestSupport.ReadUntilAsync(session.ReadEventsAsync(), e => e.IsSessionUpdated);
        Assert.Equal(malformed.Length + 1, events.Count);
        for (int i = 0; i < malformed.Length; i++)
        {
            Assert.Equal(RealtimeServerEventKind.Unknown, events[i].Kind);
            Assert.NotNull(events[i].UnknownReason);
            Assert.Equal(malformed[i], events[i].UnknownJson!.Value.GetRawText());
        }

        Assert.Same(updated, events[^1]);
        Assert.Null(session.TerminalException);
        Assert.Empty(session.Errors); // an error event without its error object is not an error anyone can act on
        Assert.Null(session.ActiveResponseId);
    }

    [Fact(Timeout = 60000)]
    public async Task Malformed_required_fields_in_transcription_and_translation_sessions_arrive_as_Unknown()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();

        Task<RealtimeTranscriptionSession> connecting = client.ConnectTranscriptionAsync();
        await using (RawServerConnection server = await peer.AcceptAsync())
        await using (RealtimeTranscriptionSession transcription = await connecting.WaitAsync(Patience))
        {
            await SendAsync(server, """{"type":"conversation.item.input_audio_transcription.completed","event_id":"x","item_id":null,"content_index":0,"transcript":"t","usage":{"type":"duration","seconds":1}}""");
            await SendAsync(server, """{"type":"conversation.item.input_audio_transcription.delta","event_id":"x"}""");
            await SendAsync(server, TranscriptDelta("end"));
            List<RealtimeServerEvent> events = await TestSupport.ReadUntilAsync(transcription.ReadEventsAsync(), e => e.IsResponseOutputAudioTranscriptDelta);
            Assert.Equal(["Unknown", "Unknown", "ResponseOutputAudioTranscriptDelta"], TestSupport.Kinds(events));
            Assert.Contains("\"item_id\"", events[0].UnknownReason);
            Assert.Empty(transcription.Transcripts.Transcripts);
            Assert.Null(transcription.TerminalException);
        }

        Task<RealtimeTranslationSession> translating = client.ConnectTranslationAsync();
        await using (RawServerConnection server = await peer.AcceptAsync())
        await using (RealtimeTranslationSession translation = await translating.WaitAsync(Patience))
        {
            await SendAsync(server, """{"type":"error","event_id":"x"}""");
            await SendAsync(server, """{"type":"session.output_transcript.delta","event_id":"x","delta":7}""");
            await SendAsync(server, """{"type":"session.output_transcript.delta","event_id":"x","delta":"hola"}""");
            List<RealtimeTranslationServerEvent> events = await TestSupport.ReadUntilAsync(translation.ReadEventsAsync(), e => e.IsSessionOutputTranscriptDelta);
            Assert.Equal(["Unknown", "Unknown", "SessionOutputTranscriptDelta"], TestSupport.Kinds(events));
            Assert.Contains("\"error\"", events[0].UnknownReason);
            Assert.Contains("\"delta\"", events[1].UnknownReason);
            Assert.Equal("hola", translation.OutputTranscript);
            Assert.Null(translation.TerminalException);
        }
    }

    [Theory(Timeout = 60000)]
    [InlineData("AudioSink")]
    [InlineData("AudioOutput")]
    [InlineData("ErrorReceived")]
    public async Task A_throwing_callback_ends_the_session_with_a_typed_error_and_closes_the_socket_with_1011(string callback)
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        var options = new RealtimeSessionOptions();
        if (callback == "AudioSink")
        {
            options.AudioSink = _ => throw new InvalidOperationException("the player broke");
        }
        else if (callback == "AudioOutput")
        {
            options.AudioOutput = new ThrowingBufferWriter();
        }

        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client, options);
        await using RawServerConnection _ = server;
        if (callback == "ErrorReceived")
        {
            session.ErrorReceived += _ => throw new InvalidOperationException("the handler broke");
            await SendAsync(server, """{"type":"error","event_id":"x","error":{"type":"server_error","message":"m"}}""");
        }
        else
        {
            await SendAsync(server, AudioDelta(480));
        }

        var clock = Stopwatch.StartNew();
        RealtimeCallbackException error = await Assert.ThrowsAsync<RealtimeCallbackException>(() => ReadAllAsync(session));
        Assert.Equal(callback, error.Callback);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(1011, await ReadCloseStatusAsync(server, Patience));
        TimeSpan closeFrame = clock.Elapsed;
        await server.WriteAsync(RawServerConnection.Frame(0x88, [0x03, 0xE8])); // the server answers the close
        Assert.True(await server.SeesEndOfStreamAsync(Patience), "the client left the socket open");
        output.WriteLine($"{callback}: close frame 1011 {closeFrame.TotalMilliseconds:0} ms after the event, socket closed at {clock.Elapsed.TotalMilliseconds:0} ms");

        // Every pending and later call sees the end, with the cause inside.
        RealtimeSessionClosedException closed = await Assert.ThrowsAsync<RealtimeSessionClosedException>(() => session.UpdateSessionAsync(new RealtimeSessionConfig()));
        Assert.Same(error, closed.InnerException);
        await Assert.ThrowsAnyAsync<WebSocketConnectionException>(async () => await session.SendAudioAsync(new byte[480]));
        await session.DisposeAsync();
    }

    [Fact(Timeout = 60000)]
    public async Task Dispose_during_a_ping_burst_ends_promptly_every_time()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        byte[] pings = Enumerable.Repeat(RawServerConnection.Frame(0x89, "ping"u8), 500).SelectMany(f => f).ToArray();
        var slowest = TimeSpan.Zero;
        // Dispose first tries a graceful close, which this server never answers: CloseTimeout bounds that part.
        var options = new RealtimeSessionOptions { CloseTimeout = TimeSpan.FromMilliseconds(100) };
        for (int run = 0; run < 20; run++)
        {
            (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client, options);
            await using RawServerConnection _ = server;
            using var stop = new CancellationTokenSource();
            Task burst = server.WriteRepeatedlyAsync(pings, TimeSpan.Zero, stop.Token);
            Task drain = server.DrainAsync(stop.Token);
            await Task.Delay(50);

            var clock = Stopwatch.StartNew();
            await session.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            await session.Completion.WaitAsync(TimeSpan.FromSeconds(5));
            clock.Stop();
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            await stop.CancelAsync();
            await server.DisposeAsync();
            await Task.WhenAll(burst, drain).WaitAsync(Patience);
        }

        // The connection itself ends a pending receive within 1 s (WebSocketConnectionEvilServerTests); through the
        // session, on an idle 2-core machine, the slowest of 20 took 0.1-0.5 s. The bound leaves room for a CI
        // machine whose cores other test processes share (1.03 s seen under a load average of 20).
        output.WriteLine($"slowest dispose: {slowest.TotalMilliseconds:0} ms");
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest dispose took {slowest.TotalMilliseconds:0} ms");
    }

    [Fact(Timeout = 60000)]
    public async Task A_server_that_never_answers_times_out_calls_and_keep_alive_ends_the_session()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        var options = new RealtimeSessionOptions
        {
            ResponseTimeout = TimeSpan.FromMilliseconds(300),
            KeepAliveInterval = TimeSpan.FromMilliseconds(200),
            KeepAliveTimeout = TimeSpan.FromMilliseconds(600),
        };
        Task<RealtimeTranscriptionSession> connecting = client.ConnectTranscriptionAsync(options);
        await using RawServerConnection server = await peer.AcceptAsync();
        await using RealtimeTranscriptionSession session = await connecting.WaitAsync(Patience);

        TimeoutException update = await Assert.ThrowsAsync<TimeoutException>(() => session.UpdateSessionAsync(new RealtimeTranscriptionSessionConfig()).WaitAsync(Patience));
        Assert.Contains("session.updated", update.Message);
        await Assert.ThrowsAsync<TimeoutException>(() => session.CommitAndWaitAsync().WaitAsync(Patience));

        // The server never reads, so it never answers a ping: the session ends with the keep-alive verdict.
        WebSocketConnectionException dead = await Assert.ThrowsAnyAsync<WebSocketConnectionException>(() => ReadAllAsync(session));
        Assert.Equal(ShutdownReason.KeepAliveTimeout, dead.Reason);
        Assert.True(await server.SeesEndOfStreamAsync(Patience));
    }

    [Fact(Timeout = 60000)]
    public async Task A_server_that_echoes_the_key_in_a_refused_upgrade_never_gets_it_into_the_exception()
    {
        const string Key = "sk-proj-SECRETSECRETSECRET0123456789";
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient(Key);
        string body = $$$"""{"error":{"message":"Incorrect API key provided: Bearer {{{Key}}}.","type":"invalid_request_error","code":"invalid_api_key"}}""";
        string chunked = $"{body.Length / 2:x}\r\n{body[..(body.Length / 2)]}\r\n{body.Length - (body.Length / 2):x}\r\n{body[(body.Length / 2)..]}\r\n0\r\n\r\n";
        string response = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nX-Echo-Authorization: Bearer " + Key + "\r\n\r\n" + chunked;

        Task<RealtimeVoiceSession> connecting = client.ConnectVoiceAgentAsync();
        await using RawServerConnection server = await peer.AcceptAsync(customResponse: response);
        WebSocketHandshakeException error = await Assert.ThrowsAsync<WebSocketHandshakeException>(() => connecting.WaitAsync(Patience));

        Assert.Equal(401, error.StatusCode);
        Assert.Contains("Incorrect API key provided", error.Message);
        Assert.DoesNotContain("SECRETSECRET", error.ToString());
        Assert.DoesNotContain("SECRETSECRET", error.ResponseBody ?? string.Empty);
        Assert.DoesNotContain(error.ResponseHeaders, h => h.Value.Contains("SECRETSECRET", StringComparison.Ordinal));
    }

    [Fact(Timeout = 120000)]
    public async Task Two_hundred_failed_sessions_that_the_app_never_disposes_leave_no_socket_open()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        var sessions = new List<RealtimeVoiceSession>(); // kept reachable: no finalizer closes anything for us
        int before = OpenFileDescriptors();
        for (int i = 0; i < 200; i++)
        {
            (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client);
            sessions.Add(session);
            await server.WriteAsync(RawServerConnection.Frame(0x81, "this is not json {"u8));
            Assert.Equal(1007, await ReadCloseStatusAsync(server, Patience));
            await server.DisposeAsync();
            await session.Completion.WaitAsync(Patience);
            Assert.IsType<RealtimeProtocolException>(session.TerminalException);
        }

        await Task.Delay(200);
        int after = OpenFileDescriptors();
        output.WriteLine($"open file descriptors: {before} before, {after} after 200 failed sessions");
        if (before >= 0)
        {
            Assert.True(after - before <= 10, $"{after - before} more descriptors open after 200 failed sessions");
        }

        GC.KeepAlive(sessions);
    }

    [Fact(Timeout = 60000)]
    public async Task CommitAndWait_returns_the_transcript_of_its_own_item_and_throws_when_it_fails()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        Task<RealtimeTranscriptionSession> connecting = client.ConnectTranscriptionAsync();
        await using RawServerConnection server = await peer.AcceptAsync();
        await using RealtimeTranscriptionSession session = await connecting.WaitAsync(Patience);

        Task<RealtimeTranscript> first = session.CommitAndWaitAsync();
        await ReadClientEventAsync(server, "input_audio_buffer.commit");
        await SendAsync(server, Committed("item_B"));
        // An earlier turn's transcript completes now (completion order between turns is not guaranteed).
        await SendAsync(server, Completed("item_A", "earlier turn"));
        await SendAsync(server, Completed("item_B", "this turn"));
        RealtimeTranscript transcript = await first.WaitAsync(Patience);
        Assert.Equal("item_B", transcript.ItemId);
        Assert.Equal("this turn", transcript.Text);

        Task<RealtimeTranscript> second = session.CommitAndWaitAsync();
        await ReadClientEventAsync(server, "input_audio_buffer.commit");
        await SendAsync(server, Committed("item_C"));
        await SendAsync(server, """{"type":"conversation.item.input_audio_transcription.failed","event_id":"s","item_id":"item_C","content_index":0,"error":{"type":"transcription_error","code":"audio_unintelligible","message":"Audio could not be transcribed."}}""");
        RealtimeTranscriptionFailedException failed = await Assert.ThrowsAsync<RealtimeTranscriptionFailedException>(() => second.WaitAsync(Patience));
        Assert.Equal("item_C", failed.ItemId);
        Assert.Contains("could not be transcribed", failed.Message);
    }

    [Fact(Timeout = 60000)]
    public async Task Updates_are_matched_to_their_own_answers_and_errors_by_event_id()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        Task<RealtimeServerEvent> rejected = session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "one" });
        JsonElement one = await ReadClientEventAsync(server, "session.update");
        Task<RealtimeServerEvent> accepted = session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "two" });
        JsonElement two = await ReadClientEventAsync(server, "session.update");
        Assert.NotEqual(one.GetProperty("event_id").GetString(), two.GetProperty("event_id").GetString());

        await SendAsync(server, $$$"""{"type":"error","event_id":"s1","error":{"type":"invalid_request_error","message":"bad","event_id":"{{{one.GetProperty("event_id").GetString()}}}"}}""");
        await SendAsync(server, SessionUpdated(two));

        RealtimeErrorException error = await Assert.ThrowsAsync<RealtimeErrorException>(() => rejected.WaitAsync(Patience));
        Assert.Equal("session.update", error.ClientEventType);
        RealtimeServerEvent updated = await accepted.WaitAsync(Patience);
        Assert.Contains("\"instructions\":\"two\"", updated.ToString());
    }

    [Fact(Timeout = 60000)]
    public async Task An_error_about_an_audio_append_names_the_append()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await session.SendAudioAsync(new byte[480]);
        JsonElement append = await ReadClientEventAsync(server, "input_audio_buffer.append");
        string appendId = append.GetProperty("event_id").GetString()!;
        Task<RealtimeErrorException> waiting = session.WaitForErrorAsync(appendId);
        await SendAsync(server, $$$"""{"type":"error","event_id":"s1","error":{"type":"invalid_request_error","message":"bad audio","event_id":"{{{appendId}}}"}}""");

        RealtimeErrorException error = await waiting.WaitAsync(Patience);
        Assert.Equal("input_audio_buffer.append", error.ClientEventType);
    }

    [Fact(Timeout = 60000)]
    public async Task An_odd_length_delta_never_reaches_the_sink_as_half_a_sample()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        var received = new List<int>();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client, new RealtimeSessionOptions { AudioSink = pcm => received.Add(pcm.Length) });
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await SendAsync(server, AudioDelta(3));
        await SendAsync(server, AudioDelta(4));
        await SendAsync(server, TranscriptDelta("end"));
        List<RealtimeServerEvent> events = await TestSupport.ReadUntilAsync(session.ReadEventsAsync(), e => e.IsResponseOutputAudioTranscriptDelta);

        Assert.Equal([4], received);
        Assert.Equal(1, session.InvalidAudioDeltas);
        Assert.Equal(["ResponseOutputAudioDelta", "ResponseOutputAudioTranscriptDelta"], TestSupport.Kinds(events)); // the odd one, as an event
        Assert.Equal(3, events[0].AsResponseOutputAudioDelta().Delta.MaxDecodedLength);
    }

    [Theory(Timeout = 60000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_typed_delta_outside_the_builders_shape_is_read_as_the_reader_reads_it_and_a_raw_control_character_ends_the_session(bool zeroCopy)
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client, new RealtimeSessionOptions { ZeroCopyAudioDeltas = zeroCopy });
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;
        const string Prefix = """{"type":"response.output_audio.delta","event_id":"e1","response_id":"r1","item_id":"i1","output_index":0,"content_index":0,"delta":""";

        // Built from the scan; then escaped (the reader unescapes it); then a control character, which JSON forbids raw.
        await SendAsync(server, Prefix + "\"AQID\"}");
        await SendAsync(server, Prefix + "\"AQ\\/D\"}");
        RealtimeServerEvent built = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
        Assert.Equal("AQID"u8.ToArray(), built.AsResponseOutputAudioDelta().Delta.EncodedUtf8.ToArray());
        RealtimeServerEvent escaped = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
        Assert.Equal("AQ/D"u8.ToArray(), escaped.AsResponseOutputAudioDelta().Delta.EncodedUtf8.ToArray());
        Assert.Equal("r1", escaped.AsResponseOutputAudioDelta().ResponseId);

        await SendAsync(server, Prefix + "\"AQ\u0001D\"}");
        await Assert.ThrowsAsync<RealtimeProtocolException>(() => ReadAllAsync(session));
        Assert.Equal(1007, await ReadCloseStatusAsync(server, Patience));
    }

    /// <summary>
    /// Bodies long enough for the connection's UTF-8 pass to find their plain tail, which the builder then trusts instead
    /// of checking the body again: an escape, a quote that ends the string early, a non-ASCII character and a control
    /// character at the body's start, middle and end each still give what the reader gives (or the typed error).
    /// </summary>
    [Theory(Timeout = 60000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_long_typed_delta_with_an_escape_or_a_stray_byte_anywhere_in_its_body_is_read_as_the_reader_reads_it(bool zeroCopy)
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client, new RealtimeSessionOptions { ZeroCopyAudioDeltas = zeroCopy });
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;
        const string Prefix = """{"type":"response.output_audio.delta","event_id":"e1","response_id":"r1","item_id":"i1","output_index":0,"content_index":0,"delta":""";
        string body = new('A', 300);
        foreach (int at in (int[])[0, 1, 63, 64, 150, 298, 299])
        {
            // Built from the scan (plain); escaped (the reader unescapes it); with an é (the reader keeps it, raw).
            await SendAsync(server, Prefix + "\"" + body + "\"}");
            await SendAsync(server, Prefix + "\"" + body.Insert(at, "\\/") + "\"}");
            await SendAsync(server, Prefix + "\"" + body.Insert(at, "\u00e9") + "\"}");
            Assert.Equal(Encoding.ASCII.GetBytes(body), (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!.AsResponseOutputAudioDelta().Delta.EncodedUtf8.ToArray());
            Assert.Equal(Encoding.ASCII.GetBytes(body.Insert(at, "/")), (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!.AsResponseOutputAudioDelta().Delta.EncodedUtf8.ToArray());
            Assert.Equal(Encoding.UTF8.GetBytes(body.Insert(at, "\u00e9")), (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!.AsResponseOutputAudioDelta().Delta.EncodedUtf8.ToArray());
        }

        // A quote inside the body: the message is not one string (invalid JSON), which the reader refuses.
        await SendAsync(server, Prefix + "\"" + body.Insert(150, "\"") + "\"}");
        await Assert.ThrowsAsync<RealtimeProtocolException>(() => ReadAllAsync(session));
    }

    [Fact(Timeout = 60000)]
    public async Task An_odd_length_or_invalid_delta_is_never_committed_to_the_audio_output()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        var player = new ArrayBufferWriter<byte>();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client, new RealtimeSessionOptions { AudioOutput = player });
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await SendAsync(server, AudioDelta(3));
        await SendAsync(server, AudioDelta(4).Replace("\"AAAAAA==\"", "\"AA!AAA==\"", StringComparison.Ordinal)); // not base64
        await SendAsync(server, AudioDelta(6));
        await SendAsync(server, TranscriptDelta("end"));
        List<RealtimeServerEvent> events = await TestSupport.ReadUntilAsync(session.ReadEventsAsync(), e => e.IsResponseOutputAudioTranscriptDelta);

        Assert.Equal(6, player.WrittenCount); // the valid delta only, whole samples
        Assert.Equal(2, session.InvalidAudioDeltas);
        Assert.Equal(6, session.AudioBytesReceived);
        Assert.Equal(["ResponseOutputAudioDelta", "ResponseOutputAudioDelta", "ResponseOutputAudioTranscriptDelta"], TestSupport.Kinds(events)); // the bad ones, as events
    }

    [Fact(Timeout = 60000)]
    public async Task With_an_audio_output_and_a_sink_the_sink_sees_the_pcm_in_the_output_before_it_is_committed()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        var player = new ArrayBufferWriter<byte>();
        var seen = new List<(int Length, int CommittedBefore, bool InOutput)>();
        var options = new RealtimeSessionOptions { AudioOutput = player };
        options.AudioSink = pcm =>
        {
            // The span is the output's own memory, just past what is committed: decoded once, not copied.
            bool inOutput = System.Runtime.CompilerServices.Unsafe.AreSame(
                ref System.Runtime.InteropServices.MemoryMarshal.GetReference(pcm),
                ref System.Runtime.InteropServices.MemoryMarshal.GetReference(player.GetSpan(pcm.Length)));
            seen.Add((pcm.Length, player.WrittenCount, inOutput));
        };
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client, options);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await SendAsync(server, AudioDelta(480));
        await SendAsync(server, AudioDelta(960));
        await SendAsync(server, TranscriptDelta("end"));
        List<RealtimeServerEvent> events = await TestSupport.ReadUntilAsync(session.ReadEventsAsync(), e => e.IsResponseOutputAudioTranscriptDelta);

        Assert.Equal([(480, 0, true), (960, 480, true)], seen);
        Assert.Equal(1440, player.WrittenCount);
        Assert.Equal(["ResponseOutputAudioTranscriptDelta"], TestSupport.Kinds(events)); // the deltas went to the app's audio, not the stream
        Assert.Equal(1440, session.CurrentItemAudioBytes);
    }

    [Fact(Timeout = 60000)]
    public async Task A_pipe_writer_output_that_is_not_read_stops_the_socket_reads_until_the_player_catches_up()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        var playback = new Pipe(new PipeOptions(pauseWriterThreshold: 2000, resumeWriterThreshold: 1000, useSynchronizationContext: false));
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client, new RealtimeSessionOptions { AudioOutput = playback.Writer });
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        for (int i = 0; i < 4; i++)
        {
            await SendAsync(server, AudioDelta(960));
        }

        await SendAsync(server, TranscriptDelta("after the audio"));

        // Nobody plays: the third delta takes the pipe past its pause threshold and the loop waits in its flush, so the
        // transcript behind the audio is not read from the socket.
        Task<List<RealtimeServerEvent>> transcript = TestSupport.ReadUntilAsync(session.ReadEventsAsync(), e => e.IsResponseOutputAudioTranscriptDelta);
        await Task.Delay(500);
        Assert.False(transcript.IsCompleted, "the session read on while the player was behind");
        Assert.True(session.AudioBytesReceived is >= 2000 and < 4 * 960, $"{session.AudioBytesReceived} bytes decoded before the loop held back");

        // The player catches up: the loop goes on, every byte arrives once and in order.
        long played = 0;
        while (played < 4 * 960)
        {
            ReadResult read = await playback.Reader.ReadAsync().AsTask().WaitAsync(Patience);
            played += read.Buffer.Length;
            playback.Reader.AdvanceTo(read.Buffer.End);
        }

        Assert.Equal(["ResponseOutputAudioTranscriptDelta"], TestSupport.Kinds(await transcript.WaitAsync(Patience)));
        Assert.Equal(4 * 960, played);
        Assert.Equal(0, session.InvalidAudioDeltas);
    }

    [Fact(Timeout = 60000)]
    public async Task Json_nested_too_deep_is_reported_as_such_and_closes_with_1007()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        string deep = """{"type":"future.event","event_id":"x","x":""" + new string('[', 1000) + new string(']', 1000) + "}";
        await SendAsync(server, deep);

        RealtimeProtocolException error = await Assert.ThrowsAsync<RealtimeProtocolException>(() => ReadAllAsync(session));
        Assert.Contains("nested 1001 levels deep", error.Message);
        Assert.Equal(1007, await ReadCloseStatusAsync(server, Patience));
    }

    [Fact(Timeout = 60000)]
    public async Task SendAudioAsync_after_the_end_fails_through_its_task_like_every_other_send()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client);
        await server.DisposeAsync(); // the server goes away
        await Assert.ThrowsAnyAsync<WebSocketConnectionException>(() => ReadAllAsync(session));
        await session.DisposeAsync();

        ValueTask send = default;
        Exception? thrown = Record.Exception(() => send = session.SendAudioAsync(new byte[480]));
        Assert.Null(thrown);
        await Assert.ThrowsAnyAsync<WebSocketConnectionException>(async () => await send);
        Exception? odd = Record.Exception(() => send = session.SendAudioAsync(new byte[3]));
        Assert.Null(odd);
        await Assert.ThrowsAsync<ArgumentException>(async () => await send);
    }

    /// <summary>
    /// The typed send's common path and the path with a waiter are separate methods (so that the first stays small):
    /// after the end, both still fail through their task, the plain send with the connection's error, the call that
    /// waits for an answer with the session's end, and the event keeps the id it was given.
    /// </summary>
    [Fact(Timeout = 60000)]
    public async Task Typed_sends_after_the_end_fail_through_their_task_with_and_without_a_waiter()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client);
        await server.DisposeAsync(); // the server goes away
        await Assert.ThrowsAnyAsync<WebSocketConnectionException>(() => ReadAllAsync(session));
        await session.DisposeAsync();

        var create = new RealtimeClientEventResponseCreate();
        ValueTask<RealtimeEventId> send = default;
        Exception? thrown = Record.Exception(() => send = session.SendAsync(create));
        Assert.Null(thrown);
        await Assert.ThrowsAnyAsync<WebSocketConnectionException>(async () => await send);
        Assert.StartsWith("evt_", create.EventId, StringComparison.Ordinal);

        Task<RealtimeServerEvent>? update = null;
        Exception? thrownByWaiter = Record.Exception(() => { update = session.UpdateSessionAsync(new RealtimeSessionConfig()); });
        Assert.Null(thrownByWaiter);
        await Assert.ThrowsAsync<RealtimeSessionClosedException>(() => update!);
    }

    [Fact(Timeout = 60000)]
    public async Task CloseAsync_ends_a_voice_session_gracefully_after_what_was_queued()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await ConnectVoiceAsync(peer, client);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;
        await SendAsync(server, TranscriptDelta("before the close"));
        await Task.Delay(100);

        Task closing = session.CloseAsync();
        Assert.Equal(1000, await ReadCloseStatusAsync(server, Patience));
        await server.WriteAsync(RawServerConnection.Frame(0x88, [0x03, 0xE8]));
        await closing.WaitAsync(Patience);

        List<RealtimeServerEvent> events = [];
        await foreach (RealtimeServerEvent e in session.ReadEventsAsync(new CancellationTokenSource(Patience).Token))
        {
            events.Add(e);
        }

        Assert.Equal("before the close", Assert.Single(events).AsResponseOutputAudioTranscriptDelta().Delta);
        await session.Completion.WaitAsync(Patience);
        Assert.Null(session.TerminalException);
        Assert.True(await server.SeesEndOfStreamAsync(Patience));
    }

    internal static async Task<(RealtimeVoiceSession Session, RawServerConnection Server)> ConnectVoiceAsync(HostilePeer peer, RealtimeClient client, RealtimeSessionOptions? options = null)
    {
        Task<RealtimeVoiceSession> connecting = client.ConnectVoiceAgentAsync(options: options);
        RawServerConnection server = await peer.AcceptAsync();
        return (await connecting.WaitAsync(Patience), server);
    }

    private static string TranscriptDelta(string text)
        => $$"""{"type":"response.output_audio_transcript.delta","event_id":"s","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"{{text}}"}""";

    private static string Committed(string itemId)
        => $$"""{"type":"input_audio_buffer.committed","event_id":"s","previous_item_id":null,"item_id":"{{itemId}}"}""";

    private static string Completed(string itemId, string transcript)
        => $$$"""{"type":"conversation.item.input_audio_transcription.completed","event_id":"s","item_id":"{{{itemId}}}","content_index":0,"transcript":"{{{transcript}}}","usage":{"type":"duration","seconds":1}}""";

    private static string SessionUpdated(JsonElement update)
        => """{"type":"session.updated","event_id":"s","session":""" + update.GetProperty("session").GetRawText() + "}";

    /// <summary>A player whose buffer fails: GetSpan throws, as a disposed ring buffer would.</summary>
    private sealed class ThrowingBufferWriter : IBufferWriter<byte>
    {
        public void Advance(int count) => throw new InvalidOperationException("the player broke");

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new InvalidOperationException("the player broke");

        public Span<byte> GetSpan(int sizeHint = 0) => throw new InvalidOperationException("the player broke");
    }

    private static async Task ReadAllAsync<T>(RealtimeSession<T> session)
        where T : class, Generated.OpenAI.Serialization.IJsonModel<T>
    {
        using var timeout = new CancellationTokenSource(Patience);
        await foreach (T e in session.ReadEventsAsync(timeout.Token))
        {
            _ = e;
        }
    }
}
