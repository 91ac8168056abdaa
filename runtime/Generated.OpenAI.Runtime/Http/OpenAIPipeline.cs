using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Generated.OpenAI.Http;

/// <summary>
/// Sends <see cref="PipelineRequest"/>s to the OpenAI API: URL building, authentication and identification headers,
/// retries with backoff, per-attempt timeouts, logging without secrets and typed errors.
/// </summary>
/// <example>
/// What a generated operation does:
/// <code>
/// var request = new PipelineRequest(HttpMethod.Get, "/files/" + PipelineRequest.EscapePathSegment(fileId) + "/content")
///     .AddQuery("limit", limit);
/// request.Content = PipelineContent.Json(writer => WriteBody(writer, body)); // for operations with a JSON body
/// using PipelineResponse response = await pipeline.SendAsync(request, requestOptions, HttpCompletionOption.ResponseContentRead, cancellationToken);
/// ReadOnlyMemory&lt;byte&gt; json = await response.ReadContentAsync(cancellationToken);
/// </code>
/// </example>
/// <remarks>
/// Thread-safe: one instance serves any number of concurrent calls. It never disposes an <see cref="HttpClient"/>
/// it was given; it disposes the one it creates when no client is given.
/// </remarks>
public sealed class OpenAIPipeline : IDisposable
{
    /// <summary>The largest error body read into an exception; the rest is dropped.</summary>
    private const int MaxErrorBodyBytes = 1 << 20;

    private static readonly string s_userAgent = BuildUserAgent();

    private readonly HttpClient? _httpClient;
    private readonly IHttpClientFactory? _httpClientFactory;
    private readonly string? _httpClientName;
    private readonly bool _ownsClient;
    private readonly ILogger _logger;

