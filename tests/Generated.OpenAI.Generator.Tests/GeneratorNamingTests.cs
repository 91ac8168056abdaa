using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>The naming rules (README, "What the generator emits"), the names file, and the names the real spec gets.</summary>
public class GeneratorNamingTests
{
    private readonly ITestOutputHelper _output;

    public GeneratorNamingTests(ITestOutputHelper output) => _output = output;

    /// <summary>Measured on the real spec at commit beb27b6, before these rules: path-built names, no names file.</summary>
    private static readonly NameStatistics s_before = new(Count: 2510, Median: 30, P95: 58, Max: 95, Over40: 682);

    private sealed record NameStatistics(int Count, int Median, int P95, int Max, int Over40)
    {
        public static NameStatistics Of(IReadOnlyList<string> names)
        {
            var lengths = names.Select(n => n.Length).OrderBy(l => l).ToList();
            return new(lengths.Count, lengths[(lengths.Count - 1) / 2], lengths[(int)(lengths.Count * 0.95)], lengths[^1], lengths.Count(l => l > 40));
        }

        public override string ToString() => $"{Count} public types: median {Median}, 95th percentile {P95}, maximum {Max} characters; {Over40} over 40";
    }

    private static readonly Lazy<GeneratorRunResult> s_real = new(() =>
        GeneratorHarness.CreateRealDriver().RunGenerators(GeneratorHarness.CreateCompilation("class A { }")).GetRunResult().Results.Single());

    /// <summary>Every public type the generator declares over the real spec (top level; the union Kind enums and enum Extensions classes included).</summary>
    private static List<string> PublicTypeNames(GeneratorRunResult run) =>
        run.GeneratedSources
            .SelectMany(s => s.SyntaxTree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>())
            .Where(t => t.Parent is BaseNamespaceDeclarationSyntax or CompilationUnitSyntax && t.Modifiers.Any(m => m.IsKind(SyntaxKind.PublicKeyword)))
            .Select(t => t.Identifier.ValueText)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void The_real_spec_gets_shorter_names_than_before_and_no_doubled_suffixes()
    {
        var run = s_real.Value;
        var names = PublicTypeNames(run);
        var after = NameStatistics.Of(names);
        _output.WriteLine($"before (beb27b6): {s_before}");
        _output.WriteLine($"after:            {after}");
        foreach (string name in names.Where(n => n.Length > 60).OrderByDescending(n => n.Length).Take(10))
        {
            _output.WriteLine($"  {name.Length,3} {name}");
        }
        Assert.True(after.Max < s_before.Max && after.P95 < s_before.P95 && after.Median < s_before.Median && after.Over40 < s_before.Over40, $"before {s_before}; after {after}");

        // Shorter code too, through shared helpers (ClosedEnumValues, one-line union accessors): no more lines than before.
        const int linesBefore = 269_631; // beb27b6, the same spec
        int lines = run.GeneratedSources.Sum(s => s.SourceText.Lines.Count - 1);
        _output.WriteLine($"generated lines: {linesBefore:N0} before, {lines:N0} after ({run.GeneratedSources.Length} files)");
        Assert.True(lines < linesBefore, $"{lines:N0} generated lines, {linesBefore:N0} before");

        var doubled = run.GeneratedSources.Where(s => s.SourceText.ToString().Contains("ValueValue", StringComparison.Ordinal)
            || s.SourceText.ToString().Contains("KindValue", StringComparison.Ordinal)).Select(s => s.HintName).ToList();
        Assert.True(doubled.Count == 0, "ValueValue/KindValue in " + string.Join(", ", doubled));
    }

