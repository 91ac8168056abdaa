namespace Generated.OpenAI.SpecTool.Diff;

/// <summary>One side of a diff as the header names it: the path given and the file's SHA-256.</summary>
internal sealed record DiffSide(string Path, string Sha256);
