using System;
using System.Collections.Generic;

namespace Generated.OpenAI.Http;

/// <summary>Hides secrets before they reach a log line, an exception message or a <c>ToString</c>.</summary>
internal static class Redaction
{
    private const string Hidden = "***";

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

    /// <summary>Values of credential-bearing headers are replaced by <c>***</c>.</summary>
    public static string RedactHeaderValue(string name, string value) => IsSensitiveHeader(name) ? Hidden : value;

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
