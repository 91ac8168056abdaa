using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Generated.OpenAI.SpecTool.Diff;

/// <summary>
/// Renders a diff as sorted, readable text: a header (files, hashes, overlays), a summary line, then one section
/// per non-empty group, one line per change, <c>BREAKING</c> at the end of the lines that break a client.
/// </summary>
internal static class SpecDiffWriter
{
    public static string Write(DiffSide oldSide, DiffSide newSide, IReadOnlyList<(string Path, int Actions)> overlays, IReadOnlyList<DiffEntry> entries)
    {
        var sb = new StringBuilder();
        sb.Append("openai-spec diff\n");
        sb.Append($"old: {oldSide.Path} (sha256 {oldSide.Sha256})\n");
        sb.Append($"new: {newSide.Path} (sha256 {newSide.Sha256})\n");
        foreach (var (path, actions) in overlays)
        {
            sb.Append($"overlay: {path} ({actions} actions), applied to both\n");
        }
        if (overlays.Count == 0)
        {
            sb.Append("overlay: none\n");
        }

        int Count(DiffSection s, DiffKind k) => entries.Where(e => e.Section == s && e.Kind == k).Select(e => e.Section == DiffSection.Schema ? e.Subject.Split('.', '[')[0] : e.Subject).Distinct().Count();
        sb.Append($"summary: operations {Count(DiffSection.Operation, DiffKind.Added)} added, {Count(DiffSection.Operation, DiffKind.Removed)} removed, {Count(DiffSection.Operation, DiffKind.Changed)} changed; ");
        sb.Append($"schemas {Count(DiffSection.Schema, DiffKind.Added)} added, {Count(DiffSection.Schema, DiffKind.Removed)} removed, {Count(DiffSection.Schema, DiffKind.Changed)} changed; ");
        sb.Append($"{entries.Count(e => e.Breaking)} breaking changes\n");

        foreach (var section in new[] { DiffSection.Operation, DiffSection.Schema })
        {
            foreach (var kind in new[] { DiffKind.Added, DiffKind.Removed, DiffKind.Changed })
            {
                var group = entries.Where(e => e.Section == section && e.Kind == kind).ToList();
                if (group.Count == 0)
                {
                    continue;
                }
                string noun = section == DiffSection.Operation ? "operations" : "schemas";
                sb.Append($"\n{noun} {kind.ToString().ToLowerInvariant()} ({Count(section, kind)}):\n");
                char mark = kind switch { DiffKind.Added => '+', DiffKind.Removed => '-', _ => '~' };
                foreach (var e in group)
                {
                    sb.Append("  ").Append(mark).Append(' ').Append(e.Subject);
                    if (e.Detail.Length > 0)
                    {
                        sb.Append(kind == DiffKind.Changed ? ": " : " ").Append(e.Detail);
                    }
                    if (e.Breaking)
                    {
                        sb.Append("  BREAKING");
                    }
                    sb.Append('\n');
                }
            }
        }
        return sb.ToString();
    }
}
