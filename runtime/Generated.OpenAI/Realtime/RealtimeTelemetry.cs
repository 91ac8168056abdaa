namespace Generated.OpenAI.Realtime;

/// <summary>
/// The names under which realtime sessions publish metrics (<see cref="MeterName"/>), traces
/// (<see cref="ActivitySourceName"/>) and logs (<see cref="LoggerCategory"/>), and the names of their instruments.
/// </summary>
/// <remarks>
/// <para>Everything is <c>System.Diagnostics</c>: nothing is measured, traced or formatted unless a listener is
/// attached (an OpenTelemetry <c>MeterProvider</c> with <c>AddMeter(RealtimeTelemetry.MeterName)</c>, a
/// <c>TracerProvider</c> with <c>AddSource(RealtimeTelemetry.ActivitySourceName)</c>, a <c>MeterListener</c>...) or
/// the log level is enabled. The audio paths allocate nothing per event either way.</para>
/// <para>Instruments named <c>gen_ai.*</c> follow the OpenTelemetry GenAI semantic conventions (which are still in
/// development); those named <c>openai.realtime.*</c> are this SDK's own. Every instrument carries
/// <c>gen_ai.provider.name</c> (<c>openai</c>), <c>gen_ai.operation.name</c>, <c>gen_ai.request.model</c> (when the
/// session names one), <c>server.address</c>, <c>server.port</c> and <c>openai.realtime.session.kind</c>
/// (<c>voice_agent</c>, <c>transcription</c>, <c>translation</c> or <c>call</c>: a sideband session on a WebRTC or SIP call).</para>
/// </remarks>
public static class RealtimeTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of realtime sessions.</summary>
    public const string MeterName = "Generated.OpenAI.Realtime";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of realtime sessions, responses and tool calls.</summary>
    public const string ActivitySourceName = "Generated.OpenAI.Realtime";

    /// <summary>The category of the realtime logs (lifecycle at Information, server errors at Warning, events at Trace).</summary>
    public const string LoggerCategory = "Generated.OpenAI.Realtime";

    /// <summary>
    /// Histogram, seconds: from <c>response.created</c> to <c>response.done</c>, per response
    /// (<c>gen_ai.operation.name</c> <c>chat</c>; <c>error.type</c> when the response failed). GenAI semantic conventions.
    /// </summary>
    public const string OperationDurationInstrument = "gen_ai.client.operation.duration";

    /// <summary>
    /// Histogram, <c>{token}</c>: the <c>usage</c> of each <c>response.done</c>, recorded once with
    /// <c>gen_ai.token.type</c> <c>input</c> and once with <c>output</c>. GenAI semantic conventions.
    /// </summary>
    public const string TokenUsageInstrument = "gen_ai.client.token.usage";

    /// <summary>
    /// Histogram, seconds: from the end of the user's turn (<c>input_audio_buffer.speech_stopped</c> received, or
    /// <c>input_audio_buffer.commit</c> sent, whichever comes first) to the first output audio delta after it.
    /// </summary>
    public const string TimeToFirstAudioInstrument = "openai.realtime.time_to_first_audio";

    /// <summary>Counter, seconds: audio sent (<c>openai.realtime.audio.direction</c> <c>input</c>) and received (<c>output</c>), as PCM16 24 kHz.</summary>
    public const string AudioDurationInstrument = "openai.realtime.audio.duration";

    /// <summary>
    /// Counter, <c>{event}</c>: audio events dropped (<c>output</c>: received deltas dropped by
    /// <see cref="RealtimeBackpressure.DropOldestAudio"/>; <c>input</c>: appends not sent).
    /// </summary>
    public const string AudioDroppedInstrument = "openai.realtime.audio.dropped";

    /// <summary>Asynchronous up-down counter, <c>{event}</c>: events received and not read yet by the app, summed over the open sessions.</summary>
    public const string EventBacklogInstrument = "openai.realtime.event.backlog";

    /// <summary>
    /// Counter, <c>{reconnect}</c>: reconnection attempts, with <c>error.type</c> saying why the previous connection
    /// ended (a <see cref="RealtimeReconnectReason"/>: <c>ConnectionLost</c>, <c>ServerClosed</c>, <c>SessionExpired</c>, <c>Renewal</c>).
    /// </summary>
    public const string ReconnectsInstrument = "openai.realtime.reconnects";

    /// <summary>
    /// Counter, <c>{error}</c>: errors by <c>error.type</c> and <c>openai.realtime.error.source</c>: <c>server_event</c>
    /// (an <c>error</c> event: its <c>code</c>, else its <c>type</c>), <c>session</c> (what ended a session: the
    /// exception's type name) or <c>connect</c> (the handshake's HTTP status, else the exception's type name).
    /// </summary>
    public const string ErrorsInstrument = "openai.realtime.errors";

    /// <summary>Counter, bytes: WebSocket frames (headers and payloads) sent (<c>network.io.direction</c> <c>transmit</c>) and received (<c>receive</c>).</summary>
    public const string WireBytesInstrument = "openai.realtime.wire.bytes";
}
