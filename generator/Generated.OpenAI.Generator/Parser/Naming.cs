using System;
using System.Collections.Generic;
using System.Text;

namespace Generated.OpenAI.Generator.Parser;

/// <summary>Turns spec names and values into C# identifiers, deterministically.</summary>
internal static class Naming
{
    private static readonly HashSet<string> s_keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary><c>response.output_audio.delta</c> → <c>ResponseOutputAudioDelta</c>; keeps existing PascalCase.</summary>
    public static string Pascal(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool upperNext = true;
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(upperNext ? char.ToUpperInvariant(c) : c);
                upperNext = false;
            }
            else
            {
                upperNext = true;
            }
        }
        if (sb.Length == 0)
        {
            return "Empty";
        }
        if (char.IsDigit(sb[0]))
        {
            sb.Insert(0, '_');
        }
        string result = sb.ToString();
        return s_keywords.Contains(result) ? "@" + result : result;
    }

    /// <summary>The words of a PascalCase name: <c>RealtimeSessionCreateRequestGA</c> → Realtime, Session, Create, Request, GA.</summary>
    public static List<string> Words(string pascal)
    {
        var words = new List<string>();
        int start = 0;
        for (int i = 1; i <= pascal.Length; i++)
        {
            bool boundary = i == pascal.Length
                || (char.IsUpper(pascal[i]) && (char.IsLower(pascal[i - 1]) || char.IsDigit(pascal[i - 1])))
                || (char.IsUpper(pascal[i]) && i + 1 < pascal.Length && char.IsUpper(pascal[i - 1]) && char.IsLower(pascal[i + 1]))
                || (char.IsDigit(pascal[i]) && !char.IsDigit(pascal[i - 1]));
            if (boundary)
            {
                words.Add(pascal.Substring(start, i - start));
                start = i;
            }
        }
        return words;
    }

    /// <summary>
    /// Words that say nothing to a user at the end of a name a derived name starts from: <c>GA</c> (the spec's
    /// marker for the non-beta shape), and the request/configuration suffixes the parent already implies.
    /// </summary>
    private static readonly HashSet<string> s_stemSuffixes = new(StringComparer.Ordinal) { "GA", "Request", "Response", "Config", "Params", "Body", "Object" };

    /// <summary>
    /// <c>RealtimeSessionCreateRequestGA</c> → <c>RealtimeSessionCreate</c>: the start of the names derived from it.
    /// At least two words stay (<c>CreateResponse</c> is the Responses API's request, not a suffix on <c>Create</c>).
    /// </summary>
    public static string Stem(string owner)
    {
        var words = Words(owner.TrimStart('@', '_'));
        while (words.Count > 2 && s_stemSuffixes.Contains(words[words.Count - 1]))
        {
            words.RemoveAt(words.Count - 1);
        }
        return string.Concat(words);
    }

    /// <summary>
    /// <paramref name="owner"/> followed by <paramref name="member"/>, without repeating words the owner ends with
    /// and the member starts with: <c>SessionAudio</c> + <c>AudioFormat</c> → <c>SessionAudioFormat</c>.
    /// </summary>
    public static string Join(string owner, string member)
    {
        var left = Words(owner);
        var right = Words(member);
        for (int overlap = Math.Min(left.Count - 1, right.Count); overlap > 0; overlap--)
        {
            bool same = true;
            for (int i = 0; i < overlap && same; i++)
            {
                same = left[left.Count - overlap + i] == right[i];
            }
            if (same)
            {
                return owner + string.Concat(right.GetRange(overlap, right.Count - overlap));
            }
        }
        return owner + member;
    }

    /// <summary>The name of one element of a list called <paramref name="plural"/>: <c>Tools</c> → <c>Tool</c>, <c>Include</c> → <c>IncludeItem</c>.</summary>
    public static string Singular(string plural)
    {
        var words = Words(plural);
        string last = words.Count == 0 ? "" : words[words.Count - 1];
        string? single = last.Length < 4 ? null
            : last.EndsWith("ies", StringComparison.Ordinal) ? last.Substring(0, last.Length - 3) + "y"
            : last.EndsWith("sses", StringComparison.Ordinal) || last.EndsWith("xes", StringComparison.Ordinal)
                || last.EndsWith("ches", StringComparison.Ordinal) || last.EndsWith("shes", StringComparison.Ordinal) ? last.Substring(0, last.Length - 2)
            : last.EndsWith("s", StringComparison.Ordinal) && !last.EndsWith("ss", StringComparison.Ordinal)
                && !last.EndsWith("us", StringComparison.Ordinal) && !last.EndsWith("is", StringComparison.Ordinal) ? last.Substring(0, last.Length - 1)
            : null;
        return single is null ? plural + "Item" : plural.Substring(0, plural.Length - last.Length) + single;
    }

    /// <summary>Whether <paramref name="name"/> can be a C# type or member name as it is.</summary>
    public static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || s_keywords.Contains(name))
        {
            return false;
        }
        foreach (char c in name)
        {
            if (!char.IsLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Returns <paramref name="name"/>, or it with the smallest numeric suffix not yet in <paramref name="used"/>; records it.</summary>
    public static string Unique(string name, HashSet<string> used)
    {
        if (used.Add(name))
        {
            return name;
        }
        for (int i = 2; ; i++)
        {
            string candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (used.Add(candidate))
            {
                return candidate;
            }
        }
    }
}
