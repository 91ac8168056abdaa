using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.WebSockets;
using Microsoft.Extensions.Logging;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// Opens realtime sessions over WebSockets and issues ephemeral client secrets. One client type per session
/// family: <see cref="ConnectVoiceAgentAsync"/>, <see cref="ConnectTranscriptionAsync"/>,
/// <see cref="ConnectTranslationAsync"/>.
/// </summary>
/// <remarks>
/// The WebSocket URL is derived from <see cref="OpenAIClientOptions.BaseUrl"/>: <c>https://host/v1</c> becomes
/// <c>wss://host/v1/realtime</c> (<c>http</c> becomes <c>ws</c>). The handshake carries
/// <c>Authorization: Bearer</c> with <see cref="OpenAIClientOptions.ApiKey"/> (a standard key, or an ephemeral
/// <c>ek_</c> secret from <see cref="CreateClientSecretAsync"/>), <c>OpenAI-Safety-Identifier</c>,
/// <c>OpenAI-Organization</c> and <c>OpenAI-Project</c> when set. Thread-safe.
/// </remarks>
public sealed partial class RealtimeClient : IDisposable
{
    /// <summary>The default voice-agent model.</summary>
    public const string DefaultVoiceModel = "gpt-realtime-2";

    /// <summary>The default translation model.</summary>
    public const string DefaultTranslationModel = "gpt-realtime-translate";

    private readonly OpenAIClientOptions _options;
    private readonly Lazy<OpenAIPipeline> _pipeline;
    private readonly bool _ownsPipeline = true;

    /// <summary>Creates a client; <paramref name="options"/> defaults to <c>OPENAI_API_KEY</c> and <c>OPENAI_BASE_URL</c>.</summary>
    /// <param name="options">Key, base URL, safety identifier.</param>
    /// <param name="httpClient">Used for the client-secret requests; the pipeline creates one when <see langword="null"/>.</param>
    /// <param name="loggerFactory">
    /// Where the sessions log (category <see cref="RealtimeTelemetry.LoggerCategory"/>): lifecycle at Information, server
    /// errors at Warning, every event's type and id at Trace; never audio, never a key. <see langword="null"/>: no logs.
    /// </param>
    public RealtimeClient(OpenAIClientOptions? options = null, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? new OpenAIClientOptions();
        _pipeline = new Lazy<OpenAIPipeline>(() => new OpenAIPipeline(_options, httpClient));
        LoggerFactory = loggerFactory;
    }

    /// <summary>
    /// Creates a client over an existing pipeline (its <see cref="OpenAIPipeline.Options"/> are the client's); the
    /// pipeline is not disposed with the client. This is how <c>AddOpenAI</c> registers it.
    /// </summary>
    /// <param name="pipeline">Sends the client-secret requests; its options give the key and base URL of the WebSockets too.</param>
    /// <param name="loggerFactory">Where the sessions log (see the other constructor), or <see langword="null"/>.</param>
    public RealtimeClient(OpenAIPipeline pipeline, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _options = pipeline.Options;
        _pipeline = new Lazy<OpenAIPipeline>(pipeline);
        _ownsPipeline = false;
        LoggerFactory = loggerFactory;
    }

    /// <summary>Where the sessions log, or <see langword="null"/> (see the constructors).</summary>
    public ILoggerFactory? LoggerFactory { get; }

    /// <summary>The options (shared, not copied).</summary>
    public OpenAIClientOptions Options => _options;

