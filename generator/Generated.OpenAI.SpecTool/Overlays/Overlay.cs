using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Generated.OpenAI.SpecTool.Overlays;

/// <summary>
/// An OpenAPI Overlay 1.0 document (<c>overlay: 1.0.0</c>, <c>info</c>, <c>actions</c>), YAML or JSON.
/// <see cref="Load"/> validates it whole, JSONPaths included, before any action runs.
/// </summary>
internal sealed record Overlay(string Path, string Sha256, string Title, string Version, IReadOnlyList<OverlayAction> Actions)
{
    public static Overlay Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new OverlayException(path, "the file does not exist.");
        }
        byte[] bytes = File.ReadAllBytes(path);
        JsonNode? root;
        try
        {
            root = SpecReader.Read(bytes);
        }
        catch (Exception ex) when (SpecReader.IsReadError(ex))
        {
            throw new OverlayException(path, $"could not be read as YAML or JSON: {ex.Message}");
        }
        return Parse(path, Convert.ToHexStringLower(SHA256.HashData(bytes)), root);
    }

    public static Overlay Parse(string path, string sha256, JsonNode? root)
    {
        if (root is not JsonObject o)
        {
            throw new OverlayException(path, "an overlay is an object with 'overlay', 'info' and 'actions'.");
        }
        string version = String(o, "overlay") ?? throw new OverlayException(path, "it has no 'overlay' version string (expected 'overlay: 1.0.0').");
        if (!version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new OverlayException(path, $"'overlay: {version}' is not supported; this tool applies OpenAPI Overlay 1.x.");
        }
        if (o["info"] is not JsonObject info || String(info, "title") is not { } title || String(info, "version") is not { } infoVersion)
        {
            throw new OverlayException(path, "'info' with a 'title' and a 'version' is required.");
        }
        if (o["actions"] is not JsonArray actions || actions.Count == 0)
        {
            throw new OverlayException(path, "'actions' must be a non-empty list.");
        }

        var list = new List<OverlayAction>(actions.Count);
        for (int i = 0; i < actions.Count; i++)
        {
            string where = $"actions[{i}]";
            if (actions[i] is not JsonObject action)
            {
                throw new OverlayException(path, $"{where} is not an object.");
            }
            string target = String(action, "target") ?? throw new OverlayException(path, $"{where} has no 'target' (a JSONPath string).");
            JsonPath jsonPath;
            try
            {
                jsonPath = JsonPath.Parse(target);
            }
            catch (JsonPathException ex)
            {
                throw new OverlayException(path, $"{where}: {ex.Message}");
            }
            bool remove = false;
            if (action["remove"] is { } removeNode)
            {
                if (removeNode.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw new OverlayException(path, $"{where}: 'remove' must be true or false.");
                }
                remove = removeNode.GetValue<bool>();
            }
            bool hasUpdate = action.TryGetPropertyValue("update", out var update);
            if (!remove && !hasUpdate)
            {
                throw new OverlayException(path, $"{where} ({target}) has neither 'update' nor 'remove: true'.");
            }
            if (hasUpdate && !remove && update is not (JsonObject or JsonArray))
            {
                throw new OverlayException(path, $"{where} ({target}): 'update' must be an object (merged) or a list (appended).");
            }
            list.Add(new(jsonPath, String(action, "description"), remove ? null : update?.DeepClone(), remove));
        }
        return new Overlay(path, sha256, title, infoVersion, list);
    }

    private static string? String(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
