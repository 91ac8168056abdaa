using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Http;

public sealed class RedactionTests
{
    private const string ApiKey = "sk-proj-THIS-IS-THE-SECRET-0123456789abcd";
    private const string AdminKey = "sk-admin-ANOTHER-SECRET-9876543210wxyz";

    [Fact]
    public async Task NoLogLineExceptionMessageOrToStringContainsAKey()
    {
        await using LocalServer server = await LocalServer.StartAsync(async (context, n) =>
        {
            switch (context.Request.Path.Value)
            {
                case "/v1/ok":
                    await context.Response.WriteAsync("{}");
                    break;
                case "/v1/echo":
                    // A server (or proxy) that echoes the credential back in its error.
                    string authorization = context.Request.Headers.Authorization.ToString();
                    await PipelineRetryTests.WriteErrorAsync(context, 401, "req_401", "invalid_request_error", "invalid_api_key", null,
                        "Incorrect API key provided: " + authorization["Bearer ".Length..]);
                    break;
                default:
                    await PipelineRetryTests.WriteErrorAsync(context, 500, "req_500", "server_error", null, null, "boom");
                    break;
            }
        });
        var logs = new CapturingLoggerProvider();
        var options = new OpenAIClientOptions
        {
            ApiKey = ApiKey,
            AdminApiKey = AdminKey,
            BaseUrl = server.BaseUrl,
            MaxRetries = 1,
            InitialRetryDelay = TimeSpan.FromMilliseconds(5),
            Timeout = TimeSpan.FromSeconds(10),
        };
        options.DefaultHeaders["api-key"] = ApiKey;
        using var pipeline = new OpenAIPipeline(options, logger: logs.CreateLogger("test"));
        var texts = new List<string>();

        using (await pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/ok")).WaitAsync(TimeSpan.FromSeconds(15)))
        {
        }
        using (await pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/ok") { UseAdminKey = true }).WaitAsync(TimeSpan.FromSeconds(15)))
        {
        }
        AuthenticationException auth = await Assert.ThrowsAsync<AuthenticationException>(
            () => pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/echo")).WaitAsync(TimeSpan.FromSeconds(15)));
        texts.Add(auth.Message);
        texts.Add(auth.ToString());
        texts.Add(auth.ErrorMessage!);
        texts.Add(auth.RawBody!);
        Assert.Contains("Incorrect API key provided", auth.Message, StringComparison.Ordinal);
        InternalServerException server500 = await Assert.ThrowsAsync<InternalServerException>(
            () => pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/fail") { UseAdminKey = true }).WaitAsync(TimeSpan.FromSeconds(15)));
        texts.Add(server500.ToString());

        // A connection failure: a port nobody listens on.
        int closedPort = GetClosedPort();
        var unreachable = new OpenAIClientOptions
        {
            ApiKey = ApiKey,
            BaseUrl = new Uri($"http://127.0.0.1:{closedPort}/v1"),
            MaxRetries = 1,
            InitialRetryDelay = TimeSpan.FromMilliseconds(5),
        };
        using var failing = new OpenAIPipeline(unreachable, logger: logs.CreateLogger("test"));
        APIConnectionException connection = await Assert.ThrowsAsync<APIConnectionException>(
            () => failing.SendAsync(new PipelineRequest(HttpMethod.Get, "/ok")).WaitAsync(TimeSpan.FromSeconds(15)));
        texts.Add(connection.ToString());

        texts.Add(options.ToString());
        texts.Add(unreachable.ToString());
        texts.AddRange(logs.Lines);

        Assert.True(logs.Lines.Count >= 8, "expected request, retry and failure logs");
        Assert.Contains(logs.Lines, line => line.Contains("Authorization: ***", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Contains("retrying", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Contains("req_500", StringComparison.Ordinal));
        foreach (string text in texts)
        {
            Assert.DoesNotContain(ApiKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(AdminKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain("THIS-IS-THE-SECRET", text, StringComparison.Ordinal);
            Assert.DoesNotContain("ANOTHER-SECRET", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OptionsToStringShowsAtMostTheLastFourCharactersOfAKey()
    {
        var options = new OpenAIClientOptions { ApiKey = ApiKey, AdminApiKey = "short-key", BaseUrl = new Uri("https://example.test/v1") };

        string text = options.ToString();

        Assert.Contains("ApiKey = sk-...abcd", text, StringComparison.Ordinal);
        Assert.Contains("AdminApiKey = ***", text, StringComparison.Ordinal);
        Assert.DoesNotContain("short-key", text, StringComparison.Ordinal);
        Assert.Contains("https://example.test/v1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsToStringShowsOnlyTheValuesOfAllowListedDefaultHeaders()
    {
        var options = new OpenAIClientOptions { ApiKey = ApiKey, BaseUrl = new Uri("https://example.test/v1") };
        options.DefaultHeaders["X-Api-Key"] = "secret";
        options.DefaultHeaders["Ocp-Apim-Subscription-Key"] = "apim-SUBSCRIPTION-secret";
        options.DefaultHeaders["X-Custom-Token"] = "custom-TOKEN-secret";
        options.DefaultHeaders["User-Agent"] = "my-app/1.0";
        options.DefaultHeaders["OpenAI-Beta"] = "realtime=v1";
        options.DefaultHeaders["X-Stainless-Lang"] = "csharp";

        string text = options.ToString();

        Assert.Contains("X-Api-Key: ***", text, StringComparison.Ordinal);
        Assert.Contains("Ocp-Apim-Subscription-Key: ***", text, StringComparison.Ordinal);
        Assert.Contains("X-Custom-Token: ***", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.Contains("User-Agent: my-app/1.0", text, StringComparison.Ordinal);
        Assert.Contains("OpenAI-Beta: realtime=v1", text, StringComparison.Ordinal);
        Assert.Contains("X-Stainless-Lang: csharp", text, StringComparison.Ordinal);
    }

    private static int GetClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
