using System;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// Receives decoded PCM16 audio (24 kHz mono, little-endian) from the session's receive loop.
/// </summary>
/// <param name="pcm16">
/// The decoded samples, borrowed from the session's pooled buffer (or from <see cref="RealtimeSessionOptions.AudioOutput"/>'s
/// memory when that is set too) and valid only for the duration of the call: copy what you keep, or set
/// <see cref="RealtimeSessionOptions.AudioOutput"/> to have them decoded into your buffer without a copy. The callback runs on the receive loop, so it must be quick and must not block; while it
/// runs no other server event is processed. An exception it throws ends the session (the event stream throws it).
/// </param>
public delegate void RealtimeAudioSink(ReadOnlySpan<byte> pcm16);
