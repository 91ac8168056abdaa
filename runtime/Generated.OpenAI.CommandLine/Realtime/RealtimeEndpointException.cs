using System;

namespace Generated.OpenAI.CommandLine;

/// <summary>The server has no realtime endpoint where the base URL points (HTTP 404 on the handshake): exit code 1.</summary>
internal sealed class RealtimeEndpointException : Exception
{
    /// <summary>Creates the exception with the message printed after <c>error: </c> and its cause.</summary>
    public RealtimeEndpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
