using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Generated.OpenAI.SpecTool.Overlays;

namespace Generated.OpenAI.SpecTool;

/// <summary>A finding about the spec file, in the vocabulary MSBuild prints (error/warning/message).</summary>
internal sealed record SpecFinding(string Severity, string Id, string Message);

/// <summary>The outcome of preparing one spec file.</summary>
internal sealed record SpecPreparation(bool Succeeded, string? Sha256, byte[]? Json, IReadOnlyList<SpecFinding> Findings)
{
    /// <summary>The overlaid document, for the diff (it carries the <c>x-generated-openai-source</c> record too).</summary>
    public JsonObject? Document { get; init; }

    /// <summary>The overlays applied, in order.</summary>
    public IReadOnlyList<OverlayResult> Overlays { get; init; } = [];
}

/// <summary>
/// Reads an OpenAPI document (YAML or JSON), checks the pin, validates it with Microsoft.OpenApi and
/// produces the compact JSON the source generator consumes. Pure: no console, no files written.
/// </summary>
internal static class SpecPreparer
{
    public const string MissingFile = "OAISPEC001";
    public const string HashMismatch = "OAISPEC002";
    public const string Unreadable = "OAISPEC003";
    public const string NotOpenApi31 = "OAISPEC004";
    public const string ValidationFinding = "OAISPEC100";
    public const string OverlayApplied = "OAISPEC010";
    public const string OverlayUnusable = "OAISPEC011";
    public const string OverlayTargetUnmatched = "OAISPEC012";

    /// <summary>
    /// Prepares <paramref name="path"/>, with <paramref name="overlays"/> applied in order after it is read and
    /// before it is validated. An overlay action whose target matches nothing is an error (the overlay no longer
    /// fits the spec: a gap it fills may have moved), or a warning with <paramref name="allowUnmatchedTargets"/>.
    /// </summary>
    public static SpecPreparation Prepare(string path, string? expectedSha256, IReadOnlyList<string>? overlays = null, bool allowUnmatchedTargets = false)
    {
        var findings = new List<SpecFinding>();
        if (!File.Exists(path))
        {
            findings.Add(new("error", MissingFile,
                $"The OpenAPI spec was not found at '{path}'. The pinned spec is openai/openai-openapi's openapi.yaml; " +
                "put it at that path (the repository commits it as spec/openai-openapi/<date>/openapi.yaml) " +
                "or build with -p:OpenApiSpecPath=<path to an openapi.yaml or openapi.json>."));
            return new(false, null, null, findings);
        }

        byte[] bytes = File.ReadAllBytes(path);
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.IsNullOrEmpty(expectedSha256) && !string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new("error", HashMismatch,
                $"The OpenAPI spec at '{path}' has SHA-256 {sha}, but the pin in spec/OpenApiSpec.props expects {expectedSha256.ToLowerInvariant()}. " +
                "Restore the pinned file from openai/openai-openapi, or run spec/update.sh to move the pin to this file."));
            return new(false, sha, null, findings);
        }

        JsonNode? root;
        try
        {
            root = SpecReader.Read(bytes);
        }
        catch (Exception ex) when (SpecReader.IsReadError(ex))
        {
            findings.Add(new("error", Unreadable, $"The OpenAPI spec at '{path}' could not be read: {ex.Message}"));
            return new(false, sha, null, findings);
        }

        if (root is not JsonObject obj || obj["openapi"]?.GetValueKind() != JsonValueKind.String)
        {
            findings.Add(new("error", NotOpenApi31, $"'{path}' is not an OpenAPI document: it has no top-level 'openapi' version string."));
            return new(false, sha, null, findings);
        }

        string version = obj["openapi"]!.GetValue<string>();
        if (!version.StartsWith("3.1", StringComparison.Ordinal))
        {
            findings.Add(new("warning", NotOpenApi31, $"'{path}' declares OpenAPI {version}; the generator is built for 3.1 and reads it as such."));
        }

        var applied = new List<OverlayResult>();
        foreach (string overlayPath in overlays ?? [])
        {
            OverlayResult applying;
            try
            {
                applying = OverlayApplier.Apply(obj, Overlay.Load(overlayPath));
            }
            catch (OverlayException ex)
            {
                findings.Add(new("error", OverlayUnusable, ex.Message));
                return new(false, sha, null, findings);
            }
            applied.Add(applying);
            foreach (var action in applying.Actions)
            {
                if (action.Matched == 0)
                {
                    findings.Add(new(allowUnmatchedTargets ? "warning" : "error", OverlayTargetUnmatched,
                        $"overlay '{overlayPath}': the target {action.Action.Target.Expression} ({action.Action.Description ?? "no description"}) matches nothing in '{Path.GetFileName(path)}'. " +
                        "Fix or remove the action, or pass --allow-unmatched-targets (MSBuild: -p:OpenApiOverlayAllowUnmatchedTargets=true)."));
                }
            }
            int unchanged = applying.Actions.Count(a => a.Matched > 0 && a.Changed == 0);
            findings.Add(new("message", OverlayApplied,
                $"applied overlay {overlayPath}: {applying.Actions.Count} actions, {applying.NodesChanged} nodes changed" +
                (unchanged > 0 ? $" ({unchanged} actions found their change already there)" : "")));
        }
        if (findings.Any(f => f.Severity == "error"))
        {
            return new(false, sha, null, findings) { Overlays = applied };
        }

        // Microsoft.OpenApi validates the same tree the generator will read. Its findings are reported,
        // never fatal: the published spec breaks a discriminator rule that the generator handles.
        var settings = new OpenApiReaderSettings();
        var result = new OpenApiJsonReader().Read(obj, new Uri("file:///" + Path.GetFileName(path)), settings);
        foreach (var e in result.Diagnostic?.Errors ?? [])
        {
            findings.Add(new("message", ValidationFinding, $"spec validation: {e.Message} at {e.Pointer}"));
        }
        foreach (var w in result.Diagnostic?.Warnings ?? [])
        {
            findings.Add(new("message", ValidationFinding, $"spec validation: {w.Message} at {w.Pointer}"));
        }

        var source = new JsonObject
        {
            ["file"] = Path.GetFileName(path),
            ["sha256"] = sha,
        };
        if (applied.Count > 0)
        {
            source["overlays"] = new JsonArray(applied.Select(a => (JsonNode)new JsonObject
            {
                ["file"] = Path.GetFileName(a.Overlay.Path),
                ["sha256"] = a.Overlay.Sha256,
                ["actions"] = a.Actions.Count,
                ["changed"] = a.NodesChanged,
            }).ToArray());
        }
        obj["x-generated-openai-source"] = source;

        var buffer = new MemoryStream(bytes.Length);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            obj.WriteTo(writer);
        }
        return new(true, sha, buffer.ToArray(), findings) { Document = obj, Overlays = applied };
    }
}
