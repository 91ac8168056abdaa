using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using Generated.OpenAI.Generator.Tests;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.SpecTool;

namespace Generated.OpenAI.Tests.NewerSpec;

/// <summary>
/// The SDK as the generator makes it from openai/openai-openapi db3e531 (2026-07-16), a spec newer than the pin: the
/// YAML prepared as the build prepares it (the spec tool, with spec/openai-overlay.yaml), the generator run in-process,
/// its output compiled with Roslyn and loaded in a collectible context. Built once per test run, on first use.
/// </summary>
internal static class NewerSpecSdk
{
    /// <summary>The checkout (the test assembly runs from tests/&lt;project&gt;/bin/&lt;configuration&gt;/&lt;tfm&gt;/).</summary>
    private static readonly string s_repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../"));

    public const string Sha256 = "0bf136e5f8e135a04f4b4bda93c13e75d83e98954da48ccb1e3b4b080b47b068";

    private static readonly Lazy<(JsonDocument Spec, Assembly Sdk, TimeSpan Elapsed)> s_built = new(Build);

    /// <summary>The prepared spec (compact JSON, overlay applied).</summary>
    public static JsonElement Root => s_built.Value.Spec.RootElement;

    /// <summary>The SDK compiled from it.</summary>
    public static Assembly Sdk => s_built.Value.Sdk;

    /// <summary>How long preparing, generating and compiling took.</summary>
    public static TimeSpan Elapsed => s_built.Value.Elapsed;

    /// <summary>The generated schema catalog of the compiled SDK, by schema name.</summary>
    public static Dictionary<string, SchemaCatalogEntry> Catalog() =>
        ((IEnumerable<SchemaCatalogEntry>)Sdk.GetType("Generated.OpenAI.Models.OpenApiSchemaCatalog", throwOnError: true)!
            .GetProperty("Schemas")!.GetValue(null)!).ToDictionary(e => e.SchemaName, StringComparer.Ordinal);

    private static (JsonDocument, Assembly, TimeSpan) Build()
    {
        var stopwatch = Stopwatch.StartNew();
        string yaml = Path.Combine(s_repo, "spec", "openai-openapi", "2026-07-16", "openapi.yaml");
        var prepared = SpecPreparer.Prepare(yaml, Sha256, [Path.Combine(s_repo, "spec", "openai-overlay.yaml")]);
        if (!prepared.Succeeded)
        {
            throw new InvalidOperationException("The 2026-07-16 spec was not prepared: " + string.Join("; ", prepared.Findings.Select(f => $"{f.Id} {f.Message}")));
        }
        string json = System.Text.Encoding.UTF8.GetString(prepared.Json!);
        // With the repository's names file, as the SDK's build and the generator package give it: an entry that the
        // newer spec no longer matches would be warning OAIGEN004, and the names would drift from the pinned SDK's.
        Assembly sdk = GeneratorHarness.CompileAndLoad(json, "Generated.OpenAI.Models", [GeneratorHarness.RealNames], out var diagnostics);
        if (diagnostics.FirstOrDefault(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning && d.Id == "OAIGEN004") is { } stale)
        {
            throw new InvalidOperationException("The names file does not fit the 2026-07-16 spec: " + stale.GetMessage());
        }
        return (JsonDocument.Parse(json), sdk, stopwatch.Elapsed);
    }
}
