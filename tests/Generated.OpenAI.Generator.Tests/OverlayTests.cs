using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Generated.OpenAI.SpecTool;
using Generated.OpenAI.SpecTool.Overlays;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>The overlay engine (OpenAPI Overlay 1.0) and how the spec tool applies and reports overlays.</summary>
public class OverlayTests
{
    private static string Temp(string name, string content)
    {
        string dir = Path.Combine(Path.GetTempPath(), "oai-overlay-tests", Path.GetRandomFileName());
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private const string Spec = """
        openapi: 3.1.0
        info: { title: t, version: '1' }
        paths:
          /pets:
            get:
              operationId: listPets
              parameters:
                - { name: limit, in: query }
                - { name: debug, in: query, x-internal: true }
        components:
          schemas:
            Pet:
              type: object
              required: [name]
              properties:
                name: { type: string }
                status: { type: string, enum: [available, sold] }
            Event:
              anyOf:
                - $ref: '#/components/schemas/Pet'
        """;

    private static Overlay Parse(string yaml) => Overlay.Parse("test.yaml", "", SpecReader.Read(Encoding.UTF8.GetBytes(yaml)));

    private static JsonNode Document() => SpecReader.Read(Encoding.UTF8.GetBytes(Spec))!;

    [Fact]
    public void Update_merges_objects_recursively_replaces_values_and_appends_to_lists()
    {
        var doc = Document();
        var result = OverlayApplier.Apply(doc, Parse("""
            overlay: 1.0.0
            info: { title: t, version: '1' }
            actions:
              - target: $.components.schemas.Pet
                update:
                  description: A pet.
                  required: [status]
                  properties:
                    status: { enum: [adopted] }
                    phase: { type: string }
              - target: $.components.schemas.Event.anyOf
                update: { $ref: '#/components/schemas/Other' }
            """));

        var pet = doc["components"]!["schemas"]!["Pet"]!;
        Assert.Equal("A pet.", pet["description"]!.GetValue<string>());
        Assert.Equal("""["name","status"]""", pet["required"]!.ToJsonString());
        Assert.Equal("""["available","sold","adopted"]""", pet["properties"]!["status"]!["enum"]!.ToJsonString());
        Assert.Equal("string", pet["properties"]!["status"]!["type"]!.GetValue<string>());
        Assert.Equal("string", pet["properties"]!["phase"]!["type"]!.GetValue<string>());
        Assert.Equal(2, doc["components"]!["schemas"]!["Event"]!["anyOf"]!.AsArray().Count);
        Assert.Equal([(1, 1), (1, 1)], result.Actions.Select(a => (a.Matched, a.Changed)));
        Assert.Equal(2, result.NodesChanged);
    }

    [Fact]
    public void Appending_a_value_the_list_already_has_changes_nothing_so_the_overlay_survives_an_upstream_fix()
    {
        var doc = Document();
        var overlay = Parse("""
            overlay: 1.0.0
            info: { title: t, version: '1' }
            actions:
              - target: $.components.schemas.Event.anyOf
                update: { $ref: '#/components/schemas/Pet' }
            """);
        var result = OverlayApplier.Apply(doc, overlay);
        Assert.Single(doc["components"]!["schemas"]!["Event"]!["anyOf"]!.AsArray());
        Assert.Equal((1, 0), (result.Actions[0].Matched, result.Actions[0].Changed));
    }

    [Fact]
    public void Remove_deletes_every_node_a_filter_selects()
    {
        var doc = Document();
        var result = OverlayApplier.Apply(doc, Parse("""
            overlay: 1.0.0
            info: { title: t, version: '1' }
            actions:
              - target: $.paths.*.get.parameters[?(@.x-internal == true)]
                remove: true
              - target: $.components.schemas.Pet.properties.status
                remove: true
            """));
        var parameters = doc["paths"]!["/pets"]!["get"]!["parameters"]!.AsArray();
        Assert.Equal("limit", Assert.Single(parameters)!["name"]!.GetValue<string>());
        Assert.False(doc["components"]!["schemas"]!["Pet"]!["properties"]!.AsObject().ContainsKey("status"));
        Assert.Equal(2, result.NodesChanged);
    }

    [Fact]
    public void A_target_that_matches_nothing_is_error_OAISPEC012_or_a_warning_when_allowed()
    {
        string spec = Temp("openapi.yaml", Spec);
        string overlay = Temp("overlay.yaml", """
            overlay: 1.0.0
            info: { title: t, version: '1' }
            actions:
              - target: $.components.schemas.Gone.properties
                description: the schema was renamed upstream
                update: { x: { type: string } }
            """);

        var strict = SpecPreparer.Prepare(spec, null, [overlay]);
        Assert.False(strict.Succeeded);
        var error = Assert.Single(strict.Findings, f => f.Severity == "error");
        Assert.Equal(SpecPreparer.OverlayTargetUnmatched, error.Id);
        Assert.Contains("$.components.schemas.Gone.properties", error.Message);
        Assert.Contains("the schema was renamed upstream", error.Message);

        var lenient = SpecPreparer.Prepare(spec, null, [overlay], allowUnmatchedTargets: true);
        Assert.True(lenient.Succeeded);
        Assert.Contains(lenient.Findings, f => f.Severity == "warning" && f.Id == SpecPreparer.OverlayTargetUnmatched);
    }

    [Fact]
    public void The_spec_tool_reports_each_overlay_and_records_it_in_the_prepared_JSON()
    {
        string spec = Temp("openapi.yaml", Spec);
        string overlay = Temp("overlay.yaml", """
            overlay: 1.0.0
            info: { title: t, version: '1' }
            actions:
              - target: $.components.schemas.Pet.properties
                update: { phase: { type: string, enum: [commentary, final_answer] } }
            """);
        var result = SpecPreparer.Prepare(spec, null, [overlay]);
        Assert.True(result.Succeeded);
        var applied = Assert.Single(result.Findings, f => f.Id == SpecPreparer.OverlayApplied);
        Assert.Equal($"applied overlay {overlay}: 1 actions, 1 nodes changed", applied.Message);
        using var json = JsonDocument.Parse(result.Json);
        var root = json.RootElement;
        Assert.Equal("final_answer", root.GetProperty("components").GetProperty("schemas").GetProperty("Pet").GetProperty("properties").GetProperty("phase").GetProperty("enum")[1].GetString());
        var recorded = root.GetProperty("x-generated-openai-source").GetProperty("overlays")[0];
        Assert.Equal("overlay.yaml", recorded.GetProperty("file").GetString());
        Assert.Equal(64, recorded.GetProperty("sha256").GetString()!.Length);
    }

    [Theory]
    [InlineData("actions: []", "no 'overlay' version")]
    [InlineData("overlay: 2.0.0\ninfo: { title: t, version: '1' }\nactions: [ { target: $, remove: true } ]", "'overlay: 2.0.0' is not supported")]
    [InlineData("overlay: 1.0.0\nactions: [ { target: $, remove: true } ]", "'info' with a 'title' and a 'version'")]
    [InlineData("overlay: 1.0.0\ninfo: { title: t, version: '1' }\nactions: []", "non-empty list")]
    [InlineData("overlay: 1.0.0\ninfo: { title: t, version: '1' }\nactions: [ { update: {} } ]", "actions[0] has no 'target'")]
    [InlineData("overlay: 1.0.0\ninfo: { title: t, version: '1' }\nactions: [ { target: '$.a' } ]", "neither 'update' nor 'remove: true'")]
    [InlineData("overlay: 1.0.0\ninfo: { title: t, version: '1' }\nactions: [ { target: '$.a', update: 3 } ]", "'update' must be an object")]
    [InlineData("overlay: 1.0.0\ninfo: { title: t, version: '1' }\nactions: [ { target: '$.a', remove: 'yes' } ]", "'remove' must be true or false")]
    [InlineData("overlay: 1.0.0\ninfo: { title: t, version: '1' }\nactions: [ { target: '$.a[?(@.b > 1)]', remove: true } ]", "actions[0]: invalid JSONPath")]
    [InlineData("overlay: 1.0.0\ninfo: [unclosed\n  - : :", "could not be read as YAML or JSON")]
    [InlineData("[1, 2]", "an overlay is an object")]
    public void A_malformed_overlay_is_error_OAISPEC011_naming_the_file_and_the_problem(string content, string reason)
    {
        string spec = Temp("openapi.yaml", Spec);
        string overlay = Temp("bad-overlay.yaml", content);
        var result = SpecPreparer.Prepare(spec, null, [overlay]);
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Findings);
        Assert.Equal(("error", SpecPreparer.OverlayUnusable), (error.Severity, error.Id));
        Assert.Contains(overlay, error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_missing_overlay_file_is_error_OAISPEC011()
    {
        var result = SpecPreparer.Prepare(Temp("openapi.yaml", Spec), null, ["/nowhere/overlay.yaml"]);
        Assert.False(result.Succeeded);
        Assert.Contains("'/nowhere/overlay.yaml': the file does not exist", Assert.Single(result.Findings).Message);
    }

    [Fact]
    public void The_repository_overlay_adds_phase_and_the_missing_server_event_to_the_pinned_spec()
    {
        var result = SpecPreparer.Prepare(RepositorySpecs.Pinned, null, [Path.Combine(RepositorySpecs.Repo, "spec/openai-overlay.yaml")]);
        Assert.True(result.Succeeded);
        Assert.Contains(result.Findings, f => f.Id == SpecPreparer.OverlayApplied && f.Message.EndsWith(": 2 actions, 2 nodes changed", System.StringComparison.Ordinal));
        var schemas = result.Document!["components"]!["schemas"]!;
        // phase reuses the spec's own MessagePhase (commentary | final_answer), the enum of Responses and Chat messages.
        Assert.Equal("#/components/schemas/MessagePhase", schemas["RealtimeConversationItemMessageAssistant"]!["properties"]!["phase"]!["$ref"]!.GetValue<string>());
        Assert.Equal("""["commentary","final_answer"]""", schemas["MessagePhase"]!["enum"]!.ToJsonString());
        var members = schemas["RealtimeServerEvent"]!["anyOf"]!.AsArray().Select(m => m!["$ref"]!.GetValue<string>()).ToList();
        Assert.Equal(46 + 1, members.Count);
        Assert.Equal("#/components/schemas/RealtimeServerEventTranscriptionSessionUpdated", members[^1]);
    }
}
