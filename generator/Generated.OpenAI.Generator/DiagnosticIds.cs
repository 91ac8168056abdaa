namespace Generated.OpenAI.Generator;

/// <summary>The generator's diagnostic IDs. Spec-file problems found before compilation are OAISPEC00x (the spec tool).</summary>
internal static class DiagnosticIds
{
    /// <summary>The AdditionalFile is not a readable OpenAPI JSON document.</summary>
    public const string UnreadableSpec = "OAIGEN001";

    /// <summary>No OpenAPI document was given to the generator.</summary>
    public const string NoSpec = "OAIGEN002";

    /// <summary>A <c>$ref</c> points nowhere; the value degrades to raw JSON.</summary>
    public const string BrokenReference = "OAIGEN003";

    /// <summary>A names file cannot be read, or one of its entries is invalid, clashes, or matches no schema of the spec.</summary>
    public const string NamesFile = "OAIGEN004";

    /// <summary>A construct the generator does not model; it degrades to raw JSON (Info).</summary>
    public const string Unsupported = "OAIGEN100";

    /// <summary>
    /// An operation whose path key cannot be mapped to a URL (an unbalanced brace, a path parameter without a
    /// definition, a fixed query that is also a query parameter): no method rather than one that calls the wrong URL.
    /// </summary>
    public const string UnmappablePath = "OAIGEN101";

    /// <summary>Summary of what was generated (Info).</summary>
    public const string Summary = "OAIGEN900";
}
