using System;
using System.Collections.Generic;
using System.Linq;
using Generated.OpenAI.Generator.Json;
using Generated.OpenAI.Generator.Model;

namespace Generated.OpenAI.Generator.Parser;

/// <summary>
/// The names files' entries: a JSON object whose keys are spec pointers (<c>#/components/schemas/X</c>, or the
/// pointer of an inline schema, as a generated type's remarks show it) and whose values are the C# names to give
/// those types. Keys starting with <c>$</c> are comments. Later files win. An entry that names nothing in the spec
/// is a warning naming the entry, so that a spec update never drops a curated name silently.
/// </summary>
internal sealed class CuratedNames
{
    private readonly Dictionary<string, (string Name, string File)> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    public List<DiagnosticInfo> Diagnostics { get; } = new();

    public static CuratedNames Read(IEnumerable<NamesFile> files)
    {
        var result = new CuratedNames();
        foreach (var file in files)
        {
            JsonNode root;
            try
            {
                root = JsonNode.Parse(file.Text);
            }
            catch (FormatException ex)
            {
                result.Diagnostics.Add(new(DiagnosticIds.NamesFile, DiagnosticLevel.Warning, $"The names file '{file.FileName}' is not valid JSON ({ex.Message}); none of its names are used.", null));
                continue;
            }
            if (!root.IsObject)
            {
                result.Diagnostics.Add(new(DiagnosticIds.NamesFile, DiagnosticLevel.Warning, $"The names file '{file.FileName}' is not a JSON object of pointer: name pairs; none of its names are used.", null));
                continue;
            }
            foreach (var entry in root.Properties)
            {
                if (entry.Key.StartsWith("$", StringComparison.Ordinal))
                {
                    continue;
                }
                if (entry.Value.Kind != JsonKind.String || !Naming.IsIdentifier(entry.Value.Text!) || !entry.Key.StartsWith("#/", StringComparison.Ordinal))
                {
                    result.Diagnostics.Add(new(DiagnosticIds.NamesFile, DiagnosticLevel.Warning,
                        $"The names file '{file.FileName}': the entry '{entry.Key}' needs a spec pointer (#/...) as its key and a C# identifier as its value; it is ignored.", entry.Key));
                    continue;
                }
                result._entries[entry.Key] = (entry.Value.Text!, file.FileName);
            }
        }
        foreach (var entry in result._entries.Values)
        {
            result._names.Add(entry.Name);
        }
        return result;
    }

    /// <summary>The curated name for the schema at <paramref name="pointer"/>, marking the entry as used.</summary>
    public string? Take(string pointer)
    {
        if (_entries.TryGetValue(pointer, out var entry))
        {
            _taken.Add(pointer);
            return entry.Name;
        }
        return null;
    }

    /// <summary>Whether a names-file entry names the schema at <paramref name="pointer"/>.</summary>
    public bool Has(string pointer) => _entries.ContainsKey(pointer);

    /// <summary>Whether a names-file entry gives <paramref name="name"/> to some schema (so no derived name takes it).</summary>
    public bool IsReserved(string name) => _names.Contains(name);

    /// <summary>A warning for each entry no schema of the spec took.</summary>
    public IEnumerable<DiagnosticInfo> Unused() =>
        _entries.Where(e => !_taken.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e =>
            new DiagnosticInfo(DiagnosticIds.NamesFile, DiagnosticLevel.Warning,
                $"The names file '{e.Value.File}' names '{e.Key}' {e.Value.Name}, but the spec has no schema there (renamed or removed in this version of the spec?); the entry is unused.", e.Key));
}
