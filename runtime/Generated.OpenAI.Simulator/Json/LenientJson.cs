using System;
using System.Buffers;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// Turns the spec's hand-written examples (trailing commas, <c>...</c> ellipses, unquoted keys, a missing
/// comma, several JSON values in a row) into strict JSON bytes written with <see cref="Utf8JsonWriter"/>.
/// </summary>
internal static partial class LenientJson
{
    private static readonly JsonDocumentOptions s_lenient = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 256,
    };

    /// <summary>Writer options used for every JSON document the simulators write.</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>Normalizes one JSON value; false when the text cannot be repaired.</summary>
    public static bool TryNormalize(string? text, out byte[] json)
    {
        json = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string trimmed = text.Trim();
        if (trimmed[0] is not ('{' or '['))
        {
            return false;
        }

        if (TryRewrite(trimmed, out json))
        {
            return true;
        }

        return TryRewrite(Repair(trimmed), out json);
    }

    /// <summary>Splits text holding several JSON values in a row (the chat streaming example) into strict JSON values.</summary>
    public static bool TryNormalizeSequence(string text, out byte[][] values)
    {
        values = [];
        byte[] utf8 = Encoding.UTF8.GetBytes(Repair(text.Trim()));
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            AllowMultipleValues = true,
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
        });
        var list = new System.Collections.Generic.List<byte[]>();
        try
        {
            while (reader.Read())
            {
                using JsonDocument doc = JsonDocument.ParseValue(ref reader);
                list.Add(Write(doc.RootElement));
            }
        }
        catch (JsonException)
        {
            return false;
        }

        values = list.ToArray();
        return values.Length > 0;
    }

    /// <summary>Writes an element compactly with the simulators' writer options.</summary>
    public static byte[] Write(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            element.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool TryRewrite(string text, out byte[] json)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(text, s_lenient);
            json = Write(doc.RootElement);
            return true;
        }
        catch (JsonException)
        {
            json = [];
            return false;
        }
    }

    private static string Repair(string text)
    {
        string s = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        s = EllipsisLine().Replace(s, string.Empty);
        s = EllipsisElementLine().Replace(s, string.Empty);
        s = s.Replace("{...}", "{}", StringComparison.Ordinal).Replace("[...]", "[]", StringComparison.Ordinal);
        s = UnquotedKey().Replace(s, "$1\"$2\":");
        s = MissingComma().Replace(s, "$1,\n$2");
        return s;
    }

    [GeneratedRegex(@"(?m)^[ \t]*\.{3,}[^\n]*\n")]
    private static partial Regex EllipsisLine();

    [GeneratedRegex(@"(?m)^[ \t]*\{[ \t]*\.{3,}[ \t]*\},?[ \t]*\n")]
    private static partial Regex EllipsisElementLine();

    [GeneratedRegex(@"(?m)^([ \t]*)([A-Za-z_][A-Za-z0-9_]*)[ \t]*:")]
    private static partial Regex UnquotedKey();

    [GeneratedRegex(@"(?m)([""\d\]}el])[ \t]*\n([ \t]*"")")]
    private static partial Regex MissingComma();

    /// <summary>Reads an embedded resource of this assembly into memory.</summary>
    public static byte[] ReadResource(string name)
    {
        using Stream stream = typeof(LenientJson).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing; the build did not run spec/OpenApiSpec.targets.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
