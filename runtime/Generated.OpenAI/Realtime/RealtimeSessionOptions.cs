using System;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

/// <summary>Options of one realtime session (connection limits and the audio sink).</summary>
public sealed class RealtimeSessionOptions
{
    /// <summary>
    /// Where received audio deltas go. When set, <c>response.output_audio.delta</c> (voice agent) and
    /// <c>session.output_audio.delta</c> (translation) are decoded straight from the receive buffer into a pooled
    /// buffer and handed to the sink without creating an event object; they then do not appear in the event
    /// stream (unless <see cref="EmitAudioDeltaEvents"/> is set). When <see langword="null"/>, they are parsed
    /// into the event union like every other event.
    /// </summary>
    public RealtimeAudioSink? AudioSink { get; set; }

    /// <summary>Also parse and publish audio deltas that went to <see cref="AudioSink"/> (allocates per delta). Default: false.</summary>
    public bool EmitAudioDeltaEvents { get; set; }

    /// <summary>The largest server message accepted; larger ones end the session with <see cref="WebSocketProtocolException"/>. Default: 17 MiB.</summary>
    public int MaxMessageSize { get; set; } = WebSocketConnectionOptions.DefaultMaxMessageSize;

    /// <summary>Interval of client pings; <see cref="TimeSpan.Zero"/> disables them. Default: 30 s.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of the TCP/TLS connect and the upgrade. Default: 30 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long <c>DisposeAsync</c>'s graceful close waits for the server's close frame before aborting. Default: 500 ms,
    /// so that disposing stops the session within a second even when the server does not answer.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many recently sent client event ids are remembered to correlate <c>error</c> events. Default: 1,024.</summary>
    public int SentEventHistory { get; set; } = 1024;
}
