using System;

namespace Generated.OpenAI.SpecTool;

/// <summary>A pin that cannot be written: a bad argument or a props file that does not have the pin's elements.</summary>
internal sealed class PinException(string message) : Exception(message);
