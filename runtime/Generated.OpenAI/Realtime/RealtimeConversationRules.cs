using Generated.OpenAI.Models;
using Rules = Generated.OpenAI.Realtime.RealtimeSession<Generated.OpenAI.Models.RealtimeServerEvent>;

namespace Generated.OpenAI.Realtime;

/// <summary>How the <c>/realtime</c> endpoint (voice agent and transcription) answers the calls that wait.</summary>
internal static class RealtimeConversationRules
{
    /// <summary><c>session.update</c> is answered by <c>session.updated</c>, in the order updates were sent.</summary>
    public static Rules.WaitStep AnswersUpdate(RealtimeServerEvent serverEvent, Rules.Waiter waiter)
        => serverEvent.Kind == RealtimeServerEventKind.SessionUpdated ? Rules.WaitStep.Done : Rules.WaitStep.NotMine;

    /// <summary>
    /// <c>input_audio_buffer.commit</c> is answered by <c>input_audio_buffer.committed</c> (in the order commits were
    /// sent), which names the item; then by that item's transcript, <c>...transcription.completed</c>, or its
    /// <c>...transcription.failed</c>. Transcripts of other items, in whatever order they complete, are not this call's.
    /// </summary>
    public static Rules.WaitStep AnswersCommit(RealtimeServerEvent serverEvent, Rules.Waiter waiter)
    {
        switch (serverEvent.Value)
        {
            case RealtimeAudioBufferCommitted committed when waiter.State is null:
                waiter.State = committed.ItemId;
                return Rules.WaitStep.Consumed;
            case RealtimeInputTranscriptionCompleted completed when waiter.State == completed.ItemId:
                return Rules.WaitStep.Done;
            case RealtimeInputTranscriptionFailed failed when waiter.State == failed.ItemId:
                waiter.Fail(new RealtimeTranscriptionFailedException(failed));
                return Rules.WaitStep.Done;
            default:
                return Rules.WaitStep.NotMine;
        }
    }
}
