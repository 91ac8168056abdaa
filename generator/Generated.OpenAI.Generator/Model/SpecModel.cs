namespace Generated.OpenAI.Generator.Model;

/// <summary>Everything the emitter needs, built from the spec by the parser. Equatable; no Roslyn types.</summary>
internal sealed record SpecModel(
    string Namespace,
    string SourceFile,
    string SourceSha256,
    int SchemaCount,
    ImmutableEquatableArray<TypeModel> Types,
    ImmutableEquatableArray<SchemaExclusion> Exclusions,
    ImmutableEquatableArray<DiagnosticInfo> Diagnostics,
    ImmutableEquatableArray<ClientGroupModel> Clients)
{
    /// <summary>Every operation with a client method as a command of OpenAI's command line, in document order.</summary>
    public ImmutableEquatableArray<CommandModel> Commands { get; init; } = ImmutableEquatableArray<CommandModel>.Empty;
}

/// <summary>A component schema that gets no type of its own, and why.</summary>
internal sealed record SchemaExclusion(string SchemaName, string Reason);

/// <summary>Diagnostics as data: reported from a separate output, never thrown.</summary>
internal sealed record DiagnosticInfo(string Id, DiagnosticLevel Level, string Message, string? SpecPointer);

internal enum DiagnosticLevel
{
    Info,
    Warning,
    Error,
}
