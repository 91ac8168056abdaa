namespace Generated.OpenAI.SpecTool.Diff;

/// <summary>
/// One difference between two specs. <see cref="Subject"/> is <c>POST /v1/x</c> for an operation, a schema name
/// (with <c>.property</c> and <c>[]</c> for items when the change is inside it) for a schema.
/// </summary>
internal sealed record DiffEntry(DiffSection Section, DiffKind Kind, string Subject, string Detail, bool Breaking);
