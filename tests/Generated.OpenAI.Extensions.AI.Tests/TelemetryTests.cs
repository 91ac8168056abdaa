using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;

namespace Generated.OpenAI.Extensions.AI.Tests;

/// <summary>MEAI's OpenTelemetry middleware over our clients, exported in memory: the GenAI semantic conventions' spans.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task OpenTelemetryChatClient_yields_a_gen_ai_chat_span_with_provider_model_ids_usage_and_finish_reason()
    {
        const string Source = "Generated.OpenAI.Extensions.AI.Tests.Chat";
        await using Simulated sim = await Simulated.StartAsync();
        var spans = new List<Activity>();
        using (TracerProvider tracing = Sdk.CreateTracerProviderBuilder().AddSource(Source).AddInMemoryExporter(spans).Build())
        {
            using IChatClient chat = new ChatClientBuilder(sim.Client.AsIChatClient("gpt-5.4")).UseOpenTelemetry(sourceName: Source).Build();
            ChatResponse response = await chat.GetResponseAsync("Hello", new ChatOptions { MaxOutputTokens = 40, Temperature = 0.25f });
            tracing.ForceFlush();

            Activity span = Assert.Single(spans);
            Dictionary<string, object?> tags = span.TagObjects.ToDictionary(t => t.Key, t => t.Value);
            string all = string.Join(", ", tags.Select(t => $"{t.Key}={t.Value}"));
            Assert.Equal("chat gpt-5.4", span.DisplayName);
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal("chat", tags["gen_ai.operation.name"]);
            Assert.True(tags.TryGetValue("gen_ai.provider.name", out object? provider) && (string?)provider == "openai", all);
            Assert.Equal("gpt-5.4", tags["gen_ai.request.model"]);
            Assert.Equal(40, tags["gen_ai.request.max_tokens"]);
            Assert.Equal(response.ResponseId, tags["gen_ai.response.id"]);
            Assert.Equal("gpt-5.4", tags["gen_ai.response.model"]);
            Assert.Equal((int)response.Usage!.InputTokenCount!.Value, tags["gen_ai.usage.input_tokens"]);
            Assert.Equal((int)response.Usage.OutputTokenCount!.Value, tags["gen_ai.usage.output_tokens"]);
            Assert.Equal("[\"stop\"]", tags["gen_ai.response.finish_reasons"]);
            Assert.Equal("127.0.0.1", tags["server.address"]);
            Assert.Equal(sim.Rest.BaseUrl.Port, tags["server.port"]);
        }
    }

    [Fact]
    public async Task OpenTelemetryEmbeddingGenerator_yields_an_embeddings_span_with_the_provider_and_dimensions()
    {
        const string Source = "Generated.OpenAI.Extensions.AI.Tests.Embeddings";
        await using Simulated sim = await Simulated.StartAsync();
        var spans = new List<Activity>();
        using TracerProvider tracing = Sdk.CreateTracerProviderBuilder().AddSource(Source).AddInMemoryExporter(spans).Build();
        using IEmbeddingGenerator<string, Embedding<float>> generator = new EmbeddingGeneratorBuilder<string, Embedding<float>>(sim.Client.AsIEmbeddingGenerator("text-embedding-3-small"))
            .UseOpenTelemetry(sourceName: Source).Build();

        await generator.GenerateAsync(["a b", "c"], new EmbeddingGenerationOptions { Dimensions = 4 });
        tracing.ForceFlush();

        Activity span = Assert.Single(spans);
        Dictionary<string, object?> tags = span.TagObjects.ToDictionary(t => t.Key, t => t.Value);
        string all = string.Join(", ", tags.Select(t => $"{t.Key}={t.Value}"));
        Assert.Equal("embeddings text-embedding-3-small", span.DisplayName);
        Assert.True(tags.TryGetValue("gen_ai.provider.name", out object? provider) && (string?)provider == "openai", all);
        Assert.Equal("embeddings", tags["gen_ai.operation.name"]);
        Assert.Equal(3, tags["gen_ai.usage.input_tokens"]);
    }
}
