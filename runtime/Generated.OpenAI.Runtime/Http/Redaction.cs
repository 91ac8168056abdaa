using System;
using System.Collections.Generic;

namespace Generated.OpenAI.Http;

/// <summary>Hides secrets before they reach a log line, an exception message or a <c>ToString</c>.</summary>
internal static class Redaction
{
    private const string Hidden = "***";

    /// <summary>
    /// The request headers whose values are shown as they are (in <see cref="OpenAIClientOptions.ToString"/> and in
    /// request logs): they identify a client or a format and never carry a credential. The value of every other
    /// header is hidden, so that a credential under a name nobody listed (<c>Ocp-Apim-Subscription-Key</c>,
    /// <c>X-Custom-Token</c>...) does not leak. Headers starting with <c>X-Stainless-</c> (client platform
    /// telemetry) are shown too.
    /// </summary>
    private static readonly string[] s_harmlessHeaders =
    [
        "Accept", "Content-Type", "User-Agent", "OpenAI-Beta", "OpenAI-Organization", "OpenAI-Project",
    ];

    private const string HarmlessHeaderPrefix = "X-Stainless-";

    /// <summary>At most the last four characters of a long key survive: <c>sk-...abcd</c>; a short key becomes <c>***</c>.</summary>
    public static string RedactKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "(none)";
        }
        if (key.Length < 20)
        {
            return Hidden;
        }
        string prefix = key.StartsWith("sk-", StringComparison.Ordinal) ? "sk-" : "";
        return string.Concat(prefix, "...", key.AsSpan(key.Length - 4));
    }

    /// <summary>The value of a header that is not on the harmless allow-list (see <see cref="IsHarmlessHeader"/>) becomes <c>***</c>.</summary>
    public static string RedactHeaderValue(string name, string value) => IsHarmlessHeader(name) ? value : Hidden;

    /// <summary>True for the short allow-list of headers whose values may be shown (see <see cref="s_harmlessHeaders"/>).</summary>
    public static bool IsHarmlessHeader(string name)
    {
        foreach (string harmless in s_harmlessHeaders)
        {
            if (name.Equals(harmless, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return name.StartsWith(HarmlessHeaderPrefix, StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsSensitiveHeader(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("api-key", StringComparison.OrdinalIgnoreCase)
        || name.Equals("x-api-key", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase);

    /// <summary>Replaces every occurrence of any of the secrets in <paramref name="text"/>.</summary>
    public static string? Scrub(string? text, IEnumerable<string?> secrets)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }
        foreach (string? secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret) && text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, RedactKey(secret), StringComparison.Ordinal);
            }
        }
        return text;
    }
}
