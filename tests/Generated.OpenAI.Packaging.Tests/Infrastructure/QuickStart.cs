using System;
using System.IO;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>The README's quick-start code, read from between its markers, so that the README and the tests cannot drift.</summary>
internal static class QuickStart
{
    public const string BeginMarker = "<!-- quick-start:begin -->";
    public const string EndMarker = "<!-- quick-start:end -->";

    public static string ReadFromReadme(string repoRoot)
    {
        string readme = File.ReadAllText(Path.Combine(repoRoot, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        int begin = readme.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = readme.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException($"README.md has no '{BeginMarker}' … '{EndMarker}' section.");
        }

        string section = readme[(begin + BeginMarker.Length)..end];
        const string Fence = "```csharp\n";
        int code = section.IndexOf(Fence, StringComparison.Ordinal);
        int close = section.LastIndexOf("```", StringComparison.Ordinal);
        if (code < 0 || close <= code)
        {
            throw new InvalidOperationException("The README quick-start section holds no ```csharp code block.");
        }

        return section[(code + Fence.Length)..close];
    }
}
