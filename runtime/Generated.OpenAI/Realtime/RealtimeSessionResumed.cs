using System;
using System.Collections.Generic;

namespace Generated.OpenAI.Realtime;

/// <summary>What a session restored when it resumed on a new connection, raised by <c>RealtimeSession.Resumed</c>.</summary>
public sealed class RealtimeSessionResumed
{
    internal RealtimeSessionResumed(RealtimeReconnectReason reason, int attempts, TimeSpan downtime, int updatesReplayed, IReadOnlyList<string> restoredItemIds, int omittedItems, long lostInputAudioBytes, long lostInputAudioAppends)
    {
        Reason = reason;
        Attempts = attempts;
        Downtime = downtime;
        UpdatesReplayed = updatesReplayed;
        RestoredItemIds = restoredItemIds;
        OmittedItems = omittedItems;
        LostInputAudioBytes = lostInputAudioBytes;
        LostInputAudioAppends = lostInputAudioAppends;
    }

    /// <summary>Why the session reconnected.</summary>
    public RealtimeReconnectReason Reason { get; }

    /// <summary>How many connection attempts it took.</summary>
    public int Attempts { get; }

    /// <summary>From the loss of the old connection to the session being open again.</summary>
    public TimeSpan Downtime { get; }

    /// <summary>How many <c>session.update</c> events were re-sent.</summary>
    public int UpdatesReplayed { get; }

    /// <summary>The ids of the conversation items restored, in order (voice agents; empty for other kinds).</summary>
    public IReadOnlyList<string> RestoredItemIds { get; }

    /// <summary>Conversation items not restored (budget, no text, a call without output); see <see cref="RealtimeRestorePlan.OmittedItems"/>.</summary>
    public int OmittedItems { get; }

    /// <summary>
    /// PCM16 bytes the old connection had accepted but the server had not yet committed to the conversation
    /// (appended after the last <c>input_audio_buffer.committed</c> or <c>.cleared</c>): the new session never heard
    /// them. Counted for voice agents and transcription; translation has no commit, so 0 there.
    /// </summary>
    public long LostInputAudioBytes { get; }

    /// <summary>The appends that carried <see cref="LostInputAudioBytes"/>.</summary>
    public long LostInputAudioAppends { get; }
}
