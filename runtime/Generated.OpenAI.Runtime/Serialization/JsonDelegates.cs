using System.Text.Json;

namespace Generated.OpenAI.Serialization;

/// <summary>Reads one value; used by generated code for list and map elements.</summary>
public delegate T JsonReadFunc<T>(ref Utf8JsonReader reader);

/// <summary>Writes one value; used by generated code for list and map elements.</summary>
public delegate void JsonWriteAction<T>(Utf8JsonWriter writer, T value);

/// <summary>
/// Reads one value if it is one the spec lists (a closed enum's spelling, or a list or map of them); <c>false</c>
/// otherwise, leaving the reader anywhere inside the value: the caller rewinds to a copy it kept.
/// </summary>
public delegate bool JsonTryReadFunc<T>(ref Utf8JsonReader reader, out T value);
