using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.DependencyInjection;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.Simulator;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Generated.OpenAI.Tests.Rest;

/// <summary>The generated client end to end: text answers, uploads, streaming, paging, errors, DI and key redaction.</summary>
public sealed class GeneratedClientTests
{
    private static OpenAIClient ClientFor(RestSimulator simulator, Action<OpenAIClientOptions>? configure = null, ILogger? logger = null)
    {
        var options = new OpenAIClientOptions { ApiKey = "sk-test", BaseUrl = simulator.BaseUrl, MaxRetries = 0 };
        configure?.Invoke(options);
        return new OpenAIClient(options, logger: logger);
    }

    private static UploadFile Wav(string name = "speech.wav") =>
        new(SampleAudio.ToWav(SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(200))), name, "audio/wav");

    [Fact]
    public async Task A_transcription_asked_for_text_srt_or_vtt_comes_back_as_that_text()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        OpenAIClient client = ClientFor(simulator);

        ApiResponse<string> text = await client.Audio.Transcriptions.CreateTranscriptionTextAsync(new CreateTranscriptionRequest { File = Wav(), Model = "gpt-4o-transcribe" });
        var parts = await MultipartPart.ReadAllAsync(simulator.Requests[^1]);
        Assert.Equal("text", parts.Single(p => p.Name == "response_format").Text);
        Assert.Contains(text.Headers, h => h.Key == "Content-Type" && h.Value.StartsWith("text/plain", StringComparison.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(text.Value));
        Assert.DoesNotContain("{", text.Value, StringComparison.Ordinal);
        string transcript = text.Value.TrimEnd('\n');

        ApiResponse<string> srt = await client.Audio.Transcriptions.CreateTranscriptionTextAsync(new CreateTranscriptionRequest { File = Wav(), Model = "whisper-1", ResponseFormat = AudioResponseFormat.Srt });
        Assert.Equal("srt", (await MultipartPart.ReadAllAsync(simulator.Requests[^1])).Single(p => p.Name == "response_format").Text);
        Assert.StartsWith("1\n00:00:00,000 --> ", srt.Value, StringComparison.Ordinal);
        Assert.Contains(transcript, srt.Value, StringComparison.Ordinal);

        ApiResponse<string> vtt = await client.Audio.Transcriptions.CreateTranscriptionTextAsync(new CreateTranscriptionRequest { File = Wav(), Model = "whisper-1", ResponseFormat = AudioResponseFormat.Vtt });
        Assert.StartsWith("WEBVTT", vtt.Value, StringComparison.Ordinal);
        Assert.Equal(simulator.Requests[^1].RequestId, vtt.RequestId);

        ApiResponse<string> translation = await client.Audio.Translations.CreateTranslationTextAsync(new CreateTranslationRequest { File = Wav(), Model = "whisper-1" });
        Assert.Equal("/v1/audio/translations", simulator.Requests[^1].Path);
        Assert.Equal("text", (await MultipartPart.ReadAllAsync(simulator.Requests[^1])).Single(p => p.Name == "response_format").Text);
        Assert.DoesNotContain("{", translation.Value, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(translation.Value));
    }

    [Fact]
    public async Task A_realtime_call_sends_the_SDP_offer_and_returns_the_answer_and_the_call_id_from_Location()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        OpenAIClient client = ClientFor(simulator);
        const string Offer = "v=0\r\no=- 4227147428 1719357865 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

        ApiResponse<string> answer = await client.Realtime.Calls.CreateRealtimeCallAsync(Offer);

        RecordedRequest request = simulator.Requests.Single();
        Assert.Equal("application/sdp; charset=utf-8", request.ContentType);
        Assert.Equal(Offer, request.BodyText);
        Assert.Equal(201, answer.Status);
        Assert.StartsWith("v=0\r\n", answer.Value, StringComparison.Ordinal);
        string location = answer.Headers.Single(h => h.Key == "Location").Value;
        Assert.Equal("/v1/realtime/calls/rtc_sim_" + request.RequestId["req_sim_".Length..], location);
    }

    [Fact]
    public async Task A_multipart_realtime_call_sends_the_SDP_and_the_session_parts_with_the_media_types_the_spec_gives()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        OpenAIClient client = ClientFor(simulator);
        var session = JsonModel.Deserialize<RealtimeSessionConfig>("""{"type":"realtime","model":"gpt-realtime"}"""u8);

        ApiResponse<string> answer = await client.Realtime.Calls.CreateRealtimeCallAsync(new RealtimeCallCreateRequest { Sdp = "v=0\r\n", Session = session });

        var parts = await MultipartPart.ReadAllAsync(simulator.Requests.Single());
        MultipartPart sdp = parts.Single(p => p.Name == "sdp");
        MultipartPart sessionPart = parts.Single(p => p.Name == "session");
        Assert.Equal(("application/sdp", "v=0\r\n"), (sdp.ContentType, sdp.Text));
        Assert.Equal("application/json", sessionPart.ContentType);
        using var json = System.Text.Json.JsonDocument.Parse(sessionPart.Content);
        Assert.Equal("gpt-realtime", json.RootElement.GetProperty("model").GetString());
        Assert.Equal(201, answer.Status);
    }

    [Fact]
    public async Task A_transcription_upload_arrives_with_its_file_name_media_type_and_bytes()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        OpenAIClient client = ClientFor(simulator);
        UploadFile file = Wav("meeting-2026-05-13.wav");

        ApiResponse<CreateTranscriptionResponse> response = await client.Audio.Transcriptions.CreateTranscriptionAsync(
            new CreateTranscriptionRequest { File = file, Model = "gpt-4o-transcribe", Language = "en", Temperature = 0.2 });

        Assert.Equal(200, response.Status);
        Assert.NotNull(response.Value);
        RecordedRequest request = simulator.Requests.Single();
        Assert.StartsWith("multipart/form-data; boundary=", request.ContentType, StringComparison.Ordinal);
        var parts = await MultipartPart.ReadAllAsync(request);
        MultipartPart filePart = parts.Single(p => p.Name == "file");
        Assert.Equal("meeting-2026-05-13.wav", filePart.FileName);
        Assert.Equal("audio/wav", filePart.ContentType);
        Assert.Equal(file.Content.ToArray(), filePart.Content);
        Assert.Equal("gpt-4o-transcribe", parts.Single(p => p.Name == "model").Text);
        Assert.Equal("en", parts.Single(p => p.Name == "language").Text);
        Assert.Equal("0.2", parts.Single(p => p.Name == "temperature").Text);
    }

    [Fact]
    public async Task A_four_image_edit_arrives_as_four_image_parts_and_a_mask_with_names_and_media_types()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        OpenAIClient client = ClientFor(simulator);
        var images = new List<UploadFile>
        {
            new(Encoding.UTF8.GetBytes("png-1"), "body-lotion.png", "image/png"),
            new(Encoding.UTF8.GetBytes("jpeg-2"), "bath-bomb.jpg", "image/jpeg"),
            new(Encoding.UTF8.GetBytes("webp-3"), "incense-kit.webp", "image/webp"),
            new(Encoding.UTF8.GetBytes("png-4"), "soap.png", "image/png"),
        };
        var mask = new UploadFile(Encoding.UTF8.GetBytes("mask"), "mask.png", "image/png");

        ApiResponse<ImagesResponse> response = await client.Images.Edits.CreateImageEditAsync(new CreateImageEditRequest
        {
            Image = CreateImageEditImage.FromBinaryArray(images),
            Mask = mask,
            Prompt = "A gift basket with all four items",
        });

        Assert.Equal(200, response.Status);
        Assert.NotNull(response.Value);
        var parts = await MultipartPart.ReadAllAsync(simulator.Requests.Single());
        var imageParts = parts.Where(p => p.Name == "image[]").ToList();
        Assert.Equal(images.Select(i => i.FileName), imageParts.Select(p => p.FileName));
        Assert.Equal(images.Select(i => i.ContentType), imageParts.Select(p => p.ContentType));
        Assert.Equal(images.Select(i => i.Content.ToArray()), imageParts.Select(p => p.Content));
        MultipartPart maskPart = parts.Single(p => p.Name == "mask");
        Assert.Equal(("mask.png", "image/png"), (maskPart.FileName, maskPart.ContentType));
        Assert.Equal("A gift basket with all four items", parts.Single(p => p.Name == "prompt").Text);
    }

    [Fact]
    public async Task A_response_stream_yields_typed_events_and_an_unknown_event_type_as_Unknown_then_goes_on()
    {
        const string Delta = """{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"{0}","sequence_number":{1},"logprobs":[]}""";
        string body =
            "event: response.output_text.delta\ndata: " + Delta.Replace("{0}", "Hel", StringComparison.Ordinal).Replace("{1}", "1", StringComparison.Ordinal) + "\n\n" +
            "event: response.teleported\ndata: {\"type\":\"response.teleported\",\"sequence_number\":2,\"where\":{\"x\":1}}\n\n" +
            ": a comment line\n\n" +
            "event: response.output_text.delta\ndata: " + Delta.Replace("{0}", "lo", StringComparison.Ordinal).Replace("{1}", "3", StringComparison.Ordinal) + "\n\n";
        string? sentBody = null;
        await using LoopbackServer server = await LoopbackServer.StartAsync(async context =>
        {
            using var reader = new System.IO.StreamReader(context.Request.Body);
            sentBody = await reader.ReadToEndAsync();
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers["x-request-id"] = "req_stream";
            foreach (string chunk in body.Chunk(7).Select(c => new string(c)))
            {
                await context.Response.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
            }
        });
        var client = new OpenAIClient(new OpenAIClientOptions { ApiKey = "sk-test", BaseUrl = server.BaseUrl, MaxRetries = 0 });
        CreateResponse request = JsonModel.Deserialize<CreateResponse>("""{"model":"gpt-4.1","input":"Say hello"}"""u8);

        var events = new List<ResponseStreamEvent>();
        await foreach (ResponseStreamEvent e in client.Responses.CreateResponseStreamingAsync(request))
        {
            events.Add(e);
        }

        Assert.Contains("\"stream\":true", sentBody, StringComparison.Ordinal);
        Assert.Equal(
            [ResponseStreamEventKind.ResponseOutputTextDelta, ResponseStreamEventKind.Unknown, ResponseStreamEventKind.ResponseOutputTextDelta],
            events.Select(e => e.Kind));
        Assert.Equal("Hello", events[0].AsResponseOutputTextDelta().Delta + events[2].AsResponseOutputTextDelta().Delta);
        Assert.Equal("response.teleported", events[1].UnknownJson!.Value.GetProperty("type").GetString());
        Assert.Equal(1, events[1].UnknownJson!.Value.GetProperty("where").GetProperty("x").GetInt32());
    }

    [Fact]
    public async Task The_auto_paging_list_walks_three_pages_following_last_id()
    {
        var options = new RestSimulatorOptions { PaginateFiles = true, PaginatedFileCount = 7, DefaultPageSize = 3 };
        await using RestSimulator simulator = await RestSimulator.StartAsync(options);
        OpenAIClient client = ClientFor(simulator);

        var files = new List<OpenAIFile>();
        await foreach (OpenAIFile file in client.Files.ListFilesAutoPagingAsync(limit: 3))
        {
            files.Add(file);
        }

        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"file-sim-{i:D3}"), files.Select(f => f.Id));
        var requests = simulator.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(("GET", "/v1/files"), (r.Method, r.Path)));
        Assert.Equal(["?limit=3", "?limit=3&after=file-sim-003", "?limit=3&after=file-sim-006"], requests.Select(r => r.QueryString));
    }

    [Fact]
    public async Task Query_objects_and_arrays_arrive_as_deep_objects_and_bracketed_lists()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        OpenAIClient client = ClientFor(simulator, o => o.AdminApiKey = "sk-admin-test");

        await client.Organization.AuditLogs.ListAuditLogsAsync(
            effectiveAt: new ListAuditLogsEffectiveAt { Gt = 1730419200, Lte = 1730505600 },
            projectIds: ["proj_a", "proj_b"],
            limit: 5);

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(simulator.Requests.Single().QueryString);
        Assert.Equal("1730419200", query["effective_at[gt]"].ToString());
        Assert.Equal("1730505600", query["effective_at[lte]"].ToString());
        Assert.Equal(new[] { "proj_a", "proj_b" }, query["project_ids[]"].Select(v => v!).ToArray());
        Assert.Equal("5", query["limit"].ToString());
        Assert.False(query.ContainsKey("effective_at"));
    }

    [Fact]
    public async Task Error_answers_are_the_typed_exceptions_carrying_the_request_id()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(new RestSimulatorOptions { RequireAuthorization = true });
        OpenAIClient client = ClientFor(simulator);

        simulator.AddFault(RestFaultKind.ServerError, "/models");
        var server = await Assert.ThrowsAsync<InternalServerException>(() => client.Models.ListModelsAsync());
        Assert.Equal(500, server.Status);
        Assert.Equal("server_error", server.ErrorType);
        Assert.Equal(simulator.Requests[^1].RequestId, server.RequestId);
        Assert.Contains(server.RequestId!, server.Message, StringComparison.Ordinal);

        simulator.AddFault(RestFaultKind.TooManyRequests, "/files/{file_id}");
        var rate = await Assert.ThrowsAsync<RateLimitException>(() => client.Files.RetrieveFileAsync("file-abc123"));
        Assert.Equal(429, rate.Status);
        Assert.Equal("rate_limit_exceeded", rate.ErrorCode);
        Assert.Equal(simulator.Requests[^1].RequestId, rate.RequestId);

        OpenAIClient anonymous = ClientFor(simulator, o => o.ApiKey = null);
        var authentication = await Assert.ThrowsAsync<AuthenticationException>(() => anonymous.Batches.ListBatchesAsync());
        Assert.Equal(401, authentication.Status);
        Assert.Equal(simulator.Requests[^1].RequestId, authentication.RequestId);
        Assert.StartsWith("req_sim_", authentication.RequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_key_is_in_no_log_line_exception_or_options_text_of_generated_calls()
    {
        const string Key = "sk-proj-TOPSECRET0123456789abcdefTOPSECRET";
        const string AdminKey = "sk-admin-TOPSECRET9876543210fedcbaTOPSECRET";
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        using var logs = new Generated.OpenAI.Runtime.Tests.Http.CapturingLoggerProvider();
        var options = new OpenAIClientOptions { ApiKey = Key, AdminApiKey = AdminKey, BaseUrl = simulator.BaseUrl, MaxRetries = 1, InitialRetryDelay = TimeSpan.FromMilliseconds(10) };
        var client = new OpenAIClient(options, logger: logs.CreateLogger("Generated.OpenAI"));
        var texts = new List<string>();

        await client.Models.ListModelsAsync();
        await client.Organization.AdminApiKeys.AdminApiKeysListAsync();
        await foreach (var _ in client.Chat.Completions.CreateChatCompletionStreamingAsync(
            JsonModel.Deserialize<CreateChatCompletionRequest>("""{"model":"gpt-4.1","messages":[{"role":"user","content":"Hi"}]}"""u8)))
        {
        }
        simulator.AddFault(RestFaultKind.ServerError, "/models", count: 2);
        var error = await Assert.ThrowsAsync<InternalServerException>(() => client.Models.ListModelsAsync());
        texts.Add(error.Message);
        texts.Add(error.ToString());
        texts.Add(error.RawBody ?? "");
        texts.Add(options.ToString());
        texts.Add(client.Pipeline.ToString() ?? "");

        // The keys were really sent (so there was something to leak), and the pipeline did log.
        Assert.Contains(simulator.Requests, r => r.Header("Authorization") == "Bearer " + Key);
        Assert.Contains(simulator.Requests, r => r.Header("Authorization") == "Bearer " + AdminKey);
        Assert.Contains(logs.Lines, l => l.Contains("retrying", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("Authorization", StringComparison.OrdinalIgnoreCase));
        Assert.True(logs.Lines.Count >= 8, $"only {logs.Lines.Count} log lines");
        foreach (string text in logs.Lines.Concat(texts))
        {
            Assert.DoesNotContain("TOPSECRET", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AddOpenAI_binds_the_OpenAI_section_and_resolves_a_client_whose_calls_go_through_the_factory()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(new RestSimulatorOptions { RequireAuthorization = true });
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenAI:ApiKey"] = "sk-from-configuration",
            ["OpenAI:BaseUrl"] = simulator.BaseUrl.ToString(),
            ["OpenAI:Organization"] = "org-configured",
            ["OpenAI:MaxRetries"] = "0",
            ["OpenAI:DefaultHeaders:X-Team"] = "audio",
        }).Build();
        var handler = new CountingHandler();
        var services = new ServiceCollection();
        services.AddOpenAI(configuration, o => o.Project = "proj-from-delegate").AddHttpMessageHandler(() => handler);
        await using ServiceProvider provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<OpenAIClient>();
        ApiResponse<ListModelsResponse> models = await client.Models.ListModelsAsync();

        Assert.Same(client, provider.GetRequiredService<OpenAIClient>());
        Assert.Same(provider.GetRequiredService<OpenAIPipeline>(), client.Pipeline);
        Assert.Equal(200, models.Status);
        Assert.NotEmpty(models.Value.Data);
        Assert.Equal(1, handler.Count);
        RecordedRequest request = simulator.Requests.Single();
        Assert.Equal("/v1/models", request.Path);
        Assert.Equal("Bearer sk-from-configuration", request.Header("Authorization"));
        Assert.Equal("org-configured", request.Header("OpenAI-Organization"));
        Assert.Equal("proj-from-delegate", request.Header("OpenAI-Project"));
        Assert.Equal("audio", request.Header("X-Team"));
    }

    [Fact]
    public async Task AddOpenAI_with_a_delegate_alone_resolves_a_working_client()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        var services = new ServiceCollection();
        services.AddOpenAI(o =>
        {
            o.ApiKey = "sk-from-delegate";
            o.BaseUrl = simulator.BaseUrl;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        ApiResponse<OpenAIFile> file = await provider.GetRequiredService<OpenAIClient>().Files.RetrieveFileAsync("file-abc123");

        Assert.Equal("/v1/files/file-abc123", simulator.Requests.Single().Path);
        Assert.Equal("Bearer sk-from-delegate", simulator.Requests.Single().Header("Authorization"));
        Assert.False(string.IsNullOrEmpty(file.Value.Id));
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _count;

        public int Count => _count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
