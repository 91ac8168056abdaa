using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Tests;

/// <summary>
/// OpenAI's own examples — every schema's <c>x-oaiMeta.example</c> and every JSON request and response example
/// of the operations — read into their generated types and written back to semantically equal JSON.
/// </summary>
public class ExampleRoundTripTests
{
    private readonly ITestOutputHelper _output;

    public ExampleRoundTripTests(ITestOutputHelper output) => _output = output;

    private sealed record Example(string Name, string SchemaName, string? Json, string? SkipReason);

    [Fact]
    public void Every_example_in_the_spec_round_trips_through_its_generated_type()
    {
        var catalog = OpenApiSchemaCatalog.Schemas.ToDictionary(e => e.SchemaName, StringComparer.Ordinal);
        var (passed, total, skipped, failures) = RoundTrip(SpecDocument.Root, catalog, "");

        Assert.True(total > 400, $"only {total} examples found");
        if (PinnedSpec.IsBuilt)
        {
            // Measured on the pinned spec; another spec (a pin being moved) has its own counts.
            Assert.Equal((PinnedSpec.Examples, PinnedSpec.SkippedExamples), (total, skipped));
        }
        Assert.Empty(failures);
        Assert.Equal(total, passed);
    }

    [Fact]
    public void Every_example_in_the_2026_07_16_spec_round_trips_through_the_type_generated_from_it()
    {
        var (passed, total, _, failures) = RoundTrip(NewerSpec.NewerSpecSdk.Root, NewerSpec.NewerSpecSdk.Catalog(), "2026-07-16: ");

        Assert.True(total > 400, $"only {total} examples found");
        Assert.Empty(failures);
        Assert.Equal(total, passed);
    }

    /// <summary>Reads and writes every JSON example of <paramref name="spec"/> through the catalog's types; prints "N of N".</summary>
    private (int Passed, int Total, int Skipped, List<string> Failures) RoundTrip(JsonElement spec, Dictionary<string, SchemaCatalogEntry> catalog, string label)
    {
        var schemas = spec.GetProperty("components").GetProperty("schemas");
        var examples = SchemaExamples(schemas).Concat(OperationExamples(spec)).ToList();

        var failures = new List<string>();
        var skipped = new List<string>();
        int passed = 0;
        foreach (var example in examples)
        {
            if (example.SkipReason is not null)
            {
                skipped.Add($"{example.Name}: {example.SkipReason}");
                continue;
            }
            if (!catalog.TryGetValue(example.SchemaName, out var entry))
            {
                failures.Add($"{example.Name}: schema {example.SchemaName} has no generated type");
                continue;
            }
            try
            {
                byte[] input = Encoding.UTF8.GetBytes(example.Json!);
                object value = entry.Read(input);
                byte[] output = entry.Write(value);
                using var expected = JsonDocument.Parse(input);
                using var actual = JsonDocument.Parse(output);
                if (SpecDocument.JsonEquals(expected.RootElement, actual.RootElement, out string difference))
                {
                    passed++;
                }
                else
                {
                    failures.Add($"{example.Name} ({example.SchemaName}): {difference}");
                }
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
            {
                failures.Add($"{example.Name} ({example.SchemaName}): {ex.GetType().Name}: {ex.Message}");
            }
        }

        int total = examples.Count - skipped.Count;
        _output.WriteLine($"{label}{passed} of {total} examples round-trip ({skipped.Count} skipped, not valid JSON in the spec or not JSON):");
        foreach (string s in skipped) { _output.WriteLine("  skipped " + s); }
        foreach (string f in failures) { _output.WriteLine("  FAILED " + f); }
        Console.WriteLine($"{label}{passed} of {total} examples round-trip");
        return (passed, total, skipped.Count, failures);
    }

    private static IEnumerable<Example> SchemaExamples(JsonElement schemas)
    {
        foreach (var schema in schemas.EnumerateObject())
        {
            if (!schema.Value.TryGetProperty("x-oaiMeta", out var meta) || !meta.TryGetProperty("example", out var example))
            {
                continue;
            }
            string name = "schema " + schema.Name;
            string? json = example.ValueKind == JsonValueKind.String ? example.GetString() : example.GetRawText();
            yield return Classify(name, ResolveAlias(schemas, schema.Name), json);
        }
    }

    private static IEnumerable<Example> OperationExamples(JsonElement spec)
    {
        var schemas = spec.GetProperty("components").GetProperty("schemas");
        foreach (var path in spec.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                if (op.Value.ValueKind != JsonValueKind.Object || !op.Value.TryGetProperty("x-oaiMeta", out var meta) || !meta.TryGetProperty("examples", out var examples))
                {
                    continue;
                }
                string opName = $"{op.Name.ToUpperInvariant()} {path.Name}";
                string? requestSchema = JsonSchemaOf(schemas, op.Value, "requestBody");
                string? responseSchema = ResponseSchemaOf(schemas, op.Value);
                var list = examples.ValueKind == JsonValueKind.Array ? examples.EnumerateArray().ToList() : new List<JsonElement> { examples };
                for (int i = 0; i < list.Count; i++)
                {
                    var ex = list[i];
                    string label = list.Count > 1 ? $"{opName} #{i + 1}" : opName;
                    if (requestSchema is not null && ex.TryGetProperty("request", out var request) && request.TryGetProperty("curl", out var curl)
                        && CurlBody(curl.GetString()!) is { } body)
                    {
                        yield return Classify(label + " request", requestSchema, body);
                    }
                    if (responseSchema is not null && ex.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.String)
                    {
                        yield return Classify(label + " response", responseSchema, response.GetString());
                    }
                }
            }
        }
    }

