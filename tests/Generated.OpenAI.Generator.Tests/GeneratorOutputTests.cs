using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>Determinism and snapshots of representative files, over the real pinned spec.</summary>
public class GeneratorOutputTests
{
    private static GeneratorRunResult Run()
    {
        var compilation = GeneratorHarness.CreateCompilation("class A { }");
        return GeneratorHarness.CreateRealDriver().RunGenerators(compilation).GetRunResult().Results.Single();
    }

    [Fact]
    public void Two_runs_over_the_real_spec_give_byte_identical_sources()
    {
        var first = Run();
        var second = Run();
        Assert.True(first.GeneratedSources.Length > 1500, $"{first.GeneratedSources.Length} sources");
        Assert.Equal(first.GeneratedSources.Select(s => s.HintName), second.GeneratedSources.Select(s => s.HintName));
        for (int i = 0; i < first.GeneratedSources.Length; i++)
        {
            Assert.Equal(first.GeneratedSources[i].SourceText.ToString(), second.GeneratedSources[i].SourceText.ToString());
        }
        Assert.DoesNotContain(first.Diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void The_generated_code_compiles_without_a_warning_at_level_9999_with_documentation_checked()
    {
        // As the Regex generator's tests do: every warning wave, and the XML docs parsed and checked (CS1570-CS1591:
        // malformed XML, a cref to nothing, a public member without a comment). Only the two the generated files
        // disable themselves stay off (CS0618 for deprecated members they use, CS8618 for required members their reader sets).
        var trees = Run().GeneratedSources.Select(s => CSharpSyntaxTree.ParseText(s.SourceText, GeneratorHarness.DocumentingParseOptions, s.HintName)).ToList();
        var compilation = GeneratorHarness.CreateStrictCompilation(trees);
        var warnings = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(warnings.Count == 0, $"{warnings.Count} warnings, the first: " + string.Join("\n", warnings.Take(10)));
        Assert.True(trees.Count > 1500 && trees.All(t => t.Options.DocumentationMode == DocumentationMode.Diagnose));
    }

    [Theory]
    [InlineData("RealtimeServerEventResponseAudioDelta")]  // an event: const type, event_id, base64 payload
    [InlineData("CreateEmbeddingRequest")]                 // an object: required members, a union, an enum, a list
    [InlineData("AudioTranscriptionModel")]                // an open enum: anyOf [string, enum]
    [InlineData("ServiceTier")]                            // a closed enum and its Extensions class
    [InlineData("RealtimeTruncation")]                     // a union by token kind: string | object
    [InlineData("Voice")]                                  // a union with an open enum case: strings convert to it
    [InlineData("Annotation")]                             // a union by discriminator value (REST: not strict)
    [InlineData("RealtimeTranslationServerEvent")]         // an event union: strict, dispatched on UTF-8 type
    [InlineData("RealtimeSessionTracing")]                 // a nullable union property lifted to a type
    [InlineData("Clients.EmbeddingsResource")]             // a client method with a JSON body
    [InlineData("Clients.AudioTranscriptionsResource")]    // multipart/form-data, a *TextAsync and a *StreamingAsync variant
    [InlineData("Clients.BatchesResource")]                // path and query parameters, auto-paging
    [InlineData("Clients.RealtimeCallsResource")]          // an application/sdp text body with a multipart overload, a text answer
    public void A_representative_file_matches_its_snapshot(string typeName)
    {
        var source = Run().GeneratedSources.Single(s => s.HintName == typeName + ".g.cs").SourceText.ToString();
        string snapshot = Path.Combine(AppContext.BaseDirectory, "Snapshots", typeName + ".g.cs.txt");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            string sourceDir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../Snapshots"));
            File.WriteAllText(Path.Combine(sourceDir, typeName + ".g.cs.txt"), source);
            return;
        }
        Assert.True(File.Exists(snapshot), $"no snapshot {snapshot}; run with UPDATE_SNAPSHOTS=1 and review the diff");
        Assert.Equal(File.ReadAllText(snapshot), source);
    }
}
