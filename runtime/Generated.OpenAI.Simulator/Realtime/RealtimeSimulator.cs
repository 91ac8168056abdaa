using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// A local stand-in for the OpenAI Realtime API over WebSocket: voice agent (<c>/v1/realtime?model=…</c>),
/// transcription (<c>/v1/realtime?intent=transcription</c>), translation (<c>/v1/realtime/translations?model=…</c>),
/// plus <c>POST /v1/realtime/client_secrets</c> and <c>POST /v1/realtime/translations/client_secrets</c>.
/// Kestrel on 127.0.0.1 with an OS-chosen port; the WebSocket upgrade is done by hand over the raw transport so
/// that faults can write partial frames.
/// </summary>
/// <remarks>Thread-safe: connections run concurrently; the recordings are locked snapshots.</remarks>
public sealed partial class RealtimeSimulator : IAsyncDisposable
{
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private readonly WebApplication? _app; // null when an OpenAISimulator hosts this simulator beside the other one
    private readonly List<Exception> _errors;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<RealtimeHandshake> _handshakes = [];
    private readonly List<RealtimeClientMessage> _messages = [];
    private readonly List<RecordedRequest> _secretRequests = [];
    private readonly List<(int ConnectionId, RealtimeFault Fault)> _faults = [];
    private readonly ConcurrentDictionary<string, RealtimeClientSecret> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, MemoryStream> _audio = new();
    private readonly ConcurrentDictionary<int, Task> _connections = new();
    private long _ids;
    private int _connectionCount;
    private int _nextFault = -1;

    internal RealtimeSimulator(List<Exception> errors, WebApplication? app, Uri root, RealtimeSimulatorOptions options)
    {
        _errors = errors;
        _app = app;
        Options = options;
        BaseUrl = new Uri(root, "/v1");
    }