    [Fact]
    public void The_generated_public_type_names_match_their_snapshot()
    {
        // Every rename shows in review: UPDATE_SNAPSHOTS=1 rewrites the list.
        string text = string.Join("\n", PublicTypeNames(s_real.Value)) + "\n";
        string snapshot = Path.Combine(AppContext.BaseDirectory, "Snapshots", "PublicTypeNames.txt");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../Snapshots/PublicTypeNames.txt")), text);
            return;
        }
        Assert.True(File.Exists(snapshot), $"no snapshot {snapshot}; run with UPDATE_SNAPSHOTS=1 and review the diff");
        Assert.Equal(File.ReadAllText(snapshot), text);
    }

    [Fact]
    public void The_realtime_unions_name_each_case_after_its_wire_type()
    {
        var run = s_real.Value;
        string server = run.GeneratedSources.Single(s => s.HintName == "RealtimeServerEvent.g.cs").SourceText.ToString();
        string translation = run.GeneratedSources.Single(s => s.HintName == "RealtimeTranslationServerEvent.g.cs").SourceText.ToString();
        Assert.Contains("public bool IsResponseOutputAudioDelta =>", server);
        Assert.Contains("public bool IsError =>", server);
        Assert.Contains("public bool IsError =>", translation);       // not IsRealtimeServerEventError
        Assert.Contains("public bool IsSessionOutputAudioDelta =>", translation);
        Assert.DoesNotContain("IsResponseAudioDelta", server);
    }

    // ---- the rules, on small specs ------------------------------------------------------------------------

    private static (GeneratorRunResult Run, IReadOnlyList<Diagnostic> Compile) Generate(string spec, params (string File, string Text)[] namesFiles)
    {
        var files = new List<AdditionalText> { new GeneratorHarness.InMemoryText("/spec/openapi.json", spec) };
        files.AddRange(namesFiles.Select(f => (AdditionalText)new GeneratorHarness.InMemoryText("/spec/" + f.File, f.Text)));
        var driver = GeneratorHarness.CreateDriver(files, "Test.Models")
            .RunGeneratorsAndUpdateCompilation(GeneratorHarness.CreateCompilation("namespace Consumer { public static class Marker { } }"), out var output, out _, CancellationToken.None);
        return (driver.GetRunResult().Results.Single(), output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList());
    }

    private static string Source(GeneratorRunResult run, string typeName) =>
        run.GeneratedSources.Single(s => s.HintName == typeName + ".g.cs").SourceText.ToString();

    private const string Session = """
        {
          "VoiceSessionRequestGA": { "type": "object", "properties": {
            "type": { "type": "string", "enum": ["realtime"] },
            "audio": { "type": "object", "properties": { "input": { "type": "object", "properties": { "rate": { "type": "integer" } } } } },
            "tools": { "type": "array", "items": { "type": "object", "properties": { "name": { "type": "string" } } } },
            "categories": { "type": "array", "items": { "type": "string", "enum": ["a", "b"] } },
            "value": { "type": "string" },
            "kind": { "type": "string" }
          } },
          "Shape": { "oneOf": [
            { "type": "object", "required": ["type"], "properties": { "type": { "type": "string", "enum": ["shape.circle_drawn"] }, "r": { "type": "number" } } },
            { "$ref": "#/components/schemas/ShapeSquare" }
          ] },
          "ShapeSquare": { "type": "object", "required": ["type"], "properties": { "type": { "type": "string", "enum": ["square"] }, "side": { "type": "number" } } },
          "VoiceIds": { "anyOf": [ { "type": "string" }, { "type": "string", "enum": ["alloy", "marin"] } ] },
          "VoiceOrCustom": { "anyOf": [ { "$ref": "#/components/schemas/VoiceIds" }, { "type": "object", "required": ["id"], "properties": { "id": { "type": "string" } } } ] }
        }
        """;

    [Fact]
    public void Lifted_types_are_named_from_the_owner_stem_and_the_member_with_lists_in_the_singular()
    {
        var (run, compile) = Generate(GeneratorHarness.Spec(Session));
        Assert.Empty(compile);
        var names = PublicTypeNames(run);
        Assert.Contains("VoiceSessionRequest", names);        // GA dropped: no other schema has that name
        Assert.Contains("VoiceSessionAudio", names);          // not VoiceSessionRequestGAAudio
        Assert.Contains("VoiceSessionAudioInput", names);
        Assert.Contains("VoiceSessionTool", names);           // not VoiceSessionRequestGAToolsItem
        Assert.Contains("VoiceSessionCategory", names);
        Assert.DoesNotContain(names, n => n.Contains("GAAudio", StringComparison.Ordinal));
    }

    [Fact]
    public void Objects_may_have_Value_and_Kind_properties_and_the_discriminator_is_filled_in()
    {
        var (run, compile) = Generate(GeneratorHarness.Spec(Session));
        Assert.Empty(compile);
        string session = Source(run, "VoiceSessionRequest");
        Assert.Contains("public string? Value { get; set; }", session);
        Assert.Contains("public string? Kind { get; set; }", session);
        // The optional single-valued `type` is a constant: never asked of the user, always sent.
        Assert.Contains("public string Type => \"realtime\";", session);
        Assert.DoesNotContain(PublicTypeNames(run), n => n.EndsWith("Type", StringComparison.Ordinal) && n.StartsWith("VoiceSession", StringComparison.Ordinal));
    }

    [Fact]
    public void Union_cases_take_their_wire_names_and_strings_convert_to_a_union_with_an_open_enum()
    {
        var (run, compile) = Generate(GeneratorHarness.Spec(Session));
        Assert.Empty(compile);
        string shape = Source(run, "Shape");
        Assert.Contains("public bool IsShapeCircleDrawn =>", shape);   // from "shape.circle_drawn", inline
        Assert.Contains("public bool IsSquare =>", shape);             // from "square", a $ref
        Assert.Contains("AsSquare()", shape);                          // As is a method; TryGet asks without throwing
        string voice = Source(run, "VoiceOrCustom");
        Assert.Contains("public static implicit operator VoiceOrCustom(string value)", voice);

        // The conversions compile as a user writes them.
        var consumer = GeneratorHarness.CreateCompilation(run.GeneratedSources.Select(s => s.SourceText.ToString()).Append("""
            namespace Consumer
            {
                public static class Use
                {
                    public static global::Test.Models.VoiceOrCustom Voice() => "marin";
                    public static double Side(global::Test.Models.Shape shape) => shape.TryGetSquare(out var square) ? square.Side ?? 0 : shape.AsShapeCircleDrawn().R ?? 0;
                }
            }
            """).ToArray());
        Assert.Empty(consumer.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void A_names_file_renames_schemas_and_lifted_types_and_the_names_derived_from_them_follow()
    {
        const string names = """
            {
              "$comment": "test",
              "#/components/schemas/VoiceSessionRequestGA": "SessionConfig",
              "#/components/schemas/VoiceSessionRequestGA/properties/audio/properties/input": "AudioIn"
            }
            """;
        var (run, compile) = Generate(GeneratorHarness.Spec(Session), ("test.names.json", names));
        Assert.Empty(compile);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "OAIGEN004");
        var typeNames = PublicTypeNames(run);
        Assert.Contains("SessionConfig", typeNames);
        Assert.Contains("SessionConfigAudio", typeNames); // SessionConfig has two words: its stem is itself
        Assert.Contains("AudioIn", typeNames);
        Assert.DoesNotContain("VoiceSessionRequest", typeNames);
    }

    [Fact]
    public void A_stale_names_file_entry_is_a_warning_that_names_it()
    {
        const string names = """{ "#/components/schemas/Gone": "Renamed", "#/components/schemas/Shape": "Figure" }""";
        var (run, _) = Generate(GeneratorHarness.Spec(Session), ("my.names.json", names));
        var warning = Assert.Single(run.Diagnostics, d => d.Id == "OAIGEN004");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("#/components/schemas/Gone", warning.GetMessage());
        Assert.Contains("my.names.json", warning.GetMessage());
        Assert.Contains("Figure", PublicTypeNames(run));
    }

    [Fact]
    public void A_names_file_that_is_not_json_or_gives_no_identifier_or_a_taken_name_is_a_warning()
    {
        var (run, _) = Generate(GeneratorHarness.Spec(Session), ("bad.names.json", "{ not json"));
        Assert.Contains(run.Diagnostics, d => d.Id == "OAIGEN004" && d.GetMessage().Contains("not valid JSON", StringComparison.Ordinal));

        (run, _) = Generate(GeneratorHarness.Spec(Session), ("bad.names.json", """{ "#/components/schemas/Shape": "not a name" }"""));
        Assert.Contains(run.Diagnostics, d => d.Id == "OAIGEN004" && d.GetMessage().Contains("C# identifier", StringComparison.Ordinal));

        var (clashing, compile) = Generate(GeneratorHarness.Spec(Session), ("clash.names.json", """{ "#/components/schemas/Shape": "ShapeSquare" }"""));
        Assert.Empty(compile);
        Assert.Contains(clashing.Diagnostics, d => d.Id == "OAIGEN004" && d.GetMessage().Contains("is named 'ShapeSquare2' instead", StringComparison.Ordinal));
    }
}
