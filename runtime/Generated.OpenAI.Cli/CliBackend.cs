using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.Simulator;

namespace Generated.OpenAI.Cli;

/// <summary>
/// Where the commands talk to: OpenAI (or <c>OPENAI_BASE_URL</c>) when <c>OPENAI_API_KEY</c> is set, otherwise the
/// built-in <see cref="RealtimeSimulator"/> on 127.0.0.1 (announced on stderr).
/// </summary>
public sealed class CliBackend : IAsyncDisposable
{
    private readonly RealtimeSimulator? _simulator;

    private CliBackend(RealtimeClient client, RealtimeSimulator? simulator)
    {
        Client = client;
        _simulator = simulator;
    }

    /// <summary>The client to connect with.</summary>
    public RealtimeClient Client { get; }

    /// <summary>Whether the built-in simulator is in use.</summary>
    public bool IsSimulated => _simulator is not null;

    /// <summary>Starts the backend.</summary>
    /// <param name="forceSimulator">Use the simulator even when a key is set.</param>
    /// <param name="error">Where the notice goes.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<CliBackend> StartAsync(bool forceSimulator, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var options = new OpenAIClientOptions();
        if (!forceSimulator && options.ApiKey is { Length: > 0 })
        {
            return new CliBackend(new RealtimeClient(options), null);
        }

        RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await error.WriteLineAsync(forceSimulator
            ? $"Using the built-in realtime simulator at {simulator.BaseUrl} (--simulator)."
            : $"OPENAI_API_KEY is not set: using the built-in realtime simulator at {simulator.BaseUrl}.").ConfigureAwait(false);
        options.ApiKey = "sk-simulator";
        options.BaseUrl = simulator.BaseUrl;
        return new CliBackend(new RealtimeClient(options), simulator);
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