    /// <summary>Creates a pipeline over a given (or a new, owned) <see cref="HttpClient"/>.</summary>
    /// <param name="options">The client options; read on every call, so they must not be changed concurrently.</param>
    /// <param name="httpClient">
    /// The client to send with; not disposed by the pipeline. Its own <see cref="HttpClient.Timeout"/> still applies,
    /// so set it to <see cref="Timeout.InfiniteTimeSpan"/> to let <see cref="OpenAIClientOptions.Timeout"/> govern.
    /// <see langword="null"/> creates an owned client with pooled connections.
    /// </param>
    /// <param name="logger">Receives request, retry and failure logs; never a key.</param>
    public OpenAIPipeline(OpenAIClientOptions options, HttpClient? httpClient = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        if (httpClient is null)
        {
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = DecompressionMethods.All,
            };
            _httpClient = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            _ownsClient = true;
        }
        else
        {
            _httpClient = httpClient;
        }
    }

    /// <summary>
    /// Creates a pipeline that asks <paramref name="httpClientFactory"/> for a client per call, so handler rotation works.
    /// </summary>
    /// <param name="options">The client options.</param>
    /// <param name="httpClientFactory">The factory.</param>
    /// <param name="httpClientName">The named client to create (configure it with an infinite timeout).</param>
    /// <param name="logger">Receives request, retry and failure logs; never a key.</param>
    public OpenAIPipeline(OpenAIClientOptions options, IHttpClientFactory httpClientFactory, string httpClientName, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(httpClientName);
        options.Validate();
        Options = options;
        _httpClientFactory = httpClientFactory;
        _httpClientName = httpClientName;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The options this pipeline sends with.</summary>
    public OpenAIClientOptions Options { get; }

    /// <summary>The <c>User-Agent</c> sent (before <see cref="OpenAIClientOptions.UserAgentSuffix"/>).</summary>
    public static string UserAgent => s_userAgent;

    /// <summary>
    /// Sends the request, retrying per the options, and returns the successful (2xx) response, which the caller disposes.
    /// </summary>
    /// <param name="request">The operation to send.</param>
    /// <param name="options">Per-call overrides, or <see langword="null"/>.</param>
    /// <param name="completion">
    /// <see cref="HttpCompletionOption.ResponseContentRead"/> buffers the body within the attempt timeout;
    /// <see cref="HttpCompletionOption.ResponseHeadersRead"/> returns once headers arrive, for streaming (the
    /// timeout then covers only the wait for headers; cancel the body read with your own token).
    /// </param>
    /// <param name="cancellationToken">Cancels the call, including a wait between attempts.</param>
    /// <returns>The response of the successful attempt.</returns>
    /// <exception cref="OpenAIException">The API answered with an error status (a typed subclass), after any retries.</exception>
    /// <exception cref="APIConnectionException">No response was received on any attempt.</exception>
    /// <exception cref="APITimeoutException">The last attempt timed out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<PipelineResponse> SendAsync(
        PipelineRequest request,
        RequestOptions? options = null,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        int maxRetries = Math.Max(0, options?.MaxRetries ?? Options.MaxRetries);
        TimeSpan timeout = options?.Timeout ?? Options.Timeout;
        Uri uri = request.BuildUri(Options.BaseUrl);
        string logUrl = uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
        string method = request.Method.Method;
        long started = Stopwatch.GetTimestamp();

        HttpRequestMessage message = CreateMessage(request, options, uri);
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                HttpClient client = _httpClient ?? _httpClientFactory!.CreateClient(_httpClientName!);
                using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (timeout != Timeout.InfiniteTimeSpan)
                {
                    attemptCts.CancelAfter(timeout);
                }

                PipelineLog.Sending(_logger, method, logUrl, attempt);
                if (_logger.IsEnabled(LogLevel.Trace))
                {
                    PipelineLog.RequestHeaders(_logger, method, logUrl, DumpHeaders(message));
                }

                (HttpResponseMessage? response, Exception? failure, bool timedOut) =
                    await SendOnceAsync(client, message, completion, attemptCts.Token, cancellationToken).ConfigureAwait(false);
                if (response is not null)
                {
                    int status = (int)response.StatusCode;
                    string? requestId = GetRequestId(response);
                    long elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    PipelineLog.Received(_logger, method, logUrl, status, elapsedMs, attempt, requestId);
                    if (response.IsSuccessStatusCode)
                    {
                        return new PipelineResponse(response, attempt, Stopwatch.GetElapsedTime(started));
                    }

                    if (attempt <= maxRetries && RetryPolicy.ShouldRetry(response) && TryPrepareRetry(request, options, uri, ref message))
                    {
                        TimeSpan? serverDelay = RetryPolicy.GetServerDelay(response, DateTimeOffset.UtcNow);
                        TimeSpan delay = RetryPolicy.ComputeDelay(serverDelay, attempt - 1, Options, Random.Shared.NextDouble());
                        response.Dispose();
                        PipelineLog.RetryingStatus(_logger, method, logUrl, status, attempt, requestId, (long)delay.TotalMilliseconds);
                        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    PipelineLog.Failed(_logger, method, logUrl, status, attempt, requestId);
                    byte[] body;
                    using (response)
                    {
                        body = await ReadErrorBodyAsync(response, attemptCts.Token, cancellationToken).ConfigureAwait(false);
                    }
                    throw OpenAIExceptionFactory.Create(status, requestId, response.Headers, body, Secrets());
                }

                // No response: a connection error or a timeout.
                string reason = Redaction.Scrub(
                    timedOut ? $"timed out after {timeout.TotalMilliseconds:0} ms" : failure!.GetType().Name + ": " + failure.Message,
                    Secrets())!;
                if (attempt > maxRetries || !TryPrepareRetry(request, options, uri, ref message))
                {
                    PipelineLog.FailedWithoutResponse(_logger, method, logUrl, attempt, reason, failure);
                    string text = timedOut
                        ? $"{method} {logUrl} timed out after {attempt} attempt(s) (per-attempt timeout {timeout.TotalMilliseconds:0} ms)."
                        : $"{method} {logUrl} failed without a response after {attempt} attempt(s): {failure!.Message}";
                    text = Redaction.Scrub(text, Secrets())!;
                    throw timedOut ? new APITimeoutException(text, failure) : new APIConnectionException(text, failure);
                }
                TimeSpan backoff = RetryPolicy.ComputeDelay(null, attempt - 1, Options, Random.Shared.NextDouble());
                PipelineLog.RetryingFailure(_logger, method, logUrl, reason, attempt, (long)backoff.TotalMilliseconds);
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            message.Dispose();
        }
    }

    /// <summary>
    /// Builds the next attempt's message, replacing <paramref name="message"/>; false when the content cannot be
    /// sent again (a non-seekable stream), in which case the current failure is final.
    /// </summary>
    private bool TryPrepareRetry(PipelineRequest request, RequestOptions? options, Uri uri, ref HttpRequestMessage message)
    {
        HttpRequestMessage next;
        try
        {
            next = CreateMessage(request, options, uri);
        }
        catch (ContentNotReplayableException)
        {
            PipelineLog.NotReplayable(_logger, request.Method.Method, request.Path);
            return false;
        }
        message.Dispose();
        message = next;
        return true;
    }

    /// <summary>Disposes the <see cref="HttpClient"/> if the pipeline created it.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _httpClient!.Dispose();
        }
    }

    /// <summary>One attempt: a response, or the failure that prevented one (the caller's cancellation is rethrown).</summary>
    private static async Task<(HttpResponseMessage? Response, Exception? Failure, bool TimedOut)> SendOnceAsync(
        HttpClient client, HttpRequestMessage message, HttpCompletionOption completion, CancellationToken attemptToken, CancellationToken callerToken)
    {
        try
        {
            HttpResponseMessage response = await client.SendAsync(message, completion, attemptToken).ConfigureAwait(false);
            return (response, null, false);
        }
        catch (OperationCanceledException) when (callerToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            // The attempt's timeout (or the HttpClient's own Timeout) fired, not the caller's token.
            return (null, ex, true);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return (null, ex, false);
        }
    }

    private HttpRequestMessage CreateMessage(PipelineRequest request, RequestOptions? options, Uri uri)
    {
        var message = new HttpRequestMessage(request.Method, uri);
        try
        {
            if (request.Content is { } contentFactory)
            {
                message.Content = contentFactory();
            }

            string? key = request.UseAdminKey ? Options.AdminApiKey : Options.ApiKey;
            if (request.UseAdminKey && string.IsNullOrEmpty(key))
            {
                throw new InvalidOperationException("This operation needs an admin API key: set OpenAIClientOptions.AdminApiKey or OPENAI_ADMIN_KEY.");
            }
            if (!string.IsNullOrEmpty(key))
            {
                message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
            }
            string userAgent = Options.UserAgentSuffix is { Length: > 0 } suffix ? s_userAgent + " " + suffix : s_userAgent;
            message.Headers.TryAddWithoutValidation("User-Agent", userAgent);
            if (Options.Organization is { Length: > 0 } organization)
            {
                message.Headers.TryAddWithoutValidation("OpenAI-Organization", organization);
            }
            if (Options.Project is { Length: > 0 } project)
            {
                message.Headers.TryAddWithoutValidation("OpenAI-Project", project);
            }
            if (Options.SafetyIdentifier is { Length: > 0 } safetyIdentifier)
            {
                message.Headers.TryAddWithoutValidation("OpenAI-Safety-Identifier", safetyIdentifier);
            }
            // Later sources win: client defaults, then the operation's headers, then per-call headers.
            SetHeaders(message, Options.DefaultHeaders);
            SetHeaders(message, request.Headers);
            if (options is not null)
            {
                SetHeaders(message, options.Headers);
            }
            return message;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    private static void SetHeaders(HttpRequestMessage message, IDictionary<string, string> headers)
    {
        foreach (KeyValuePair<string, string> header in headers)
        {
            message.Headers.Remove(header.Key);
            if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value) && message.Content is not null)
            {
                // Content-Type and the other content headers belong to the content.
                message.Content.Headers.Remove(header.Key);
                message.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    private static string DumpHeaders(HttpRequestMessage message)
    {
        var sb = new StringBuilder();
        foreach (KeyValuePair<string, HeaderStringValues> header in message.Headers.NonValidated)
        {
            sb.Append(header.Key).Append(": ").Append(Redaction.RedactHeaderValue(header.Key, header.Value.ToString())).Append("; ");
        }
        if (message.Content is not null)
        {
            foreach (KeyValuePair<string, HeaderStringValues> header in message.Content.Headers.NonValidated)
            {
                sb.Append(header.Key).Append(": ").Append(header.Value.ToString()).Append("; ");
            }
        }
        return sb.ToString();
    }

    private static string? GetRequestId(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("x-request-id", out HeaderStringValues values) ? values.ToString() : null;

    private static async Task<byte[]> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken attemptToken, CancellationToken callerToken)
    {
        try
        {
            Stream stream = await response.Content.ReadAsStreamAsync(attemptToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                byte[] chunk = new byte[8192];
                int read;
                while (buffer.Length < MaxErrorBodyBytes
                    && (read = await stream.ReadAsync(chunk, attemptToken).ConfigureAwait(false)) > 0)
                {
                    buffer.Write(chunk, 0, read);
                }
                return buffer.ToArray();
            }
        }
        catch (OperationCanceledException) when (callerToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            // The status is what matters; an unreadable body leaves the exception without details.
            return [];
        }
    }

    private IEnumerable<string?> Secrets()
    {
        yield return Options.ApiKey;
        yield return Options.AdminApiKey;
    }

    private static string BuildUserAgent()
    {
        string version = typeof(OpenAIPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            version = version[..plus];
        }
        return $"Generated.OpenAI/{version} (.NET {Environment.Version}; {RuntimeInformation.OSArchitecture})";
    }
}
