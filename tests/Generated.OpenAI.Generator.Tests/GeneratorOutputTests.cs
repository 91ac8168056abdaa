using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
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
