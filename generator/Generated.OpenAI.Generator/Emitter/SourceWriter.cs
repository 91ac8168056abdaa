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

    /// <summary>An XML doc comment from spec text: escaped, one <c>///</c> line per source line.</summary>
    public SourceWriter Doc(string tag, string? text, string fallback)
    {
        string body = string.IsNullOrWhiteSpace(text) ? fallback : text!.Trim();
        var lines = body.Replace("\r\n", "\n").Split('\n');
        if (lines.Length == 1)
        {
            return Line($"/// <{tag}>{Escape(lines[0].TrimEnd())}</{tag}>");
        }
        Line($"/// <{tag}>");
        foreach (string line in lines)
        {
            Line("/// " + Escape(line.TrimEnd()));
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
