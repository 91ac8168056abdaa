using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Cli;

/// <summary>The entry point of <c>realtime</c>.</summary>
public static class Program
{
    /// <summary>How long a run has, after SIGINT or SIGTERM, to end on its own before the process exits anyway.</summary>
    private static readonly TimeSpan s_terminationGrace = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// Runs the command line; returns the exit code. SIGINT (Ctrl+C) and SIGTERM cancel the run, which then ends with
    /// 130 or 143; a run still busy after 1.5 s is ended with that code.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        using var terminate = new CancellationTokenSource();
        int signalExit = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // not the runtime's default (an immediate exit): the run cancels, cleans up and ends
            int code = context.Signal == PosixSignal.SIGTERM ? RealtimeCli.ExitTerminated : RealtimeCli.ExitCanceled;
            if (Interlocked.CompareExchange(ref signalExit, code, 0) != 0)
            {
                return;
            }

            terminate.Cancel();
            _ = Task.Delay(s_terminationGrace).ContinueWith(_ => Environment.Exit(code), TaskScheduler.Default);
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        int exit = await RealtimeCli.RunAsync(args, Console.Out, Console.Error, terminate.Token).ConfigureAwait(false);
        int signaled = Volatile.Read(ref signalExit);
        return signaled != 0 ? signaled : exit;
    }
}
