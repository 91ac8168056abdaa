using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Generated.OpenAI.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>
/// The runtime names no realtime event: every event type comes from the generated unions (their <c>TypeUtf8</c>
/// constants), so that a renamed event is one spec change and not a hunt through hand-written code. These tests read
/// the hand-written sources (the runtime assembly and the SDK's <c>Realtime/</c> folder) with the C# parser and fail
/// on any string literal in code (not in comments or doc comments) whose value is a realtime event type.
/// </summary>
public sealed class RuntimeEventTypeLiteralTests
{
    /// <summary>
    /// Event types without a dot that the scan does not look for, each with the reason. <c>error</c> is also the name
    /// of the JSON property of every OpenAI error body and of a tool's error output, which the runtime writes and reads.
    /// </summary>
    private static readonly Dictionary<string, string> s_undottedTypesNotScanned = new(StringComparer.Ordinal)
    {
        ["error"] = "the JSON property name of OpenAI error bodies and of a function tool's error output",
    };

    [Fact]
    public void The_event_type_list_comes_from_the_four_generated_unions()
    {
        string[] types = RealtimeEventTypes();
        Assert.Contains("input_audio_buffer.append", types);
        Assert.Contains("session.input_audio_buffer.append", types);
        Assert.Contains("response.output_audio.delta", types);
        Assert.Contains("session.output_audio.delta", types);
        Assert.True(types.Length > 60, $"only {types.Length} event types were read from the unions");

        // A new event type without a dot must be looked at (scanned, or listed with a reason), not skipped silently.
        Assert.Equal(s_undottedTypesNotScanned.Keys.Order(StringComparer.Ordinal), types.Where(t => !t.Contains('.', StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void No_realtime_event_type_is_a_string_literal_in_the_runtime_or_the_sdk_realtime_code()
    {
        var types = new HashSet<string>(RealtimeEventTypes().Where(t => !s_undottedTypesNotScanned.ContainsKey(t)), StringComparer.Ordinal);
        string root = RepositoryRoot();
        string[] files =
        [
            .. SourceFiles(Path.Combine(root, "runtime", "Generated.OpenAI.Runtime"), SearchOption.AllDirectories),
            .. SourceFiles(Path.Combine(root, "runtime", "Generated.OpenAI", "Realtime"), SearchOption.TopDirectoryOnly),
        ];
        Assert.True(files.Length > 50, $"only {files.Length} source files found under {root}");

        var found = new List<string>();
        foreach (string file in files)
        {
            SyntaxNode tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: file).GetRoot();
            foreach (SyntaxToken token in tree.DescendantTokens())
            {
                if (token.Kind() is SyntaxKind.StringLiteralToken or SyntaxKind.Utf8StringLiteralToken
                    or SyntaxKind.SingleLineRawStringLiteralToken or SyntaxKind.MultiLineRawStringLiteralToken
                    or SyntaxKind.Utf8SingleLineRawStringLiteralToken or SyntaxKind.Utf8MultiLineRawStringLiteralToken
                    or SyntaxKind.InterpolatedStringTextToken)
                {
                    string value = token.ValueText;
                    if (types.Contains(value) || types.Any(t => ContainsWord(value, t)))
                    {
                        int line = token.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                        found.Add($"{Path.GetRelativePath(root, file)}:{line}: {token.Text}");
                    }
                }
            }
        }

        Assert.True(found.Count == 0, "Realtime event types spelled in code (use the generated TypeUtf8 constants):\n" + string.Join("\n", found));
    }

    [Fact]
    public void The_scan_finds_an_event_type_in_code_and_ignores_it_in_comments()
    {
        const string Source = """
            /// <summary>Sends <c>input_audio_buffer.append</c>.</summary>
            class C
            {
                // response.output_audio.delta
                static System.ReadOnlySpan<byte> A => "input_audio_buffer.append"u8;
                string B() => $"waiting for session.updated: {1}";
            }
            """;
        string[] literals = CSharpSyntaxTree.ParseText(Source).GetRoot().DescendantTokens()
            .Where(t => t.Kind() is SyntaxKind.Utf8StringLiteralToken or SyntaxKind.InterpolatedStringTextToken)
            .Select(t => t.ValueText)
            .ToArray();
        Assert.Equal(["input_audio_buffer.append", "waiting for session.updated: "], literals);
        Assert.True(ContainsWord(literals[1], "session.updated"));
        Assert.False(ContainsWord("session.updated_at", "session.updated"));
    }

    /// <summary>Every <c>type</c> value of the four realtime unions, read from the generated <c>TypeOf</c>.</summary>
    private static string[] RealtimeEventTypes()
    {
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (RealtimeClientEventKind kind in Enum.GetValues<RealtimeClientEventKind>())
        {
            types.Add(Encoding.UTF8.GetString(RealtimeClientEvent.TypeOf(kind)));
        }

        foreach (RealtimeServerEventKind kind in Enum.GetValues<RealtimeServerEventKind>())
        {
            types.Add(Encoding.UTF8.GetString(RealtimeServerEvent.TypeOf(kind)));
        }

        foreach (RealtimeTranslationClientEventKind kind in Enum.GetValues<RealtimeTranslationClientEventKind>())
        {
            types.Add(Encoding.UTF8.GetString(RealtimeTranslationClientEvent.TypeOf(kind)));
        }

        foreach (RealtimeTranslationServerEventKind kind in Enum.GetValues<RealtimeTranslationServerEventKind>())
        {
            types.Add(Encoding.UTF8.GetString(RealtimeTranslationServerEvent.TypeOf(kind)));
        }

        types.Remove(string.Empty); // Unknown
        return [.. types];
    }

    /// <summary>Whether <paramref name="text"/> holds <paramref name="type"/> as a whole word (not inside a longer name).</summary>
    private static bool ContainsWord(string text, string type)
    {
        for (int at = text.IndexOf(type, StringComparison.Ordinal); at >= 0; at = text.IndexOf(type, at + 1, StringComparison.Ordinal))
        {
            int end = at + type.Length;
            if ((at == 0 || !IsNameChar(text[at - 1])) && (end == text.Length || !IsNameChar(text[end])))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.';

    private static IEnumerable<string> SourceFiles(string directory, SearchOption option)
        => Directory.EnumerateFiles(directory, "*.cs", option)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"));

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Generated.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Generated.sln above {AppContext.BaseDirectory}.");
    }
}
