using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace Generated.OpenAI.Http;

/// <summary>Hides secrets before they reach a log line, an exception message or a <c>ToString</c>.</summary>
internal static partial class Redaction
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

    /// <summary>
    /// At most the last four characters of a long key survive, after its <c>sk-</c> or <c>ek_</c> prefix:
    /// <c>sk-...abcd</c>; a short key becomes <c>***</c>.
    /// </summary>
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
        string prefix = key.StartsWith("sk-", StringComparison.Ordinal) ? "sk-" : key.StartsWith("ek_", StringComparison.Ordinal) ? "ek_" : "";
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

    /// <summary>Headers that carry credentials in either direction; a response header of this kind is hidden whole.</summary>
    public static bool IsSensitiveHeader(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("api-key", StringComparison.OrdinalIgnoreCase)
        || name.Equals("x-api-key", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase);

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

    /// <summary>
    /// <see cref="Scrub"/>, then also every token shaped like an OpenAI secret key (<c>sk-...</c>) or ephemeral client
    /// secret (<c>ek_...</c>), whoever it belongs to: for text a server wrote, which may echo any credential.
    /// </summary>
    public static string? ScrubCredentials(string? text, IEnumerable<string?> secrets)
    {
        text = Scrub(text, secrets);
        return string.IsNullOrEmpty(text) ? text : KeyLikeToken().Replace(text, static match => RedactKey(match.Value));
    }

    // sk-proj-..., sk-svcacct-..., sk-admin-..., ek_...: a prefix at a word start and at least 16 key characters,
    // so that words such as "task-" or "sk-learn" are left alone.
    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:sk-|ek_)[A-Za-z0-9_\-]{16,}", RegexOptions.CultureInvariant)]
    private static partial Regex KeyLikeToken();
}
