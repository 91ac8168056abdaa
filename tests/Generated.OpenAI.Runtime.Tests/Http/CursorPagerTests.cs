using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Http;

public sealed class CursorPagerTests
{
    private static readonly string[][] s_pages = [["a", "b", "c"], ["d", "e", "f"], ["g"]];

    [Fact]
    public async Task ThePagerWalksThreePagesFromALocalServer()
    {
        var cursors = new List<string?>();
        await using LocalServer server = await LocalServer.StartAsync((context, n) =>
        {
            string? after = context.Request.Query["after"];
            lock (cursors)
            {
                cursors.Add(after);
            }
            int index = after switch { null => 0, "c" => 1, "f" => 2, _ => throw new InvalidOperationException(after) };
            string[] ids = s_pages[index];
            string data = string.Join(",", ids.Select(id => $$"""{"id":"{{id}}","object":"item"}"""));
            bool hasMore = index < s_pages.Length - 1;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($$"""{"object":"list","data":[{{data}}],"first_id":"{{ids[0]}}","last_id":"{{ids[^1]}}","has_more":{{(hasMore ? "true" : "false")}}}""");
        });
        using OpenAIPipeline pipeline = PipelineRetryTests.CreatePipeline(server);
        var pager = new CursorPager<string>(async (after, ct) =>
        {
            var request = new PipelineRequest(HttpMethod.Get, "/items").AddQuery("after", after).AddQuery("limit", 3L);
            using PipelineResponse response = await pipeline.SendAsync(request, cancellationToken: ct);
            using JsonDocument document = JsonDocument.Parse(await response.ReadContentAsync(ct));
            JsonElement root = document.RootElement;
            var items = root.GetProperty("data").EnumerateArray().Select(item => item.GetProperty("id").GetString()!).ToList();
            return new CursorPage<string>(items, root.GetProperty("has_more").GetBoolean(), root.GetProperty("last_id").GetString());
        });

        var seen = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await foreach (string item in pager.WithCancellation(timeout.Token))
        {
            seen.Add(item);
        }

        Assert.Equal(["a", "b", "c", "d", "e", "f", "g"], seen);
        Assert.Equal([null, "c", "f"], cursors);
    }

    [Fact]
    public async Task ThePagerStopsWhenTheCursorDoesNotAdvance()
    {
        int calls = 0;
        var pager = new CursorPager<int>((after, ct) =>
        {
            calls++;
            return ValueTask.FromResult(new CursorPage<int>([1], HasMore: true, LastId: "same"));
        });

        var pages = new List<CursorPage<int>>();
        await foreach (CursorPage<int> page in pager.AsPagesAsync())
        {
            pages.Add(page);
        }

        Assert.Equal(2, pages.Count);
        Assert.Equal(2, calls);
    }
}
