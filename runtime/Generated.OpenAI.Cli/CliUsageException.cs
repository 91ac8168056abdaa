using System;

namespace Generated.OpenAI.Cli;

/// <summary>A problem with the command line or the environment, found before anything is sent: exit code 2.</summary>
public sealed class CliUsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliUsageException()
    {
    }

    /// <summary>Creates the exception with the message printed after <c>error: </c>.</summary>
    public CliUsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the message printed after <c>error: </c> and its cause.</summary>
    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
