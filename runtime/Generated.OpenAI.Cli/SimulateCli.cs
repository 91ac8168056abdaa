using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Simulator;

namespace Generated.OpenAI.Cli;

/// <summary>
/// <c>simulate</c>: the local REST and realtime simulators on one port, one base URL for both, until Ctrl+C or SIGTERM.
/// </summary>
public static class SimulateCli
{
    /// <summary>The key printed for the simulators (any non-empty key is accepted).</summary>
    public const string SimulatorApiKey = "sk-simulator";

    /// <summary>Creates the command; it writes the export lines to <paramref name="output"/> and notes to <paramref name="error"/>.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var port = new Option<int>("--port", "-p") { Description = "The port on 127.0.0.1 (0: one the OS picks).", DefaultValueFactory = _ => 0 };
        port.Validators.Add(static result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port must be between 0 and 65535.");
            }
        });
        var command = new Command("simulate", "Run the local REST and realtime simulators on one base URL (no key needed) until Ctrl+C; prints the lines to export.")
        {
            port,
        };
        command.SetAction((parse, ct) => RealtimeCli.GuardAsync(error, () => RunAsync(parse.GetValue(port), output, error, ct)));
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
            throw new CliUsageException($"cannot listen on 127.0.0.1:{port}: {ex.Message}", ex);
        }

        await using (simulator.ConfigureAwait(false))
        {
            await output.WriteLineAsync($"export OPENAI_BASE_URL={simulator.BaseUrl}").ConfigureAwait(false);
            await output.WriteLineAsync($"export OPENAI_API_KEY={SimulatorApiKey}").ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            await error.WriteLineAsync($"Simulating OpenAI at {simulator.BaseUrl} (REST) and {RealtimeUri(simulator.BaseUrl)} (realtime). Ctrl+C stops.").ConfigureAwait(false);
            await error.FlushAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private static Uri RealtimeUri(Uri baseUrl) => new(baseUrl.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "/realtime");
}
