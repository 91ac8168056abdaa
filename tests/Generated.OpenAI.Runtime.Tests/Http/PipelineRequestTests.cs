using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Http;

public sealed class PipelineRequestTests
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromSeconds(15);

    private sealed record Seen(string Method, string PathAndQuery, Dictionary<string, string> Headers, string? ContentType, byte[] Body);

    private static async Task<(LocalServer Server, List<Seen> Seen)> StartRecordingServerAsync()
    {
        var seen = new List<Seen>();
        LocalServer server = await LocalServer.StartAsync(async (context, n) =>
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in context.Request.Headers)
            {
                headers[header.Key] = header.Value.ToString();
            }
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            lock (seen)
            {
                seen.Add(new Seen(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, context.Request.ContentType, body.ToArray()));
            }
            await context.Response.WriteAsync("{}");
        });
        return (server, seen);
    }

    [Fact]
    public async Task TheRequestCarriesAuthenticationIdentificationAndDefaultHeaders()
    {
        (LocalServer server, List<Seen> seen) = await StartRecordingServerAsync();
        await using LocalServer _ = server;
        using OpenAIPipeline pipeline = PipelineRetryTests.CreatePipeline(server, o =>
        {
            o.ApiKey = "sk-user-key";
            o.Organization = "org_123";
            o.Project = "proj_456";
            o.SafetyIdentifier = "user-hash-789";
            o.DefaultHeaders["X-Default"] = "d";
            o.DefaultHeaders["X-Overridden"] = "client";
            o.UserAgentSuffix = "MyApp/1.0";
        });
        var request = new PipelineRequest(HttpMethod.Get, "/models").AddHeader("OpenAI-Beta", "assistants=v2").AddHeader("X-Overridden", "request");

        using PipelineResponse response = await pipeline.SendAsync(request).WaitAsync(s_testTimeout);

        Seen call = Assert.Single(seen);
        Assert.Equal("/v1/models", call.PathAndQuery);
        Assert.Equal("Bearer sk-user-key", call.Headers["Authorization"]);
        Assert.Equal("org_123", call.Headers["OpenAI-Organization"]);
        Assert.Equal("proj_456", call.Headers["OpenAI-Project"]);
        Assert.Equal("user-hash-789", call.Headers["OpenAI-Safety-Identifier"]);
        Assert.Equal("assistants=v2", call.Headers["OpenAI-Beta"]);
        Assert.Equal("d", call.Headers["X-Default"]);
        Assert.Equal("request", call.Headers["X-Overridden"]);
        Assert.StartsWith("Generated.OpenAI/", call.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.EndsWith("MyApp/1.0", call.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.False(call.Headers.ContainsKey("Idempotency-Key"));
    }

    [Fact]
    public async Task AnAdminRequestUsesTheAdminKeyAndFailsClearlyWithoutOne()
    {
        (LocalServer server, List<Seen> seen) = await StartRecordingServerAsync();
        await using LocalServer _ = server;
        using OpenAIPipeline pipeline = PipelineRetryTests.CreatePipeline(server, o =>
        {
            o.ApiKey = "sk-user-key";
            o.AdminApiKey = "sk-admin-key";
        });

        using (await pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/organization/users") { UseAdminKey = true }).WaitAsync(s_testTimeout))
        {
        }
        Assert.Equal("Bearer sk-admin-key", Assert.Single(seen).Headers["Authorization"]);

        using OpenAIPipeline noAdmin = PipelineRetryTests.CreatePipeline(server, o => o.AdminApiKey = null);
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => noAdmin.SendAsync(new PipelineRequest(HttpMethod.Get, "/organization/users") { UseAdminKey = true }));
    }

    [Fact]
    public async Task QueryParametersAreFormattedInvariantlyEscapedAndNullsSkipped()
    {
        (LocalServer server, List<Seen> seen) = await StartRecordingServerAsync();
        await using LocalServer _ = server;
        using OpenAIPipeline pipeline = PipelineRetryTests.CreatePipeline(server);
        CultureInfo previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var request = new PipelineRequest(HttpMethod.Get, "/files/" + PipelineRequest.EscapePathSegment("file/with ?#é") + "/content")
                .AddQuery("limit", 20L)
                .AddQuery("after", (string?)null)
                .AddQuery("order", "desc")
                .AddQuery("temperature", 0.5)
                .AddQuery("stream", true)
                .AddQuery("skipped", (bool?)null)
                .AddQuery("include", ["a b", "c&d"], QueryArrayFormat.Brackets)
                .AddQuery("ids", [1.5, 2.25], QueryArrayFormat.Comma)
                .AddQuery("tag", ["x", "y"]);
            using PipelineResponse response = await pipeline.SendAsync(request).WaitAsync(s_testTimeout);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        Seen call = Assert.Single(seen);
        Assert.Equal(
            "/v1/files/file%2Fwith%20%3F%23%C3%A9/content?limit=20&order=desc&temperature=0.5&stream=true"
            + "&include%5B%5D=a%20b&include%5B%5D=c%26d&ids=1.5%2C2.25&tag=x&tag=y",
            call.PathAndQuery);
    }

    [Fact]
    public async Task JsonFormAndRawBytesBodiesArriveWithTheirContentTypes()
    {
        (LocalServer server, List<Seen> seen) = await StartRecordingServerAsync();
        await using LocalServer _ = server;
        using OpenAIPipeline pipeline = PipelineRetryTests.CreatePipeline(server);

        var json = new PipelineRequest(HttpMethod.Post, "/chat/completions")
        {
            Content = PipelineContent.Json(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("model", "gpt-4.1");
                writer.WriteNumber("temperature", 0.5);
                writer.WriteEndObject();
            }),
        };
        var form = new PipelineRequest(HttpMethod.Post, "/form")
        {
            Content = PipelineContent.FormUrlEncoded([new("a", "1 2"), new("skip", null), new("b", "x&y")]),
        };
        var sdp = new PipelineRequest(HttpMethod.Post, "/realtime/calls")
        {
            Content = PipelineContent.Bytes("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"u8.ToArray(), "application/sdp"),
        };
        foreach (PipelineRequest request in new[] { json, form, sdp })
        {
            using PipelineResponse response = await pipeline.SendAsync(request).WaitAsync(s_testTimeout);
        }

        Assert.Equal(3, seen.Count);
        Assert.Equal("application/json", seen[0].ContentType);
        Assert.Equal("""{"model":"gpt-4.1","temperature":0.5}""", Encoding.UTF8.GetString(seen[0].Body));
        Assert.Equal("application/x-www-form-urlencoded", seen[1].ContentType);
        Assert.Equal("a=1+2&b=x%26y", Encoding.UTF8.GetString(seen[1].Body));
        Assert.Equal("application/sdp", seen[2].ContentType);
        Assert.Equal("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n", Encoding.UTF8.GetString(seen[2].Body));
    }

    [Fact]
    public async Task ARetriedRequestResendsTheSameBody()
    {
        var bodies = new List<string>();
        await using LocalServer server = await LocalServer.StartAsync(async (context, n) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            bodies.Add(await reader.ReadToEndAsync());
            context.Response.StatusCode = n == 1 ? 500 : 200;
        });
        using OpenAIPipeline pipeline = PipelineRetryTests.CreatePipeline(server);
        var stream = new MemoryStream(Encoding.UTF8.GetBytes("prefix-streamed-body"));
        stream.Position = "prefix-".Length;

        using PipelineResponse response = await pipeline.SendAsync(new PipelineRequest(HttpMethod.Post, "/upload")
        {
            Content = PipelineContent.Stream(stream, "application/octet-stream"),
        }).WaitAsync(s_testTimeout);

        Assert.Equal(["streamed-body", "streamed-body"], bodies);
        Assert.True(stream.CanRead, "the caller's stream must not be disposed");
    }

    [Fact]
    public async Task ANonSeekableStreamBodyIsSentOnceAndTheFirstFailureIsReported()
    {
        var bodies = new List<string>();
        await using LocalServer server = await LocalServer.StartAsync(async (context, n) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            bodies.Add(await reader.ReadToEndAsync());
            await PipelineRetryTests.WriteErrorAsync(context, 500, "req_once", "server_error", null, null, "boom");
        });
        using OpenAIPipeline pipeline = PipelineRetryTests.CreatePipeline(server, o => o.MaxRetries = 3);
        var nonSeekable = new Sse.ChunkedStream([Encoding.UTF8.GetBytes("only-once")]);

        InternalServerException ex = await Assert.ThrowsAsync<InternalServerException>(() => pipeline.SendAsync(
            new PipelineRequest(HttpMethod.Post, "/audio/transcriptions")
            {
                Content = PipelineContent.Multipart().AddFile("file", nonSeekable, "a.wav", "audio/wav").AddString("model", "whisper-1").Build(),
            }).WaitAsync(s_testTimeout));

        Assert.Equal("req_once", ex.RequestId);
        Assert.Equal(1, server.RequestCount);
        Assert.Contains("only-once", Assert.Single(bodies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheResponseExposesStatusHeadersAndBodyHelpers()
    {
        await using LocalServer server = await LocalServer.StartAsync((context, n) =>
        {
            context.Response.Headers["x-request-id"] = "req_ok";
            context.Response.Headers["openai-processing-ms"] = "12";
            context.Response.ContentType = "audio/mpeg";
            return context.Response.Body.WriteAsync(new byte[] { 1, 2, 3 }).AsTask();
        });
        using OpenAIPipeline pipeline = PipelineRetryTests.CreatePipeline(server);

        using PipelineResponse response = await pipeline.SendAsync(new PipelineRequest(HttpMethod.Post, "/audio/speech")).WaitAsync(s_testTimeout);

        Assert.Equal(200, response.Status);
        Assert.Equal("req_ok", response.RequestId);
        Assert.Equal("12", response.GetHeader("OpenAI-Processing-Ms"));
        Assert.Equal("audio/mpeg", response.GetHeader("Content-Type"));
        Assert.Contains(response.Headers, h => h.Key == "Content-Type");
        Assert.Equal(new byte[] { 1, 2, 3 }, await response.ReadContentAsBytesAsync());
        Assert.Equal(new byte[] { 1, 2, 3 }, (await response.ReadContentAsync()).ToArray());
        using var copy = new MemoryStream();
        await response.ContentStream.CopyToAsync(copy, CancellationToken.None);
        Assert.Equal(new byte[] { 1, 2, 3 }, copy.ToArray());
    }
}
