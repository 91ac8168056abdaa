using System;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Cli;

/// <summary>The entry point of <c>realtime</c>.</summary>
public static class Program
{
    /// <summary>Runs the command line; returns the exit code.</summary>
    public static Task<int> Main(string[] args) => RealtimeCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
}
