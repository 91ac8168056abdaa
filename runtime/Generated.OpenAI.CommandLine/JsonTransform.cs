using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Generated.OpenAI.CommandLine;

/// <summary>
/// <c>--transform</c>: the subset of GJSON paths OpenAI's docs use. Components are separated by <c>.</c>: a member
/// name, an array index (<c>content.0</c>), <c>#</c> (an array's length; <c>#.name</c> maps over its items),
/// <c>#(key=="value")</c> (the first item whose member equals the value; <c>!=</c> too; a trailing <c>#</c>,
/// <c>#(...)#</c>, keeps every match). A path that matches nothing yields <see langword="null"/> (nothing is printed).
/// </summary>
internal static class JsonTransform
{
    /// <summary>What <paramref name="path"/> selects in <paramref name="node"/>; <c>found</c> is false when nothing matches.</summary>
    /// <exception cref="TransformPathException">The path is not in the supported subset.</exception>
    public static JsonNode? Apply(JsonNode? node, string path, out bool found)
    {
        found = true;
        List<string> parts = Split(path);
        return Walk(node, parts, 0, ref found);
    }

    private static JsonNode? Walk(JsonNode? node, List<string> parts, int index, ref bool found)
    {
        if (index == parts.Count)
        {
            return node?.DeepClone();
        }
        string part = parts[index];
        if (part == "#")
        {
            if (node is not JsonArray array)
            {
                found = false;
                return null;
            }
            if (index + 1 == parts.Count)
            {
                return JsonValue.Create(array.Count);
            }
            var mapped = new JsonArray();
            foreach (JsonNode? item in array)
            {
                bool itemFound = true;
                JsonNode? value = Walk(item, parts, index + 1, ref itemFound);
                if (itemFound)
                {
                    mapped.Add(value);
                }
            }
            return mapped;
        }
        if (part.StartsWith("#(", StringComparison.Ordinal))
        {
            bool all = part.EndsWith(")#", StringComparison.Ordinal);
            string query = part[2..(all ? part.Length - 2 : part.Length - 1)];
            if (node is not JsonArray array)
            {
                found = false;
                return null;
            }
            var matches = new JsonArray();
            foreach (JsonNode? item in array)
            {
                if (Matches(item, query))
                {
                    if (!all)
                    {
                        return Walk(item, parts, index + 1, ref found);
                    }
                    bool itemFound = true;
                    JsonNode? value = Walk(item, parts, index + 1, ref itemFound);
                    if (itemFound)
                    {
                        matches.Add(value);
                    }
                }
            }
            if (!all)
            {
                found = false;
                return null;
            }
            return matches;
        }
        JsonNode? next;
        bool exists;
        if (node is JsonArray list && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int position))
        {
            exists = position < list.Count;
            next = exists ? list[position] : null;
        }
        else if (node is JsonObject obj)
        {
            exists = obj.TryGetPropertyValue(part, out next);
        }
        else
        {
            exists = false;
            next = null;
        }
        if (!exists)
        {
            found = false;
            return null;
        }
        return Walk(next, parts, index + 1, ref found);
    }

    private static bool Matches(JsonNode? item, string query)
    {
        int op = query.IndexOf("==", StringComparison.Ordinal);
        bool equal = true;
        if (op < 0)
        {
            op = query.IndexOf("!=", StringComparison.Ordinal);
            equal = false;
        }
        if (op < 0)
        {
            // #(key): items that have the member.
            return item is JsonObject o && o.ContainsKey(query.Trim());
        }
        string key = query[..op].Trim();
        string literal = query[(op + 2)..].Trim();
        JsonNode? expected;
        try
        {
            expected = JsonNode.Parse(literal);
        }
        catch (System.Text.Json.JsonException)
        {
            throw new TransformPathException($"the value '{literal}' in '#({query})' is not a JSON literal (quote strings: \"value\").");
        }
        bool itemFound = true;
        JsonNode? actual = Walk(item, Split(key), 0, ref itemFound);
        bool same = itemFound && JsonNode.DeepEquals(actual, expected);
        return equal ? same : itemFound && !same;
    }

    /// <summary>Splits at dots outside parentheses and quotes.</summary>
    private static List<string> Split(string path)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        int depth = 0;
        bool quoted = false;
        foreach (char c in path)
        {
            if (c == '"' )
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && c == ')')
            {
                depth--;
            }
            if (c == '.' && depth == 0 && !quoted)
            {
                parts.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        parts.Add(current.ToString());
        if (depth != 0 || quoted || parts.Exists(p => p.Length == 0))
        {
            throw new TransformPathException($"'{path}' is not a path of the supported GJSON subset (names, indexes, #, #(key==\"value\")).");
        }
        return parts;
    }
}

/// <summary>A <c>--transform</c> path outside the supported subset: a usage error.</summary>
internal sealed class TransformPathException(string message) : FormatException(message);
