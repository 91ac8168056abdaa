namespace Generated.OpenAI.Generator.Model;

/// <summary>A names file as the pipeline sees it (compared by value): curated C# names keyed by spec pointer.</summary>
internal sealed record NamesFile(string FileName, string Text);
