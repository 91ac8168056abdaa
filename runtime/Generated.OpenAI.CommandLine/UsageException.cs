using System;

namespace Generated.OpenAI.CommandLine;

/// <summary>
/// A problem with the command line, a file it names or the environment, found before anything is sent: exit code 2
/// (<see cref="OpenAICommandLine.ExitUsage"/>), its message printed after <c>error: </c>.
/// </summary>
internal sealed class UsageException : Exception
{
    /// <summary>Creates the exception with the message printed after <c>error: </c>.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the message printed after <c>error: </c> and its cause.</summary>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
