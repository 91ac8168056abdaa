using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;
using Generated.OpenAI.Tests.Rest;
using Microsoft.Extensions.AI;
using Xunit;

namespace Generated.OpenAI.Extensions.AI.Tests;

/// <summary>Embeddings, speech to text, text to speech and images round-tripped through the MEAI interfaces against the simulator.</summary>
public sealed class MediaClientTests
{
    private static JsonElement Body(RecordedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    [Fact]
    public async Task Embeddings_come_back_one_per_input_with_the_asked_dimensions_and_usage()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IEmbeddingGenerator<string, Embedding<float>> generator = sim.Client.AsIEmbeddingGenerator("text-embedding-3-small");

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(["red", "green", "red"], new EmbeddingGenerationOptions { Dimensions = 16 });

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal((16, "text-embedding-3-small"), (e.Vector.Length, e.ModelId)));
        Assert.Equal(embeddings[0].Vector.ToArray(), embeddings[2].Vector.ToArray());
        Assert.NotEqual(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
        Assert.Equal(1.0, Math.Sqrt(embeddings[1].Vector.ToArray().Sum(v => (double)v * v)), 3);
        Assert.Equal(3, embeddings.Usage!.InputTokenCount);
        JsonElement sent = Body(sim.Rest.Requests.Single());
        Assert.Equal((16, "float"), (sent.GetProperty("dimensions").GetInt32(), sent.GetProperty("encoding_format").GetString()));
        Assert.Same(sim.Client, generator.GetService<OpenAIClient>());
    }

    [Fact]
    public async Task More_inputs_than_one_request_takes_are_split_in_batches_of_2048_and_come_back_in_order()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IEmbeddingGenerator<string, Embedding<float>> generator = sim.Client.AsIEmbeddingGenerator("text-embedding-3-small");
        string[] inputs = Enumerable.Range(0, 2049).Select(i => $"text {i}").ToArray();

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(inputs);
        Embedding<float> last = await generator.GenerateAsync(inputs[^1]);

        Assert.Equal([2048, 1], sim.Rest.Requests.Take(2).Select(r => Body(r).GetProperty("input").GetArrayLength()));
        Assert.Equal(2049, embeddings.Count);
        Assert.Equal(last.Vector.ToArray(), embeddings[^1].Vector.ToArray());
        Assert.Equal(2049 * 2, embeddings.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Speech_to_text_uploads_the_audio_and_returns_the_transcript_whole_and_streamed()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using ISpeechToTextClient stt = sim.Client.AsISpeechToTextClient("gpt-4o-transcribe");
        byte[] wav = SampleAudio.ToWav(SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(300)));

        SpeechToTextResponse response = await stt.GetTextAsync(new MemoryStream(wav), new SpeechToTextOptions { SpeechLanguage = "en" });

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.Equal(response.Text, Assert.IsType<CreateTranscriptionResponse>(response.RawRepresentation).AsJson().Text);
        IReadOnlyList<MultipartPart> parts = await MultipartPart.ReadAllAsync(sim.Rest.Requests[^1]);
        MultipartPart file = parts.Single(p => p.Name == "file");
        Assert.Equal("audio.wav", file.FileName);
        Assert.Equal(wav, file.Content);
        Assert.Equal(("gpt-4o-transcribe", "en", "json"), (parts.Single(p => p.Name == "model").Text, parts.Single(p => p.Name == "language").Text, parts.Single(p => p.Name == "response_format").Text));

