using System.Text.Json;

namespace Generated.OpenAI.Serialization;

/// <summary>Reads one value; used by generated code for list and map elements.</summary>
public delegate T JsonReadFunc<T>(ref Utf8JsonReader reader);

/// <summary>Writes one value; used by generated code for list and map elements.</summary>
public delegate void JsonWriteAction<T>(Utf8JsonWriter writer, T value);
