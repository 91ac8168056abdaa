using System;
using System.Globalization;
using System.IO;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Generated.OpenAI.CommandLine;

/// <summary>
/// YAML request bodies (a heredoc on standard input, <c>@file.yaml</c> values) read into JSON: one document, mappings
/// as objects, sequences as arrays, and plain scalars typed by the YAML 1.2 core schema (<c>null</c>, <c>true</c>,
/// <c>120</c>, <c>0.2</c>); quoted and block scalars (<c>input: |</c>) are strings. YamlDotNet parses; this maps.
/// </summary>
internal static partial class YamlReader
{
    /// <summary>More nodes than this (aliases can multiply a small file) is refused rather than expanded.</summary>
    private const int MaxNodes = 1_000_000;

    /// <summary>Deeper nesting than this is refused (System.Text.Json's default maximum depth).</summary>
    private const int MaxDepth = 64;

    /// <summary>Reads one YAML document as JSON; <paramref name="source"/> names it in errors.</summary>
    /// <returns>The document's value; null for an empty document.</returns>
    /// <exception cref="UsageException">The text is not YAML, holds more than one document, or is too deep or large.</exception>
    public static JsonNode? Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new UsageException($"{source} is not YAML: line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}", ex);
        }
        if (stream.Documents.Count == 0)
        {
            return null;
        }
        if (stream.Documents.Count > 1)
        {
            throw new UsageException($"{source} holds {stream.Documents.Count} YAML documents; a request body is one.");
        }
        int nodes = 0;
        return ToJson(stream.Documents[0].RootNode, source, 0, ref nodes);
    }

    private static JsonNode? ToJson(YamlNode node, string source, int depth, ref int nodes)
    {
        if (++nodes > MaxNodes)
        {
            throw new UsageException($"{source}: more than {MaxNodes} YAML nodes (aliases expanded).");
        }
        if (depth > MaxDepth)
        {
            throw new UsageException($"{source}: YAML nested deeper than {MaxDepth} levels.");
        }
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        throw new UsageException($"{source}: line {key.Start.Line}: a mapping key must be a plain value.");
                    }
                    obj[name] = ToJson(value, source, depth + 1, ref nodes);
                }
                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (YamlNode item in sequence.Children)
                {
                    array.Add(ToJson(item, source, depth + 1, ref nodes));
                }
                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new UsageException($"{source}: line {node.Start.Line}: unsupported YAML node.");
        }
    }

    /// <summary>A scalar by the core schema: only plain scalars (and explicit tags) are typed; the rest are strings.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        string text = scalar.Value ?? "";
        string tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
        if (tag == "tag:yaml.org,2002:str" || (tag.Length == 0 && scalar.Style != ScalarStyle.Plain))
        {
            return JsonValue.Create(text);
        }
        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }
        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }
        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }
        if (DecimalInteger().IsMatch(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
            {
                return JsonValue.Create(integer);
            }
            // Past a long: the digits as a JSON number (no sign '+', no leading zeros, which JSON does not allow).
            string digits = text.TrimStart('+', '-').TrimStart('0');
            return JsonNode.Parse((text.StartsWith('-') ? "-" : "") + (digits.Length == 0 ? "0" : digits));
        }
        // ulong: a long would read sixteen hex digits as a negative number.
        if (text.StartsWith("0x", StringComparison.Ordinal) && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex) && hex <= long.MaxValue)
        {
            return JsonValue.Create((long)hex);
        }
        if (text.StartsWith("0o", StringComparison.Ordinal) && text.Length > 2 && text.AsSpan(2).IndexOfAnyExceptInRange('0', '7') < 0 && text.Length <= 23)
        {
            return JsonValue.Create(Convert.ToInt64(text[2..], 8));
        }
        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(text); // also .inf and .nan, which JSON cannot hold
    }

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Float();
}
