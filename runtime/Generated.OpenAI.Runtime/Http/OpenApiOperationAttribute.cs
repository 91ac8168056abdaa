using System;

namespace Generated.OpenAI.Http;

/// <summary>
/// Marks a generated client method with the OpenAPI operation it calls, so that tools and tests can map the
/// spec's operations to methods. The SDK itself never reads it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OpenApiOperationAttribute : Attribute
{
    /// <summary>Marks a method.</summary>
    /// <param name="operationId">The spec's <c>operationId</c>.</param>
    /// <param name="method">The upper-case HTTP method.</param>
    /// <param name="path">The path template, for example <c>/files/{file_id}</c>.</param>
    public OpenApiOperationAttribute(string operationId, string method, string path)
    {
        OperationId = operationId;
        Method = method;
        Path = path;
    }

    /// <summary>The spec's <c>operationId</c>.</summary>
    public string OperationId { get; }

    /// <summary>The upper-case HTTP method.</summary>
    public string Method { get; }

    /// <summary>The path template, for example <c>/files/{file_id}</c>.</summary>
    public string Path { get; }

    /// <summary>
    /// The query the spec's path key carries (<c>beta=true</c> for <c>/responses?beta=true</c>), which the method sends
    /// on every request; <see langword="null"/> when the key has none.
    /// </summary>
    public string? Query { get; set; }

    /// <summary>The media type the method sends its body as, or <see langword="null"/> when it sends none.</summary>
    public string? RequestContentType { get; set; }

    /// <summary>Which kind of method this is for its operation.</summary>
    public OpenApiMethodVariant Variant { get; set; }
}
