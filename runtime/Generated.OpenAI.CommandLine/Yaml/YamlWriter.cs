using System;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Generated.OpenAI.CommandLine;

/// <summary>
/// <c>--format yaml</c>: JSON written as block-style YAML 1.2. Written by hand rather than with YamlDotNet's
/// serializer: JSON is already a tree of six kinds, and a string needs only one decision, made here in one place:
/// plain when it cannot be read back as anything else (so text and base64 print bare, as the docs pipe them), a
/// literal block (<c>|</c>) for multi-line text, else double-quoted with JSON's escapes (which YAML reads the same).
/// </summary>
internal static partial class YamlWriter
{
    private static readonly JsonSerializerOptions s_relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The YAML of <paramref name="node"/>, ending with a line break (a literal block's last one is its content's).</summary>
    public static string Write(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteNode(sb, node, 0, inline: true);
        return sb.ToString();
    }

    /// <summary>Writes a value that starts on the current line (<paramref name="inline"/>) or on a fresh line at <paramref name="indent"/>.</summary>
    private static void WriteNode(StringBuilder sb, JsonNode? node, int indent, bool inline)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                bool first = true;
                foreach (var (key, value) in obj)
                {
                    if (!(first && inline))
                    {
                        sb.Append(' ', indent);
                    }
                    first = false;
                    sb.Append(Scalar(key, indent, allowBlock: false)).Append(':');
                    WriteChild(sb, value, indent);
                }
                break;
            case JsonArray array when array.Count > 0:
                first = true;
                foreach (JsonNode? item in array)
                {
                    if (!(first && inline))
                    {
                        sb.Append(' ', indent);
                    }
                    first = false;
                    sb.Append("- ");
                    if (IsNonEmptyContainer(item))
                    {
                        WriteNode(sb, item, indent + 2, inline: true);
                    }
                    else
                    {
                        sb.Append(Leaf(item, indent + 2)).Append('\n');
                    }
                }
                break;
            default:
                sb.Append(Leaf(node, indent)).Append('\n');
                break;
        }
    }

    private static void WriteChild(StringBuilder sb, JsonNode? value, int indent)
    {
        if (IsNonEmptyContainer(value))
        {
            sb.Append('\n');
            WriteNode(sb, value, indent + 2, inline: false);
        }
        else
        {
            sb.Append(' ').Append(Leaf(value, indent + 2)).Append('\n');
        }
    }

    private static bool IsNonEmptyContainer(JsonNode? node) => node is JsonObject { Count: > 0 } or JsonArray { Count: > 0 };

    private static string Leaf(JsonNode? node, int indent) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Scalar(v.GetValue<string>(), indent),
        _ => node.ToJsonString(), // numbers and booleans read the same in YAML
    };

    /// <summary>
    /// A string as a YAML scalar; a literal block's lines are indented by <paramref name="indent"/> (at least 2), and
    /// <paramref name="allowBlock"/> is false for a mapping key, which must fit on its line.
    /// </summary>
    internal static string Scalar(string text, int indent, bool allowBlock = true)
    {
        if (IsPlain(text))
        {
            return text;
        }
        if (allowBlock && IsLiteralBlock(text))
        {
            // Chomping: '-' strips a text without a final line break, clip keeps exactly one, '+' keeps them all.
            int trailing = text.Length - text.TrimEnd('\n').Length;
            var sb = new StringBuilder(trailing switch { 0 => "|-", 1 => "|", _ => "|+" });
            string pad = new(' ', Math.Max(indent, 2));
            foreach (string line in (trailing == 0 ? text : text[..^1]).Split('\n'))
            {
                sb.Append('\n');
                if (line.Length > 0)
                {
                    sb.Append(pad).Append(line);
                }
            }
            return sb.ToString();
        }
        return JsonSerializer.Serialize(text, s_relaxed);
    }

    /// <summary>
    /// Whether <paramref name="text"/> can be written bare and read back as the same string by any YAML reader
    /// (1.1 or 1.2): not empty, no edge spaces, no indicator first, no <c>": "</c> or <c>" #"</c>, no control
    /// characters, and nothing that resolves to null, a boolean, a number or a date.
    /// </summary>
    private static bool IsPlain(string text)
    {
        if (text.Length == 0 || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            return false;
        }
        if ("-?:,[]{}#&*!|>'\"%@`.".Contains(text[0], StringComparison.Ordinal) || text.EndsWith(':'))
        {
            return false;
        }
        if (text.Contains(": ", StringComparison.Ordinal) || text.Contains(" #", StringComparison.Ordinal))
        {
            return false;
        }
        foreach (char c in text)
        {
            if (char.IsControl(c) || c is '\u0085' or '\u2028' or '\u2029' or '\uFEFF')
            {
                return false;
            }
        }
        return !ResolvesToNonString().IsMatch(text) && !NumberLike().IsMatch(text);
    }

    /// <summary>Multi-line text whose lines a literal block keeps exactly: no tabs or spaces alone on a line, no first-line indent, no other control characters.</summary>
    private static bool IsLiteralBlock(string text)
    {
        if (!text.Contains('\n', StringComparison.Ordinal) || text.StartsWith(' ') || text.StartsWith('\n'))
        {
            return false;
        }
        foreach (char c in text)
        {
            if (c != '\n' && (char.IsControl(c) || c is '\u0085' or '\u2028' or '\u2029' or '\uFEFF'))
            {
                return false;
            }
        }
        foreach (string line in text.Split('\n'))
        {
            if (line.Length > 0 && line.Trim().Length == 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Words that YAML 1.1 or 1.2 reads as null or a boolean, in any case.</summary>
    [GeneratedRegex("^(~|null|true|false|yes|no|on|off|y|n)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ResolvesToNonString();

    /// <summary>Numbers of either version (underscores, sexagesimal, hex, octal, binary) and dates.</summary>
    [GeneratedRegex(@"^([-+]?[0-9][0-9a-fA-F_.:xXoO+-]*|[-+]?\.(inf|nan)|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberLike();
}
