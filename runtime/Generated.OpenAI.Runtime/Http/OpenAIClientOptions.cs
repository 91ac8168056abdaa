using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Generated.OpenAI.Http;

/// <summary>
/// Client-wide settings of the HTTP pipeline: credentials, endpoint, identification headers, timeout and retries.
/// </summary>
/// <remarks>
/// A new instance reads <c>OPENAI_API_KEY</c>, <c>OPENAI_ADMIN_KEY</c> and <c>OPENAI_BASE_URL</c> from the environment.
/// <see cref="ToString"/> never shows a key. The pipeline copies nothing: change an instance before it is handed
/// to an <see cref="OpenAIPipeline"/>, not while requests are running.
/// </remarks>
public sealed class OpenAIClientOptions
{
    /// <summary>The endpoint used when neither <see cref="BaseUrl"/> nor <c>OPENAI_BASE_URL</c> is set.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.openai.com/v1");

    /// <summary>The default per-attempt timeout: 10 minutes.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The default number of retries after the first attempt: 2.</summary>
    public const int DefaultMaxRetries = 2;

    /// <summary>Creates options with the defaults, reading keys and base URL from the environment.</summary>
    /// <exception cref="InvalidOperationException">
    /// <c>OPENAI_BASE_URL</c> is set but is not an absolute <c>http</c> or <c>https</c> URL. It is refused rather than
    /// replaced by the default, so that a typo never sends the key and the data to a server the user did not choose.
    /// The message names the variable, never its value (which may hold credentials).
    /// </exception>
    public OpenAIClientOptions()
    {
        ApiKey = NullIfEmpty(Environment.GetEnvironmentVariable("OPENAI_API_KEY"));
        AdminApiKey = NullIfEmpty(Environment.GetEnvironmentVariable("OPENAI_ADMIN_KEY"));
        string? baseUrl = NullIfEmpty(Environment.GetEnvironmentVariable("OPENAI_BASE_URL"));
        if (baseUrl is null)
        {
            BaseUrl = DefaultBaseUrl;
        }
        else if (Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out Uri? parsed) && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp))
        {
            BaseUrl = parsed;
        }
        else
        {
            throw new InvalidOperationException(
                "OPENAI_BASE_URL is set but is not an absolute http:// or https:// URL (for example https://api.openai.com/v1); fix it or unset it.");
        }
    }

    /// <summary>The API key sent as <c>Authorization: Bearer</c>. Default: <c>OPENAI_API_KEY</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The admin key sent instead of <see cref="ApiKey"/> on requests with <see cref="PipelineRequest.UseAdminKey"/>. Default: <c>OPENAI_ADMIN_KEY</c>.</summary>
    public string? AdminApiKey { get; set; }

    /// <summary>The base URL every request path is appended to. Default: <c>OPENAI_BASE_URL</c>, else <c>https://api.openai.com/v1</c>.</summary>
    public Uri BaseUrl { get; set; }

    /// <summary>Sent as the <c>OpenAI-Organization</c> header when set.</summary>
    public string? Organization { get; set; }

    /// <summary>Sent as the <c>OpenAI-Project</c> header when set.</summary>
    public string? Project { get; set; }

    /// <summary>Sent as the <c>OpenAI-Safety-Identifier</c> header when set.</summary>
    public string? SafetyIdentifier { get; set; }

    /// <summary>Headers added to every request (a per-request header of the same name wins).</summary>
    public IDictionary<string, string> DefaultHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Timeout of one attempt (not of the whole call with its retries). Default: 10 minutes. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>How many times a failed attempt is retried. Default: 2 (so at most 3 attempts).</summary>
    public int MaxRetries { get; set; } = DefaultMaxRetries;

    /// <summary>Delay before the first retry when the server gives no <c>Retry-After</c>; doubled on each retry. Default: 0.5 s.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Upper bound of the exponential backoff delay. Default: 8 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The longest server-requested delay (<c>retry-after-ms</c> / <c>Retry-After</c>) that is honoured; a longer or
    /// non-positive one falls back to exponential backoff. Default: 60 s.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Text appended to the <c>User-Agent</c> header (for example an application name and version).</summary>
    public string? UserAgentSuffix { get; set; }

    /// <summary>
    /// Describes the options with every key redacted. Of <see cref="DefaultHeaders"/> only the values of a short
    /// allow-list are shown (<c>Accept</c>, <c>Content-Type</c>, <c>User-Agent</c>, <c>OpenAI-Beta</c>,
    /// <c>OpenAI-Organization</c>, <c>OpenAI-Project</c> and <c>X-Stainless-*</c>); every other value is <c>***</c>,
    /// because a header with any other name may carry a credential.
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder("OpenAIClientOptions { ");
        sb.Append("BaseUrl = ").Append(BaseUrl);
        sb.Append(", ApiKey = ").Append(Redaction.RedactKey(ApiKey));
        sb.Append(", AdminApiKey = ").Append(Redaction.RedactKey(AdminApiKey));
        if (Organization is not null) { sb.Append(", Organization = ").Append(Organization); }
        if (Project is not null) { sb.Append(", Project = ").Append(Project); }
        if (SafetyIdentifier is not null) { sb.Append(", SafetyIdentifier = ").Append(SafetyIdentifier); }
        if (DefaultHeaders.Count > 0)
        {
            sb.Append(", DefaultHeaders = [");
            bool first = true;
            foreach (KeyValuePair<string, string> header in DefaultHeaders)
            {
                sb.Append(first ? "" : ", ").Append(header.Key).Append(": ").Append(Redaction.RedactHeaderValue(header.Key, header.Value));
                first = false;
            }
            sb.Append(']');
        }
        sb.Append(", Timeout = ").Append(Timeout.ToString("c", CultureInfo.InvariantCulture));
        sb.Append(", MaxRetries = ").Append(MaxRetries.ToString(CultureInfo.InvariantCulture));
        sb.Append(" }");
        return sb.ToString();
    }

    internal void Validate()
    {
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri)
        {
            throw new InvalidOperationException("OpenAIClientOptions.BaseUrl must be an absolute URI.");
        }
        if (MaxRetries < 0)
        {
            throw new InvalidOperationException("OpenAIClientOptions.MaxRetries must not be negative.");
        }
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new InvalidOperationException("OpenAIClientOptions.Timeout must be positive or Timeout.InfiniteTimeSpan.");
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
