using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.DependencyInjection;
using Generated.OpenAI.Http;
using Generated.OpenAI.Runtime.Tests.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.DependencyInjection;

public sealed class OpenAIServiceCollectionExtensionsTests
{
    [Fact]
    public async Task APipelineResolvedFromConfigurationSendsWithTheBoundOptions()
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await using LocalServer server = await LocalServer.StartAsync((context, n) =>
        {
            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in context.Request.Headers)
            {
                seen[header.Key] = header.Value.ToString();
            }
            return context.Response.WriteAsync("{}");
        });
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenAI:ApiKey"] = "sk-from-config",
            ["OpenAI:BaseUrl"] = server.BaseUrl.ToString(),
            ["OpenAI:Project"] = "proj_cfg",
            ["OpenAI:MaxRetries"] = "4",
            ["OpenAI:Timeout"] = "00:00:30",
            ["OpenAI:InitialRetryDelay"] = "00:00:00.250",
            ["OpenAI:DefaultHeaders:X-App"] = "demo",
        }).Build();
        var services = new ServiceCollection();
        services.AddOpenAIPipeline(configuration.GetSection("OpenAI"), options => options.Organization = "org_code");
        using ServiceProvider provider = services.BuildServiceProvider();

        OpenAIPipeline pipeline = provider.GetRequiredService<OpenAIPipeline>();
        using PipelineResponse response = await pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/models")).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Same(pipeline, provider.GetRequiredService<OpenAIPipeline>());
        Assert.Equal(4, pipeline.Options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(30), pipeline.Options.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(250), pipeline.Options.InitialRetryDelay);
        Assert.Equal("Bearer sk-from-config", seen["Authorization"]);
        Assert.Equal("proj_cfg", seen["OpenAI-Project"]);
        Assert.Equal("org_code", seen["OpenAI-Organization"]);
        Assert.Equal("demo", seen["X-App"]);
        HttpClient named = provider.GetRequiredService<IHttpClientFactory>().CreateClient(OpenAIServiceCollectionExtensions.HttpClientName);
        Assert.Equal(Timeout.InfiniteTimeSpan, named.Timeout);
    }

    [Fact]
    public void AnInvalidConfigurationValueNamesTheKey()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenAI:MaxRetries"] = "many",
        }).Build();
        var services = new ServiceCollection();
        services.AddOpenAIPipeline(configuration.GetSection("OpenAI"));
        using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<OpenAIPipeline>());
        Assert.Contains("OpenAI:MaxRetries", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APipelineNeverDisposesAClientItWasGiven()
    {
        await using LocalServer server = await LocalServer.StartAsync((context, n) => context.Response.WriteAsync("ok"));
        using var client = new HttpClient();
        var pipeline = new OpenAIPipeline(new OpenAIClientOptions { ApiKey = "sk-x", BaseUrl = server.BaseUrl }, client);
        using (await pipeline.SendAsync(new PipelineRequest(HttpMethod.Get, "/models")).WaitAsync(TimeSpan.FromSeconds(15)))
        {
        }

        pipeline.Dispose();

        using HttpResponseMessage stillWorks = await client.GetAsync(server.Root).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(stillWorks.IsSuccessStatusCode);
    }
}
