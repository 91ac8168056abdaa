using Generated.OpenAI.Extensions.AI.Realtime;
using Generated.OpenAI.Realtime;
using Microsoft.Extensions.AI;
using RealtimeSessionOptions = Generated.OpenAI.Realtime.RealtimeSessionOptions;

namespace Generated.OpenAI.Extensions.AI;

/// <summary>The Microsoft.Extensions.AI view of a <see cref="RealtimeClient"/>, named as Microsoft's adapter names its views.</summary>
public static class OpenAIRealtimeClientExtensions
{
    /// <summary>An <see cref="IRealtimeClient"/> over the realtime sessions (<see cref="RealtimeClientAdapter"/>).</summary>
    /// <param name="client">The SDK's realtime client.</param>
    /// <param name="defaultModelId">The model when the options give none (default <see cref="RealtimeClient.DefaultVoiceModel"/>).</param>
    /// <param name="sessionOptions">Connection settings of every session (timeouts, bounds, an audio sink for the model's audio).</param>
    public static IRealtimeClient AsIRealtimeClient(this RealtimeClient client, string? defaultModelId = null, RealtimeSessionOptions? sessionOptions = null) =>
        new RealtimeClientAdapter(client, defaultModelId, sessionOptions);
}
