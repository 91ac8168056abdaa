using System;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// A call could not complete because the session's connection was lost while it is reconnecting: a call that waited
/// for an answer on the old connection (<c>UpdateSessionAsync</c>, <c>CommitAndWaitAsync</c>, ...), a send made while
/// reconnecting under <see cref="RealtimeSendWhileReconnecting.FailFast"/>, or one more send than
/// <see cref="RealtimeReconnectPolicy.MaxQueuedSends"/> allows. The session itself goes on: wait for it with
/// <c>WaitUntilOpenAsync</c> and call again. (A session that ended throws <see cref="RealtimeSessionClosedException"/> instead.)
/// </summary>
public sealed class RealtimeConnectionLostException : Exception
{
    internal RealtimeConnectionLostException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
