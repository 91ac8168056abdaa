using System;
using System.Globalization;
using System.Text;

namespace Generated.OpenAI.Generator.Emitter;

/// <summary>Indented text, LF line endings, invariant culture: the same input always gives the same bytes.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new(4096);
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _sb.Append(' ', _indent * 4);
            _sb.Append(text);
        }
        _sb.Append('\n');
        return this;
    }

    public SourceWriter Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public SourceWriter Indent()
    {
        _indent++;
        return this;
    }

    public SourceWriter Outdent()
    {
        _indent--;
        return this;
    }

    /// <summary>
    /// An XML doc comment, one <c>///</c> line per source line: <paramref name="text"/> is spec text (escaped here);
    /// <paramref name="fallback"/>, used when the spec says nothing, is XML already (it may hold <c>&lt;c&gt;</c> and
    /// <c>&lt;see/&gt;</c>) and is written as it is.
    /// </summary>
    public SourceWriter Doc(string tag, string? text, string fallback)
    {
        bool fromSpec = !string.IsNullOrWhiteSpace(text);
        var lines = (fromSpec ? text!.Trim() : fallback).Replace("\r\n", "\n").Split('\n');
        if (lines.Length == 1)
        {
            return Line($"/// <{tag}>{(fromSpec ? Escape(lines[0].TrimEnd()) : lines[0].TrimEnd())}</{tag}>");
        }
        Line($"/// <{tag}>");
        foreach (string line in lines)
        {
            Line("/// " + (fromSpec ? Escape(line.TrimEnd()) : line.TrimEnd()));
        }
        return Line($"/// </{tag}>");
    }

    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>A C# string literal.</summary>
    public static string Literal(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7E) { sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); }
                    else { sb.Append(c); }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    public static int Utf8Length(string value) => Encoding.UTF8.GetByteCount(value);

    public override string ToString() => _sb.ToString();
}
