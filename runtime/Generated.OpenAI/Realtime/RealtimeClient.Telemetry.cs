using System;

namespace Generated.OpenAI.Realtime;

// Telemetry: each session's is started here, before the handshake, so that its activity covers the connect and a
// failed connect is counted and logged.
public sealed partial class RealtimeClient
{
    private RealtimeSessionTelemetry StartTelemetry(Type sessionType, string path, string query)
        => RealtimeSessionTelemetry.Start(
            RealtimeSessionTelemetry.KindOf(sessionType),
            GetWebSocketUri(_options.BaseUrl, path, query),
            LoggerFactory,
            [_options.ApiKey, _options.AdminApiKey]);
}
