using System;
using System.Net;
using System.Net.Http;
using Generated.OpenAI.Http;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Http;

public sealed class RetryPolicyTests
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static HttpResponseMessage Response(string header, string value)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation(header, value);
        return response;
    }

    [Fact]
    public void RetryAfterMillisecondsWinsOverRetryAfterSeconds()
    {
        using HttpResponseMessage response = Response("retry-after-ms", "250.5");
        response.Headers.TryAddWithoutValidation("Retry-After", "7");
        Assert.Equal(TimeSpan.FromMilliseconds(250.5), RetryPolicy.GetServerDelay(response, s_now));
    }

    [Fact]
    public void RetryAfterAcceptsSecondsAndAnHttpDate()
    {
        using HttpResponseMessage seconds = Response("Retry-After", "1.5");
        Assert.Equal(TimeSpan.FromSeconds(1.5), RetryPolicy.GetServerDelay(seconds, s_now));
        using HttpResponseMessage date = Response("Retry-After", s_now.AddSeconds(3).ToString("r"));
        Assert.Equal(TimeSpan.FromSeconds(3), RetryPolicy.GetServerDelay(date, s_now));
        using HttpResponseMessage garbage = Response("Retry-After", "soon");
        Assert.Null(RetryPolicy.GetServerDelay(garbage, s_now));
    }

    [Fact]
    public void AServerDelayAboveTheCapOrNotPositiveFallsBackToBackoff()
    {
        var options = new OpenAIClientOptions();
        Assert.Equal(TimeSpan.FromSeconds(2), RetryPolicy.ComputeDelay(TimeSpan.FromSeconds(2), 0, options, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(0.5), RetryPolicy.ComputeDelay(TimeSpan.FromSeconds(120), 0, options, 0));
        Assert.Equal(TimeSpan.FromSeconds(0.5), RetryPolicy.ComputeDelay(TimeSpan.FromSeconds(-3), 0, options, 0));
    }

    [Fact]
    public void BackoffDoublesWithUpToAQuarterOfJitterAndIsCapped()
    {
        var options = new OpenAIClientOptions();
        Assert.Equal(TimeSpan.FromSeconds(0.5), RetryPolicy.ComputeDelay(null, 0, options, 0));
        Assert.Equal(TimeSpan.FromSeconds(1), RetryPolicy.ComputeDelay(null, 1, options, 0));
        Assert.Equal(TimeSpan.FromSeconds(0.75), RetryPolicy.ComputeDelay(null, 1, options, 1));
        Assert.Equal(TimeSpan.FromSeconds(8), RetryPolicy.ComputeDelay(null, 10, options, 0));
        Assert.Equal(TimeSpan.FromSeconds(8), RetryPolicy.ComputeDelay(null, 5000, options, 0));
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(409, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(422, false)]
    public void OnlyTimeoutConflictRateLimitAndServerErrorsAreRetryable(int status, bool retryable)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        Assert.Equal(retryable, RetryPolicy.ShouldRetry(response));
    }
}
