using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// The REST and the realtime simulators behind one base URL, as OpenAI serves both from one host: one Kestrel on
/// 127.0.0.1 that hands the realtime WebSocket endpoints (<c>/v1/realtime</c>, <c>/v1/realtime/translations</c>) and
/// the two client-secret endpoints to <see cref="Realtime"/> and every other request to <see cref="Rest"/>. The decision is per
/// request, so one HTTP connection may carry both kinds. What <c>simulate</c> in the command line runs.
/// </summary>
/// <remarks>Thread-safe, as the two simulators are.</remarks>
public sealed class OpenAISimulator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OpenAISimulator(WebApplication app, Uri root, RestSimulator rest, RealtimeSimulator realtime)
    {
        _app = app;
        BaseUrl = new Uri(root, "/v1");
        Rest = rest;
        Realtime = realtime;
    }

    /// <summary><c>http://127.0.0.1:port/v1</c>: give it as <c>OPENAI_BASE_URL</c>; realtime is <c>ws://127.0.0.1:port/v1/realtime</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The REST simulator (requests, faults, files and batches).</summary>
    public RestSimulator Rest { get; }

    /// <summary>The realtime simulator (handshakes, client messages, received audio).</summary>
    public RealtimeSimulator Realtime { get; }

    /// <summary>Starts one Kestrel on 127.0.0.1 serving both simulators.</summary>
    /// <param name="restOptions">Options of the REST simulator.</param>
    /// <param name="realtimeOptions">Options of the realtime simulator.</param>
    /// <param name="port">The port to listen on; 0 (the default) lets the OS choose.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="System.IO.IOException">The port is taken.</exception>
    public static async Task<OpenAISimulator> StartAsync(RestSimulatorOptions? restOptions = null, RealtimeSimulatorOptions? realtimeOptions = null, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        // One error list for the one host: each simulator's ServerErrors shows every unhandled exception of it.
        var errors = new List<Exception>();
        RestSimulator? rest = null;
        RealtimeSimulator? realtime = null;
        (WebApplication app, Uri root) = await LoopbackHost.StartAsync(
            context => IsRealtime(context.Request.Path) ? realtime!.HandleAsync(context) : rest!.HandleAsync(context),
            errors,
            cancellationToken,
            port).ConfigureAwait(false);
        rest = new RestSimulator(errors, null, root, restOptions ?? new RestSimulatorOptions(), SpecCatalog.Default);
        realtime = new RealtimeSimulator(errors, null, root, realtimeOptions ?? new RealtimeSimulatorOptions());
        return new OpenAISimulator(app, root, rest, realtime);
    }

    /// <summary>
    /// Whether a request path belongs to the realtime simulator: the WebSocket endpoints, the client-secret
    /// endpoints and the call-control endpoints (<c>/v1/realtime/calls/{call_id}/…</c>, which share the calls' state
    /// with the sideband WebSocket). The other paths under <c>/v1/realtime</c> (creating a WebRTC call, sessions) are
    /// REST operations of the spec.
    /// </summary>
    internal static bool IsRealtime(PathString path) =>
        (path.Value ?? string.Empty).TrimEnd('/') is "/v1/realtime" or "/v1/realtime/translations"
            or "/v1/realtime/client_secrets" or "/v1/realtime/translations/client_secrets"
            || RealtimeSimulator.IsCallControlPath(path.Value);

    /// <summary>Stops both simulators (open realtime connections are aborted), then Kestrel.</summary>
    public async ValueTask DisposeAsync()
    {
        await Realtime.DisposeAsync().ConfigureAwait(false);
        await Rest.DisposeAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
