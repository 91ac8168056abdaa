using System;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// The server could not transcribe an item that a call waited for
/// (<c>conversation.item.input_audio_transcription.failed</c>).
/// </summary>
public sealed class RealtimeTranscriptionFailedException : Exception
{
    /// <summary>Creates the exception from the server's event.</summary>
    public RealtimeTranscriptionFailedException(RealtimeInputTranscriptionFailed failed)
        : base($"Transcription of item {failed?.ItemId} failed: {failed?.Error.Message ?? failed?.Error.Code ?? "no reason given"}")
    {
        ArgumentNullException.ThrowIfNull(failed);
        ServerEvent = failed;
    }

    /// <summary>The server's event.</summary>
    public RealtimeInputTranscriptionFailed ServerEvent { get; }

    /// <summary>The item whose transcription failed.</summary>
    public string ItemId => ServerEvent.ItemId;
}
