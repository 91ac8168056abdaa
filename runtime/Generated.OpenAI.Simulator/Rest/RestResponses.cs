using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace Generated.OpenAI.Simulator;

/// <summary>Builds the answer of an operation from the spec's own examples.</summary>
internal static class RestResponses
{
    private static readonly byte[] s_done = "data: [DONE]\n\n"u8.ToArray();

    public static RestResponseBody NonStreaming(SpecCatalog catalog, SpecOperation operation, string? responseFormat)
    {
        string? example = null;
        foreach ((string? title, string? response) in operation.Examples)
        {
            if (response is not null && !SpecCatalog.IsSse(response) && !(title?.Contains("Stream", StringComparison.OrdinalIgnoreCase) ?? false))
            {
                example = response;
                break;
            }
        }

        string? declared = operation.SuccessContentTypes.Count > 0 ? operation.SuccessContentTypes[0] : null;

        if (operation.PathTemplate == "/audio/speech")
        {
            byte[] pcm = SampleAudio.CreatePcm16(TimeSpan.FromSeconds(1));
            return responseFormat switch
            {
                "pcm" => new RestResponseBody("audio/pcm", pcm),
                "wav" => new RestResponseBody("audio/wav", SampleAudio.ToWav(pcm)),
                // The simulator has no MP3/Opus/AAC/FLAC encoder: those formats get WAV bytes under the right media type.
                "opus" => new RestResponseBody("audio/opus", SampleAudio.ToWav(pcm)),
                "aac" => new RestResponseBody("audio/aac", SampleAudio.ToWav(pcm)),
                "flac" => new RestResponseBody("audio/flac", SampleAudio.ToWav(pcm)),
                _ => new RestResponseBody("audio/mpeg", SampleAudio.ToWav(pcm)),
            };
        }

        if (operation.PathTemplate == "/audio/transcriptions" || operation.PathTemplate == "/audio/translations")
        {
            if (responseFormat is "text" or "srt" or "vtt")
            {
                string text = "Simulated transcript.";
                if (LenientJson.TryNormalize(example, out byte[] parsed))
                {
                    using JsonDocument doc = JsonDocument.Parse(parsed);
                    if (doc.RootElement.TryGetProperty("text", out JsonElement t) && t.GetString() is { } s)
                    {
                        text = s;
                    }
                }

                string body = responseFormat switch
                {
                    "srt" => $"1\n00:00:00,000 --> 00:00:05,000\n{text}\n\n",
                    "vtt" => $"WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n{text}\n\n",
                    _ => text + "\n",
                };
                return new RestResponseBody("text/plain; charset=utf-8", Encoding.UTF8.GetBytes(body));
            }
        }

        switch (declared)
        {
            case null:
            case "application/json":
                if (LenientJson.TryNormalize(example, out byte[] json))
                {
                    return new RestResponseBody("application/json", json);
                }

                if (operation.SuccessSchema is { } schema)
                {
                    JsonElement resolved = catalog.Resolve(schema);
                    if (resolved.TryGetProperty("type", out JsonElement type) && type.GetString() == "string")
                    {
                        // File downloads are declared as a JSON string but are raw bytes on the wire.
                        byte[] raw = Encoding.UTF8.GetBytes(string.IsNullOrEmpty(example) ? "simulated file content\n" : example);
                        return new RestResponseBody("application/octet-stream", raw);
                    }

                    return new RestResponseBody("application/json", SchemaSynthesizer.Synthesize(catalog, schema));
                }

                if (declared is null)
                {
                    // No declared content: an empty example is an empty body; a non-JSON one (file content) is raw bytes.
                    return string.IsNullOrWhiteSpace(example)
                        ? new RestResponseBody(null, [])
                        : new RestResponseBody("application/octet-stream", Encoding.UTF8.GetBytes(example));
                }

                return new RestResponseBody("application/json", "{}"u8.ToArray());
            case "application/sdp":
                return new RestResponseBody("application/sdp", Encoding.UTF8.GetBytes((example ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal)));
            case "application/zip":
                // The smallest valid ZIP archive: an empty end-of-central-directory record.
                return new RestResponseBody("application/zip", [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            default:
                return new RestResponseBody(declared, Encoding.UTF8.GetBytes($"SIMULATED {operation.OperationId} {declared}\n"));
        }
    }

    public static RestResponseBody Streaming(SpecCatalog catalog, SpecOperation operation)
    {
        bool endsWithDone = operation.PathTemplate is "/chat/completions" or "/completions";
        foreach ((string? _, string? response) in operation.Examples)
        {
            if (response is not null && SpecCatalog.IsSse(response))
            {
                var events = new List<byte[]>();
                foreach (string block in response.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!string.IsNullOrWhiteSpace(block))
                    {
                        events.Add(Encoding.UTF8.GetBytes(block.Trim('\n') + "\n\n"));
                    }
                }

                if (endsWithDone && !response.Contains("[DONE]", StringComparison.Ordinal))
                {
                    events.Add(s_done);
                }

                return new RestResponseBody("text/event-stream", [], events);
            }
        }

        if (operation.PathTemplate == "/audio/speech")
        {
            return SpeechEvents();
        }

        foreach ((string? title, string? response) in operation.Examples)
        {
            if (response is not null && (title?.Contains("Stream", StringComparison.OrdinalIgnoreCase) ?? false)
                && LenientJson.TryNormalizeSequence(response, out byte[][] values))
            {
                var events = new List<byte[]>();
                foreach (byte[] value in values)
                {
                    events.Add(DataEvent(value));
                }

                events.Add(s_done);
                return new RestResponseBody("text/event-stream", [], events);
            }
        }

        RestResponseBody single = NonStreaming(catalog, operation, null);
        return new RestResponseBody("text/event-stream", [], [DataEvent(single.Body), s_done]);
    }

    private static RestResponseBody SpeechEvents()
    {
        byte[] pcm = SampleAudio.CreatePcm16(TimeSpan.FromSeconds(1));
        var events = new List<byte[]>();
        const int Chunk = SampleAudio.BytesPer100Milliseconds;
        for (int offset = 0; offset < pcm.Length; offset += Chunk)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, LenientJson.WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("type", "speech.audio.delta");
                writer.WriteBase64String("audio", pcm.AsSpan(offset, Math.Min(Chunk, pcm.Length - offset)));
                writer.WriteEndObject();
            }

            events.Add(DataEvent(buffer.WrittenSpan.ToArray(), "speech.audio.delta"));
        }

        events.Add(DataEvent("""{"type":"speech.audio.done","usage":{"input_tokens":14,"output_tokens":101,"total_tokens":115}}"""u8.ToArray(), "speech.audio.done"));
        return new RestResponseBody("text/event-stream", [], events);
    }

    private static byte[] DataEvent(byte[] json, string? eventName = null)
    {
        string prefix = eventName is null ? "data: " : $"event: {eventName}\ndata: ";
        byte[] result = new byte[Encoding.UTF8.GetByteCount(prefix) + json.Length + 2];
        int written = Encoding.UTF8.GetBytes(prefix, result);
        json.CopyTo(result, written);
        result[^2] = (byte)'\n';
        result[^1] = (byte)'\n';
        return result;
    }
}
