using System;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Simulator;

namespace Generated.OpenAI.Extensions.AI.Tests;

/// <summary>The REST simulator answering from the request, and our SDK client pointed at it.</summary>
internal sealed class Simulated : IAsyncDisposable
{
    private Simulated(RestSimulator rest)
    {
        Rest = rest;
        Client = new OpenAIClient(new OpenAIClientOptions { ApiKey = "sk-meai-test", BaseUrl = rest.BaseUrl, MaxRetries = 0 });
    }

    public RestSimulator Rest { get; }

    public OpenAIClient Client { get; }

    public static async Task<Simulated> StartAsync() =>
        new(await RestSimulator.StartAsync(new RestSimulatorOptions { AnswerFromRequest = true }));

    public ValueTask DisposeAsync() => Rest.DisposeAsync();
}
