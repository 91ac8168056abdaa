using System.Collections.Generic;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Realtime;

/// <summary>The conversation a resumed voice session is about to restore, given to <see cref="RealtimeResumeOptions.ShapeRestore"/>.</summary>
public sealed class RealtimeRestorePlan
{
    internal RealtimeRestorePlan(RealtimeReconnectReason reason, List<RealtimeConversationItem> items, int omittedItems)
    {
        Reason = reason;
        Items = items;
        OmittedItems = omittedItems;
    }

    /// <summary>Why the session is resuming.</summary>
    public RealtimeReconnectReason Reason { get; }

    /// <summary>The items to send, oldest first, each as one <c>conversation.item.create</c>; edit the list to shape what is restored.</summary>
    public IList<RealtimeConversationItem> Items { get; }

    /// <summary>
    /// Items of the conversation the budget left out (the oldest), plus those that cannot be restored as text: user
    /// audio without a transcript (turn input transcription on to keep them), an assistant turn truncated by an
    /// interruption (the server drops its transcript too), a function call without its output.
    /// </summary>
    public int OmittedItems { get; }
}
