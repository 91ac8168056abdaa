using System.Text;
using System.Text.Json.Nodes;

namespace Generated.OpenAI.CommandLine;

/// <summary><c>--format pretty</c>: an indented <c>key: value</c> view for reading (not YAML: strings are not quoted or escaped).</summary>
internal static class PrettyPrinter
{
    public static string Format(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, 0, inline: true);
        return sb.ToString().TrimEnd('\n');
    }

    private static void Write(StringBuilder sb, JsonNode? node, int indent, bool inline)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                bool first = true;
                foreach (var (key, value) in obj)
                {
                    if (!(first && inline))
                    {
                        sb.Append(' ', indent * 2);
                    }
                    first = false;
                    sb.Append(key).Append(':');
                    WriteChild(sb, value, indent);
                }
                break;
            case JsonArray array when array.Count > 0:
                first = true;
                foreach (JsonNode? item in array)
                {
                    if (!(first && inline))
                    {
                        sb.Append(' ', indent * 2);
                    }
                    first = false;
                    sb.Append("- ");
                    if (item is JsonObject or JsonArray && item.AsEnumerableCount() > 0)
                    {
                        Write(sb, item, indent + 1, inline: true);
                    }
                    else
                    {
                        sb.Append(Scalar(item)).Append('\n');
                    }
                }
                break;
            default:
                sb.Append(Scalar(node)).Append('\n');
                break;
        }
    }

    private static void WriteChild(StringBuilder sb, JsonNode? value, int indent)
    {
        if (value is JsonObject or JsonArray && value.AsEnumerableCount() > 0)
        {
            sb.Append('\n');
            Write(sb, value, indent + 1, inline: false);
        }
        else
        {
            sb.Append(' ').Append(Scalar(value)).Append('\n');
        }
    }

    private static int AsEnumerableCount(this JsonNode node) => node switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => node.ToJsonString(),
    };
}
