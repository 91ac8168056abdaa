namespace Generated.OpenAI.Realtime;

/// <summary>
/// What the session's send path compares event types with. (The session's own <c>event_id</c>s, <c>evt_&lt;8 hex&gt;_&lt;n&gt;</c>,
/// are <see cref="RealtimeEventId"/> values of its <see cref="RealtimeEventIdPrefix"/>, formatted by the runtime.)
/// </summary>
internal static class RealtimeEventIds
{
    /// <summary>
    /// The commit's type, interned: a generated model's Type is a literal, so comparing a sent event's type with it is
    /// mostly a reference comparison. Here rather than in the generic session, whose statics are looked up per access.
    /// </summary>
    public static readonly string CommitType = string.Intern(System.Text.Encoding.UTF8.GetString(Generated.OpenAI.Models.RealtimeClientEventInputAudioBufferCommit.TypeUtf8));
}
