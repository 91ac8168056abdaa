using System;

namespace Generated.OpenAI.Http;

/// <summary>No response was received: the connection failed or dropped on every attempt. <see cref="OpenAIException.Status"/> is 0.</summary>
public class APIConnectionException : OpenAIException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The transport error.</param>
    public APIConnectionException(string message, Exception? innerException = null)
        : base(message, 0, innerException: innerException)
    {
    }
}
