using System;

namespace Generated.OpenAI.SpecTool.Overlays;

/// <summary>A JSONPath expression that could not be parsed; <see cref="Position"/> is where (0-based).</summary>
internal sealed class JsonPathException(string expression, int position, string reason)
    : Exception($"invalid JSONPath '{expression}' at position {position}: {reason}")
{
    public string Expression { get; } = expression;
    public int Position { get; } = position;
}
