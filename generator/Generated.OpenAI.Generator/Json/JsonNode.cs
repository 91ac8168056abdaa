using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Generated.OpenAI.Generator.Json;

internal enum JsonKind
{
    Null,
    False,
    True,
    Number,
    String,
    Array,
    Object,
}

/// <summary>
/// A read-only JSON tree, just enough to walk an OpenAPI document. The generator never keeps it past the
/// parse step: the pipeline caches the equatable model built from it, not the tree.
/// </summary>
internal sealed class JsonNode
{
    private static readonly List<JsonNode> s_noItems = new();
    private static readonly List<KeyValuePair<string, JsonNode>> s_noProperties = new();

    private Dictionary<string, JsonNode>? _lookup;

    private JsonNode(JsonKind kind, string? text, List<JsonNode>? items, List<KeyValuePair<string, JsonNode>>? properties)
    {
        Kind = kind;
        Text = text;
        Items = items ?? s_noItems;
        Properties = properties ?? s_noProperties;
    }

    public JsonKind Kind { get; }

    /// <summary>The string value, or the number's literal text.</summary>
    public string? Text { get; }

    public List<JsonNode> Items { get; }

    /// <summary>Properties in document order.</summary>
    public List<KeyValuePair<string, JsonNode>> Properties { get; }

    public bool IsObject => Kind == JsonKind.Object;

    public JsonNode? this[string name]
    {
        get
        {
            if (Kind != JsonKind.Object)
            {
                return null;
            }
            if (_lookup is null)
            {
                var lookup = new Dictionary<string, JsonNode>(Properties.Count, StringComparer.Ordinal);
                foreach (var p in Properties)
                {
                    lookup[p.Key] = p.Value; // last one wins, as in most JSON readers
                }
                _lookup = lookup;
            }
            return _lookup.TryGetValue(name, out var value) ? value : null;
        }
    }

    public string? GetString(string name) => this[name] is { Kind: JsonKind.String } n ? n.Text : null;

    public bool GetBool(string name) => this[name]?.Kind == JsonKind.True;

    /// <summary>Compact JSON text of this node (used for defaults and examples in docs).</summary>
    public string ToJson()
    {
        var sb = new StringBuilder();
        Write(sb);
        return sb.ToString();
    }

    private void Write(StringBuilder sb)
    {
        switch (Kind)
        {
            case JsonKind.Null: sb.Append("null"); break;
            case JsonKind.True: sb.Append("true"); break;
            case JsonKind.False: sb.Append("false"); break;
            case JsonKind.Number: sb.Append(Text); break;
            case JsonKind.String: WriteString(sb, Text!); break;
            case JsonKind.Array:
                sb.Append('[');
                for (int i = 0; i < Items.Count; i++)
                {
                    if (i > 0) { sb.Append(','); }
                    Items[i].Write(sb);
                }
                sb.Append(']');
                break;
            case JsonKind.Object:
                sb.Append('{');
                for (int i = 0; i < Properties.Count; i++)
                {
                    if (i > 0) { sb.Append(','); }
                    WriteString(sb, Properties[i].Key);
                    sb.Append(':');
                    Properties[i].Value.Write(sb);
                }
                sb.Append('}');
                break;
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20) { sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); }
                    else { sb.Append(c); }
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>Parses JSON text. Throws <see cref="FormatException"/> with the offset on malformed input.</summary>
    public static JsonNode Parse(string text)
    {
        var parser = new Reader(text);
        parser.SkipWhitespace();
        var node = parser.ReadValue(0);
        parser.SkipWhitespace();
        if (!parser.AtEnd)
        {
            throw parser.Error("unexpected text after the JSON value");
        }
        return node;
    }

    private struct Reader
    {
        private const int MaxDepth = 256;
        private readonly string _text;
        private int _pos;

        public Reader(string text)
        {
            _text = text;
            _pos = 0;
        }

        public bool AtEnd => _pos >= _text.Length;

        public FormatException Error(string message) =>
            new FormatException($"Invalid JSON at offset {_pos}: {message}.");

        public void SkipWhitespace()
        {
            while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\r' or '\n' or '\uFEFF')
            {
                _pos++;
            }
        }

