using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Generated.OpenAI.SpecTool.Overlays;

/// <summary>
/// Applies an overlay's actions in order to a parsed document, in place (OpenAPI Overlay 1.0):
/// <list type="bullet">
/// <item><c>update</c> on an object merges: members of the update replace members of the target with the same
/// name, objects merge recursively, lists are appended to, anything else is replaced.</item>
/// <item><c>update</c> on a list appends the update (a list's items one by one). A value already in the list is
/// not appended twice, so an overlay that fills a gap keeps working after upstream fills it.</item>
/// <item><c>remove: true</c> removes every matched node from its parent (the root cannot be removed).</item>
/// </list>
/// A target that matches nothing is reported with <see cref="OverlayActionResult.Matched"/> = 0; the caller
/// decides whether that is an error (the spec tool: yes, unless told otherwise).
/// </summary>
internal static class OverlayApplier
{
    public static OverlayResult Apply(JsonNode document, Overlay overlay)
    {
        var results = new List<OverlayActionResult>(overlay.Actions.Count);
        foreach (var action in overlay.Actions)
        {
            var matches = action.Target.Select(document);
            int changed = 0;
            if (action.Remove)
            {
                // Last first, so that removing items from one list leaves the earlier indexes valid.
                for (int i = matches.Count - 1; i >= 0; i--)
                {
                    var m = matches[i];
                    if (m.Parent is JsonObject o && m.Name is not null) { changed += o.Remove(m.Name) ? 1 : 0; }
                    else if (m.Parent is JsonArray a && m.Index >= 0) { a.RemoveAt(m.Index); changed++; }
                }
            }
            else
            {
                foreach (var m in matches)
                {
                    if (Merge(m.Node, action.Update!))
                    {
                        changed++;
                    }
                }
            }
            results.Add(new(action, matches.Count, changed));
        }
        return new(overlay, results);
    }

    /// <summary>Merges <paramref name="update"/> into <paramref name="target"/>; whether anything changed.</summary>
    private static bool Merge(JsonNode? target, JsonNode update)
    {
        switch (target, update)
        {
            case (JsonObject t, JsonObject u):
                bool changed = false;
                foreach (var (key, value) in u)
                {
                    if (t.TryGetPropertyValue(key, out var existing) && existing is JsonObject or JsonArray && value is JsonObject or JsonArray
                        && (existing is JsonObject) == (value is JsonObject))
                    {
                        changed |= Merge(existing, value!);
                    }
                    else if (!t.ContainsKey(key) || !JsonNode.DeepEquals(existing, value))
                    {
                        t[key] = value?.DeepClone();
                        changed = true;
                    }
                }
                return changed;
            case (JsonArray t, JsonArray u):
                bool appended = false;
                foreach (var item in u)
                {
                    appended |= Append(t, item);
                }
                return appended;
            case (JsonArray t, _):
                return Append(t, update);
            default:
                // An update object on a string, number or null target: nothing to merge into.
                return false;
        }
    }

    private static bool Append(JsonArray list, JsonNode? item)
    {
        foreach (var existing in list)
        {
            if (JsonNode.DeepEquals(existing, item))
            {
                return false;
            }
        }
        list.Add(item?.DeepClone());
        return true;
    }
}
