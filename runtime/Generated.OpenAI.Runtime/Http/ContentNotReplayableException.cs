using System;

namespace Generated.OpenAI.Http;

/// <summary>
/// Thrown by a content factory whose body cannot be produced again (a non-seekable stream already sent).
/// The pipeline catches it when preparing a retry and gives up retrying, reporting the original failure.
/// </summary>
internal sealed class ContentNotReplayableException : InvalidOperationException
{
    public ContentNotReplayableException()
        : base("The request content stream is not seekable and was already sent; it cannot be sent again on a retry.")
    {
    }
}
