using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Generated.OpenAI.SpecTool;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>The build step that checks the pin and prepares the JSON (runs outside the compiler).</summary>
public class SpecToolTests
{
    private static string Temp(string name, string content)
    {
        string dir = Path.Combine(Path.GetTempPath(), "oai-spec-tests", Path.GetRandomFileName());
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private const string SmallYaml = """
        openapi: 3.1.0
        info:
          title: t
          version: '1'
        paths: {}
        components:
          schemas:
            Pet:
              type: object
              properties:
                name:
                  type: string
                tag:
                  default: null
                  type: string
        """;

    [Fact]
    public void A_missing_file_is_error_OAISPEC001_saying_where_it_was_expected_and_how_to_get_it()
    {
        var result = SpecPreparer.Prepare("/nowhere/openapi.yaml", null);
        Assert.False(result.Succeeded);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(("error", "OAISPEC001"), (finding.Severity, finding.Id));
        Assert.Contains("/nowhere/openapi.yaml", finding.Message);
        Assert.Contains("OpenApiSpecPath", finding.Message);
    }

    [Fact]
    public void A_file_that_does_not_match_the_pinned_hash_is_error_OAISPEC002_with_both_hashes()
    {
        string path = Temp("openapi.yaml", SmallYaml);
        var result = SpecPreparer.Prepare(path, new string('a', 64));
        Assert.False(result.Succeeded);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("OAISPEC002", finding.Id);
        Assert.Contains(result.Sha256!, finding.Message);
        Assert.Contains(new string('a', 64), finding.Message);
    }

    [Fact]
    public void Broken_YAML_is_error_OAISPEC003_not_an_exception()
    {
        string path = Temp("openapi.yaml", "openapi: 3.1.0\ninfo: [unclosed\n  - : :");
        var result = SpecPreparer.Prepare(path, null);
        Assert.False(result.Succeeded);
        Assert.Equal("OAISPEC003", Assert.Single(result.Findings).Id);
    }

    [Fact]
    public void YAML_becomes_compact_JSON_with_real_nulls_and_the_source_hash_recorded()
    {
        string path = Temp("openapi.yaml", SmallYaml);
        var result = SpecPreparer.Prepare(path, null);
        Assert.True(result.Succeeded);
        using var doc = JsonDocument.Parse(result.Json);
        var tag = doc.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("Pet").GetProperty("properties").GetProperty("tag");
        Assert.Equal(JsonValueKind.Null, tag.GetProperty("default").ValueKind);
        Assert.Equal(result.Sha256, doc.RootElement.GetProperty("x-generated-openai-source").GetProperty("sha256").GetString());
        Assert.DoesNotContain((byte)'\n', result.Json!);
    }

    [Fact]
    public void The_pinned_spec_prepares_with_its_known_validation_finding_reported_not_fatal()
    {
        string pinned = RepositorySpecs.Pinned;
        Assert.True(File.Exists(pinned), pinned);
        var result = SpecPreparer.Prepare(pinned, RepositorySpecs.PinnedSha256);
        Assert.True(result.Succeeded);
        Assert.Contains(result.Findings, f => f.Severity == "message" && f.Message.Contains("CodeInterpreterToolCall"));
        using var doc = JsonDocument.Parse(result.Json);
        Assert.Equal(959, doc.RootElement.GetProperty("components").GetProperty("schemas").EnumerateObject().Count());
    }
}
