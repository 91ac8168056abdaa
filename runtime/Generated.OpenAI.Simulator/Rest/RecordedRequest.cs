using System;
using System.Collections.Generic;
using System.Text;

namespace Generated.OpenAI.Simulator;

/// <summary>A request as the REST simulator received it; the body is a private copy.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Request path as sent (including <c>/v1</c>).</param>
/// <param name="QueryString">Query string including the leading <c>?</c>, or empty.</param>
/// <param name="ContentType">The <c>Content-Type</c> header, if any.</param>
/// <param name="Body">The body bytes (empty when there was none).</param>
/// <param name="Headers">Request headers (multi-valued headers joined with <c>, </c>), case-insensitive keys.</param>
/// <param name="OperationId">The matched spec operation, or null when none matched.</param>
/// <param name="RequestId">The <c>x-request-id</c> the simulator answered with.</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string QueryString,
    string? ContentType,
    byte[] Body,
    IReadOnlyDictionary<string, string> Headers,
    string? OperationId,
    string RequestId)
{
    /// <summary>The body decoded as UTF-8.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>A header value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path}{QueryString} ({Body.Length} bytes)";
}
