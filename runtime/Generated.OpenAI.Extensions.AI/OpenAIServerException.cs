using Generated.OpenAI.Http;

namespace Generated.OpenAI.Extensions.AI;

/// <summary>
/// The errors the adapters raise for answers that arrived (HTTP success) but report a failure or cannot be read:
/// a failed response, an <c>error</c> stream event, a stream that ends without its final event. They are the SDK's own
/// <see cref="OpenAIException"/>, with the server's error code and message, so that callers catch one type.
/// </summary>
internal static class OpenAIServerException
{
    public static OpenAIException Failed(string what, string? code, string? message, string? requestId = null) =>
        new($"OpenAI reported a failure in {what}: {code ?? "no code"}: {message ?? "no message"}", status: 200, requestId: requestId, errorCode: code, errorMessage: message);

    public static OpenAIException Malformed(string what, string detail, System.Exception? inner = null) =>
        new($"OpenAI's answer to {what} could not be read: {detail}", status: 200, errorCode: "malformed_response", errorMessage: detail, innerException: inner);
}
