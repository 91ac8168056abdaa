using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Sse;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Sse;

public sealed class SseReaderTests
{
    private static readonly byte[] s_fixture = BuildFixture();

    private static readonly SseEvent[] s_expected =
    [
        new("response.created", """{"type":"response.created"}""", null, null),
        new(null, "line one\nline two\nno-space", "42", null),
        new("some.unknown.event", """{"x":1}""", "42", 1500),
        new("response.output_text.delta", """{"delta":"héllo wörld ✓"}""" + "\n", "42", null),
    ];

    private static byte[] BuildFixture()
    {
        string text =
            ": keep-alive comment\r\n" +
            "\r\n" +                                   // blank line with nothing pending: no event
            "event: response.created\r\n" +
            "data: {\"type\":\"response.created\"}\r\n" +
            "\r\n" +
            "data: line one\n" +
            "data: line two\n" +
            "data:no-space\n" +
            "id: 42\n" +
            "\n" +
            "event: some.unknown.event\r" +
            "data: {\"x\":1}\r" +
            "retry: 1500\r" +
            "\r" +
            ": another comment\n" +
            "event: response.output_text.delta\r\n" +
            "data: {\"delta\":\"héllo wörld ✓\"}\r\n" +
            "unknownfield: ignored\r\n" +
            "data\r\n" +                               // a field without a colon: an empty data line
            "\r\n" +
            "data: [DONE]\n" +
            "\n" +
            "data: after the sentinel\n\n";
        return [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)];
    }

    private static async Task<(List<SseEvent> Events, bool Done)> ReadAllAsync(IEnumerable<byte[]> chunks, int bufferSize = 4096)
    {
        PipeReader pipe = PipeReader.Create(new ChunkedStream(chunks), new StreamPipeReaderOptions(bufferSize: bufferSize, minimumReadSize: 1));
        await using var reader = new SseReader(pipe);
        var events = new List<SseEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (SseEvent sseEvent in reader.ReadAllAsync(timeout.Token))
        {
            events.Add(sseEvent);
        }
        return (events, reader.IsDone);
    }

    [Fact]
    public async Task TheFixtureReadInOnePieceGivesTheExpectedEvents()
    {
        (List<SseEvent> events, bool done) = await ReadAllAsync([s_fixture]);

        Assert.Equal(s_expected, events);
        Assert.True(done);
    }

    [Fact]
    public async Task SplittingTheFixtureIntoTwoReadsAtEveryByteGivesTheSameEvents()
    {
        for (int split = 0; split <= s_fixture.Length; split++)
        {
            (List<SseEvent> events, bool done) = await ReadAllAsync([s_fixture[..split], s_fixture[split..]]);
            Assert.True(s_expected.SequenceEqual(events), $"split at byte {split} gave: {string.Join(" | ", events)}");
            Assert.True(done, $"split at byte {split} missed [DONE]");
        }
    }

    [Fact]
    public async Task SplittingTheFixtureIntoTwoReadsAtEveryByteWithTinyPipeSegmentsGivesTheSameEvents()
    {
        for (int split = 0; split <= s_fixture.Length; split++)
        {
            (List<SseEvent> events, _) = await ReadAllAsync([s_fixture[..split], s_fixture[split..]], bufferSize: 1);
            Assert.True(s_expected.SequenceEqual(events), $"split at byte {split} gave: {string.Join(" | ", events)}");
        }
    }

    [Fact]
    public async Task OneBytePerReadGivesTheSameEvents()
    {
        (List<SseEvent> events, bool done) = await ReadAllAsync(s_fixture.Select(b => new[] { b }));
        Assert.Equal(s_expected, events);
        Assert.True(done);

        (events, done) = await ReadAllAsync(s_fixture.Select(b => new[] { b }), bufferSize: 1);
        Assert.Equal(s_expected, events);
        Assert.True(done);
    }

    [Fact]
    public async Task TheBorrowedViewExposesDataAndNameWithoutCopying()
    {
        await using var reader = new SseReader(new MemoryStream(s_fixture));

        Assert.True(await reader.ReadAsync());
        Assert.True(reader.IsEvent("response.created"u8));
        Assert.True(reader.HasEventName);
        Assert.Equal("""{"type":"response.created"}""", Encoding.UTF8.GetString(reader.Data.Span));
        Assert.True(await reader.ReadAsync());
        Assert.False(reader.HasEventName);
        Assert.Equal("42", Encoding.UTF8.GetString(reader.LastEventId.Span));
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1500, reader.Retry);
        Assert.True(await reader.ReadAsync());
        Assert.False(await reader.ReadAsync());
        Assert.True(reader.IsDone);
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task AnUnterminatedEventAtTheEndIsDiscardedAndTheStreamEndsWithoutDone()
    {
        (List<SseEvent> events, bool done) = await ReadAllAsync([Encoding.UTF8.GetBytes("data: complete\n\ndata: partial\n")]);

        Assert.Equal([new SseEvent(null, "complete", null, null)], events);
        Assert.False(done);
    }

    [Fact]
    public async Task ALineLongerThanTheLimitFails()
    {
        await using var reader = new SseReader(new MemoryStream(Encoding.UTF8.GetBytes("data: " + new string('x', 100))))
        {
            MaxLineLength = 64,
        };

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadAsync());
    }
}
