using System;
using System.Linq;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;
using Generated.OpenAI.WebSockets;
using Xunit;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

public sealed class RealtimeClientTests
{
    [Theory]
    [InlineData("https://api.openai.com/v1", "realtime", "model=gpt-realtime-2", "wss://api.openai.com/v1/realtime?model=gpt-realtime-2")]
    [InlineData("https://proxy.example/openai/v1/", "realtime/translations", "model=x", "wss://proxy.example/openai/v1/realtime/translations?model=x")]
    [InlineData("http://127.0.0.1:5123/v1", "realtime", "intent=transcription", "ws://127.0.0.1:5123/v1/realtime?intent=transcription")]
    [InlineData("https://host:8443/v1", "realtime", null, "wss://host:8443/v1/realtime")]
    public void The_websocket_url_is_derived_from_the_base_url(string baseUrl, string path, string? query, string expected)
        => Assert.Equal(expected, RealtimeClient.GetWebSocketUri(new Uri(baseUrl), path, query).AbsoluteUri);

    [Fact(Timeout = 30000)]
    public async Task A_client_secret_is_created_with_the_safety_identifier_and_connects()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient server = CreateClient(simulator, safetyIdentifier: "user-7");
        RealtimeCreateClientSecretResponse secret = await server.CreateClientSecretAsync(new RealtimeCreateClientSecretRequest
        {
            ExpiresAfter = new RealtimeCreateClientSecretExpiresAfter { Seconds = 600 },
            Session = RealtimeCreateClientSecretSession.FromRealtime(new RealtimeSessionConfig { Instructions = "Hi" }),
        });
        Assert.StartsWith("ek_", secret.Value);

        RecordedRequest request = simulator.ClientSecretRequests.Single();
        Assert.Equal("/v1/realtime/client_secrets", request.Path);
        Assert.Equal("user-7", request.Headers["OpenAI-Safety-Identifier"]);
        Assert.Equal("""{"expires_after":{"seconds":600},"session":{"type":"realtime","instructions":"Hi"}}""", System.Text.Encoding.UTF8.GetString(request.Body));

        using RealtimeClient browser = CreateClient(simulator, apiKey: secret.Value);
        await using RealtimeVoiceSession session = await browser.ConnectVoiceAgentAsync();
        Assert.Equal(RealtimeServerEventKind.SessionCreated, (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!.Kind);
        Assert.Equal(secret.Value, simulator.Handshakes.Single().Credential);
    }

    [Fact(Timeout = 30000)]
    public async Task A_translation_client_secret_connects_a_translation_session()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient server = CreateClient(simulator);
        RealtimeTranslationClientSecretCreateResponse secret = await server.CreateTranslationClientSecretAsync(new RealtimeTranslationClientSecretCreateRequest
        {
            Session = new RealtimeTranslationSessionConfig { Model = "gpt-realtime-translate" },
        });
        Assert.Equal("/v1/realtime/translations/client_secrets", simulator.ClientSecretRequests.Single().Path);

        using RealtimeClient device = CreateClient(simulator, apiKey: secret.Value);
        await using Generated.OpenAI.Realtime.RealtimeTranslationSession session = await device.ConnectTranslationAsync();
        RealtimeTranslationServerEvent created = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
        Assert.Equal(RealtimeTranslationServerEventKind.SessionCreated, created.Kind);
    }

    [Fact(Timeout = 30000)]
    public async Task An_unknown_ephemeral_key_is_refused_with_a_typed_handshake_exception()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator, apiKey: "ek_forged");
        WebSocketHandshakeException error = await Assert.ThrowsAsync<WebSocketHandshakeException>(() => client.ConnectVoiceAgentAsync());
        Assert.Equal(401, error.StatusCode);
    }

    [Fact]
    public async Task Connecting_without_a_key_says_how_to_set_one()
    {
        using var client = new RealtimeClient(new OpenAIClientOptions { ApiKey = null, BaseUrl = new Uri("http://127.0.0.1:9/v1") });
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.ConnectTranscriptionAsync());
        Assert.Contains("OPENAI_API_KEY", error.Message);
    }
}
