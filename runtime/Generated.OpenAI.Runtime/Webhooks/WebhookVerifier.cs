using System;
using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Generated.OpenAI.Webhooks;

/// <summary>
/// Verifies OpenAI webhook requests, which follow Standard Webhooks: HMAC-SHA256 over
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c> with the endpoint secret (<c>whsec_</c> + base64), compared in
/// constant time with each <c>v1,&lt;base64&gt;</c> entry of the space-separated <c>webhook-signature</c> header,
/// and a timestamp within the tolerance in both directions.
/// </summary>
/// <remarks>Thread-safe. Verify the raw body bytes exactly as received, before any JSON parsing.</remarks>
public sealed class WebhookVerifier
{
    /// <summary>The message id header.</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The Unix-seconds timestamp header.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The signature header: space-separated <c>v1,&lt;base64&gt;</c> entries.</summary>
    public const string SignatureHeader = "webhook-signature";

    /// <summary>The default tolerance: 5 minutes either way.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const string SecretPrefix = "whsec_";
    private const int SignatureLength = 32; // HMAC-SHA256

    private readonly byte[] _key;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a verifier for one endpoint secret.</summary>
    /// <param name="secret">The endpoint secret, <c>whsec_</c> followed by base64 (the prefix is optional).</param>
    /// <param name="tolerance">How far the timestamp may be from now, in either direction; default 5 minutes.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentException">The secret is empty or not base64.</exception>
    public WebhookVerifier(string secret, TimeSpan? tolerance = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        string encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            _key = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            throw new ArgumentException("The webhook secret must be 'whsec_' followed by base64.", nameof(secret));
        }
        if (_key.Length == 0)
        {
            throw new ArgumentException("The webhook secret is empty.", nameof(secret));
        }
        Tolerance = tolerance ?? DefaultTolerance;
        if (Tolerance < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), "The tolerance must not be negative.");
        }
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How far the timestamp may be from now, in either direction.</summary>
    public TimeSpan Tolerance { get; }

    /// <summary>Verifies a webhook given its raw body and the three header values.</summary>
    /// <param name="payload">The request body exactly as received.</param>
    /// <param name="webhookId">The <c>webhook-id</c> header.</param>
    /// <param name="webhookTimestamp">The <c>webhook-timestamp</c> header.</param>
    /// <param name="webhookSignature">The <c>webhook-signature</c> header.</param>
    /// <exception cref="WebhookVerificationException">The request is not authentic or not fresh.</exception>
    public void Verify(ReadOnlySpan<byte> payload, string? webhookId, string? webhookTimestamp, string? webhookSignature)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(webhookTimestamp) || string.IsNullOrEmpty(webhookSignature))
        {
            throw new WebhookVerificationException(WebhookVerificationFailure.MissingHeader,
                $"The {IdHeader}, {TimestampHeader} and {SignatureHeader} headers are all required.");
        }
        if (!long.TryParse(webhookTimestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            throw new WebhookVerificationException(WebhookVerificationFailure.InvalidTimestamp, $"The {TimestampHeader} header is not Unix seconds.");
        }
        long now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        long tolerance = (long)Tolerance.TotalSeconds;
        if (now - seconds > tolerance)
        {
            throw new WebhookVerificationException(WebhookVerificationFailure.TimestampTooOld, "The webhook timestamp is too old.");
        }
        if (seconds - now > tolerance)
        {
            throw new WebhookVerificationException(WebhookVerificationFailure.TimestampTooNew, "The webhook timestamp is too far in the future.");
        }

        Span<byte> expected = stackalloc byte[SignatureLength];
        ComputeSignature(webhookId, webhookTimestamp, payload, expected);

        Span<byte> candidate = stackalloc byte[SignatureLength + 3];
        foreach (Range range in webhookSignature.AsSpan().Split(' '))
        {
            ReadOnlySpan<char> entry = webhookSignature.AsSpan()[range].Trim();
            if (!entry.StartsWith("v1,", StringComparison.Ordinal))
            {
                continue; // Other schemes (for example v1a) are not ours to check.
            }
            if (Convert.TryFromBase64Chars(entry[3..], candidate, out int written)
                && written == SignatureLength
                && CryptographicOperations.FixedTimeEquals(candidate[..written], expected))
            {
                return;
            }
        }
        throw new WebhookVerificationException(WebhookVerificationFailure.SignatureMismatch, "No webhook signature matches the payload.");
    }

    /// <summary>Verifies a webhook whose body is text (encoded as UTF-8 for the signature).</summary>
    /// <param name="payload">The request body exactly as received.</param>
    /// <param name="webhookId">The <c>webhook-id</c> header.</param>
    /// <param name="webhookTimestamp">The <c>webhook-timestamp</c> header.</param>
    /// <param name="webhookSignature">The <c>webhook-signature</c> header.</param>
    /// <exception cref="WebhookVerificationException">The request is not authentic or not fresh.</exception>
    public void Verify(string payload, string? webhookId, string? webhookTimestamp, string? webhookSignature)
    {
        ArgumentNullException.ThrowIfNull(payload);
        Verify(Encoding.UTF8.GetBytes(payload), webhookId, webhookTimestamp, webhookSignature);
    }

    /// <summary>Verifies a webhook, reading the headers through <paramref name="getHeader"/> (for example from an ASP.NET request).</summary>
    /// <param name="payload">The request body exactly as received.</param>
    /// <param name="getHeader">Returns a header's value by name, or <see langword="null"/>.</param>
    /// <exception cref="WebhookVerificationException">The request is not authentic or not fresh.</exception>
    public void Verify(ReadOnlySpan<byte> payload, Func<string, string?> getHeader)
    {
        ArgumentNullException.ThrowIfNull(getHeader);
        Verify(payload, getHeader(IdHeader), getHeader(TimestampHeader), getHeader(SignatureHeader));
    }

    /// <summary>Like <see cref="Verify(ReadOnlySpan{byte}, string?, string?, string?)"/>, returning <see langword="false"/> instead of throwing.</summary>
    /// <param name="payload">The request body exactly as received.</param>
    /// <param name="webhookId">The <c>webhook-id</c> header.</param>
    /// <param name="webhookTimestamp">The <c>webhook-timestamp</c> header.</param>
    /// <param name="webhookSignature">The <c>webhook-signature</c> header.</param>
    public bool IsValid(ReadOnlySpan<byte> payload, string? webhookId, string? webhookTimestamp, string? webhookSignature)
    {
        try
        {
            Verify(payload, webhookId, webhookTimestamp, webhookSignature);
            return true;
        }
        catch (WebhookVerificationException)
        {
            return false;
        }
    }

    /// <summary>Computes the <c>v1,&lt;base64&gt;</c> signature entry for a payload (for tests and for sending webhooks).</summary>
    /// <param name="webhookId">The message id.</param>
    /// <param name="timestamp">The send time.</param>
    /// <param name="payload">The body.</param>
    public string Sign(string webhookId, DateTimeOffset timestamp, ReadOnlySpan<byte> payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(webhookId);
        Span<byte> signature = stackalloc byte[SignatureLength];
        ComputeSignature(webhookId, timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), payload, signature);
        return "v1," + Convert.ToBase64String(signature);
    }

    private void ComputeSignature(string webhookId, string timestamp, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        int prefixLength = Encoding.UTF8.GetByteCount(webhookId) + 1 + Encoding.UTF8.GetByteCount(timestamp) + 1;
        int total = prefixLength + payload.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            Span<byte> content = rented.AsSpan(0, total);
            int written = Encoding.UTF8.GetBytes(webhookId, content);
            content[written++] = (byte)'.';
            written += Encoding.UTF8.GetBytes(timestamp, content[written..]);
            content[written++] = (byte)'.';
            payload.CopyTo(content[written..]);
            HMACSHA256.HashData(_key, content, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}