        List<SpeechToTextResponseUpdate> updates = [];
        await foreach (SpeechToTextResponseUpdate update in stt.GetStreamingTextAsync(new MemoryStream(wav), new SpeechToTextOptions { AdditionalProperties = new() { [OpenAISpeechToTextClientFileName] = "talk.mp3" } }))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count >= 2, $"{updates.Count} updates");
        Assert.All(updates[..^1], u => Assert.Equal(SpeechToTextResponseUpdateKind.TextUpdating, u.Kind));
        Assert.Equal(SpeechToTextResponseUpdateKind.TextUpdated, updates[^1].Kind);
        Assert.False(string.IsNullOrWhiteSpace(updates[^1].Text));
        IReadOnlyList<MultipartPart> streamed = await MultipartPart.ReadAllAsync(sim.Rest.Requests[^1]);
        Assert.Equal(("true", "talk.mp3"), (streamed.Single(p => p.Name == "stream").Text, streamed.Single(p => p.Name == "file").FileName));
    }

    private const string OpenAISpeechToTextClientFileName = Audio.OpenAISpeechToTextClient.FileNameKey;

    [Fact]
    public async Task Text_to_speech_returns_the_audio_with_its_media_type_whole_and_streamed_in_order()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using ITextToSpeechClient tts = sim.Client.AsITextToSpeechClient("gpt-4o-mini-tts");

        TextToSpeechResponse response = await tts.GetAudioAsync("Hello there", new TextToSpeechOptions { VoiceId = "coral", AudioFormat = "audio/wav", Speed = 1.25f });

        DataContent audio = Assert.IsType<DataContent>(response.Contents.Single());
        Assert.Equal("audio/wav", audio.MediaType);
        Assert.Equal("RIFF"u8.ToArray(), audio.Data[..4].ToArray());
        JsonElement sent = Body(sim.Rest.Requests[^1]);
        Assert.Equal(("coral", "wav", "Hello there", 1.25), (sent.GetProperty("voice").GetString(), sent.GetProperty("response_format").GetString(), sent.GetProperty("input").GetString(), sent.GetProperty("speed").GetDouble()));

        List<TextToSpeechResponseUpdate> updates = [];
        await foreach (TextToSpeechResponseUpdate update in tts.GetStreamingAudioAsync("Hello there", new TextToSpeechOptions { AudioFormat = "pcm" }))
        {
            updates.Add(update);
        }

        Assert.Equal(10, updates.Count(u => u.Kind == TextToSpeechResponseUpdateKind.AudioUpdating));
        Assert.Equal(TextToSpeechResponseUpdateKind.AudioUpdated, updates[^1].Kind);
        byte[] pcm = updates.SelectMany(u => u.Contents).OfType<DataContent>().SelectMany(d => d.Data.ToArray()).ToArray();
        Assert.Equal(SampleAudio.CreatePcm16(TimeSpan.FromSeconds(1)), pcm);
        Assert.All(updates.SelectMany(u => u.Contents).OfType<DataContent>(), d => Assert.Equal("audio/pcm", d.MediaType));
        Assert.Equal(115, Assert.IsType<UsageContent>(updates[^1].Contents.Single()).Details.TotalTokenCount);
        Assert.Equal("sse", Body(sim.Rest.Requests[^1]).GetProperty("stream_format").GetString());
    }

    [Fact]
    public async Task Image_generation_and_edits_return_the_images_as_data_with_usage()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IImageGenerator images = sim.Client.AsIImageGenerator("gpt-image-1");

        ImageGenerationResponse generated = await images.GenerateImagesAsync("A lighthouse", new ImageGenerationOptions { Count = 2, ImageSize = new System.Drawing.Size(1024, 1536), MediaType = "image/png" });

        Assert.Equal(2, generated.Contents.Count);
        Assert.All(generated.Contents, c => Assert.Equal("image/png", Assert.IsType<DataContent>(c).MediaType));
        Assert.All(generated.Contents, c => Assert.Equal(SimulatedPng, ((DataContent)c).Data.ToArray()));
        Assert.Equal(100, generated.Usage!.TotalTokenCount);
        Assert.IsType<ImagesResponse>(generated.RawRepresentation);
        JsonElement sent = Body(sim.Rest.Requests[^1]);
        Assert.Equal(("A lighthouse", 2, "1024x1536", "png", "gpt-image-1"), (sent.GetProperty("prompt").GetString(), sent.GetProperty("n").GetInt32(), sent.GetProperty("size").GetString(), sent.GetProperty("output_format").GetString(), sent.GetProperty("model").GetString()));

        var original = new DataContent(SimulatedPng, "image/png") { Name = "room.png" };
        ImageGenerationResponse edited = await images.EditImageAsync(original, "Add a cat");

        Assert.Equal(SimulatedPng, Assert.IsType<DataContent>(edited.Contents.Single()).Data.ToArray());
        Assert.Equal("/v1/images/edits", sim.Rest.Requests[^1].Path);
        IReadOnlyList<MultipartPart> parts = await MultipartPart.ReadAllAsync(sim.Rest.Requests[^1]);
        MultipartPart image = parts.Single(p => p.Name is "image" or "image[]");
        Assert.Equal(("room.png", "image/png"), (image.FileName, image.ContentType));
        Assert.Equal("Add a cat", parts.Single(p => p.Name == "prompt").Text);
    }

    [Fact]
    public async Task An_image_answer_whose_b64_json_is_not_base64_is_a_typed_error()
    {
        // The spec's own example answers "b64_json": "...", which is no image.
        await using RestSimulator rest = await RestSimulator.StartAsync();
        var client = new OpenAIClient(new OpenAIClientOptions { ApiKey = "sk-test", BaseUrl = rest.BaseUrl, MaxRetries = 0 });
        using IImageGenerator images = client.AsIImageGenerator("gpt-image-1");

        var error = await Assert.ThrowsAsync<OpenAIException>(() => images.GenerateImagesAsync("A lighthouse"));

        Assert.Equal("malformed_response", error.ErrorCode);
        Assert.Contains("b64_json", error.Message, StringComparison.Ordinal);
    }

    private static readonly byte[] SimulatedPng = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
}
