using System;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Http;

public sealed class PipelineRetryTests
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromSeconds(15);

    internal static OpenAIPipeline CreatePipeline(LocalServer server, Action<OpenAIClientOptions>? configure = null)
    {
        var options = new OpenAIClientOptions
        {
            ApiKey = "sk-test-key-0000000000000000000000",
            BaseUrl = server.BaseUrl,
            Timeout = TimeSpan.FromSeconds(10),
            InitialRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        return new OpenAIPipeline(options);
    }

    internal static Task WriteErrorAsync(HttpContext context, int status, string requestId, string type, string? code, string? param, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["x-request-id"] = requestId;
        context.Response.ContentType = "application/json";
        string codeJson = code is null ? "null" : $"\"{code}\"";
        string paramJson = param is null ? "null" : $"\"{param}\"";
        return context.Response.WriteAsync($$$"""{"error":{"message":"{{{message}}}","type":"{{{type}}}","param":{{{paramJson}}},"code":{{{codeJson}}}}}""");
    }

    [Fact]
    public async Task A429WithRetryAfterOneSecondIsRetriedAfterAboutASecondThenSucceeds()
    {
        await using LocalServer server = await LocalServer.StartAsync(async (context, n) =>
        {
            if (n == 1)
            {
                context.Response.Headers["Retry-After"] = "1";
                await WriteErrorAsync(context, 429, "req_1", "requests", "rate_limit_exceeded", null, "Slow down");
                return;
            }
            context.Response.Headers["x-request-id"] = "req_2";
            await context.Response.WriteAsync("""{"ok":true}""");
        });
        using OpenAIPipeline pipeline = CreatePipeline(server);

        var stopwatch = Stopwatch.StartNew();
        using PipelineResponse response = await pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/models")).WaitAsync(s_testTimeout);
        stopwatch.Stop();

        Assert.Equal(200, response.Status);
        Assert.Equal(2, server.RequestCount);
        Assert.Equal(2, response.Attempts);
        Assert.Equal("req_2", response.RequestId);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after only {stopwatch.Elapsed}");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        Assert.Equal("""{"ok":true}""", await response.ReadContentAsStringAsync());
    }

    [Fact]
    public async Task A400IsNotRetriedAndBecomesABadRequestExceptionWithTheErrorFields()
    {
        await using LocalServer server = await LocalServer.StartAsync((context, n) =>
            WriteErrorAsync(context, 400, "req_bad", "invalid_request_error", "invalid_value", "temperature", "temperature must be <= 2"));
        using OpenAIPipeline pipeline = CreatePipeline(server);

        BadRequestException ex = await Assert.ThrowsAsync<BadRequestException>(
            () => pipeline.SendAsync(new PipelineRequest(HttpMethod.Post, "/chat/completions")).WaitAsync(s_testTimeout));

        Assert.Equal(1, server.RequestCount);
        Assert.Equal(400, ex.Status);
        Assert.Equal("req_bad", ex.RequestId);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Equal("invalid_value", ex.ErrorCode);
        Assert.Equal("temperature", ex.ErrorParam);
        Assert.Equal("temperature must be <= 2", ex.ErrorMessage);
        Assert.Contains("temperature must be <= 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("req_bad", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"invalid_value\"", ex.RawBody, StringComparison.Ordinal);
        Assert.NotNull(ex.ResponseHeaders);
        Assert.Equal("req_bad", string.Join(",", ex.ResponseHeaders!.GetValues("x-request-id")));
    }

    [Fact]
    public async Task PersistentServerErrorsUseExactlyTheRetryBudget()
    {
        await using LocalServer server = await LocalServer.StartAsync((context, n) =>
            WriteErrorAsync(context, 500, "req_" + n, "server_error", null, null, "boom"));
        using OpenAIPipeline pipeline = CreatePipeline(server, o => o.MaxRetries = 2);

        InternalServerException ex = await Assert.ThrowsAsync<InternalServerException>(
            () => pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/models")).WaitAsync(s_testTimeout));

        Assert.Equal(3, server.RequestCount);
        Assert.Equal(500, ex.Status);
        Assert.Equal("req_3", ex.RequestId);
    }

    [Fact]
    public async Task CancellationDuringARetryWaitStopsPromptly()
    {
        await using LocalServer server = await LocalServer.StartAsync((context, n) =>
        {
            context.Response.Headers["Retry-After"] = "30";
            return WriteErrorAsync(context, 429, "req", "requests", null, null, "later");
        });
        using OpenAIPipeline pipeline = CreatePipeline(server);
        using var cts = new CancellationTokenSource();
        long cancelledAt = 0;
        cts.Token.Register(() => cancelledAt = Stopwatch.GetTimestamp());

        Task<PipelineResponse> call = pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/models"), cancellationToken: cts.Token);
        // Wait until the first attempt was answered, so the pipeline is sleeping before its retry.
        var waitForAttempt = Stopwatch.StartNew();
        while (server.RequestCount == 0 && waitForAttempt.Elapsed < s_testTimeout)
        {
            await Task.Delay(10);
        }
        await Task.Delay(200);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(s_testTimeout));
        TimeSpan sinceCancel = Stopwatch.GetElapsedTime(cancelledAt);
        Assert.True(sinceCancel < TimeSpan.FromMilliseconds(200), $"stopped {sinceCancel.TotalMilliseconds} ms after cancellation");
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task ADroppedConnectionIsRetried()
    {
        await using LocalServer server = await LocalServer.StartAsync(async (context, n) =>
        {
            if (n == 1)
            {
                context.Abort();
                return;
            }
            await context.Response.WriteAsync("ok");
        });
        using OpenAIPipeline pipeline = CreatePipeline(server);

        using PipelineResponse response = await pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/models")).WaitAsync(s_testTimeout);

        Assert.Equal(200, response.Status);
        Assert.Equal(2, server.RequestCount);
        Assert.Equal(2, response.Attempts);
    }

    [Fact]
    public async Task ConnectionFailuresOnEveryAttemptBecomeAnAPIConnectionException()
    {
        await using LocalServer server = await LocalServer.StartAsync((context, n) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        using OpenAIPipeline pipeline = CreatePipeline(server, o => o.MaxRetries = 1);

        APIConnectionException ex = await Assert.ThrowsAsync<APIConnectionException>(
            () => pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/models")).WaitAsync(s_testTimeout));

        Assert.Equal(2, server.RequestCount);
        Assert.Equal(0, ex.Status);
        Assert.IsNotType<APITimeoutException>(ex);
    }

    [Fact]
    public async Task PerRequestOptionsOverrideTheClientRetryBudgetAndAddHeaders()
    {
        string? seenHeader = null;
        await using LocalServer server = await LocalServer.StartAsync((context, n) =>
        {
            seenHeader = context.Request.Headers["X-Per-Call"];
            return WriteErrorAsync(context, 503, "req", "server_error", null, null, "unavailable");
        });
        using OpenAIPipeline pipeline = CreatePipeline(server, o => o.MaxRetries = 5);
        var perCall = new RequestOptions { MaxRetries = 0 }.WithHeader("X-Per-Call", "yes");

        InternalServerException ex = await Assert.ThrowsAsync<InternalServerException>(
            () => pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/models"), perCall).WaitAsync(s_testTimeout));

        Assert.Equal(503, ex.Status);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal("yes", seenHeader);
    }

    [Fact]
    public async Task APerRequestTimeoutEndsASlowAttemptWithAnAPITimeoutException()
    {
        await using LocalServer server = await LocalServer.StartAsync(async (context, n) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { });
        });
        using OpenAIPipeline pipeline = CreatePipeline(server);
        var perCall = new RequestOptions { Timeout = TimeSpan.FromMilliseconds(200), MaxRetries = 1 };

        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<APITimeoutException>(
            () => pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/models"), perCall).WaitAsync(s_testTimeout));

        Assert.Equal(2, server.RequestCount);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task XShouldRetryFalseStopsARetryableStatusAndTrueRetriesAnotherwiseFinalOne()
    {
        await using LocalServer noRetry = await LocalServer.StartAsync((context, n) =>
        {
            context.Response.Headers["x-should-retry"] = "false";
            return WriteErrorAsync(context, 429, "req", "insufficient_quota", "insufficient_quota", null, "quota");
        });
        using OpenAIPipeline first = CreatePipeline(noRetry);
        RateLimitException rateLimit = await Assert.ThrowsAsync<RateLimitException>(
            () => first.SendAsync(new PipelineRequest(HttpMethod.Get, "/models")).WaitAsync(s_testTimeout));
        Assert.Equal("insufficient_quota", rateLimit.ErrorCode);
        Assert.Equal(1, noRetry.RequestCount);

        await using LocalServer retry = await LocalServer.StartAsync(async (context, n) =>
        {
            if (n == 1)
            {
                context.Response.Headers["x-should-retry"] = "true";
                await WriteErrorAsync(context, 400, "req", "invalid_request_error", null, null, "transient");
                return;
            }
            await context.Response.WriteAsync("ok");
        });
        using OpenAIPipeline second = CreatePipeline(retry);
        using PipelineResponse response = await second.SendAsync(new PipelineRequest(HttpMethod.Get, "/models")).WaitAsync(s_testTimeout);
        Assert.Equal(200, response.Status);
        Assert.Equal(2, retry.RequestCount);
    }

    [Theory]
    [InlineData(401, typeof(AuthenticationException))]
    [InlineData(403, typeof(PermissionDeniedException))]
    [InlineData(404, typeof(NotFoundException))]
    [InlineData(409, typeof(ConflictException))]
    [InlineData(422, typeof(UnprocessableEntityException))]
    [InlineData(429, typeof(RateLimitException))]
    [InlineData(502, typeof(InternalServerException))]
    [InlineData(418, typeof(OpenAIException))]
    public async Task AMalformedErrorBodyStillGivesTheTypedExceptionAndKeepsTheRawBody(int status, Type expected)
    {
        await using LocalServer server = await LocalServer.StartAsync((context, n) =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers["x-request-id"] = "req_html";
            return context.Response.WriteAsync("<html>gateway says no</html>");
        });
        using OpenAIPipeline pipeline = CreatePipeline(server, o => o.MaxRetries = 0);

        OpenAIException ex = await Assert.ThrowsAnyAsync<OpenAIException>(
            () => pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/models")).WaitAsync(s_testTimeout));

        Assert.Equal(expected, ex.GetType());
        Assert.Equal(status, ex.Status);
        Assert.Equal("req_html", ex.RequestId);
        Assert.Equal("<html>gateway says no</html>", ex.RawBody);
        Assert.Null(ex.ErrorMessage);
        Assert.Null(ex.ErrorType);
        Assert.Contains("gateway says no", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStreamingCallReturnsAtHeadersAndTheBodyIsReadFromContentStream()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using LocalServer server = await LocalServer.StartAsync(async (context, n) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: first\n\n");
            await context.Response.Body.FlushAsync();
            await release.Task.WaitAsync(s_testTimeout);
            await context.Response.WriteAsync("data: second\n\n");
        });
        using OpenAIPipeline pipeline = CreatePipeline(server);

        using PipelineResponse response = await pipeline.SendAsync(
            new PipelineRequest(HttpMethod.Post, "/responses"), null, HttpCompletionOption.ResponseHeadersRead).WaitAsync(s_testTimeout);
        await using var reader = new Generated.OpenAI.Sse.SseReader(response.ContentStream);

        Assert.True(await reader.ReadAsync().AsTask().WaitAsync(s_testTimeout));
        Assert.Equal("first", reader.ToEvent().Data);
        release.SetResult();
        Assert.True(await reader.ReadAsync().AsTask().WaitAsync(s_testTimeout));
        Assert.Equal("second", reader.ToEvent().Data);
        Assert.False(await reader.ReadAsync().AsTask().WaitAsync(s_testTimeout));
        Assert.False(reader.IsDone);
    }
}
