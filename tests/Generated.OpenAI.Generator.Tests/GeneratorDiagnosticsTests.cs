using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>Bad input gives a diagnostic with an ID and a spec location, never a crash or broken C#.</summary>
public class GeneratorDiagnosticsTests
{
    [Fact]
    public void Malformed_JSON_is_an_error_with_the_offset_and_no_sources()
    {
        var (run, _) = GeneratorHarness.RunAndCompile("{\"openapi\": \"3.1.0\", \"components\": {");
        var result = run.Results.Single();
        Assert.Null(result.Exception);
        var error = Assert.Single(result.Diagnostics, d => d.Id == "OAIGEN001");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("offset", error.GetMessage());
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void A_document_that_is_not_OpenAPI_is_an_error()
    {
        var (run, _) = GeneratorHarness.RunAndCompile("{\"swagger\": \"2.0\"}");
        var error = Assert.Single(run.Results.Single().Diagnostics, d => d.Id == "OAIGEN001");
        Assert.Contains("'openapi'", error.GetMessage());
    }

    [Fact]
    public void No_spec_file_is_a_warning_that_says_how_to_add_one()
    {
        var compilation = GeneratorHarness.CreateCompilation("class A { }");
        var result = GeneratorHarness.CreateDriver((string?)null).RunGenerators(compilation).GetRunResult().Results.Single();
        var warning = Assert.Single(result.Diagnostics, d => d.Id == "OAIGEN002");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("OpenApiSpecPath", warning.GetMessage());
    }

    [Fact]
    public void A_ref_to_nowhere_is_a_warning_at_its_pointer_and_the_member_falls_back_to_raw_JSON()
    {
        string spec = GeneratorHarness.Spec("""
            { "Pet": { "type": "object", "properties": { "owner": { "$ref": "#/components/schemas/Missing" }, "name": { "type": "string" } } } }
            """);
        var (run, compileDiagnostics) = GeneratorHarness.RunAndCompile(spec);
        var result = run.Results.Single();
        var warning = Assert.Single(result.Diagnostics, d => d.Id == "OAIGEN003");
        Assert.Contains("#/components/schemas/Pet/properties/owner", warning.GetMessage());
        Assert.Contains("Missing", warning.GetMessage());
        string pet = result.GeneratedSources.Single(s => s.HintName == "Pet.g.cs").SourceText.ToString();
        Assert.Contains("global::System.Text.Json.JsonElement? Owner", pet);
        Assert.Empty(compileDiagnostics);
    }

    [Fact]
    public void An_unsupported_construct_is_an_info_with_the_reason_and_compiles_as_raw_JSON()
    {
        string spec = GeneratorHarness.Spec("""
            { "Odd": { "type": "object", "properties": { "when": { "type": "datetime-ish" }, "n": { "type": "integer" } } } }
            """);
        var (run, compileDiagnostics) = GeneratorHarness.RunAndCompile(spec);
        var result = run.Results.Single();
        var info = Assert.Single(result.Diagnostics, d => d.Id == "OAIGEN100");
        Assert.Equal(DiagnosticSeverity.Info, info.Severity);
        Assert.Contains("datetime-ish", info.GetMessage());
        Assert.Contains("#/components/schemas/Odd/properties/when", info.GetMessage());
        Assert.Contains("JsonElement? When", result.GeneratedSources.Single(s => s.HintName == "Odd.g.cs").SourceText.ToString());
        Assert.Empty(compileDiagnostics);
    }

    [Fact]
    public void Names_that_collide_or_are_not_identifiers_still_compile()
    {
        string spec = GeneratorHarness.Spec("""
            {
              "pet-2": { "type": "object", "properties": { "class": { "type": "string" }, "Pet2": { "type": "string" }, "2fa": { "type": "boolean" }, "a.b": { "type": "string" }, "a_b": { "type": "string" } } },
              "Pet2": { "type": "string", "enum": ["1024x1024", "auto", "Auto", ""] },
              "Self": { "type": "object", "properties": { "self": { "$ref": "#/components/schemas/Self" }, "kids": { "type": "array", "items": { "$ref": "#/components/schemas/Self" } } } },
              "Loop": { "$ref": "#/components/schemas/Loop" }
            }
            """);
        var (run, compileDiagnostics) = GeneratorHarness.RunAndCompile(spec);
        Assert.Null(run.Results.Single().Exception);
        Assert.Empty(compileDiagnostics);
        Assert.Contains(run.Results.Single().Diagnostics, d => d.Id == "OAIGEN100" && d.GetMessage().Contains("Loop"));
        Assert.Equal(3, run.Results.Single().GeneratedSources.Count(s => s.HintName != "OpenApiSchemaCatalog.g.cs"));
    }

    [Fact]
    public void The_namespace_comes_from_the_OpenApiNamespace_property()
    {
        var (run, compileDiagnostics) = GeneratorHarness.RunAndCompile(GeneratorHarness.Spec("""{ "A": { "type": "object", "properties": { "x": { "type": "string" } } } }"""), ns: "My.Company.OpenAI");
        Assert.Empty(compileDiagnostics);
        Assert.Contains("namespace My.Company.OpenAI;", run.Results.Single().GeneratedSources.Single(s => s.HintName == "A.g.cs").SourceText.ToString());
    }
}
