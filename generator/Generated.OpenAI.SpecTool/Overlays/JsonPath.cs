using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Generated.OpenAI.SpecTool.Overlays;

/// <summary>
/// The subset of JSONPath (RFC 9535) that overlays on OpenAPI documents use: the root <c>$</c>; child names
/// (<c>.name</c>, <c>['name']</c>, <c>["a.b"]</c>); the wildcard (<c>.*</c>, <c>[*]</c>); array indexes
/// (<c>[0]</c>, <c>[-1]</c>); descendants (<c>..name</c>); and filters on the current node's members
/// (<c>[?(@.type == 'x')]</c>, <c>[?@.a.b != 1]</c>, <c>[?(@.deprecated)]</c>, with <c>&amp;&amp;</c>/<c>||</c>).
/// Parsing is separate from selection, so a bad expression is a <see cref="JsonPathException"/> before any
/// document is touched. Matches come back in document order, each with a normalized location such as
/// <c>$['paths']['/pets']['get']</c>.
/// </summary>
internal sealed class JsonPath
{
    private readonly Segment[] _segments;

    private JsonPath(string expression, Segment[] segments)
    {
        Expression = expression;
        _segments = segments;
    }

    public string Expression { get; }

    public static JsonPath Parse(string expression) => new Parser(expression).ParsePath();

    public List<JsonPathMatch> Select(JsonNode? root)
    {
        var current = new List<JsonPathMatch> { new(root, null, null, -1, "$") };
        foreach (var segment in _segments)
        {
            var next = new List<JsonPathMatch>();
            foreach (var match in current)
            {
                if (segment.Descendants)
                {
                    foreach (var d in DescendantsAndSelf(match))
                    {
                        segment.Selector.Select(d, next);
                    }
                }
                else
                {
                    segment.Selector.Select(match, next);
                }
            }
            current = next;
        }
        return current;
    }

    private static IEnumerable<JsonPathMatch> DescendantsAndSelf(JsonPathMatch match)
    {
        yield return match;
        var children = new List<JsonPathMatch>();
        WildcardSelector.Instance.Select(match, children);
        foreach (var child in children)
        {
            foreach (var d in DescendantsAndSelf(child))
            {
                yield return d;
            }
        }
    }

    private static string NameLocation(string parent, string name) =>
        parent + "['" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";

    private sealed record Segment(Selector Selector, bool Descendants);

    private abstract class Selector
    {
        public abstract void Select(JsonPathMatch from, List<JsonPathMatch> into);
    }

    private sealed class NameSelector(string name) : Selector
    {
        public override void Select(JsonPathMatch from, List<JsonPathMatch> into)
        {
            if (from.Node is JsonObject o && o.TryGetPropertyValue(name, out var value))
            {
                into.Add(new(value, o, name, -1, NameLocation(from.Location, name)));
            }
        }
    }

    private sealed class IndexSelector(int index) : Selector
    {
        public override void Select(JsonPathMatch from, List<JsonPathMatch> into)
        {
            if (from.Node is JsonArray a)
            {
                int i = index < 0 ? a.Count + index : index;
                if (i >= 0 && i < a.Count)
                {
                    into.Add(new(a[i], a, null, i, from.Location + "[" + i.ToString(CultureInfo.InvariantCulture) + "]"));
                }
            }
        }
    }

    private sealed class WildcardSelector : Selector
    {
        public static readonly WildcardSelector Instance = new();

