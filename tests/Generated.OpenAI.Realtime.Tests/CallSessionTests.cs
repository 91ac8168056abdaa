using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;
using Generated.OpenAI.Webhooks;
using Generated.OpenAI.WebSockets;
using Xunit;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>
/// WebRTC/SIP call control against the simulator: a signed <c>realtime.call.incoming</c> webhook, accept, the sideband
/// session by <c>call_id</c> running a function tool, hang up; reject and refer; refused sidebands.
/// </summary>
public sealed class CallSessionTests
{
    private static readonly string s_secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static RealtimeClient CreateClient(OpenAISimulator simulator)
        => new(new OpenAIClientOptions { ApiKey = "sk-test", BaseUrl = simulator.BaseUrl, MaxRetries = 0 });

    [Fact(Timeout = 30000)]
    public async Task A_verified_incoming_call_is_accepted_runs_a_function_tool_on_its_sideband_and_is_hung_up()
    {
        await using OpenAISimulator simulator = await OpenAISimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        var verifier = new WebhookVerifier(s_secret);

        // The app's webhook endpoint: verify, read the typed event, answer 200 (400 for anything not authentic).
        var incoming = new ConcurrentQueue<WebhookRealtimeCallIncoming>();
        using var webhookEndpoint = new WebhookEndpoint(request =>
        {
            try
            {
                WebhookRealtimeCallIncoming? call = RealtimeClient.ReadIncomingCall(verifier, request.Body, name => request.Headers.GetValueOrDefault(name));
                if (call is not null)
                {
                    incoming.Enqueue(call);
                }

                return 200;
            }
            catch (WebhookVerificationException)
            {
                return 400;
            }
        });

        (SimulatedCall simulated, int status) = await simulator.Realtime.DeliverIncomingCallAsync(webhookEndpoint.Url, s_secret);
        Assert.Equal(200, status);
        WebhookRealtimeCallIncoming webhook = Assert.Single(incoming);
        Assert.Equal("realtime.call.incoming", webhook.Type);
        string callId = webhook.Data.CallId;
        Assert.Equal(simulated.CallId, callId);
        Assert.Equal("sip:+14155550100@sip.example.com", webhook.Data.SipHeaders.Single(h => h.Name == "From").Value);
        Assert.Equal(SimulatedCallState.Ringing, simulated.State);

        // Not accepted yet: no sideband.
        WebSocketHandshakeException early = await Assert.ThrowsAsync<WebSocketHandshakeException>(() => client.AttachToCallAsync(callId));
        Assert.Equal(404, early.StatusCode);

        await client.AcceptCallAsync(callId, new RealtimeSessionConfig
        {
            Model = "gpt-realtime-2",
            Instructions = "You are a support agent.",
            OutputModalities = [RealtimeSessionOutputModality.Text],
        });
        Assert.Equal(SimulatedCallState.Accepted, simulated.State);
        Assert.Equal("""{"type":"realtime","output_modalities":["text"],"model":"gpt-realtime-2","instructions":"You are a support agent."}""", simulated.AcceptedSession);

        await using RealtimeCallSession session = await client.AttachToCallAsync(callId);
        Assert.Equal(callId, session.CallId);
        RealtimeHandshake handshake = simulator.Realtime.Handshakes.Single();
        Assert.Equal(RealtimeSessionKind.Sideband, handshake.Kind);
        Assert.Equal("?call_id=" + callId, handshake.QueryString);
        Assert.Equal("gpt-realtime-2", handshake.Model);

        string? toolArguments = null;
        session.AddFunctionTool("get_weather", (arguments, _) =>
        {
            toolArguments = arguments;
            return ValueTask.FromResult("""{"temperature_c":21}""");
        });
        await session.UpdateSessionAsync(new RealtimeSessionConfig());
        await session.CreateResponseAsync();

        // The function call's response, then (after the tool output) the answer.
        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.TryGetResponseOutputTextDone(out RealtimeServerEventResponseTextDone? done) && done.Text.Contains("temperature_c", StringComparison.Ordinal));
        Assert.Equal("""{"location":"San Francisco"}""", toolArguments);
        RealtimeServerEvent created = events.First(e => e.Kind == RealtimeServerEventKind.SessionCreated);
        Assert.Equal("You are a support agent.", created.AsSessionCreated().Session.AsRealtime().Instructions);
        List<RealtimeClientMessage> messages = simulator.Realtime.ClientMessages.ToList();
        Assert.Equal(["session.update", "response.create", "conversation.item.create", "response.create"], messages.Select(m => m.Type));
        Assert.Contains("\"type\":\"function_call_output\"", messages[2].Json, StringComparison.Ordinal);

