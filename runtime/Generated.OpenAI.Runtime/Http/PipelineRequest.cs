using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text;

namespace Generated.OpenAI.Http;

/// <summary>
/// One API operation to send through <see cref="OpenAIPipeline.SendAsync"/>: method, path relative to the base URL,
/// query, headers and a content factory that can be called once per attempt.
/// </summary>
/// <remarks>Not thread-safe while being built; may be sent more than once once built.</remarks>
public sealed class PipelineRequest
{
    private readonly List<KeyValuePair<string, string>> _query = [];

    /// <summary>Creates a request.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">
    /// The path relative to <see cref="OpenAIClientOptions.BaseUrl"/>, such as <c>/audio/speech</c>, with path
    /// parameters already escaped (see <see cref="EscapePathSegment"/>).
    /// </param>
    public PipelineRequest(HttpMethod method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        Method = method;
        Path = path;
    }

    /// <summary>The HTTP method.</summary>
    public HttpMethod Method { get; }

    /// <summary>The path relative to the base URL, already escaped.</summary>
    public string Path { get; }

    /// <summary>The query parameters, in the order they were added, not yet escaped.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query => _query;

    /// <summary>Operation-specific headers (for example <c>OpenAI-Beta</c> or <c>Accept</c>).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>When <see langword="true"/>, authenticates with <see cref="OpenAIClientOptions.AdminApiKey"/> instead of <see cref="OpenAIClientOptions.ApiKey"/>.</summary>
    public bool UseAdminKey { get; set; }

    /// <summary>
    /// Creates the body of one attempt; called again for each retry, so it must return fresh content each time.
    /// <see cref="PipelineContent"/> builds such factories. <see langword="null"/> means no body.
    /// </summary>
    public Func<HttpContent>? Content { get; set; }

    /// <summary>Escapes one path segment (a path parameter value) so that <c>/</c>, <c>?</c>, <c>#</c> and non-ASCII survive.</summary>
    /// <param name="value">The raw value.</param>
    public static string EscapePathSegment(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Uri.EscapeDataString(value);
    }

    /// <summary>Adds a string query parameter; <see langword="null"/> is skipped.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public PipelineRequest AddQuery(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (value is not null)
        {
            _query.Add(new(name, value));
        }
        return this;
    }

    /// <summary>Adds a Boolean query parameter as <c>true</c>/<c>false</c>; <see langword="null"/> is skipped.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public PipelineRequest AddQuery(string name, bool? value) =>
        AddQuery(name, value is null ? null : value.Value ? "true" : "false");

    /// <summary>Adds an integer query parameter, formatted invariantly; <see langword="null"/> is skipped.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public PipelineRequest AddQuery(string name, long? value) =>
        AddQuery(name, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a number query parameter, formatted invariantly (round-trippable); <see langword="null"/> is skipped.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public PipelineRequest AddQuery(string name, double? value) =>
        AddQuery(name, value?.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Adds a decimal query parameter, formatted invariantly; <see langword="null"/> is skipped.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public PipelineRequest AddQuery(string name, decimal? value) =>
        AddQuery(name, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a date-time query parameter as Unix seconds (the API's convention); <see langword="null"/> is skipped.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public PipelineRequest AddQuery(string name, DateTimeOffset? value) =>
        AddQuery(name, value?.ToUnixTimeSeconds());

    /// <summary>Adds an array query parameter; a <see langword="null"/> array is skipped, as are <see langword="null"/> items.</summary>
    /// <param name="name">The parameter name (without <c>[]</c>).</param>
    /// <param name="values">The items.</param>
    /// <param name="format">How the array is written.</param>
    public PipelineRequest AddQuery(string name, IEnumerable<string?>? values, QueryArrayFormat format = QueryArrayFormat.Repeat)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (values is null)
        {
            return this;
        }
        switch (format)
        {
            case QueryArrayFormat.Comma:
                var joined = new StringBuilder();
                foreach (string? value in values)
                {
                    if (value is null) { continue; }
                    if (joined.Length > 0) { joined.Append(','); }
                    joined.Append(value);
                }
                if (joined.Length > 0)
                {
                    _query.Add(new(name, joined.ToString()));
                }
                break;
            default:
                string itemName = format == QueryArrayFormat.Brackets ? name + "[]" : name;
                foreach (string? value in values)
                {
                    if (value is not null)
                    {
                        _query.Add(new(itemName, value));
                    }
                }
                break;
        }
        return this;
    }

    /// <summary>Adds an array of invariantly formatted values (numbers); <see langword="null"/> is skipped.</summary>
    /// <typeparam name="T">An invariant-formattable item type.</typeparam>
    /// <param name="name">The parameter name (without <c>[]</c>).</param>
    /// <param name="values">The items.</param>
    /// <param name="format">How the array is written.</param>
    public PipelineRequest AddQuery<T>(string name, IEnumerable<T>? values, QueryArrayFormat format = QueryArrayFormat.Repeat)
        where T : IFormattable
    {
        if (values is null)
        {
            return this;
        }
        var strings = new List<string?>();
        foreach (T value in values)
        {
            strings.Add(FormatInvariant(value));
        }
        return AddQuery(name, strings, format);
    }

    /// <summary>Sets an operation header and returns this instance.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value; <see langword="null"/> is skipped.</param>
    public PipelineRequest AddHeader(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (value is not null)
        {
            Headers[name] = value;
        }
        return this;
    }

    /// <summary>Builds <c>base + path + ?query</c>, escaping query names and values.</summary>
    internal Uri BuildUri(Uri baseUrl)
    {
        var sb = new StringBuilder(baseUrl.AbsoluteUri.TrimEnd('/'));
        if (Path.Length > 0 && Path[0] != '/')
        {
            sb.Append('/');
        }
        sb.Append(Path);
        char separator = Path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (KeyValuePair<string, string> pair in _query)
        {
            sb.Append(separator).Append(Uri.EscapeDataString(pair.Key)).Append('=').Append(Uri.EscapeDataString(pair.Value));
            separator = '&';
        }
        return new Uri(sb.ToString(), UriKind.Absolute);
    }

    private static string? FormatInvariant<T>(T value) where T : IFormattable => value switch
    {
        null => null,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToString(null, CultureInfo.InvariantCulture),
    };
}
