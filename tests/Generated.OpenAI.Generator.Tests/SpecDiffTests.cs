using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using Generated.OpenAI.SpecTool;
using Generated.OpenAI.SpecTool.Diff;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

/// <summary><c>openai-spec diff</c> on a hand-made pair of specs.</summary>
public class SpecDiffTests
{
    private const string Old = """
        openapi: 3.1.0
        info: { title: pets, version: '1' }
        paths:
          /pets:
            get:
              operationId: listPets
              parameters:
                - { name: limit, in: query }
        components:
          schemas:
            Pet:
              type: object
              required: [id]
              properties:
                id: { type: string }
                name: { type: string }
                status:
                  type: string
                  enum: [available, pending, sold]
        """;

    // One operation added, one property removed (Pet.name), one enum value removed (Pet.status 'sold').
    private const string New = """
        openapi: 3.1.0
        info: { title: pets, version: '2' }
        paths:
          /pets:
            get:
              operationId: listPets
              parameters:
                - { name: limit, in: query }
          /pets/{petId}/feed:
            post:
              operationId: feedPet
              parameters:
                - { name: petId, in: path, required: true }
        components:
          schemas:
            Pet:
              type: object
              required: [id]
              properties:
                id: { type: string }
                status:
                  type: string
                  enum: [available, pending]
        """;

    private static string Temp(string name, string content)
    {
        string dir = Path.Combine(Path.GetTempPath(), "oai-diff-tests", Path.GetRandomFileName());
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private static JsonObject Read(string yaml) => (JsonObject)SpecReader.Read(Encoding.UTF8.GetBytes(yaml))!;

    [Fact]
    public void An_added_operation_is_listed_and_a_removed_property_and_a_removed_enum_value_are_flagged_breaking()
    {
        var entries = SpecDiff.Compare(Read(Old), Read(New));
        string text = SpecDiffWriter.Write(new("old.yaml", "aa"), new("new.yaml", "bb"), [("spec/openai-overlay.yaml", 2)], entries);
        Assert.Equal(
            """
            openai-spec diff
            old: old.yaml (sha256 aa)
            new: new.yaml (sha256 bb)
            overlay: spec/openai-overlay.yaml (2 actions), applied to both
            summary: operations 1 added, 0 removed, 0 changed; schemas 0 added, 0 removed, 1 changed; 2 breaking changes

            operations added (1):
              + POST /pets/{petId}/feed feedPet

            schemas changed (1):
              ~ Pet: property 'name' removed  BREAKING
              ~ Pet.status: enum value 'sold' removed  BREAKING

            """.Replace("\r\n", "\n"),
            text);
    }

    [Fact]
    public void The_same_spec_twice_has_no_changes_and_the_reverse_diff_flags_the_new_requirements()
    {
        Assert.Empty(SpecDiff.Compare(Read(Old), Read(Old)));

        var reverse = SpecDiff.Compare(Read(New), Read(Old));
        Assert.Contains(reverse, e => e is { Section: DiffSection.Operation, Kind: DiffKind.Removed, Subject: "POST /pets/{petId}/feed", Breaking: true });
        Assert.Contains(reverse, e => e is { Subject: "Pet", Detail: "property 'name' added (string)", Breaking: false });
        Assert.Contains(reverse, e => e is { Subject: "Pet.status", Detail: "enum value 'sold' added", Breaking: false });
    }

    [Fact]
    public void Type_changes_new_required_properties_removed_schemas_and_union_members_are_breaking()
    {
        var before = Read("""
            openapi: 3.1.0
            info: { title: t, version: '1' }
            paths: {}
            components:
              schemas:
                A: { type: object, properties: { n: { type: integer }, tags: { type: array, items: { type: string } } } }
                B: { type: string }
                U: { anyOf: [ { $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' } ] }
            """);
        var after = Read("""
            openapi: 3.1.0
            info: { title: t, version: '1' }
            paths: {}
            components:
              schemas:
                A: { type: object, required: [n], properties: { n: { type: string }, tags: { type: array, items: { type: integer } } } }
                U: { anyOf: [ { $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/C' } ] }
                C: { type: string }
            """);
        var lines = SpecDiff.Compare(before, after).Select(e => string.Join(" ", new[] { $"{e.Kind} {e.Subject}:", e.Detail, e.Breaking ? "BREAKING" : "" }.Where(s => s.Length > 0))).ToList();
        Assert.Equal(
            [
                "Added C:",
                "Removed B: BREAKING",
                "Changed A: property 'n' is now required BREAKING",
                "Changed A.n: type changed: integer -> string BREAKING",
                "Changed A.tags[]: type changed: string -> integer BREAKING",
                "Changed U: anyOf member B removed BREAKING",
                "Changed U: anyOf member C added",
            ],
            lines);
    }

    [Fact]
    public void The_diff_applies_the_overlays_to_both_sides_and_a_missing_file_is_a_finding_not_a_crash()
    {
        string oldPath = Temp("old.yaml", Old), newPath = Temp("new.yaml", New);
        string overlay = Temp("overlay.yaml", """
            overlay: 1.0.0
            info: { title: t, version: '1' }
            actions:
              - target: $.components.schemas.Pet.properties
                update: { name: { type: string } }
            """);
        var before = SpecPreparer.Prepare(oldPath, null, [overlay], allowUnmatchedTargets: true);
        var after = SpecPreparer.Prepare(newPath, null, [overlay], allowUnmatchedTargets: true);
        var entries = SpecDiff.Compare(before.Document!, after.Document!);
        Assert.DoesNotContain(entries, e => e.Detail.Contains("'name'"));
        Assert.Contains(entries, e => e.Detail == "enum value 'sold' removed");

        var missing = SpecPreparer.Prepare("/nowhere/new.yaml", null, [overlay], allowUnmatchedTargets: true);
        Assert.False(missing.Succeeded);
        Assert.Equal(SpecPreparer.MissingFile, Assert.Single(missing.Findings).Id);
    }
}
