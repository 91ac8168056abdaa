using System.Threading.Tasks;
using Generated.OpenAI.DependencyInjection;
using Generated.OpenAI.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Generated.OpenAI.Extensions.AI.Tests;

/// <summary>MEAI's DI builders (<c>AddChatClient</c>, <c>AddEmbeddingGenerator</c>) composed on the SDK's <c>AddOpenAI</c>.</summary>
public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddChatClient_over_AddOpenAI_builds_the_pipeline_on_the_registered_client()
    {
        await using Simulated sim = await Simulated.StartAsync();
        var services = new ServiceCollection();
        services.AddOpenAI(o => { o.ApiKey = "sk-di"; o.BaseUrl = sim.Rest.BaseUrl; o.MaxRetries = 0; });
        services.AddChatClient(sp => sp.GetRequiredService<OpenAIClient>().AsIChatClient("gpt-5.4")).UseFunctionInvocation();
        services.AddEmbeddingGenerator(sp => sp.GetRequiredService<OpenAIClient>().AsIEmbeddingGenerator("text-embedding-3-small"));
        using ServiceProvider provider = services.BuildServiceProvider();

        IChatClient chat = provider.GetRequiredService<IChatClient>();
        ChatResponse response = await chat.GetResponseAsync("Hi");
        Embedding<float> embedding = await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync("Hi");

        Assert.Same(provider.GetRequiredService<OpenAIClient>(), chat.GetService<OpenAIClient>());
        Assert.NotNull(chat.GetService<FunctionInvokingChatClient>());
        Assert.Equal("Simulated answer to: Hi", response.Text);
        Assert.Equal(8, embedding.Vector.Length);
        Assert.Equal("Bearer sk-di", sim.Rest.Requests[0].Header("Authorization"));
    }
}
