namespace Generated.OpenAI.Webhooks;

/// <summary>Why a webhook was rejected.</summary>
public enum WebhookVerificationFailure
{
    /// <summary>A <c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c> header is missing or empty.</summary>
    MissingHeader,

    /// <summary>The <c>webhook-timestamp</c> header is not Unix seconds.</summary>
    InvalidTimestamp,

    /// <summary>The timestamp is older than the tolerance allows (a possible replay).</summary>
    TimestampTooOld,

    /// <summary>The timestamp is further in the future than the tolerance allows.</summary>
    TimestampTooNew,

    /// <summary>No <c>v1</c> signature in the header matches the payload and secret.</summary>
    SignatureMismatch,
}
