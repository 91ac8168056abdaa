using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Simulator;

namespace Generated.OpenAI.CommandLine;

/// <summary>
/// <c>openai simulate</c>: the local REST and realtime simulators on one port, one base URL for both, until Ctrl+C or SIGTERM.
/// </summary>
internal static class SimulateCommand
{
    /// <summary>Creates the command; it writes the export lines to the console's standard output and notes to its standard error.</summary>
    public static Command Create(CommandLineConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        TextWriter output = console.Out;
        TextWriter error = console.Error;
        var port = new Option<int>("--port", "-p") { Description = "The port on 127.0.0.1 (0: one the OS picks).", DefaultValueFactory = _ => 0 };
        port.Validators.Add(static result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port must be between 0 and 65535.");
            }
        });
        var command = new Command("simulate", "[tool] Run the local REST and realtime simulators on one base URL (no key needed) until Ctrl+C; prints the lines to export.")
        {
            port,
        };
        command.SetAction((parse, ct) => CommandErrors.GuardAsync(error, () => RunAsync(parse.GetValue(port), output, error, ct)));
        return command;
    }

    private static async Task<int> RunAsync(int port, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        OpenAISimulator simulator;
        try
        {
            simulator = await OpenAISimulator.StartAsync(new RestSimulatorOptions { AnswerFromRequest = true }, port: port, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new UsageException($"cannot listen on 127.0.0.1:{port}: {ex.Message}", ex);
        }

        await using (simulator.ConfigureAwait(false))
        {
            await output.WriteLineAsync($"export OPENAI_BASE_URL={simulator.BaseUrl}").ConfigureAwait(false);
            await output.WriteLineAsync($"export OPENAI_API_KEY={ToolEnvironment.SimulatorApiKey}").ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            await error.WriteLineAsync($"Simulating OpenAI at {simulator.BaseUrl} (REST) and {RealtimeUri(simulator.BaseUrl)} (realtime). Ctrl+C stops.").ConfigureAwait(false);
            await error.FlushAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private static Uri RealtimeUri(Uri baseUrl) => new(baseUrl.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "/realtime");
}