    /// <summary>The WebSocket URL for <paramref name="path"/> under the base URL, e.g. <c>wss://api.openai.com/v1/realtime?model=gpt-realtime-2</c>.</summary>
    public static Uri GetWebSocketUri(Uri baseUrl, string path, string? query)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(path);
        string scheme = baseUrl.Scheme switch
        {
            "https" or "wss" => "wss",
            "http" or "ws" => "ws",
            _ => throw new ArgumentException($"The base URL scheme '{baseUrl.Scheme}' is not http(s) or ws(s).", nameof(baseUrl)),
        };
        var builder = new UriBuilder(baseUrl) { Scheme = scheme, Port = baseUrl.IsDefaultPort ? -1 : baseUrl.Port };
        builder.Path = builder.Path.TrimEnd('/') + "/" + path.TrimStart('/');
        builder.Query = query ?? string.Empty;
        return builder.Uri;
    }

    /// <summary>Connects a voice-agent session (<c>/realtime?model=</c>) and starts its receive loop.</summary>
    /// <exception cref="WebSocketHandshakeException">The server refused the connection (e.g. 401 for a bad key).</exception>
    /// <exception cref="WebSocketConnectionException">The connection could not be made.</exception>
    public Task<RealtimeVoiceSession> ConnectVoiceAgentAsync(string model = DefaultVoiceModel, RealtimeSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return ConnectAsync(RealtimeVoiceSession.Descriptor, "model=" + Uri.EscapeDataString(model), static (c, o) => new RealtimeVoiceSession(c, o), options, cancellationToken);
    }

    /// <summary>Connects a transcription session (<c>/realtime?intent=transcription</c>) and starts its receive loop.</summary>
    /// <exception cref="WebSocketHandshakeException">The server refused the connection.</exception>
    /// <exception cref="WebSocketConnectionException">The connection could not be made.</exception>
    public Task<RealtimeTranscriptionSession> ConnectTranscriptionAsync(RealtimeSessionOptions? options = null, CancellationToken cancellationToken = default)
        => ConnectAsync(RealtimeVoiceSession.Descriptor, "intent=transcription", static (c, o) => new RealtimeTranscriptionSession(c, o), options, cancellationToken);

    /// <summary>Connects a translation session (<c>/realtime/translations?model=</c>) and starts its receive loop.</summary>
    /// <exception cref="WebSocketHandshakeException">The server refused the connection.</exception>
    /// <exception cref="WebSocketConnectionException">The connection could not be made.</exception>
    public Task<RealtimeTranslationSession> ConnectTranslationAsync(string model = DefaultTranslationModel, RealtimeSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return ConnectAsync(RealtimeTranslationSession.Descriptor, "model=" + Uri.EscapeDataString(model), static (c, o) => new RealtimeTranslationSession(c, o), options, cancellationToken);
    }

    /// <summary>Connects a session of any kind: the kind's path with <paramref name="query"/>, then its subclass, started.</summary>
    internal async Task<TSession> ConnectAsync<TSession, TServerEvent>(RealtimeSessionDescriptor<TServerEvent> kind, string query, Func<WebSocketConnection, RealtimeSessionOptions, TSession> create, RealtimeSessionOptions? options, CancellationToken cancellationToken)
        where TSession : RealtimeSession<TServerEvent>
        where TServerEvent : class, IJsonModel<TServerEvent>
    {
        options ??= new RealtimeSessionOptions();
        RealtimeSessionTelemetry telemetry = StartTelemetry(typeof(TSession), kind.Path, query);
        WebSocketConnection connection;
        try
        {
            connection = await ConnectAsync(kind.Path, query, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            telemetry.ConnectFailed(ex);
            throw;
        }

        TSession session = create(connection, options);
        session.AttachTelemetry(telemetry);
        if (options.Reconnect is not null)
        {
            RealtimeSessionOptions sessionOptions = options;
            session.SetConnector(token => ConnectAsync(kind.Path, query, sessionOptions, token));
        }

        session.Start();
        return session;
    }

    /// <summary>
    /// <c>POST /realtime/client_secrets</c>: an ephemeral <c>ek_</c> key for a voice-agent or transcription session, for a
    /// browser or device to connect with (set it as <see cref="OpenAIClientOptions.ApiKey"/> of another client).
    /// </summary>
    /// <exception cref="OpenAIException">The API answered with an error status.</exception>
    public Task<RealtimeCreateClientSecretResponse> CreateClientSecretAsync(RealtimeCreateClientSecretRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PostAsync<RealtimeCreateClientSecretRequest, RealtimeCreateClientSecretResponse>("realtime/client_secrets", request, cancellationToken);
    }

    /// <summary><c>POST /realtime/translations/client_secrets</c>: an ephemeral key for a translation session.</summary>
    /// <exception cref="OpenAIException">The API answered with an error status.</exception>
    public Task<RealtimeTranslationClientSecretCreateResponse> CreateTranslationClientSecretAsync(RealtimeTranslationClientSecretCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PostAsync<RealtimeTranslationClientSecretCreateRequest, RealtimeTranslationClientSecretCreateResponse>("realtime/translations/client_secrets", request, cancellationToken);
    }

    /// <summary>Disposes the HTTP pipeline, if the client created one. Open sessions are not affected.</summary>
    public void Dispose()
    {
        if (_ownsPipeline && _pipeline.IsValueCreated)
        {
            _pipeline.Value.Dispose();
        }
    }

    private async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body, CancellationToken cancellationToken)
        where TRequest : IJsonModel<TRequest>
        where TResponse : IJsonModel<TResponse>
    {
        // OpenAIPipeline adds Authorization and OpenAI-Safety-Identifier from the options.
        var request = new PipelineRequest(HttpMethod.Post, path) { Content = PipelineContent.Json(JsonModel.SerializeToUtf8Bytes(body)) };
        using PipelineResponse response = await _pipeline.Value.SendAsync(request, null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        ReadOnlyMemory<byte> content = await response.ReadContentAsync(cancellationToken).ConfigureAwait(false);
        return JsonModel.Deserialize<TResponse>(content.Span);
    }

    private async Task<WebSocketConnection> ConnectAsync(string path, string query, RealtimeSessionOptions options, CancellationToken cancellationToken)
    {
        string apiKey = _options.ApiKey is { Length: > 0 } key
            ? key
            : throw new InvalidOperationException("No API key: set OPENAI_API_KEY or OpenAIClientOptions.ApiKey (a standard key or an ephemeral ek_ client secret).");
        var connectionOptions = new WebSocketConnectionOptions
        {
            MaxMessageSize = options.MaxMessageSize,
            KeepAliveInterval = options.KeepAliveInterval,
            KeepAliveTimeout = options.KeepAliveTimeout,
            ConnectTimeout = options.ConnectTimeout,
            CloseTimeout = options.CloseTimeout,
        };
        foreach ((string name, string value) in _options.DefaultHeaders)
        {
            connectionOptions.Headers[name] = value;
        }

        connectionOptions.Headers["Authorization"] = "Bearer " + apiKey;
        if (_options.SafetyIdentifier is { Length: > 0 } safetyIdentifier)
        {
            connectionOptions.Headers["OpenAI-Safety-Identifier"] = safetyIdentifier;
        }

        if (_options.Organization is { Length: > 0 } organization)
        {
            connectionOptions.Headers["OpenAI-Organization"] = organization;
        }

        if (_options.Project is { Length: > 0 } project)
        {
            connectionOptions.Headers["OpenAI-Project"] = project;
        }

        Uri uri = GetWebSocketUri(_options.BaseUrl, path, query);
        return await WebSocketConnection.ConnectAsync(uri, connectionOptions, cancellationToken).ConfigureAwait(false);
    }
}
