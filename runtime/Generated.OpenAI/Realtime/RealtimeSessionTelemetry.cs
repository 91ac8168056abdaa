using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.WebSockets;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// What one realtime session records: its attributes (built once), its activity and those of its responses, the
/// cursors that turn the connection's running totals into counter increments, and its logger. Every method checks
/// first whether anything listens (<see cref="System.Diagnostics.Metrics.Instrument.Enabled"/>,
/// <see cref="ActivitySource.HasListeners"/>, <see cref="ILogger.IsEnabled"/>) and returns at once when nothing does.
/// </summary>
/// <remarks>
/// One concern per file: this one holds the attributes, the session's lifecycle and its log lines;
/// <c>.Audio</c> the per-event counters (audio, wire bytes, drops, time to first audio); <c>.Responses</c> the
/// response and tool-call activities. Threads: the receive loop calls the <c>Observe</c>/<c>Response</c>/<c>Audio received</c> methods and
/// <see cref="Ended"/>; the senders call <see cref="AudioSent"/>, <see cref="EventSent"/> and
/// <see cref="MarkEndOfTurn"/>; what both touch is updated with interlocked operations. The attribute lists are
/// <see cref="TagList"/> fields passed by reference: recording allocates nothing.
/// </remarks>
internal sealed partial class RealtimeSessionTelemetry
{
    private readonly ILogger _logger;

    // False for the null logger (a session without a logger factory): TraceEnabled, asked on every send and
    // received event, is then a field read, not an interface call.
    private readonly bool _logs;
    private readonly string?[] _secrets;
    private readonly string _kind;
    private readonly string? _model;
    private readonly string _endpoint;
    private readonly TagList _tags;
    private readonly TagList _chatTags;
    private readonly TagList _audioInputTags;
    private readonly TagList _audioOutputTags;
    private readonly TagList _transmitTags;
    private readonly TagList _receiveTags;
    private readonly Activity? _activity;
    private readonly long _started = Stopwatch.GetTimestamp();
    private Func<int>? _backlog;
    private string _audioDeltaType = "audio delta";
    private string _audioAppendType = "audio append";

    private RealtimeSessionTelemetry(string kind, Uri? endpoint, ILogger logger, string?[] secrets)
    {
        _kind = kind;
        _logger = logger;
        _logs = logger is not NullLogger;
        _secrets = secrets;
        _model = endpoint is null ? null : ModelOf(endpoint.Query);
        _endpoint = endpoint is null ? "(stream)" : endpoint.GetLeftPart(UriPartial.Path).Replace(endpoint.UserInfo + "@", string.Empty, StringComparison.Ordinal);
        string? address = endpoint?.Host;
        object? port = endpoint is null ? null : endpoint.Port;
        _tags = CreateTags(RealtimeInstruments.RealtimeOperation, kind, _model, address, port);
        _chatTags = CreateTags(RealtimeInstruments.ChatOperation, kind, _model, address, port);
        _audioInputTags = With(_tags, RealtimeInstruments.AudioDirection, RealtimeInstruments.Input);
        _audioOutputTags = With(_tags, RealtimeInstruments.AudioDirection, RealtimeInstruments.Output);
        _transmitTags = With(_tags, RealtimeInstruments.NetworkIoDirection, RealtimeInstruments.Transmit);
        _receiveTags = With(_tags, RealtimeInstruments.NetworkIoDirection, RealtimeInstruments.Receive);
        SeriesKey = string.Join('|', kind, _model, address, port);
        if (endpoint is not null && RealtimeInstruments.Source.HasListeners())
        {
            _activity = RealtimeInstruments.Source.StartActivity(_model is null ? RealtimeInstruments.RealtimeOperation : RealtimeInstruments.RealtimeOperation + " " + _model, ActivityKind.Client, parentContext: default, _tags);
        }
    }

    /// <summary>The session's attributes (those of every instrument but the response ones).</summary>
    public ref readonly TagList Tags => ref _tags;

    /// <summary>Sessions with the same key are one series of <see cref="RealtimeInstruments.EventBacklog"/>.</summary>
    public string SeriesKey { get; }

    /// <summary>Events the session holds for the app now.</summary>
    public long Backlog => _backlog?.Invoke() ?? 0;

