using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Generated.OpenAI.Serialization;

/// <summary>Lets <see cref="JsonSerializer"/> use the generated reader and writer of <typeparamref name="T"/>.</summary>
/// <typeparam name="T">A generated model type.</typeparam>
public sealed class JsonModelConverter<T> : JsonConverter<T> where T : IJsonModel<T>
{
    /// <inheritdoc />
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => T.ReadJson(ref reader);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => value.WriteJson(writer);
}
