using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Generated.OpenAI.Extensions.AI;
using Microsoft.Extensions.AI;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// Bytes and time per streamed chat update through MEAI's <see cref="IChatClient"/>: ours
/// (<c>AsIChatClientForChatCompletions</c> over this SDK) against Microsoft's adapter (<c>Microsoft.Extensions.AI.OpenAI</c>
/// 11.0.0's <c>ChatClient.AsIChatClient()</c> over the official <c>OpenAI</c> 2.15.0), both reading the same Chat Completions
/// SSE stream of <see cref="Updates"/> text chunks plus the finish and usage chunks. The body comes from an in-memory
/// <see cref="HttpMessageHandler"/>, so the numbers are the clients' own work (request build, SSE parse, chunk model, MEAI
/// update), not the loopback's. One operation is one update (<c>OperationsPerInvoke</c>).
/// </summary>
/// <remarks>
/// Chat Completions rather than Responses: Microsoft's Responses streaming needs OpenAI 2.14.0 (it fails with
/// <see cref="MissingMethodException"/> on the 2.15.0 the other classes pin). Exempt from the zero-allocation gate: every
/// MEAI update is an object graph by contract.
/// </remarks>
[MemoryDiagnoser]
[BenchmarkCategory(Program.NoAllocationGate)]
public class Perf_MeaiChatStreaming
{
    /// <summary>Text chunks per stream.</summary>
    public const int Updates = 64;

    private const int OperationsPerStream = Updates + 2;

    private static readonly ChatMessage[] s_messages = [new(ChatRole.User, "Tell me a story.")];

    private IChatClient _ours = null!;
    private IChatClient _official = null!;

    [GlobalSetup]
    public void Setup()
    {
        byte[] body = Stream(Updates);
        var oursHttp = new HttpClient(new CannedHandler(body));
        _ours = new OpenAIClient(new Http.OpenAIClientOptions { ApiKey = "sk-bench", BaseUrl = new Uri("http://bench.invalid/v1"), MaxRetries = 0 }, oursHttp)
            .AsIChatClientForChatCompletions("gpt-5.4");
        var officialOptions = new global::OpenAI.OpenAIClientOptions
        {
            Endpoint = new Uri("http://bench.invalid/v1"),
            Transport = new HttpClientPipelineTransport(new HttpClient(new CannedHandler(body))),
            RetryPolicy = new ClientRetryPolicy(0),
        };
        _official = new global::OpenAI.Chat.ChatClient("gpt-5.4", new ApiKeyCredential("sk-bench"), officialOptions).AsIChatClient();

        // Both sides must read the whole stream into the same text.
        (int oursCount, string oursText) = ReadAsync(_ours).GetAwaiter().GetResult();
        (int officialCount, string officialText) = ReadAsync(_official).GetAwaiter().GetResult();
        if (oursText != officialText || oursText.Length != Updates * 5 || oursCount < Updates || officialCount < Updates)
        {
            throw new InvalidOperationException($"The streams differ: ours {oursCount} updates '{oursText.Length}' chars, official {officialCount} updates '{officialText.Length}' chars.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OperationsPerStream, Description = "official: MEAI.OpenAI over OpenAI 2.15.0")]
    public Task<(int, string)> Official() => ReadAsync(_official);

    [Benchmark(OperationsPerInvoke = OperationsPerStream, Description = "ours: AsIChatClientForChatCompletions")]
    public Task<(int, string)> Ours() => ReadAsync(_ours);

    private static async Task<(int Count, string Text)> ReadAsync(IChatClient client)
    {
        int count = 0;
        var text = new StringBuilder();
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(s_messages).ConfigureAwait(false))
        {
            count++;
            foreach (AIContent content in update.Contents)
            {
                if (content is Microsoft.Extensions.AI.TextContent t)
                {
                    text.Append(t.Text);
                }
            }
        }

        return (count, text.ToString());
    }

    /// <summary>A Chat Completions SSE body: a role chunk, <paramref name="updates"/> five-character text chunks, the finish chunk, usage, <c>[DONE]</c>.</summary>
    private static byte[] Stream(int updates)
    {
        const string Head = "\"id\":\"chatcmpl_bench\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-5.4\",\"service_tier\":\"default\"";
        var sse = new StringBuilder();
        sse.Append("data: {").Append(Head).Append(",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
        for (int i = 0; i < updates; i++)
        {
            sse.Append("data: {").Append(Head).Append(",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word \"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
        }

        sse.Append("data: {").Append(Head).Append(",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n");
        sse.Append("data: {").Append(Head).Append(",\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":").Append(updates).Append(",\"total_tokens\":").Append(updates + 4)
            .Append(",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0}}}\n\n");
        sse.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(sse.ToString());
    }

    /// <summary>Answers every request with the same SSE body, from memory.</summary>
    private sealed class CannedHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}