    /// <summary>Whether event lines are logged (Trace): callers skip working out an event's type and id otherwise.</summary>
    public bool TraceEnabled => _logs && _logger.IsEnabled(LogLevel.Trace);

    /// <summary>
    /// Starts the telemetry of a session that is about to connect to <paramref name="endpoint"/>: the session activity
    /// (a child of <see cref="Activity.Current"/>) begins here, so that it covers the handshake.
    /// </summary>
    /// <param name="kind">The session kind: <c>voice_agent</c>, <c>transcription</c>, <c>translation</c> or <c>call</c>.</param>
    /// <param name="endpoint">The WebSocket URI; its <c>model</c> query parameter is the requested model.</param>
    /// <param name="loggerFactory">Where logs go, or <see langword="null"/> for none.</param>
    /// <param name="secrets">Credentials that must never reach a log line (the API key).</param>
    public static RealtimeSessionTelemetry Start(string kind, Uri endpoint, ILoggerFactory? loggerFactory, string?[] secrets)
        => new(kind, endpoint, loggerFactory?.CreateLogger(RealtimeTelemetry.LoggerCategory) ?? NullLogger.Instance, secrets);

    /// <summary>The telemetry of a session made without a client (tests): metrics only, no activity, no logs.</summary>
    public static RealtimeSessionTelemetry Unattached(string kind) => new(kind, null, NullLogger.Instance, []);

    /// <summary>The session kind of a session type, as in <c>openai.realtime.session.kind</c>.</summary>
    public static string KindOf(Type sessionType)
        => sessionType == typeof(RealtimeCallSession) ? "call"
            : sessionType == typeof(RealtimeVoiceSession) ? "voice_agent"
            : sessionType == typeof(RealtimeTranscriptionSession) ? "transcription"
            : sessionType == typeof(RealtimeTranslationSession) ? "translation"
            : sessionType.Name;

    /// <summary>The handshake failed: counted by its HTTP status (or exception type), logged, and the session activity ends.</summary>
    public void ConnectFailed(Exception exception)
    {
        string errorType = exception is WebSocketHandshakeException { StatusCode: > 0 } handshake
            ? handshake.StatusCode.ToString(CultureInfo.InvariantCulture)
            : exception.GetType().FullName!;
        CountError(errorType, "connect");
        if (_logger.IsEnabled(LogLevel.Error))
        {
            RealtimeLog.ConnectFailed(_logger, _kind, _endpoint, errorType, Scrub(exception.Message));
        }

        if (_activity is not null)
        {
            _activity.SetStatus(ActivityStatusCode.Error, Scrub(exception.Message));
            _activity.SetTag(RealtimeInstruments.ErrorType, errorType);
            _activity.Dispose();
        }
    }

