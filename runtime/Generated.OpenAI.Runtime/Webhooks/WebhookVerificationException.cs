using System;

namespace Generated.OpenAI.Webhooks;

/// <summary>A webhook request failed verification; <see cref="Reason"/> says why. Reply 400 and ignore the payload.</summary>
public sealed class WebhookVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why verification failed.</param>
    /// <param name="message">The message (never contains the secret).</param>
    public WebhookVerificationException(WebhookVerificationFailure reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why verification failed.</summary>
    public WebhookVerificationFailure Reason { get; }
}