        public override void Select(JsonPathMatch from, List<JsonPathMatch> into)
        {
            switch (from.Node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        into.Add(new(value, o, key, -1, NameLocation(from.Location, key)));
                    }
                    break;
                case JsonArray a:
                    for (int i = 0; i < a.Count; i++)
                    {
                        into.Add(new(a[i], a, null, i, from.Location + "[" + i.ToString(CultureInfo.InvariantCulture) + "]"));
                    }
                    break;
            }
        }
    }

    private sealed class FilterSelector(Filter filter) : Selector
    {
        public override void Select(JsonPathMatch from, List<JsonPathMatch> into)
        {
            var children = new List<JsonPathMatch>();
            WildcardSelector.Instance.Select(from, children);
            foreach (var child in children)
            {
                if (filter.Test(child.Node))
                {
                    into.Add(child);
                }
            }
        }
    }

    private abstract class Filter
    {
        public abstract bool Test(JsonNode? current);
    }

    private sealed class AndFilter(Filter left, Filter right) : Filter
    {
        public override bool Test(JsonNode? current) => left.Test(current) && right.Test(current);
    }

    private sealed class OrFilter(Filter left, Filter right) : Filter
    {
        public override bool Test(JsonNode? current) => left.Test(current) || right.Test(current);
    }

    private sealed class NotFilter(Filter inner) : Filter
    {
        public override bool Test(JsonNode? current) => !inner.Test(current);
    }

    /// <summary><c>@.a.b</c>: true when the member path exists (a JSON null counts as existing).</summary>
    private sealed class ExistsFilter(string[] members) : Filter
    {
        public override bool Test(JsonNode? current) => Resolve(current, members, out _);
    }

    private sealed class CompareFilter(string[] members, bool equal, JsonNode? literal) : Filter
    {
        public override bool Test(JsonNode? current)
        {
            // RFC 9535: a missing member is "Nothing", equal only to another Nothing.
            bool same = Resolve(current, members, out var value) && JsonNode.DeepEquals(value, literal);
            return equal ? same : !same;
        }
    }

    private static bool Resolve(JsonNode? node, string[] members, out JsonNode? value)
    {
        value = node;
        foreach (string m in members)
        {
            if (value is not JsonObject o || !o.TryGetPropertyValue(m, out value))
            {
                value = null;
                return false;
            }
        }
        return true;
    }

    private ref struct Parser(string text)
    {
        private readonly string _text = text;
        private int _pos;

        public JsonPath ParsePath()
        {
            if (string.IsNullOrWhiteSpace(_text))
            {
                throw Fail("the expression is empty");
            }
            if (_text[0] != '$')
            {
                throw Fail("a JSONPath starts with '$' (the document root)");
            }
            _pos = 1;
            var segments = new List<Segment>();
            while (_pos < _text.Length)
            {
                char c = _text[_pos];
                if (c == '.')
                {
                    bool descendants = _pos + 1 < _text.Length && _text[_pos + 1] == '.';
                    _pos += descendants ? 2 : 1;
                    if (_pos < _text.Length && _text[_pos] == '[' && descendants)
                    {
                        segments.Add(new(ParseBracket(), true));
                    }
                    else if (_pos < _text.Length && _text[_pos] == '*')
                    {
                        _pos++;
                        segments.Add(new(WildcardSelector.Instance, descendants));
                    }
                    else
                    {
                        segments.Add(new(new NameSelector(ParseMemberName()), descendants));
                    }
                }
                else if (c == '[')
                {
                    segments.Add(new(ParseBracket(), false));
                }
                else
                {
                    throw Fail($"expected '.' or '[' but found '{c}'");
                }
            }
            return new JsonPath(_text, segments.ToArray());
        }

        private string ParseMemberName()
        {
            int start = _pos;
            while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '-' or '$' || _text[_pos] > 0x7F))
            {
                _pos++;
            }
            if (_pos == start)
            {
                throw Fail("expected a member name (use ['name'] for names with other characters)");
            }
            return _text[start.._pos];
        }

        private Selector ParseBracket()
        {
            _pos++; // '['
            SkipSpaces();
            Selector selector;
            char c = Peek("a selector");
            if (c is '\'' or '"')
            {
                selector = new NameSelector(ParseString());
            }
            else if (c == '*')
            {
                _pos++;
                selector = WildcardSelector.Instance;
            }
            else if (c == '?')
            {
                _pos++;
                selector = new FilterSelector(ParseOr());
            }
            else if (c == '-' || char.IsAsciiDigit(c))
            {
                selector = new IndexSelector(ParseInteger());
            }
            else
            {
                throw Fail($"unexpected '{c}' in a bracket selector (supported: 'name', *, an index, ?filter)");
            }
            SkipSpaces();
            Expect(']');
            return selector;
        }

        private Filter ParseOr()
        {
            var left = ParseAnd();
            SkipSpaces();
            while (TryConsume("||"))
            {
                left = new OrFilter(left, ParseAnd());
                SkipSpaces();
            }
            return left;
        }

        private Filter ParseAnd()
        {
            var left = ParseUnary();
            SkipSpaces();
            while (TryConsume("&&"))
            {
                left = new AndFilter(left, ParseUnary());
                SkipSpaces();
            }
            return left;
        }

        private Filter ParseUnary()
        {
            SkipSpaces();
            char c = Peek("a filter expression");
            if (c == '!')
            {
                _pos++;
                return new NotFilter(ParseUnary());
            }
            if (c == '(')
            {
                _pos++;
                var inner = ParseOr();
                SkipSpaces();
                Expect(')');
                return inner;
            }
            if (c != '@')
            {
                throw Fail("a filter compares the current node '@' (e.g. ?(@.type == 'x'))");
            }
            _pos++;
            var members = new List<string>();
            while (_pos < _text.Length && _text[_pos] is '.' or '[')
            {
                if (_text[_pos] == '.')
                {
                    _pos++;
                    members.Add(ParseMemberName());
                }
                else
                {
                    _pos++;
                    SkipSpaces();
                    members.Add(ParseString());
                    SkipSpaces();
                    Expect(']');
                }
            }
            SkipSpaces();
            bool? equal = TryConsume("==") ? true : TryConsume("!=") ? false : null;
            if (equal is null)
            {
                if (_pos < _text.Length && _text[_pos] is '<' or '>' or '=')
                {
                    throw Fail("only == and != comparisons are supported");
                }
                return new ExistsFilter(members.ToArray());
            }
            SkipSpaces();
            return new CompareFilter(members.ToArray(), equal.Value, ParseLiteral());
        }

        private JsonNode? ParseLiteral()
        {
            char c = Peek("a literal");
            if (c is '\'' or '"')
            {
                return JsonValue.Create(ParseString());
            }
            foreach (var (word, value) in new (string, JsonNode?)[] { ("true", JsonValue.Create(true)), ("false", JsonValue.Create(false)), ("null", null) })
            {
                if (TryConsume(word))
                {
                    return value;
                }
            }
            int start = _pos;
            while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] is '-' or '+' or '.' or 'e' or 'E'))
            {
                _pos++;
            }
            if (start < _pos && double.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return JsonNode.Parse(_text[start.._pos]);
            }
            _pos = start;
            throw Fail("expected a literal: a quoted string, a number, true, false or null");
        }

        private string ParseString()
        {
            char quote = _text[_pos];
            if (quote is not ('\'' or '"'))
            {
                throw Fail("expected a quoted name");
            }
            _pos++;
            var sb = new StringBuilder();
            while (true)
            {
                char c = Peek("the closing quote");
                _pos++;
                if (c == quote)
                {
                    return sb.ToString();
                }
                if (c == '\\')
                {
                    char escaped = Peek("an escaped character");
                    _pos++;
                    sb.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => escaped });
                }
                else
                {
                    sb.Append(c);
                }
            }
        }

        private int ParseInteger()
        {
            int start = _pos;
            if (_text[_pos] == '-')
            {
                _pos++;
            }
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }
            if (_pos < _text.Length && _text[_pos] == ':')
            {
                throw Fail("array slices are not supported");
            }
            if (!int.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int index))
            {
                _pos = start;
                throw Fail("expected an array index");
            }
            return index;
        }

        private void SkipSpaces()
        {
            while (_pos < _text.Length && _text[_pos] == ' ')
            {
                _pos++;
            }
        }

        private bool TryConsume(string token)
        {
            if (string.CompareOrdinal(_text, _pos, token, 0, token.Length) == 0)
            {
                _pos += token.Length;
                return true;
            }
            return false;
        }

        private char Peek(string expected) => _pos < _text.Length ? _text[_pos] : throw Fail($"the expression ends where {expected} was expected");

        private void Expect(char c)
        {
            if (Peek($"'{c}'") != c)
            {
                throw Fail($"expected '{c}' but found '{_text[_pos]}'");
            }
            _pos++;
        }

        private readonly JsonPathException Fail(string reason) => new(_text, _pos, reason);
    }
}