    /// <summary>Unhandled exceptions of the simulator's request handling (a test can assert there are none).</summary>
    public IReadOnlyList<Exception> ServerErrors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToArray();
            }
        }
    }

    /// <summary><c>http://127.0.0.1:port/v1</c>; clients derive <c>ws://127.0.0.1:port/v1/realtime</c> from it.</summary>
    public Uri BaseUrl { get; }

    /// <summary><c>ws://127.0.0.1:port/v1/realtime</c> (without query).</summary>
    public Uri RealtimeUrl => new(BaseUrl.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "/realtime");

    /// <summary><c>ws://127.0.0.1:port/v1/realtime/translations</c> (without query).</summary>
    public Uri TranslationsUrl => new(RealtimeUrl + "/translations");

    /// <summary>The options; changes apply to connections opened afterwards (and to running ones where read live).</summary>
    public RealtimeSimulatorOptions Options { get; }

    /// <summary>
    /// A one-shot fault for the next accepted connection (overrides <see cref="RealtimeSimulatorOptions.Fault"/> once).
    /// Reads back <see cref="RealtimeFault.None"/> once consumed.
    /// </summary>
    public RealtimeFault NextConnectionFault
    {
        get => Volatile.Read(ref _nextFault) is var f && f >= 0 ? (RealtimeFault)f : RealtimeFault.None;
        set => Volatile.Write(ref _nextFault, (int)value);
    }

    /// <summary>Handshakes accepted so far, in order.</summary>
    public IReadOnlyList<RealtimeHandshake> Handshakes => Snapshot(_handshakes);

    /// <summary>Client messages received so far (every connection), in order.</summary>
    public IReadOnlyList<RealtimeClientMessage> ClientMessages => Snapshot(_messages);

    /// <summary>Requests to the two client-secret endpoints (headers include <c>OpenAI-Safety-Identifier</c>).</summary>
    public IReadOnlyList<RecordedRequest> ClientSecretRequests => Snapshot(_secretRequests);

    /// <summary>Secrets issued so far.</summary>
    public IReadOnlyCollection<RealtimeClientSecret> IssuedSecrets => _secrets.Values.ToArray();

    /// <summary>Faults that fired, with the connection they hit.</summary>
    public IReadOnlyList<(int ConnectionId, RealtimeFault Fault)> FiredFaults => Snapshot(_faults);

    /// <summary>Number of WebSocket connections accepted.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Starts Kestrel on 127.0.0.1 with an OS-chosen port.</summary>
    public static async Task<RealtimeSimulator> StartAsync(RealtimeSimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var errors = new List<Exception>();
        RealtimeSimulator? simulator = null;
        (WebApplication app, Uri root) = await LoopbackHost.StartAsync(context => simulator!.HandleAsync(context), errors, cancellationToken).ConfigureAwait(false);
        simulator = new RealtimeSimulator(errors, app, root, options ?? new RealtimeSimulatorOptions());
        return simulator;
    }

    /// <summary>All PCM16 audio a connection appended (decoded), in order.</summary>
    public byte[] GetReceivedAudio(int connectionId) => _audio.TryGetValue(connectionId, out MemoryStream? stream) ? Locked(stream, s => s.ToArray()) : [];

    /// <summary>The simulated translation of PCM16 audio (each sample negated): what translation sessions send back.</summary>
    public static byte[] SimulateTranslation(ReadOnlySpan<byte> pcm16) => TranslationConnection.Transform(pcm16);

    /// <summary>Stops accepting, aborts open connections (stalled ones included) and stops Kestrel.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_connections.Values).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        if (_app is not null)
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
            {
                await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            }

            await _app.DisposeAsync().ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

    internal string NextId(string prefix) => prefix + "sim" + Interlocked.Increment(ref _ids).ToString("D6", CultureInfo.InvariantCulture);

    internal void RecordClientMessage(RealtimeClientMessage message)
    {
        lock (_messages)
        {
            _messages.Add(message);
        }
    }

    internal void RecordFault(int connectionId, RealtimeFault fault)
    {
        lock (_faults)
        {
            _faults.Add((connectionId, fault));
        }
    }

    internal void AddAudioReceived(int connectionId, byte[] pcm)
    {
        MemoryStream stream = _audio.GetOrAdd(connectionId, _ => new MemoryStream());
        lock (stream)
        {
            stream.Write(pcm);
        }
    }

    private static T Locked<T>(MemoryStream stream, Func<MemoryStream, T> read)
    {
        lock (stream)
        {
            return read(stream);
        }
    }

    private static T[] Snapshot<T>(List<T> list)
    {
        lock (list)
        {
            return list.ToArray();
        }
    }

    internal async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        context.Response.Headers["x-request-id"] = NextId("req_");
        string path = (request.Path.Value ?? "/").TrimEnd('/');
        switch (path)
        {
            case "/v1/realtime/client_secrets" when HttpMethods.IsPost(request.Method):
                await CreateClientSecretAsync(context, translation: false).ConfigureAwait(false);
                return;
            case "/v1/realtime/translations/client_secrets" when HttpMethods.IsPost(request.Method):
                await CreateClientSecretAsync(context, translation: true).ConfigureAwait(false);
                return;
            case "/v1/realtime" when HttpMethods.IsGet(request.Method):
            case "/v1/realtime/translations" when HttpMethods.IsGet(request.Method):
                await AcceptAsync(context, path.EndsWith("/translations", StringComparison.Ordinal)).ConfigureAwait(false);
                return;
            case not null when path.StartsWith(CallsPath, StringComparison.Ordinal):
                await HandleCallRequestAsync(context, path).ConfigureAwait(false);
                return;
            default:
                await RestSimulator.WriteErrorAsync(context, 404, $"Invalid URL ({request.Method} {request.Path})", "invalid_request_error", null, "unknown_url").ConfigureAwait(false);
                return;
        }
    }

    private async Task AcceptAsync(HttpContext context, bool translation)
    {
        HttpRequest request = context.Request;
        IHttpUpgradeFeature? upgrade = context.Features.Get<IHttpUpgradeFeature>();
        string? key = request.Headers["Sec-WebSocket-Key"];
        if (upgrade is null || !upgrade.IsUpgradableRequest || string.IsNullOrEmpty(key)
            || !string.Equals(request.Headers.Upgrade.ToString(), "websocket", StringComparison.OrdinalIgnoreCase))
        {
            await RestSimulator.WriteErrorAsync(context, 400, "This endpoint only accepts WebSocket connections.", "invalid_request_error", null, "websocket_required").ConfigureAwait(false);
            return;
        }

        if (await TryRefuseUpgradeAsync(context).ConfigureAwait(false))
        {
            return;
        }

        // Credential: Authorization: Bearer …, or the browser subprotocol 'openai-insecure-api-key.<key>'.
        string[] protocols = request.Headers["Sec-WebSocket-Protocol"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string? credential = null;
        string authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            credential = authorization[7..].Trim();
        }

        credential ??= protocols.FirstOrDefault(p => p.StartsWith("openai-insecure-api-key.", StringComparison.Ordinal))?["openai-insecure-api-key.".Length..];
        RealtimeClientSecret? secret = null;
        if (string.IsNullOrEmpty(credential)
            || (credential.StartsWith("ek_", StringComparison.Ordinal)
                && (!_secrets.TryGetValue(credential, out secret) || secret.ExpiresAt < DateTimeOffset.UtcNow.ToUnixTimeSeconds())))
        {
            await RestSimulator.WriteErrorAsync(context, 401,
                string.IsNullOrEmpty(credential) ? "Missing bearer authentication in header" : "Incorrect API key provided: the ephemeral client secret is unknown or expired.",
                "invalid_request_error", null, "invalid_api_key").ConfigureAwait(false);
            return;
        }

        SimulatedCall? call = null;
        if (!translation && request.Query.ContainsKey("call_id"))
        {
            // A sideband session: only for a call that exists and was accepted.
            call = await FindCallForSidebandAsync(context, request.Query["call_id"].ToString()).ConfigureAwait(false);
            if (call is null)
            {
                return;
            }
        }

        string? intent = request.Query["intent"];
        string? model = (string?)request.Query["model"] ?? call?.Model;
        RealtimeSessionKind kind = call is not null
            ? RealtimeSessionKind.Sideband
            : translation
            ? RealtimeSessionKind.Translation
            : intent == "transcription" || (intent is null && secret?.SessionType == "transcription")
                ? RealtimeSessionKind.Transcription
                : RealtimeSessionKind.VoiceAgent;
        if (translation && secret is not null && secret.SessionType != "translation")
        {
            await RestSimulator.WriteErrorAsync(context, 400, "This client secret was not created for a translation session.", "invalid_request_error", null, "invalid_client_secret").ConfigureAwait(false);
            return;
        }

        model ??= secret?.Model ?? kind switch
        {
            RealtimeSessionKind.Translation => "gpt-realtime-translate",
            RealtimeSessionKind.Transcription => "gpt-realtime-whisper",
            _ => "gpt-realtime-2",
        };

        string? subProtocol = protocols.Contains("realtime", StringComparer.Ordinal) ? "realtime" : null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, StringValues> header in request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        int connectionId = Interlocked.Increment(ref _connectionCount);
        string? safety = request.Headers["OpenAI-Safety-Identifier"].FirstOrDefault() ?? secret?.SafetyIdentifier;
        var handshake = new RealtimeHandshake(connectionId, kind, request.Path.Value ?? string.Empty, request.QueryString.Value ?? string.Empty, model, credential, safety, subProtocol, headers);
        lock (_handshakes)
        {
            _handshakes.Add(handshake);
        }

        int oneShot = Interlocked.Exchange(ref _nextFault, -1);
        RealtimeFault fault = oneShot >= 0 ? (RealtimeFault)oneShot : Options.Fault;

        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers["Sec-WebSocket-Accept"] = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
        if (subProtocol is not null)
        {
            context.Response.Headers["Sec-WebSocket-Protocol"] = subProtocol;
        }

        Stream transport = await upgrade.UpgradeAsync().ConfigureAwait(false);
        using WebSocket socket = WebSocket.CreateFromStream(transport, new WebSocketCreationOptions { IsServer = true, SubProtocol = subProtocol, KeepAliveInterval = TimeSpan.Zero });
        RealtimeConnection connection = kind switch
        {
            RealtimeSessionKind.Translation => new TranslationConnection(this, context, transport, socket, handshake, fault, Options.FaultAfterClientMessages),
            RealtimeSessionKind.Transcription => new TranscriptionConnection(this, context, transport, socket, handshake, fault, Options.FaultAfterClientMessages),
            _ => new VoiceAgentConnection(this, context, transport, socket, handshake, fault, Options.FaultAfterClientMessages),
        };
        call?.Attach((VoiceAgentConnection)connection);
        Task run = connection.RunAsync(_stopping.Token);
        _connections[connectionId] = run;
        try
        {
            await run.ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(connectionId, out _);
            call?.Detach((VoiceAgentConnection)connection);
            if (socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
            {
                socket.Abort();
                context.Abort();
            }
        }
    }

    private async Task CreateClientSecretAsync(HttpContext context, bool translation)
    {
        HttpRequest request = context.Request;
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, StringValues> header in request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        string requestId = context.Response.Headers["x-request-id"].ToString();
        lock (_secretRequests)
        {
            _secretRequests.Add(new RecordedRequest(request.Method, request.Path.Value ?? string.Empty, request.QueryString.Value ?? string.Empty, request.ContentType, body.ToArray(), headers, translation ? "create-realtime-translation-client-secret" : "create-realtime-client-secret", requestId));
        }

        string authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7)
        {
            await RestSimulator.WriteErrorAsync(context, 401, "Missing bearer authentication in header", "invalid_request_error", null, "invalid_api_key").ConfigureAwait(false);
            return;
        }

        JsonObject requestJson;
        try
        {
            requestJson = body.Length == 0 ? [] : JsonNode.Parse(body.ToArray()) as JsonObject ?? throw new JsonException("The body must be a JSON object.");
        }
        catch (JsonException exception)
        {
            await RestSimulator.WriteErrorAsync(context, 400, $"We could not parse the JSON body of your request. {exception.Message}", "invalid_request_error", null, null).ConfigureAwait(false);
            return;
        }

        long seconds = (long)Options.ClientSecretLifetime.TotalSeconds;
        if (requestJson["expires_after"] is JsonObject expiresAfter && expiresAfter["seconds"] is JsonValue value)
        {
            if (!value.TryGetValue(out long requested) || requested < 10 || requested > 7200)
            {
                await RestSimulator.WriteErrorAsync(context, 400, "Invalid 'expires_after.seconds': expected an integer between 10 and 7200.", "invalid_request_error", "expires_after.seconds", "invalid_value").ConfigureAwait(false);
                return;
            }

            seconds = requested;
        }

        JsonObject requestedSession = requestJson["session"] as JsonObject ?? [];
        string sessionType = translation ? "translation" : requestedSession["type"]?.GetValue<string>() ?? "realtime";
        if (!translation && sessionType is not ("realtime" or "transcription"))
        {
            await RestSimulator.WriteErrorAsync(context, 400, $"Invalid value: '{sessionType}'. Supported values are: 'realtime' and 'transcription'.", "invalid_request_error", "session.type", "invalid_value").ConfigureAwait(false);
            return;
        }

        // Start from the spec's own example response and overlay what the request asked for.
        SpecOperation? operation = SpecCatalog.Default.Find("POST", translation ? "/realtime/translations/client_secrets" : "/realtime/client_secrets", out _);
        JsonObject response = operation is not null && LenientJson.TryNormalize(operation.Examples.FirstOrDefault().Response, out byte[] example)
            ? JsonNode.Parse(example) as JsonObject ?? []
            : [];
        long expiresAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + seconds;
        string secretValue = "ek_sim_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        response["value"] = secretValue;
        response["expires_at"] = expiresAt;
        if (response["session"] is not JsonObject session)
        {
            session = [];
            response["session"] = session;
        }

        foreach (KeyValuePair<string, JsonNode?> property in requestedSession)
        {
            session[property.Key] = property.Value?.DeepClone();
        }

        session["type"] = sessionType;
        session["id"] = NextId("sess_");
        session["expires_at"] = expiresAt;
        if (sessionType == "transcription")
        {
            session.Remove("model");
            session.Remove("voice");
            session.Remove("output_modalities");
            session["object"] = "realtime.transcription_session";
        }

        string? model = session["model"]?.GetValue<string>();
        _secrets[secretValue] = new RealtimeClientSecret(secretValue, expiresAt, sessionType, model, request.Headers["OpenAI-Safety-Identifier"].FirstOrDefault());

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, LenientJson.WriterOptions))
        {
            response.WriteTo(writer);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
