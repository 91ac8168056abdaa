using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Microsoft.OpenApi.YamlReader;
using SharpYaml.Serialization;

namespace Generated.OpenAI.SpecTool;

/// <summary>A finding about the spec file, in the vocabulary MSBuild prints (error/warning/message).</summary>
internal sealed record SpecFinding(string Severity, string Id, string Message);

/// <summary>The outcome of preparing one spec file.</summary>
internal sealed record SpecPreparation(bool Succeeded, string? Sha256, byte[]? Json, IReadOnlyList<SpecFinding> Findings);

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

    public static SpecPreparation Prepare(string path, string? expectedSha256)
    {
        var findings = new List<SpecFinding>();
        if (!File.Exists(path))
        {
            findings.Add(new("error", MissingFile,
                $"The OpenAPI spec was not found at '{path}'. The pinned spec is openai/openai-openapi's openapi.yaml; " +
                "put it at that path (the repository expects ../shared/spec/openai-openapi/<date>/openapi.yaml beside the " +
                "checkout) or build with -p:OpenApiSpecPath=<path to an openapi.yaml or openapi.json>."));
            return new(false, null, null, findings);
        }

        byte[] bytes = File.ReadAllBytes(path);
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.IsNullOrEmpty(expectedSha256) && !string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new("error", HashMismatch,
                $"The OpenAPI spec at '{path}' has SHA-256 {sha}, but the pin in spec/OpenApiSpec.props expects {expectedSha256.ToLowerInvariant()}. " +
                "Restore the pinned file from openai/openai-openapi, or run spec/update to move the pin to this file."));
            return new(false, sha, null, findings);
        }

        JsonNode? root;
        try
        {
            root = LooksLikeJson(bytes) ? JsonNode.Parse(bytes) : ReadYaml(bytes);
        }
        catch (Exception ex) when (ex is JsonException or SharpYaml.YamlException or InvalidOperationException or ArgumentException)
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

        // Microsoft.OpenApi's YAML converter stands a sentinel string in for YAML's null; JSON has a real one.
        RestoreNulls(obj);
        obj["x-generated-openai-source"] = new JsonObject
        {
            ["file"] = Path.GetFileName(path),
            ["sha256"] = sha,
        };

        var buffer = new MemoryStream(bytes.Length);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            obj.WriteTo(writer);
        }
        return new(true, sha, buffer.ToArray(), findings);
    }

    private const string NullSentinelPrefix = "openapi-json-null-sentinel-value-";

    private static void RestoreNulls(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                List<string>? nulls = null;
                foreach (var (key, value) in o)
                {
                    if (IsNullSentinel(value)) { (nulls ??= []).Add(key); }
                    else if (value is not null) { RestoreNulls(value); }
                }
                foreach (var key in nulls ?? []) { o[key] = null; }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    if (IsNullSentinel(a[i])) { a[i] = null; }
                    else if (a[i] is { } item) { RestoreNulls(item); }
                }
                break;
        }
    }

    private static bool IsNullSentinel(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().StartsWith(NullSentinelPrefix, StringComparison.Ordinal);

    private static bool LooksLikeJson(byte[] bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }
            return b == (byte)'{';
        }
        return false;
    }

    private static JsonNode ReadYaml(byte[] bytes)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8);
        stream.Load(reader);
        if (stream.Documents.Count != 1)
        {
            throw new InvalidOperationException($"expected one YAML document, found {stream.Documents.Count}.");
        }
        return YamlConverter.ToJsonNode(stream.Documents[0]);
    }
}
