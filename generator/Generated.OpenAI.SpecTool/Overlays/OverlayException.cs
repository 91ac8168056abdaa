using System;

namespace Generated.OpenAI.SpecTool.Overlays;

/// <summary>An overlay file that cannot be used: missing, unreadable, or not an OpenAPI Overlay 1.x document.</summary>
internal sealed class OverlayException(string path, string reason) : Exception($"overlay '{path}': {reason}")
{
    public string OverlayPath { get; } = path;
}
