using System;

namespace Generated.OpenAI.Cli;

/// <summary>The server has no realtime endpoint where the base URL points (HTTP 404 on the handshake): exit code 3.</summary>
public sealed class CliEndpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliEndpointException()
    {
    }

    /// <summary>Creates the exception with the message printed after <c>error: </c>.</summary>
    public CliEndpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the message printed after <c>error: </c> and its cause.</summary>
    public CliEndpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
