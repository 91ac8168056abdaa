using System;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.CommandLine;

/// <summary>
/// What a failure prints and the exit code it ends with, for every command of the tool (generated or not): 2 for a
/// usage problem found before anything was sent, 1 for what the API or the network did, 130 when canceled. The
/// message is one line after <c>error: </c>, never a stack trace.
/// </summary>
internal static class CommandErrors
{
    /// <summary>Runs <paramref name="run"/>; a failure is printed to <paramref name="error"/> and becomes its exit code.</summary>
    public static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(run);
        (string Message, int Exit) failure;
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (TransformPathException ex)
        {
            failure = ("--transform: " + ex.Message, OpenAICommandLine.ExitUsage);
        }
        catch (Exception ex) when (ex is UsageException or FileNotFoundException or FormatException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            failure = (ex.Message, OpenAICommandLine.ExitUsage);
        }
        catch (RealtimeEndpointException ex)
        {
            failure = (ex.Message, OpenAICommandLine.ExitApiError);
        }
        catch (WebSocketHandshakeException ex)
        {
            failure = ($"the server refused the realtime connection (HTTP {ex.StatusCode} {ex.ReasonPhrase}). {ex.ResponseBody}".TrimEnd(), OpenAICommandLine.ExitApiError);
        }
        catch (RealtimeErrorException ex)
        {
            failure = ("the server rejected a request: " + ex.Message, OpenAICommandLine.ExitApiError);
        }
        catch (Exception ex) when (ex is WebSocketConnectionException or RealtimeProtocolException or RealtimeSessionClosedException)
        {
            failure = ("the realtime connection failed: " + ex.Message, OpenAICommandLine.ExitApiError);
        }
        // Connection failures and timeouts are OpenAIExceptions without a status: no 'HTTP 0'.
        catch (Exception ex) when (ex is APIConnectionException or APITimeoutException or HttpRequestException or TimeoutException)
        {
            failure = (ex.Message, OpenAICommandLine.ExitApiError);
        }
        catch (OpenAIException ex)
        {
            string code = ex.ErrorCode is null ? "" : $" ({ex.ErrorCode})";
            failure = ($"HTTP {ex.Status}{code}: {ex.ErrorMessage ?? ex.Message}", OpenAICommandLine.ExitApiError);
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("canceled").ConfigureAwait(false);
            return OpenAICommandLine.ExitCanceled;
        }
        catch (InvalidOperationException ex)
        {
            failure = (ex.Message, OpenAICommandLine.ExitApiError);
        }

        await error.WriteLineAsync("error: " + failure.Message).ConfigureAwait(false);
        return failure.Exit;
    }
}