        public JsonNode ReadValue(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error("nesting is too deep");
            }
            if (AtEnd)
            {
                throw Error("unexpected end of input");
            }
            char c = _text[_pos];
            switch (c)
            {
                case '{': return ReadObject(depth);
                case '[': return ReadArray(depth);
                case '"': return new JsonNode(JsonKind.String, ReadString(), null, null);
                case 't': Expect("true"); return new JsonNode(JsonKind.True, null, null, null);
                case 'f': Expect("false"); return new JsonNode(JsonKind.False, null, null, null);
                case 'n': Expect("null"); return new JsonNode(JsonKind.Null, null, null, null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return new JsonNode(JsonKind.Number, ReadNumber(), null, null);
                    }
                    throw Error($"unexpected character '{c}'");
            }
        }

        private void Expect(string literal)
        {
            if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
            {
                throw Error($"expected '{literal}'");
            }
            _pos += literal.Length;
        }

        private JsonNode ReadObject(int depth)
        {
            _pos++; // {
            var props = new List<KeyValuePair<string, JsonNode>>();
            SkipWhitespace();
            if (!AtEnd && _text[_pos] == '}')
            {
                _pos++;
                return new JsonNode(JsonKind.Object, null, null, props);
            }
            while (true)
            {
                SkipWhitespace();
                if (AtEnd || _text[_pos] != '"')
                {
                    throw Error("expected a property name");
                }
                string name = ReadString();
                SkipWhitespace();
                if (AtEnd || _text[_pos] != ':')
                {
                    throw Error("expected ':'");
                }
                _pos++;
                SkipWhitespace();
                props.Add(new KeyValuePair<string, JsonNode>(name, ReadValue(depth + 1)));
                SkipWhitespace();
                if (AtEnd)
                {
                    throw Error("unterminated object");
                }
                if (_text[_pos] == ',') { _pos++; continue; }
                if (_text[_pos] == '}') { _pos++; return new JsonNode(JsonKind.Object, null, null, props); }
                throw Error("expected ',' or '}'");
            }
        }

        private JsonNode ReadArray(int depth)
        {
            _pos++; // [
            var items = new List<JsonNode>();
            SkipWhitespace();
            if (!AtEnd && _text[_pos] == ']')
            {
                _pos++;
                return new JsonNode(JsonKind.Array, null, items, null);
            }
            while (true)
            {
                SkipWhitespace();
                items.Add(ReadValue(depth + 1));
                SkipWhitespace();
                if (AtEnd)
                {
                    throw Error("unterminated array");
                }
                if (_text[_pos] == ',') { _pos++; continue; }
                if (_text[_pos] == ']') { _pos++; return new JsonNode(JsonKind.Array, null, items, null); }
                throw Error("expected ',' or ']'");
            }
        }

        private string ReadNumber()
        {
            int start = _pos;
            while (_pos < _text.Length && (_text[_pos] is '-' or '+' or '.' or 'e' or 'E' || char.IsDigit(_text[_pos])))
            {
                _pos++;
            }
            return _text.Substring(start, _pos - start);
        }

        private string ReadString()
        {
            _pos++; // opening quote
            int start = _pos;
            // Fast path: no escapes.
            while (_pos < _text.Length && _text[_pos] != '"' && _text[_pos] != '\\')
            {
                _pos++;
            }
            if (_pos < _text.Length && _text[_pos] == '"')
            {
                return _text.Substring(start, _pos++ - start);
            }
            var sb = new StringBuilder(_text, start, _pos - start, (_pos - start) + 16);
            while (true)
            {
                if (AtEnd)
                {
                    throw Error("unterminated string");
                }
                char c = _text[_pos++];
                if (c == '"')
                {
                    return sb.ToString();
                }
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }
                if (AtEnd)
                {
                    throw Error("unterminated escape");
                }
                char e = _text[_pos++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (_pos + 4 > _text.Length ||
                            !int.TryParse(_text.Substring(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                        {
                            throw Error("bad \\u escape");
                        }
                        sb.Append((char)code);
                        _pos += 4;
                        break;
                    default:
                        throw Error($"bad escape '\\{e}'");
                }
            }
        }
    }
}
