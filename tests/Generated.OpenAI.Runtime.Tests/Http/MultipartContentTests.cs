using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Http;

public sealed class MultipartContentTests
{
    private sealed record Part(string Name, string? FileName, string? ContentType, byte[] Content);

    [Fact]
    public async Task FilesRepeatedPartsAndStringsArriveIntactAndSurviveARetry()
    {
        var received = new List<(Dictionary<string, string> Fields, List<Part> Files)>();
        await using LocalServer server = await LocalServer.StartAsync(async (context, n) =>
        {
            IFormCollection form = await context.Request.ReadFormAsync();
            var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
            var files = new List<Part>();
            foreach (IFormFile file in form.Files)
            {
                using var content = new MemoryStream();
                await file.CopyToAsync(content);
                files.Add(new Part(file.Name, file.FileName, file.ContentType, content.ToArray()));
            }
            lock (received)
            {
                received.Add((fields, files));
            }
            // The first attempt fails so the content factory must build the body again.
            context.Response.StatusCode = n == 1 ? 503 : 200;
        });
        using OpenAIPipeline pipeline = PipelineRetryTests.CreatePipeline(server);

        byte[] audio = [0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4];
        var images = Enumerable.Range(0, 4).Select(i => new byte[] { 0x89, 0x50, 0x4E, 0x47, (byte)i }).ToArray();
        MultipartContentBuilder builder = PipelineContent.Multipart()
            .AddFile("file", audio, "speech.wav", "audio/wav")
            .AddString("model", "gpt-image-1")
            .AddString("n", 2L)
            .AddString("stream", true)
            .AddString("skipped", (string?)null);
        for (int i = 0; i < images.Length; i++)
        {
            // Odd images as seekable streams, even ones as bytes: both must be resendable.
            if (i % 2 == 1)
            {
                builder.AddFile("image[]", new MemoryStream(images[i]), $"image {i}.png", "image/png");
            }
            else
            {
                builder.AddFile("image[]", images[i], $"image {i}.png", "image/png");
            }
        }

        using PipelineResponse response = await pipeline.SendAsync(new PipelineRequest(HttpMethod.Post, "/images/edits")
        {
            Content = builder.Build(),
        }).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(2, received.Count);
        foreach ((Dictionary<string, string> fields, List<Part> files) in received)
        {
            Assert.Equal("gpt-image-1", fields["model"]);
            Assert.Equal("2", fields["n"]);
            Assert.Equal("true", fields["stream"]);
            Assert.False(fields.ContainsKey("skipped"));
            Assert.Equal(5, files.Count);
            Part file = files[0];
            Assert.Equal(("file", "speech.wav", "audio/wav"), (file.Name, file.FileName, file.ContentType));
            Assert.Equal(audio, file.Content);
            for (int i = 0; i < 4; i++)
            {
                Part image = files[i + 1];
                Assert.Equal(("image[]", $"image {i}.png", "image/png"), (image.Name, image.FileName, image.ContentType));
                Assert.Equal(images[i], image.Content);
            }
        }
    }
}
