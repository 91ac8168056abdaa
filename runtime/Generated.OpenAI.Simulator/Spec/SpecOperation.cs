using System.Collections.Generic;
using System.Text.Json;

namespace Generated.OpenAI.Simulator;

/// <summary>One operation of the pinned OpenAPI spec, as the REST simulator serves it.</summary>
public sealed class SpecOperation
{
    internal SpecOperation(string method, string pathTemplate, string operationId)
    {
        Method = method;
        PathTemplate = pathTemplate;
        OperationId = operationId;
        Segments = pathTemplate.Trim('/').Split('/');
    }

    /// <summary>Upper-case HTTP method, e.g. <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>Path template without the <c>/v1</c> prefix, e.g. <c>/files/{file_id}/content</c>.</summary>
    public string PathTemplate { get; }

    /// <summary>The spec's <c>operationId</c>.</summary>
    public string OperationId { get; }

    /// <summary>The first 2xx status in <c>responses</c>.</summary>
    public int SuccessStatus { get; internal set; } = 200;

    /// <summary>Media types of the success response, in spec order (may be empty).</summary>
    public IReadOnlyList<string> SuccessContentTypes { get; internal set; } = [];

    /// <summary>Media types the request body may have (empty when the operation takes no body).</summary>
    public IReadOnlyList<string> RequestContentTypes { get; internal set; } = [];

    /// <summary>Whether the spec marks the request body as required.</summary>
    public bool RequestBodyRequired { get; internal set; }

    /// <summary>True when the operation can answer with <c>text/event-stream</c>.</summary>
    public bool CanStream { get; internal set; }

    /// <summary>Top-level required body fields for a request media type (resolving <c>$ref</c> and <c>allOf</c>).</summary>
    public string[] RequiredFields(string contentType)
        => RequiredFieldsByContentType.TryGetValue(contentType, out string[]? names) ? names : [];

    internal string[] Segments { get; }

    internal Dictionary<string, string[]> RequiredFieldsByContentType { get; } = new(System.StringComparer.OrdinalIgnoreCase);

    internal List<(string? Title, string? Response)> Examples { get; } = [];

    internal JsonElement? SuccessSchema { get; set; }

    internal int LiteralSegmentCount
    {
        get
        {
            int count = 0;
            foreach (string segment in Segments)
            {
                if (!segment.StartsWith('{'))
                {
                    count++;
                }
            }

            return count;
        }
    }

    internal bool Matches(string[] requestSegments, Dictionary<string, string>? parameters)
    {
        if (requestSegments.Length != Segments.Length)
        {
            return false;
        }

        for (int i = 0; i < Segments.Length; i++)
        {
            string segment = Segments[i];
            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                if (requestSegments[i].Length == 0)
                {
                    return false;
                }

                parameters?.TryAdd(segment[1..^1], System.Uri.UnescapeDataString(requestSegments[i]));
            }
            else if (!string.Equals(segment, requestSegments[i], System.StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Method} {PathTemplate} ({OperationId})";
}
