using System;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// What a session restores when it reconnects (used with <see cref="RealtimeSessionOptions.Reconnect"/>): every
/// kind re-sends the session configuration the app set (each <c>UpdateSessionAsync</c> the server accepted, in
/// order) and carries on with the next audio; a voice agent also restores its conversation as items, within a budget.
/// </summary>
public sealed class RealtimeResumeOptions
{
    /// <summary>Whether a voice agent restores its conversation (user and assistant turns as text, function calls with their outputs). Default: true.</summary>
    public bool RestoreConversation { get; set; } = true;

    /// <summary>The most conversation items restored (the most recent ones). Default: 50.</summary>
    public int MaxItems { get; set; } = 50;

    /// <summary>The most characters of text restored (turn texts, function arguments and outputs, counted together; the most recent items). Default: 32,000.</summary>
    public int MaxCharacters { get; set; } = 32_000;

    /// <summary>
    /// Called (on the session's receive loop, before anything is sent) with the items the budget kept: the app may
    /// remove, edit or add items (e.g. replace the oldest turns by a summary as a system message). Items keep the
    /// ids they had, so that transcripts and item ids the app holds stay valid. An exception thrown here ends the
    /// session with <see cref="RealtimeCallbackException"/>.
    /// </summary>
    public Action<RealtimeRestorePlan>? ShapeRestore { get; set; }

    /// <summary>
    /// How long before the session's maximum length it renews itself (closes the connection with 1000 and resumes
    /// on a new one, between responses when it can). The end comes from the <c>expires_at</c> of <c>session.created</c>
    /// when the server sends it, else from <see cref="MaxSessionDuration"/>. <see cref="TimeSpan.Zero"/> turns
    /// renewal off (the server then ends the session and it resumes as <see cref="RealtimeReconnectReason.SessionExpired"/>). Default: 30 s.
    /// </summary>
    public TimeSpan RenewBeforeExpiry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The maximum session length assumed when the server sends no <c>expires_at</c>; <see langword="null"/>: none. Default: null.</summary>
    public TimeSpan? MaxSessionDuration { get; set; }

    /// <summary>How many accepted configuration updates are remembered to be re-sent (the oldest are forgotten first). Default: 32.</summary>
    public int MaxRememberedUpdates { get; set; } = 32;
}
