namespace Generated.OpenAI.Audio;

/// <summary>The outcome of decoding the base64 <c>delta</c> of an output audio event.</summary>
public enum AudioDeltaStatus
{
    /// <summary>The PCM was decoded; the written count is the PCM byte length.</summary>
    Done,

    /// <summary>The destination is too small; the written count is the exact PCM byte length needed.</summary>
    DestinationTooSmall,

    /// <summary>The <c>delta</c> string is not valid base64 (after JSON unescaping). Nothing usable was written.</summary>
    InvalidBase64,

    /// <summary>The JSON object has no top-level string property named <c>delta</c>.</summary>
    DeltaNotFound,

    /// <summary>The payload is not a well-formed JSON object.</summary>
    InvalidJson,
}
