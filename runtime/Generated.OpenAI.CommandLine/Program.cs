using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.CommandLine;

/// <summary>The entry point of <c>openai</c>.</summary>
public static class Program
{
    /// <summary>How long a run has, after SIGINT or SIGTERM, to end on its own before the process exits anyway.</summary>
    private static readonly TimeSpan s_terminationGrace = TimeSpan.FromSeconds(1.5);

    /// <summary>Runs the command line; returns the exit code (see <see cref="OpenAICommandLine"/>).</summary>
    public static async Task<int> Main(string[] args)
    {
        using var terminate = new CancellationTokenSource();
        int signalExit = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            int code = context.Signal == PosixSignal.SIGTERM ? OpenAICommandLine.ExitTerminated : OpenAICommandLine.ExitCanceled;
            if (Interlocked.CompareExchange(ref signalExit, code, 0) != 0)
            {
                return;
            }

            terminate.Cancel();
            _ = Task.Delay(s_terminationGrace).ContinueWith(_ => Environment.Exit(code), TaskScheduler.Default);
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var console = new CommandLineConsole(
            Console.In,
            Console.IsInputRedirected,
            Console.Out,
            Console.Error,
            Console.OpenStandardOutput,
            !Console.IsOutputRedirected,
            Environment.GetEnvironmentVariable);
        int exit = await OpenAICommandLine.RunAsync(args, console, terminate.Token).ConfigureAwait(false);
        int signaled = Volatile.Read(ref signalExit);
        return signaled != 0 ? signaled : exit;
    }
}