    private static Example Classify(string name, string schemaName, string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new Example(name, schemaName, null, "empty example");
        }
        string trimmed = json.TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '['))
        {
            return new Example(name, schemaName, null, "not JSON (" + Shorten(trimmed) + ")");
        }
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return new Example(name, schemaName, null, "not valid JSON in the spec: " + ex.Message.Split('.')[0]);
        }
        return new Example(name, schemaName, json, null);
    }

    private static string Shorten(string s) => s.Length <= 30 ? s.Replace('\n', ' ') : s[..30].Replace('\n', ' ') + "...";

    private static string? JsonSchemaOf(JsonElement schemas, JsonElement operation, string property) =>
        operation.TryGetProperty(property, out var body) && body.TryGetProperty("content", out var content)
            && content.TryGetProperty("application/json", out var json) && json.TryGetProperty("schema", out var schema)
            && schema.TryGetProperty("$ref", out var reference)
                ? ResolveAlias(schemas, reference.GetString()!.Split('/').Last())
                : null;

    private static string? ResponseSchemaOf(JsonElement schemas, JsonElement operation)
    {
        if (!operation.TryGetProperty("responses", out var responses))
        {
            return null;
        }
        foreach (var r in responses.EnumerateObject())
        {
            if (r.Name.StartsWith('2'))
            {
                return JsonSchemaOf(schemas, responses, r.Name);
            }
        }
        return null;
    }

    /// <summary>A schema that is only a <c>$ref</c> (or <c>allOf</c> of one) stands for the schema it names.</summary>
    private static string ResolveAlias(JsonElement schemas, string schemaName)
    {
        for (int i = 0; i < 8; i++)
        {
            var schema = schemas.GetProperty(schemaName);
            string? next = null;
            if (schema.TryGetProperty("$ref", out var r)) { next = r.GetString(); }
            else if (schema.TryGetProperty("allOf", out var all) && all.GetArrayLength() == 1 && !schema.TryGetProperty("properties", out _)
                && all[0].TryGetProperty("$ref", out var r2)) { next = r2.GetString(); }
            if (next is null) { return schemaName; }
            schemaName = next.Split('/').Last();
        }
        return schemaName;
    }

    /// <summary>The JSON body of a curl example (<c>-d '…'</c>), or null.</summary>
    private static string? CurlBody(string curl)
    {
        int d = curl.IndexOf("-d '", StringComparison.Ordinal);
        if (d < 0)
        {
            d = curl.IndexOf("--data '", StringComparison.Ordinal);
            if (d < 0) { return null; }
            d += 4;
        }
        int start = d + 4;
        int end = curl.IndexOf('\'', start);
        return end < 0 ? null : curl[start..end];
    }
}
