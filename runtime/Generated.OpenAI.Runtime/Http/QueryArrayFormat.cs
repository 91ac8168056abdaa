namespace Generated.OpenAI.Http;

/// <summary>How <see cref="PipelineRequest.AddQuery(string, System.Collections.Generic.IEnumerable{string}?, QueryArrayFormat)"/> writes an array.</summary>
public enum QueryArrayFormat
{
    /// <summary>The name repeated per item: <c>include=a&amp;include=b</c> (OpenAPI <c>form</c>, <c>explode: true</c>).</summary>
    Repeat,

    /// <summary>The name with <c>[]</c> repeated per item: <c>include[]=a&amp;include[]=b</c>.</summary>
    Brackets,

    /// <summary>One comma-separated value: <c>include=a,b</c> (OpenAPI <c>form</c>, <c>explode: false</c>).</summary>
    Comma,
}
