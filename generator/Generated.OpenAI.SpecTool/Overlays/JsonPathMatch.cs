using System.Text.Json.Nodes;

namespace Generated.OpenAI.SpecTool.Overlays;

/// <summary>One node a JSONPath selected, with the container that holds it (null for the root).</summary>
internal readonly record struct JsonPathMatch(JsonNode? Node, JsonNode? Parent, string? Name, int Index, string Location);
