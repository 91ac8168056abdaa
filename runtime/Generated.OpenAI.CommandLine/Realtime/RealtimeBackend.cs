using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.Simulator;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.CommandLine;

/// <summary>
/// Where the commands talk to: OpenAI (or <c>OPENAI_BASE_URL</c>) when <c>OPENAI_API_KEY</c> is set, otherwise the
/// built-in <see cref="RealtimeSimulator"/> on 127.0.0.1 (announced on stderr).
/// </summary>
internal sealed class RealtimeBackend : IAsyncDisposable
{
    private readonly RealtimeSimulator? _simulator;

    private RealtimeBackend(RealtimeClient client, RealtimeSimulator? simulator, Uri baseUrl)
    {
        Client = client;
        _simulator = simulator;
        BaseUrl = baseUrl;
    }

    /// <summary>The base URL connected to (<c>…/v1</c>; the realtime endpoint is <c>…/v1/realtime</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The client to connect with.</summary>
    public RealtimeClient Client { get; }

    /// <summary>Whether the built-in simulator is in use.</summary>
    public bool IsSimulated => _simulator is not null;

    /// <summary>Starts the backend.</summary>
    /// <param name="options">The options from <see cref="ToolEnvironment.ReadOptions"/>.</param>
    /// <param name="forceSimulator">Use the simulator even when a key is set.</param>
    /// <param name="error">Where the notice goes.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<RealtimeBackend> StartAsync(OpenAIClientOptions options, bool forceSimulator, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(error);
        if (!forceSimulator && options.ApiKey is { Length: > 0 })
        {
            return new RealtimeBackend(new RealtimeClient(options), null, options.BaseUrl);
        }

        RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await error.WriteLineAsync(forceSimulator
            ? $"Using the built-in realtime simulator at {simulator.BaseUrl} (--simulator)."
            : $"OPENAI_API_KEY is not set: using the built-in realtime simulator at {simulator.BaseUrl}.").ConfigureAwait(false);
        options.ApiKey = ToolEnvironment.SimulatorApiKey;
        options.BaseUrl = simulator.BaseUrl;
        return new RealtimeBackend(new RealtimeClient(options), simulator, options.BaseUrl);
    }

    /// <summary>
    /// Connects with <paramref name="connect"/>; a 404 from the handshake becomes a <see cref="RealtimeEndpointException"/>
    /// that says which path was asked for and what is usually wrong (a base URL without <c>/v1</c>).
    /// </summary>
    public async Task<T> ConnectAsync<T>(Func<RealtimeClient, Task<T>> connect)
    {
        ArgumentNullException.ThrowIfNull(connect);
        try
        {
            return await connect(Client).ConfigureAwait(false);
        }
        catch (WebSocketHandshakeException ex) when (ex.StatusCode == 404)
        {
            string path = BaseUrl.AbsolutePath.TrimEnd('/') + "/realtime";
            string hint = BaseUrl.AbsolutePath.TrimEnd('/').EndsWith("/v1", StringComparison.Ordinal)
                ? "is OPENAI_BASE_URL the API's base URL?"
                : "does OPENAI_BASE_URL end in /v1?";
            throw new RealtimeEndpointException($"the server answered 404 for {path}; {hint}", ex);
        }
    }

    /// <summary>Stops the simulator, if any.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
