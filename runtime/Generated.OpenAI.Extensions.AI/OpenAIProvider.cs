using System;
using Generated.OpenAI.Http;

namespace Generated.OpenAI.Extensions.AI;

/// <summary>What every adapter reports in its metadata: the provider name OpenTelemetry's <c>gen_ai.provider.name</c> expects, and the endpoint.</summary>
internal static class OpenAIProvider
{
    /// <summary>The OpenTelemetry GenAI semantic conventions' name for OpenAI (<c>gen_ai.provider.name</c>).</summary>
    public const string Name = "openai";

    /// <summary>The base URL the client sends to (<c>https://api.openai.com/v1</c> unless configured).</summary>
    public static Uri Endpoint(OpenAIClient client) => client.Pipeline.Options.BaseUrl;

    /// <summary>The model the options name, else the adapter's default, else an error that says where to give one.</summary>
    public static string Model(string? requested, string? defaultModel, string what) =>
        requested ?? defaultModel ?? throw new InvalidOperationException(
            $"No model: give one to the {what} (defaultModelId) or in the options' ModelId.");
}
