using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace Generated.OpenAI.Simulator.Tests;

public sealed class RealtimeSimulatorTests
{
    private static Uri Voice(RealtimeSimulator s) => new(s.RealtimeUrl + "?model=gpt-realtime-2");

    private static Uri Transcription(RealtimeSimulator s) => new(s.RealtimeUrl + "?intent=transcription");

    private static Uri Translation(RealtimeSimulator s) => new(s.TranslationsUrl + "?model=gpt-realtime-translate");

    private static string[] Types(IEnumerable<JsonElement> events) => events.Select(e => e.GetProperty("type").GetString()!).ToArray();

    private static byte[] Audio(IEnumerable<JsonElement> events, string type)
    {
        var audio = new MemoryStream();
        foreach (JsonElement e in events.Where(e => e.GetProperty("type").GetString() == type))
        {
            audio.Write(e.GetProperty("delta").GetBytesFromBase64());
        }

        return audio.ToArray();
    }

    private static string Text(IEnumerable<JsonElement> events, string type)
        => string.Concat(events.Where(e => e.GetProperty("type").GetString() == type).Select(e => e.GetProperty("delta").GetString()));

    [Fact]
    public async Task Base_url_is_loopback_v1_and_realtime_urls_derive_from_it()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        Assert.Equal("127.0.0.1", simulator.BaseUrl.Host);
        Assert.Equal("/v1", simulator.BaseUrl.AbsolutePath);
        Assert.Equal($"ws://127.0.0.1:{simulator.BaseUrl.Port}/v1/realtime", simulator.RealtimeUrl.ToString());
        Assert.Equal($"ws://127.0.0.1:{simulator.BaseUrl.Port}/v1/realtime/translations", simulator.TranslationsUrl.ToString());
    }

    [Fact]
    public async Task Voice_agent_scripted_exchange_echoes_the_committed_audio_with_a_transcript()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        await using RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(Voice(simulator), "sk-test", "hashed-user-id");

        JsonElement created = await client.ExpectAsync("session.created");
        JsonElement session = created.GetProperty("session");
        Assert.Equal("realtime", session.GetProperty("type").GetString());
        Assert.Equal("gpt-realtime-2", session.GetProperty("model").GetString());
        Assert.Equal("audio/pcm", session.GetProperty("audio").GetProperty("input").GetProperty("format").GetProperty("type").GetString());
        Assert.Equal(24000, session.GetProperty("audio").GetProperty("output").GetProperty("format").GetProperty("rate").GetInt32());

        await client.SendAsync("""{"type":"session.update","session":{"type":"realtime","instructions":"Be brief.","audio":{"input":{"turn_detection":null}}}}""");
        JsonElement updated = (await client.ExpectAsync("session.updated")).GetProperty("session");
        Assert.Equal("Be brief.", updated.GetProperty("instructions").GetString());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("audio").GetProperty("input").GetProperty("turn_detection").ValueKind);
        Assert.Equal("marin", updated.GetProperty("audio").GetProperty("output").GetProperty("voice").GetString());

        byte[] input = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(450));
        await client.SendAsync(RealtimeTestClient.Append(input.AsSpan(0, 9600)));
        await client.SendAsync(RealtimeTestClient.Append(input.AsSpan(9600)));
        await client.SendAsync("""{"type":"input_audio_buffer.commit","event_id":"evt_commit"}""");
        JsonElement committed = await client.ExpectAsync("input_audio_buffer.committed");
        string userItem = committed.GetProperty("item_id").GetString()!;
        Assert.Equal(userItem, (await client.ExpectAsync("conversation.item.added")).GetProperty("item").GetProperty("id").GetString());
        Assert.Equal(userItem, (await client.ExpectAsync("conversation.item.done")).GetProperty("item").GetProperty("id").GetString());

        await client.SendAsync("""{"type":"response.create"}""");
        List<JsonElement> events = await client.ReceiveUntilAsync("response.done");
        string[] types = Types(events);
        Assert.Equal(["response.created", "response.output_item.added", "conversation.item.added", "response.content_part.added"], types[..4]);
        Assert.Equal(["response.output_audio.done", "response.output_audio_transcript.done", "response.content_part.done", "response.output_item.done", "conversation.item.done", "response.done"], types[^6..]);
        Assert.All(types[4..^6], t => Assert.Contains(t, new[] { "response.output_audio.delta", "response.output_audio_transcript.delta" }));
        Assert.Equal(5, types.Count(t => t == "response.output_audio.delta"));

        Assert.Equal(input, Audio(events, "response.output_audio.delta"));
        string transcript = Text(events, "response.output_audio_transcript.delta");
        Assert.Equal(SimulatedText.Answer(input.Length), transcript);
        Assert.Equal(transcript, events.Single(e => e.GetProperty("type").GetString() == "response.output_audio_transcript.done").GetProperty("transcript").GetString());

        JsonElement response = events[^1].GetProperty("response");
        Assert.Equal("completed", response.GetProperty("status").GetString());
        JsonElement item = response.GetProperty("output")[0];
        Assert.Equal("final_answer", item.GetProperty("phase").GetString());
        Assert.Equal("output_audio", item.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal(transcript, item.GetProperty("content")[0].GetProperty("transcript").GetString());

        string[] ids = events.Select(e => e.GetProperty("event_id").GetString()!).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());

        RealtimeHandshake handshake = Assert.Single(simulator.Handshakes);
        Assert.Equal(RealtimeSessionKind.VoiceAgent, handshake.Kind);
        Assert.Equal("hashed-user-id", handshake.SafetyIdentifier);
        Assert.Equal("sk-test", handshake.Credential);
        Assert.Equal("?model=gpt-realtime-2", handshake.QueryString);
        Assert.Equal(input, simulator.GetReceivedAudio(handshake.ConnectionId));
        Assert.Empty(simulator.ServerErrors);
    }

    [Fact]
    public async Task Voice_agent_without_input_audio_answers_with_a_tone()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        await using RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(Voice(simulator));
        await client.ExpectAsync("session.created");
        await client.SendAsync("""{"type":"response.create"}""");
        List<JsonElement> events = await client.ReceiveUntilAsync("response.done");
        Assert.Equal(SampleAudio.CreateTonePcm16(440, TimeSpan.FromSeconds(1)), Audio(events, "response.output_audio.delta"));
        Assert.Equal(SimulatedText.Answer(0), Text(events, "response.output_audio_transcript.delta"));
    }

    [Fact]
    public async Task Voice_agent_with_the_default_server_vad_answers_a_commit_by_itself()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        await using RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(Voice(simulator));
        JsonElement created = await client.ExpectAsync("session.created");
        Assert.Equal("server_vad", created.GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("turn_detection").GetProperty("type").GetString());
        byte[] input = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(300));
        await client.SendAsync(RealtimeTestClient.Append(input));
        await client.SendAsync("""{"type":"input_audio_buffer.commit"}""");
        List<JsonElement> events = await client.ReceiveUntilAsync("response.done");
        Assert.Equal(["input_audio_buffer.committed", "conversation.item.added", "conversation.item.done", "response.created"], Types(events)[..4]);
        Assert.Equal(input, Audio(events, "response.output_audio.delta"));

        await client.SendAsync("""{"type":"response.cancel","event_id":"evt_late"}""");
        Assert.Equal("response_cancel_not_active", (await client.ExpectAsync("error")).GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(simulator.ServerErrors);
    }

    [Fact]
    public async Task Voice_agent_calls_a_registered_function_then_answers_with_its_output()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        await using RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(Voice(simulator));
        await client.ExpectAsync("session.created");
        await client.SendAsync("""{"type":"session.update","session":{"type":"realtime","tools":[{"type":"function","name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}]}}""");
        await client.ExpectAsync("session.updated");

        await client.SendAsync("""{"type":"response.create"}""");
        List<JsonElement> call = await client.ReceiveUntilAsync("response.done");
        Assert.Equal(
            ["response.created", "response.output_item.added", "conversation.item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
             "response.function_call_arguments.delta", "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done", "conversation.item.done", "response.done"],
            Types(call));
        JsonElement done = call.Single(e => e.GetProperty("type").GetString() == "response.function_call_arguments.done");
        Assert.Equal("get_weather", done.GetProperty("name").GetString());
        Assert.Equal("""{"location":"San Francisco"}""", done.GetProperty("arguments").GetString());
        Assert.Equal(done.GetProperty("arguments").GetString(), Text(call, "response.function_call_arguments.delta"));
        string callId = done.GetProperty("call_id").GetString()!;
        JsonElement fcItem = call[^1].GetProperty("response").GetProperty("output")[0];
        Assert.Equal("function_call", fcItem.GetProperty("type").GetString());
        Assert.Equal(callId, fcItem.GetProperty("call_id").GetString());

        await client.SendAsync($$$"""{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"{{{callId}}}","output":"{\"temperature_c\":18}"}}""");
        JsonElement added = await client.ExpectAsync("conversation.item.added");
        Assert.Equal("function_call_output", added.GetProperty("item").GetProperty("type").GetString());
        await client.ExpectAsync("conversation.item.done");

        await client.SendAsync("""{"type":"response.create"}""");
        List<JsonElement> answer = await client.ReceiveUntilAsync("response.done");
        Assert.Equal(SimulatedText.FunctionAnswer("get_weather", """{"temperature_c":18}"""), Text(answer, "response.output_audio_transcript.delta"));
        Assert.NotEmpty(Audio(answer, "response.output_audio.delta"));
        Assert.Equal("message", answer[^1].GetProperty("response").GetProperty("output")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Voice_agent_cancel_clear_and_truncate_are_answered()
    {
        var options = new RealtimeSimulatorOptions { ResponseChunkDelay = TimeSpan.FromMilliseconds(100) };
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(options);
        await using RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(Voice(simulator));
        await client.ExpectAsync("session.created");
        await client.SendAsync("""{"type":"response.create"}""");
        List<JsonElement> started = await client.ReceiveUntilAsync("response.output_audio.delta");
        string itemId = started.Single(e => e.GetProperty("type").GetString() == "response.output_item.added").GetProperty("item").GetProperty("id").GetString()!;
        await client.SendAsync("""{"type":"response.cancel"}""");
        List<JsonElement> rest = await client.ReceiveUntilAsync("response.done");
        JsonElement response = rest[^1].GetProperty("response");
        Assert.Equal("cancelled", response.GetProperty("status").GetString());
        Assert.Equal("client_cancelled", response.GetProperty("status_details").GetProperty("reason").GetString());

        await client.SendAsync("""{"type":"output_audio_buffer.clear"}""");
        Assert.Equal(response.GetProperty("id").GetString(), (await client.ExpectAsync("output_audio_buffer.cleared")).GetProperty("response_id").GetString());

        await client.SendAsync($$"""{"type":"conversation.item.truncate","item_id":"{{itemId}}","content_index":0,"audio_end_ms":150}""");
        JsonElement truncated = await client.ExpectAsync("conversation.item.truncated");
        Assert.Equal(itemId, truncated.GetProperty("item_id").GetString());
        Assert.Equal(150, truncated.GetProperty("audio_end_ms").GetInt32());
    }

    [Fact]
    public async Task Transcription_session_commits_and_streams_a_transcript_keyed_by_item_id()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        await using RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(Transcription(simulator));
        JsonElement session = (await client.ExpectAsync("session.created")).GetProperty("session");
        Assert.Equal("transcription", session.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, session.GetProperty("audio").GetProperty("input").GetProperty("turn_detection").ValueKind);

        await client.SendAsync("""{"type":"session.update","session":{"type":"transcription","audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":{"model":"gpt-realtime-whisper","language":"en"},"turn_detection":null}}}}""");
        Assert.Equal("en", (await client.ExpectAsync("session.updated")).GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("transcription").GetProperty("language").GetString());

        byte[] input = SampleAudio.CreatePcm16(TimeSpan.FromSeconds(1));
        await client.SendAsync(RealtimeTestClient.Append(input));
        await client.SendAsync("""{"type":"input_audio_buffer.commit"}""");
        List<JsonElement> events = await client.ReceiveUntilAsync("conversation.item.input_audio_transcription.completed");
        string[] types = Types(events);
        Assert.Equal("input_audio_buffer.committed", types[0]);
        Assert.All(types[1..^1], t => Assert.Equal("conversation.item.input_audio_transcription.delta", t));
        string itemId = events[0].GetProperty("item_id").GetString()!;
        Assert.All(events.Skip(1), e => Assert.Equal(itemId, e.GetProperty("item_id").GetString()));
        string expected = SimulatedText.Transcript(1, input.Length);
        Assert.Equal(expected, Text(events, "conversation.item.input_audio_transcription.delta"));
        Assert.Equal(expected, events[^1].GetProperty("transcript").GetString());
        Assert.Equal(RealtimeSessionKind.Transcription, Assert.Single(simulator.Handshakes).Kind);

        await client.SendAsync("""{"type":"input_audio_buffer.commit","event_id":"evt_empty"}""");
        JsonElement error = (await client.ExpectAsync("error")).GetProperty("error");
        Assert.Equal("input_audio_buffer_commit_empty", error.GetProperty("code").GetString());
        Assert.Equal("evt_empty", error.GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task Translation_session_translates_every_200_ms_and_closes_with_1000()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        await using RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(Translation(simulator), "sk-test", "hashed-user-id");
        JsonElement session = (await client.ExpectAsync("session.created")).GetProperty("session");
        Assert.Equal("translation", session.GetProperty("type").GetString());
        Assert.Equal("gpt-realtime-translate", session.GetProperty("model").GetString());

        await client.SendAsync("""{"type":"session.update","session":{"audio":{"output":{"language":"fr"}}}}""");
        JsonElement updated = (await client.ExpectAsync("session.updated")).GetProperty("session");
        Assert.Equal("fr", updated.GetProperty("audio").GetProperty("output").GetProperty("language").GetString());

        byte[] input = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(500));
        await client.SendAsync(RealtimeTestClient.Append(input.AsSpan(0, 7000), "session.input_audio_buffer.append"));
        await client.SendAsync(RealtimeTestClient.Append(input.AsSpan(7000, 13000), "session.input_audio_buffer.append"));
        var events = new List<JsonElement>();
        for (int i = 0; i < 6; i++)
        {
            events.Add(await client.ReceiveAsync());
        }

        await client.SendAsync(RealtimeTestClient.Append(input.AsSpan(20000), "session.input_audio_buffer.append"));
        await client.SendAsync("""{"type":"session.close"}""");
        events.AddRange(await client.ReceiveUntilAsync("session.closed"));
        Assert.Equal(
            ["session.output_audio.delta", "session.output_transcript.delta", "session.input_transcript.delta",
             "session.output_audio.delta", "session.output_transcript.delta", "session.input_transcript.delta",
             "session.output_audio.delta", "session.output_transcript.delta", "session.input_transcript.delta", "session.closed"],
            Types(events));
        Assert.Equal(RealtimeSimulator.SimulateTranslation(input), Audio(events, "session.output_audio.delta"));
        Assert.Equal([200, 400, 500], events.Where(e => e.GetProperty("type").GetString() == "session.output_audio.delta").Select(e => e.GetProperty("elapsed_ms").GetInt32()).ToArray());
        Assert.Equal("[fr 1] [fr 2] [fr 3]", Text(events, "session.output_transcript.delta"));
        Assert.Equal("[source 1] [source 2] [source 3]", Text(events, "session.input_transcript.delta"));

        Assert.Null(await client.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.Socket.CloseStatus);
        Assert.Equal("hashed-user-id", Assert.Single(simulator.Handshakes).SafetyIdentifier);
    }

    [Theory]
    [InlineData("/v1/realtime?model=gpt-realtime-2", "{not json", "invalid_json", null)]
    [InlineData("/v1/realtime?model=gpt-realtime-2", """{"type":"no.such.event","event_id":"evt_1"}""", "invalid_value", "evt_1")]
    [InlineData("/v1/realtime?model=gpt-realtime-2", """{"type":"input_audio_buffer.append","event_id":"evt_2","audio":"@@not base64@@"}""", "invalid_value", "evt_2")]
    [InlineData("/v1/realtime?intent=transcription", """{"type":"input_audio_buffer.append","event_id":"evt_3","audio":"AAE=x"}""", "invalid_value", "evt_3")]
    [InlineData("/v1/realtime/translations?model=gpt-realtime-translate", """{"type":"response.create","event_id":"evt_4"}""", "invalid_value", "evt_4")]
    [InlineData("/v1/realtime/translations?model=gpt-realtime-translate", """{"type":"session.input_audio_buffer.append","event_id":"evt_5","audio":"!!"}""", "invalid_value", "evt_5")]
    [InlineData("/v1/realtime/translations?model=gpt-realtime-translate", """{"event_id":"evt_6"}""", "invalid_event", "evt_6")]
    public async Task Bad_client_events_get_an_error_event_and_the_socket_stays_open(string pathAndQuery, string message, string code, string? eventId)
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        var uri = new Uri(simulator.RealtimeUrl.GetLeftPart(UriPartial.Authority) + pathAndQuery);
        await using RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(uri);
        await client.ExpectAsync("session.created");
        await client.SendAsync(message);
        JsonElement error = await client.ExpectAsync("error");
        Assert.StartsWith("event_", error.GetProperty("event_id").GetString());
        JsonElement body = error.GetProperty("error");
        Assert.Equal("invalid_request_error", body.GetProperty("type").GetString());
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        Assert.Equal(eventId, body.GetProperty("event_id").GetString());

        // Still open: a valid event is answered.
        bool translation = pathAndQuery.Contains("translations", StringComparison.Ordinal);
        await client.SendAsync(translation ? """{"type":"session.update","session":{"audio":{"output":{"language":"de"}}}}""" : """{"type":"input_audio_buffer.clear"}""");
        await client.ExpectAsync(translation ? "session.updated" : "input_audio_buffer.cleared");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ek_not_issued")]
    public async Task Handshake_without_a_valid_bearer_is_refused_with_401(string? bearer)
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (bearer is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        }

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Voice(simulator), default));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        Assert.Empty(simulator.Handshakes);
    }

    [Fact]
    public async Task Client_secrets_are_issued_bound_to_the_safety_identifier_and_accepted_by_the_sockets()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, simulator.BaseUrl + "/realtime/client_secrets")
        {
            Content = new StringContent("""{"expires_after":{"anchor":"created_at","seconds":120},"session":{"type":"realtime","model":"gpt-realtime-2"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", "Bearer sk-test");
        request.Headers.Add("OpenAI-Safety-Identifier", "user_123456");
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.True(HttpStatusCode.OK == response.StatusCode, string.Join("\n", simulator.ServerErrors));
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string secret = json.RootElement.GetProperty("value").GetString()!;
        Assert.StartsWith("ek_", secret);
        Assert.InRange(json.RootElement.GetProperty("expires_at").GetInt64() - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 100, 130);
        Assert.Equal("gpt-realtime-2", json.RootElement.GetProperty("session").GetProperty("model").GetString());
        Assert.Equal("user_123456", Assert.Single(simulator.ClientSecretRequests).Header("OpenAI-Safety-Identifier"));

        await using (RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(new Uri(simulator.RealtimeUrl + "?model=gpt-realtime-2"), secret))
        {
            await client.ExpectAsync("session.created");
        }

        RealtimeHandshake handshake = Assert.Single(simulator.Handshakes);
        Assert.Equal(secret, handshake.Credential);
        Assert.Equal("user_123456", handshake.SafetyIdentifier);

        using var translationRequest = new HttpRequestMessage(HttpMethod.Post, simulator.BaseUrl + "/realtime/translations/client_secrets")
        {
            Content = new StringContent("""{"session":{"model":"gpt-realtime-translate","audio":{"output":{"language":"es"}}}}""", Encoding.UTF8, "application/json"),
        };
        translationRequest.Headers.Add("Authorization", "Bearer sk-test");
        using HttpResponseMessage translationResponse = await http.SendAsync(translationRequest);
        using JsonDocument translationJson = JsonDocument.Parse(await translationResponse.Content.ReadAsStringAsync());
        Assert.Equal("translation", translationJson.RootElement.GetProperty("session").GetProperty("type").GetString());
        await using RealtimeTestClient translation = await RealtimeTestClient.ConnectAsync(Translation(simulator), translationJson.RootElement.GetProperty("value").GetString());
        await translation.ExpectAsync("session.created");
    }

    [Fact]
    public async Task Drop_mid_frame_fault_breaks_the_socket_after_a_partial_frame()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { Fault = RealtimeFault.DropMidFrame });
        await using RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(Voice(simulator));
        await client.ExpectAsync("session.created");
        await Assert.ThrowsAsync<WebSocketException>(() => client.ReceiveTextAsync());
        Assert.Equal([(1, RealtimeFault.DropMidFrame)], simulator.FiredFaults);
    }

    [Fact]
    public async Task Stall_fault_stops_answering()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { Fault = RealtimeFault.Stall, FaultAfterClientMessages = 1 });
        await using RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(Voice(simulator));
        await client.ExpectAsync("session.created");
        await client.SendAsync("""{"type":"input_audio_buffer.clear"}""");
        await client.ExpectAsync("input_audio_buffer.cleared");
        await client.SendAsync("""{"type":"input_audio_buffer.clear"}""");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReceiveTextAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Theory]
    [InlineData(RealtimeFault.Garbage)]
    [InlineData(RealtimeFault.UnknownEvent)]
    [InlineData(RealtimeFault.Oversize)]
    public async Task Message_faults_send_one_odd_message_then_carry_on(RealtimeFault fault)
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        simulator.NextConnectionFault = fault;
        await using (RealtimeTestClient client = await RealtimeTestClient.ConnectAsync(Voice(simulator)))
        {
            await client.ExpectAsync("session.created");
            string odd = (await client.ReceiveTextAsync())!;
            switch (fault)
            {
                case RealtimeFault.Garbage:
                    Assert.Equal("this is not json {", odd);
                    break;
                case RealtimeFault.UnknownEvent:
                    Assert.Equal("""{"type":"future.event","x":1}""", odd);
                    break;
                default:
                    Assert.Equal(20 * 1024 * 1024, Encoding.UTF8.GetByteCount(odd));
                    using (JsonDocument doc = JsonDocument.Parse(odd))
                    {
                        Assert.Equal("simulator.oversize", doc.RootElement.GetProperty("type").GetString());
                    }

                    break;
            }

            await client.SendAsync("""{"type":"input_audio_buffer.clear"}""");
            await client.ExpectAsync("input_audio_buffer.cleared");
        }

        // One-shot: the next connection behaves.
        Assert.Equal(RealtimeFault.None, simulator.NextConnectionFault);
        await using RealtimeTestClient second = await RealtimeTestClient.ConnectAsync(Voice(simulator));
        await second.ExpectAsync("session.created");
        await second.SendAsync("""{"type":"input_audio_buffer.clear"}""");
        await second.ExpectAsync("input_audio_buffer.cleared");
        Assert.Single(simulator.FiredFaults);
    }
}