    /// <summary>The session is open: logged, and its queue counted in the backlog until <see cref="Ended"/>.</summary>
    /// <param name="connection">The connection, whose byte totals <see cref="ObserveWire"/> reads.</param>
    /// <param name="backlog">Reads the session's queue length (called when the backlog is collected).</param>
    /// <param name="audioDeltaType">The kind's output audio event type, for the audio log lines.</param>
    /// <param name="audioAppendType">The kind's input audio event type, for the audio log lines.</param>
    public void Connected(WebSocketConnection connection, Func<int> backlog, string audioDeltaType, string audioAppendType)
    {
        _wireConnection = connection;
        _backlog = backlog;
        _audioDeltaType = audioDeltaType;
        _audioAppendType = audioAppendType;
        RealtimeInstruments.AddOpenSession(this);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            RealtimeLog.Connected(_logger, _kind, _endpoint, _model);
        }
    }

    /// <summary>
    /// The session ended: the last byte counts, open responses ended, the failure counted and logged (or the close
    /// logged), the session activity ended.
    /// </summary>
    public void Ended(WebSocketConnection connection, Exception? terminal, WebSocketCloseStatus? closeStatus, string? closeDescription)
    {
        RealtimeInstruments.RemoveOpenSession(this);
        ObserveWire(connection);
        long durationMs = (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
        ShutdownReason reason = connection.ShutdownReason;
        foreach ((Activity? activity, _) in _responses.Values)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "The session ended before response.done.");
            activity?.Dispose();
        }

        _responses.Clear();
        string? errorType = terminal?.GetType().FullName;
        if (terminal is not null)
        {
            CountError(errorType!, "session");
            if (_logger.IsEnabled(LogLevel.Error))
            {
                RealtimeLog.Failed(_logger, _kind, durationMs, errorType!, Scrub(terminal.Message));
            }
        }
        else if (_logger.IsEnabled(LogLevel.Information))
        {
            RealtimeLog.Closed(_logger, _kind, durationMs, reason.ToString(), (int?)closeStatus, Scrub(closeDescription));
        }

        if (_activity is not null)
        {
            _activity.SetTag(RealtimeInstruments.ShutdownReason, reason.ToString());
            if (terminal is not null)
            {
                _activity.SetStatus(ActivityStatusCode.Error, Scrub(terminal.Message));
                _activity.SetTag(RealtimeInstruments.ErrorType, errorType);
            }

            _activity.Dispose();
        }
    }

    /// <summary>A Trace line for a received event. <paramref name="untyped"/>: its type and id were read from JSON the SDK has no model for, so they are scrubbed.</summary>
    public void EventReceived(string type, string? eventId, bool untyped)
        => RealtimeLog.EventReceived(_logger, untyped ? Scrub(type) : type, untyped ? Scrub(eventId) : eventId);

    /// <summary>A Trace line for a sent event. <paramref name="untyped"/>: the app wrote its type, so it is scrubbed.</summary>
    public void EventSent(string type, string eventId, bool untyped)
        => RealtimeLog.EventSent(_logger, untyped ? Scrub(type) : type, untyped ? Scrub(eventId) : eventId);

    /// <summary>A server <c>error</c> event: counted by its code (else its type) and logged at Warning, scrubbed.</summary>
    /// <param name="error">The error.</param>
    /// <param name="clientEventType">The type of the client event it names, when known.</param>
    public void ServerError(RealtimeServerEventErrorError error, string? clientEventType)
    {
        CountError(error.Code ?? error.Type, "server_event");
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            // Every part is the server's text or the app's (a type of an event it wrote itself): all scrubbed.
            RealtimeLog.ServerError(_logger, Scrub(error.Type), Scrub(error.Code), Scrub(error.Param), Scrub(error.EventId), Scrub(clientEventType), Scrub(error.Message));
        }
    }

    /// <summary>A reconnection: counted with why the previous connection ended, and logged at Information.</summary>
    public void Reconnecting(int attempt, string reason)
    {
        if (RealtimeInstruments.Reconnects.Enabled)
        {
            TagList tags = With(_tags, RealtimeInstruments.ErrorType, reason);
            RealtimeInstruments.Reconnects.Add(1, tags);
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            RealtimeLog.Reconnecting(_logger, _kind, attempt, reason);
        }
    }

    /// <summary>The model of a realtime URI's query (<c>model=…</c>), or <see langword="null"/>.</summary>
    internal static string? ModelOf(string query)
    {
        foreach (string part in query.TrimStart('?').Split('&'))
        {
            if (part.StartsWith("model=", StringComparison.Ordinal) && part.Length > "model=".Length)
            {
                return Uri.UnescapeDataString(part.Substring("model=".Length));
            }
        }

        return null;
    }

    private static TagList CreateTags(string operation, string kind, string? model, string? address, object? port)
    {
        var tags = new TagList
        {
            { RealtimeInstruments.ProviderName, RealtimeInstruments.OpenAI },
            { RealtimeInstruments.OperationName, operation },
            { RealtimeInstruments.SessionKind, kind },
        };
        if (model is not null)
        {
            tags.Add(RealtimeInstruments.RequestModel, model);
        }

        if (address is not null)
        {
            tags.Add(RealtimeInstruments.ServerAddress, address);
            tags.Add(RealtimeInstruments.ServerPort, port);
        }

        return tags;
    }

    private static TagList With(TagList tags, string key, string value)
    {
        tags.Add(key, value);
        return tags;
    }

    private void CountError(string errorType, string source)
    {
        if (RealtimeInstruments.Errors.Enabled)
        {
            TagList tags = With(_tags, RealtimeInstruments.ErrorType, errorType);
            tags.Add(RealtimeInstruments.ErrorSource, source);
            RealtimeInstruments.Errors.Add(1, tags);
        }
    }

    [return: NotNullIfNotNull(nameof(text))]
    private string? Scrub(string? text) => Redaction.ScrubCredentials(text, _secrets);
}
