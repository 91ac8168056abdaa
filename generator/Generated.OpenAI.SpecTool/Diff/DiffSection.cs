namespace Generated.OpenAI.SpecTool.Diff;

/// <summary>What a diff entry is about.</summary>
internal enum DiffSection
{
    Operation,
    Schema,
}
