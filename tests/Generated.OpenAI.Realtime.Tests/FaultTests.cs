using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;
using Generated.OpenAI.WebSockets;
using Xunit;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

[Collection(TimingSensitiveCollection.Name)]
public sealed class FaultTests
{
    [Fact(Timeout = 30000)]
    public async Task An_unknown_event_arrives_as_Unknown_and_the_session_goes_on()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        simulator.NextConnectionFault = RealtimeFault.UnknownEvent;
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();

        await session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "Be brief." }).WaitAsync(Patience);
        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.SessionUpdated);

        Assert.Equal(["SessionCreated", "Unknown", "SessionUpdated"], Kinds(events));
        Assert.Equal("""{"type":"future.event","x":1}""", events[1].UnknownJson!.Value.GetRawText());
        Assert.Null(session.TerminalException);
    }

    [Fact(Timeout = 30000)]
    public async Task Garbage_ends_the_session_with_a_RealtimeProtocolException()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        simulator.NextConnectionFault = RealtimeFault.Garbage;
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();

        var events = new List<RealtimeServerEvent>();
        RealtimeProtocolException error = await Assert.ThrowsAsync<RealtimeProtocolException>(async () =>
        {
            await foreach (RealtimeServerEvent e in session.ReadEventsAsync(new CancellationTokenSource(Patience).Token))
            {
                events.Add(e);
            }
        });

        Assert.Equal("this is not json {", error.PayloadPreview);
        Assert.Equal(["SessionCreated"], Kinds(events));
        await session.Completion.WaitAsync(Patience);
        Assert.Same(error, session.TerminalException);
        await Assert.ThrowsAsync<RealtimeSessionClosedException>(() => session.UpdateSessionAsync(new RealtimeSessionConfig()));
    }

    [Fact(Timeout = 30000)]
    public async Task An_oversize_message_ends_the_session_with_MessageTooBig()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { OversizeMessageBytes = 256 * 1024 });
        simulator.NextConnectionFault = RealtimeFault.Oversize;
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions { MaxMessageSize = 64 * 1024 });

        WebSocketProtocolException error = await Assert.ThrowsAsync<WebSocketProtocolException>(() => ReadAllAsync(session));
        Assert.Equal(ShutdownReason.MessageTooBig, error.Reason);
        await session.Completion.WaitAsync(Patience);
    }

    [Fact(Timeout = 30000)]
    public async Task A_connection_dropped_mid_frame_ends_the_session_with_a_connection_exception()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        simulator.NextConnectionFault = RealtimeFault.DropMidFrame;
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();

        WebSocketConnectionException error = await Assert.ThrowsAnyAsync<WebSocketConnectionException>(() => ReadAllAsync(session));
        Assert.Contains(error.Reason, new[] { ShutdownReason.RemoteDisconnectedMidFrame, ShutdownReason.RemoteDisconnected, ShutdownReason.TransportError });
        await session.Completion.WaitAsync(Patience);
        Assert.Same(error, session.TerminalException);
    }

    [Fact(Timeout = 30000)]
    public async Task Dispose_stops_the_loop_within_a_second_even_when_the_server_stalls()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        simulator.NextConnectionFault = RealtimeFault.Stall;
        using RealtimeClient client = CreateClient(simulator);
        RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(); // default CloseTimeout: 500 ms
        RealtimeServerEvent? first = await session.ReadEventAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(RealtimeServerEventKind.SessionCreated, first!.Kind);
        Task<RealtimeServerEvent?> pending = session.ReadEventAsync().AsTask();

        var stopwatch = Stopwatch.StartNew();
        await session.DisposeAsync();
        await session.Completion.WaitAsync(TimeSpan.FromSeconds(1));
        stopwatch.Stop();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"stopped after {stopwatch.Elapsed.TotalMilliseconds:0} ms");
        Assert.Null(await pending.WaitAsync(TimeSpan.FromSeconds(1))); // the stream completed
        Assert.NotEqual(ShutdownReason.None, session.ShutdownReason);
        await Assert.ThrowsAsync<RealtimeSessionClosedException>(() => session.WaitForErrorAsync("x"));
    }

    [Fact(Timeout = 30000)]
    public async Task Dispose_of_an_idle_session_closes_the_socket_gracefully()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        RealtimeTranscriptionSession session = await client.ConnectTranscriptionAsync();
        Assert.NotNull(await session.ReadEventAsync().AsTask().WaitAsync(Patience));

        var stopwatch = Stopwatch.StartNew();
        await session.DisposeAsync();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"stopped after {stopwatch.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(session.Completion.IsCompleted);
        Assert.Equal(ShutdownReason.LocalClose, session.ShutdownReason);
        Assert.Null(session.TerminalException);
    }

    [Fact(Timeout = 30000)]
    public async Task Cancelling_the_enumeration_ends_it_within_a_second_and_the_session_goes_on()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();
        using var cts = new CancellationTokenSource();
        Task reading = ReadAllAsync(session, cts.Token);
        await Task.Delay(100);

        var stopwatch = Stopwatch.StartNew();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(1)));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1));

        RealtimeServerEvent updated = await session.UpdateSessionAsync(new RealtimeSessionConfig()).WaitAsync(Patience);
        Assert.Equal(RealtimeServerEventKind.SessionUpdated, updated.Kind);
    }

    private static async Task ReadAllAsync<T>(RealtimeSession<T> session, CancellationToken cancellationToken = default)
        where T : class, Generated.OpenAI.Serialization.IJsonModel<T>
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        await foreach (T e in session.ReadEventsAsync(timeout.Token))
        {
            _ = e;
        }
    }
}
