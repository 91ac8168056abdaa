namespace Generated.OpenAI.SpecTool.Diff;

/// <summary>Whether the subject appeared, disappeared or changed.</summary>
internal enum DiffKind
{
    Added,
    Removed,
    Changed,
}
