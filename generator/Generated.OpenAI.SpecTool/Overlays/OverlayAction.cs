using System.Text.Json.Nodes;

namespace Generated.OpenAI.SpecTool.Overlays;

/// <summary>One action of an overlay: a JSONPath target and either an update to merge or a removal.</summary>
internal sealed record OverlayAction(JsonPath Target, string? Description, JsonNode? Update, bool Remove);
