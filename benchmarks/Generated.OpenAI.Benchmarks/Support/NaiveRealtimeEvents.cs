using System.Text.Json.Serialization;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>The naive client model of <c>input_audio_buffer.append</c>: the audio as a base64 string property.</summary>
internal sealed record NaiveAudioAppendEvent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("audio")] string Audio);

/// <summary>Source-generated System.Text.Json metadata for the naive models (no reflection at run time).</summary>
[JsonSerializable(typeof(NaiveAudioAppendEvent))]
internal sealed partial class NaiveRealtimeJsonContext : JsonSerializerContext
{
}
