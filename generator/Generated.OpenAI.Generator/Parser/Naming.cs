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
