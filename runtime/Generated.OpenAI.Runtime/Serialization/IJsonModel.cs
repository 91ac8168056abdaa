using System.Text.Json;

namespace Generated.OpenAI.Serialization;

/// <summary>
/// A type whose JSON reading and writing the generator emitted: no reflection, safe under trimming and AOT.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IJsonModel<TSelf> where TSelf : IJsonModel<TSelf>
{
    /// <summary>
    /// Reads one value. On entry the reader is on the value's first token; on return, on its last token
    /// (the contract of <see cref="System.Text.Json.Serialization.JsonConverter{T}.Read"/>).
    /// </summary>
    /// <exception cref="JsonException">The JSON does not have the shape of <typeparamref name="TSelf"/>.</exception>
    static abstract TSelf ReadJson(ref Utf8JsonReader reader);

    /// <summary>Writes this value, including any properties it was read with that the spec does not know.</summary>
    void WriteJson(Utf8JsonWriter writer);
}
