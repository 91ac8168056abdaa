using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading;
using Generated.OpenAI.WebSockets;
using Microsoft.Extensions.Logging;

namespace Generated.OpenAI.Realtime;

// The per-event counters: audio seconds each way, time to first audio, wire bytes and dropped deltas (the last two
// turn running totals into increments through cursors). The audio paths call these for every append and delta.
internal sealed partial class RealtimeSessionTelemetry
{
    private long _endOfTurn; // Stopwatch timestamp of the end of the user's turn; 0 when no time to first audio runs
    private WebSocketConnection? _wireConnection;
    private long _sentReported;
    private long _receivedReported;
    private long _droppedReported;

    /// <summary>Adds what the connection sent and received since the last call to <see cref="RealtimeInstruments.WireBytes"/>.</summary>
    public void ObserveWire(WebSocketConnection connection)
    {
        if (!RealtimeInstruments.WireBytes.Enabled)
        {
            return;
        }

        if (!ReferenceEquals(Volatile.Read(ref _wireConnection), connection))
        {
            // A new connection (reconnect) counts from zero; what the old one did since the last call is not seen.
            Volatile.Write(ref _wireConnection, connection);
            Interlocked.Exchange(ref _sentReported, 0);
            Interlocked.Exchange(ref _receivedReported, 0);
        }

        Report(ref _sentReported, connection.BytesSent, RealtimeInstruments.WireBytes, _transmitTags);
        Report(ref _receivedReported, connection.BytesReceived, RealtimeInstruments.WireBytes, _receiveTags);
    }

    /// <summary>Adds the audio deltas the queue dropped since the last call (<paramref name="dropped"/> is its running total).</summary>
    public void ObserveDropped(long dropped)
    {
        if (RealtimeInstruments.AudioDropped.Enabled)
        {
            Report(ref _droppedReported, dropped, RealtimeInstruments.AudioDropped, _audioOutputTags);
        }
    }

    /// <summary>Counts input audio events that were not sent (for example while reconnecting).</summary>
    public void AudioNotSent(long appends)
    {
        if (RealtimeInstruments.AudioDropped.Enabled)
        {
            RealtimeInstruments.AudioDropped.Add(appends, _audioInputTags);
        }
    }

    /// <summary>Output audio arrived (decoded into the sink, or an event's delta): seconds out, and the time to first audio.</summary>
    /// <param name="pcmBytes">The PCM16 bytes of the delta.</param>
    /// <param name="intoSink">Whether it went to the sink (it is then logged here: it has no event to be logged as).</param>
    public void AudioReceived(long pcmBytes, bool intoSink)
    {
        if (RealtimeInstruments.AudioDuration.Enabled)
        {
            RealtimeInstruments.AudioDuration.Add(pcmBytes / (double)RealtimeAudio.BytesPerSecond, _audioOutputTags);
        }

        if (Volatile.Read(ref _endOfTurn) != 0)
        {
            long mark = Interlocked.Exchange(ref _endOfTurn, 0);
            if (mark != 0)
            {
                RealtimeInstruments.TimeToFirstAudio.Record(Stopwatch.GetElapsedTime(mark).TotalSeconds, _tags);
            }
        }

        if (intoSink && TraceEnabled)
        {
            RealtimeLog.AudioReceived(_logger, _audioDeltaType, (int)pcmBytes);
        }
    }

    /// <summary>An input audio append went out: seconds in, and a Trace line.</summary>
    public void AudioSent(int pcmBytes, long appendNumber)
    {
        if (RealtimeInstruments.AudioDuration.Enabled)
        {
            RealtimeInstruments.AudioDuration.Add(pcmBytes / (double)RealtimeAudio.BytesPerSecond, _audioInputTags);
        }

        if (_logger.IsEnabled(LogLevel.Trace))
        {
            RealtimeLog.AudioSent(_logger, _audioAppendType, appendNumber, pcmBytes);
        }
    }

    /// <summary>The user's turn ended (speech stopped, or a commit went out): the time to first audio starts, unless it already runs.</summary>
    public void MarkEndOfTurn()
    {
        if (RealtimeInstruments.TimeToFirstAudio.Enabled)
        {
            Interlocked.CompareExchange(ref _endOfTurn, Stopwatch.GetTimestamp(), 0);
        }
    }

    /// <summary>Adds the growth of a running total since the last report (monotonic under concurrent callers).</summary>
    private static void Report(ref long reported, long total, Counter<long> counter, in TagList tags)
    {
        while (true)
        {
            long previous = Volatile.Read(ref reported);
            if (total <= previous)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref reported, total, previous) == previous)
            {
                counter.Add(total - previous, tags);
                return;
            }
        }
    }
}