        // On a call the server plays the audio: interrupting clears its buffer, and nothing is truncated by guesswork.
        await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone);
        IReadOnlyList<string> sent = await session.InterruptAsync();
        Assert.Single(sent);
        await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.OutputAudioBufferCleared);
        Assert.Equal("output_audio_buffer.clear", simulator.Realtime.ClientMessages[^1].Type);

        // Hang up: the server closes the sideband, the event stream completes normally.
        await session.HangUpAsync();
        await session.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(session.TerminalException);
        Assert.Null(await session.ReadEventAsync());
        Assert.Equal(SimulatedCallState.Ended, simulated.State);

        // An ended call has no session any more: hang up and attach both answer 404.
        NotFoundException again = await Assert.ThrowsAsync<NotFoundException>(() => client.HangUpCallAsync(callId));
        Assert.Equal("call_id_not_found", again.ErrorCode);
        WebSocketHandshakeException late = await Assert.ThrowsAsync<WebSocketHandshakeException>(() => client.AttachToCallAsync(callId));
        Assert.Equal(404, late.StatusCode);
    }

    [Fact(Timeout = 15000)]
    public async Task A_forged_or_tampered_incoming_call_webhook_is_refused_before_it_is_read()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        var verifier = new WebhookVerifier(s_secret);
        SignedWebhook webhook = simulator.StartIncomingCall(s_secret);
        Func<string, string?> headers = name => webhook.Headers.GetValueOrDefault(name);

        Assert.NotNull(RealtimeClient.ReadIncomingCall(verifier, webhook.Body, headers));

        // Signed with another secret.
        var forger = new WebhookVerifier("whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        string forged = forger.Sign(webhook.WebhookId, DateTimeOffset.FromUnixTimeSeconds(long.Parse(webhook.Timestamp, System.Globalization.CultureInfo.InvariantCulture)), webhook.Body);
        WebhookVerificationException wrongKey = Assert.Throws<WebhookVerificationException>(() => RealtimeClient.ReadIncomingCall(verifier, webhook.Body, name => name == WebhookVerifier.SignatureHeader ? forged : headers(name)));
        Assert.Equal(WebhookVerificationFailure.SignatureMismatch, wrongKey.Reason);

        // The right signature over a body with another call id.
        byte[] tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(webhook.Body).Replace("rtc_", "rtc_x", StringComparison.Ordinal));
        WebhookVerificationException changed = Assert.Throws<WebhookVerificationException>(() => RealtimeClient.ReadIncomingCall(verifier, tampered, headers));
        Assert.Equal(WebhookVerificationFailure.SignatureMismatch, changed.Reason);

        // No signature at all.
        WebhookVerificationException missing = Assert.Throws<WebhookVerificationException>(() => RealtimeClient.ReadIncomingCall(verifier, webhook.Body, name => name == WebhookVerifier.SignatureHeader ? null : headers(name)));
        Assert.Equal(WebhookVerificationFailure.MissingHeader, missing.Reason);

        // An authentic webhook of another type is not a call; an authentic call without a call id is a JSON error.
        Func<string, string?> SignedHeaders(byte[] body)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            string signature = verifier.Sign("wh_2", now, body);
            return name => name switch
            {
                WebhookVerifier.IdHeader => "wh_2",
                WebhookVerifier.TimestampHeader => now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => signature,
            };
        }

        byte[] batch = """{"object":"event","id":"evt_1","type":"batch.completed","created_at":1750287018,"data":{"id":"batch_1"}}"""u8.ToArray();
        Assert.Null(RealtimeClient.ReadIncomingCall(verifier, batch, SignedHeaders(batch)));
        byte[] noCallId = """{"object":"event","id":"evt_2","type":"realtime.call.incoming","created_at":1750287018,"data":{"sip_headers":[]}}"""u8.ToArray();
        Assert.ThrowsAny<JsonException>(() => RealtimeClient.ReadIncomingCall(verifier, noCallId, SignedHeaders(noCallId)));
        byte[] notJson = "call me"u8.ToArray();
        Assert.ThrowsAny<JsonException>(() => RealtimeClient.ReadIncomingCall(verifier, notJson, SignedHeaders(notJson)));
    }

    [Fact(Timeout = 15000)]
    public async Task Reject_and_refer_are_recorded_per_call_and_a_refer_closes_the_sideband()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = TestSupport.CreateClient(simulator);
        string Start() => JsonDocument.Parse(simulator.StartIncomingCall(s_secret).Body).RootElement.GetProperty("data").GetProperty("call_id").GetString()!;

        string busy = Start();
        await client.RejectCallAsync(busy, 486);
        Assert.Equal(SimulatedCallState.Rejected, simulator.Calls[busy].State);
        Assert.Equal(486, simulator.Calls[busy].RejectStatusCode);

        string declined = Start();
        await client.RejectCallAsync(declined);
        Assert.Equal(603, simulator.Calls[declined].RejectStatusCode);

        // A rejected call cannot be accepted afterwards; a ringing one cannot be referred.
        await Assert.ThrowsAsync<NotFoundException>(() => client.AcceptCallAsync(busy, new RealtimeSessionConfig()));
        string ringing = Start();
        BadRequestException notYet = await Assert.ThrowsAsync<BadRequestException>(() => client.ReferCallAsync(ringing, "tel:+14155550123"));
        Assert.Equal("invalid_call_state", notYet.ErrorCode);

        await client.AcceptCallAsync(ringing, new RealtimeSessionConfig { Instructions = "Transfer callers to a person." });
        await using RealtimeCallSession session = await client.AttachToCallAsync(ringing);
        await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.SessionCreated);
        await client.ReferCallAsync(ringing, "tel:+14155550123");
        Assert.Equal(SimulatedCallState.Referred, simulator.Calls[ringing].State);
        Assert.Equal("tel:+14155550123", simulator.Calls[ringing].ReferTargetUri);
        await session.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(session.TerminalException);
    }

    [Fact(Timeout = 15000)]
    public async Task An_unknown_call_id_is_refused_with_the_APIs_error_and_no_socket()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = TestSupport.CreateClient(simulator);

        WebSocketHandshakeException refused = await Assert.ThrowsAsync<WebSocketHandshakeException>(() => client.AttachToCallAsync("rtc_unknown"));
        Assert.Equal(404, refused.StatusCode);
        Assert.Contains("No session found for the provided call_id.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"call_id_not_found\"", refused.ResponseBody, StringComparison.Ordinal);
        Assert.Equal(0, simulator.ConnectionCount);

        NotFoundException rest = await Assert.ThrowsAsync<NotFoundException>(() => client.AcceptCallAsync("rtc_unknown", new RealtimeSessionConfig()));
        Assert.Equal("call_id_not_found", rest.ErrorCode);
        Assert.Equal("No session found for the provided call_id.", rest.ErrorMessage);
    }

    /// <summary>The app's webhook endpoint: an <see cref="HttpListener"/> on 127.0.0.1 that answers each POST with <c>handle</c>'s status.</summary>
    private sealed class WebhookEndpoint : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public WebhookEndpoint(Func<(byte[] Body, Dictionary<string, string> Headers), int> handle)
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/webhook/");
            }

            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    var body = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(body);
                    var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
                    context.Response.StatusCode = handle((body.ToArray(), headers));
                    context.Response.Close();
                }
            });
        }

        public Uri Url { get; }

        public void Dispose()
        {
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
    }
}
