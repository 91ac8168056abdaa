using System.Globalization;
using System.Text;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// Large REST payloads for <c>Perf_RestJson</c>, shaped after the spec's own examples (the <c>createResponse</c>
/// "Web search", "Functions" and "Reasoning" examples, and the <c>createChatCompletion</c> "Default", "Functions" and
/// "Logprobs" examples), enlarged: many output items, choices, tool calls and log-probabilities.
/// </summary>
internal static class RestPayloads
{
    private const string Prose =
        "As of today, one notable positive news story is that a coastal city finished restoring its wetlands, which now "
        + "shelter migrating birds and absorb storm surges. Engineers said the \"living shoreline\" cost less than a sea wall; "
        + "residents volunteered 12,000 hours. Caf\u00e9 owners nearby report more visitors \u2014 and fewer floods.";

    /// <summary>A completed Responses API <c>response</c> with <paramref name="rounds"/> rounds of reasoning, web search, function call and message items.</summary>
    public static byte[] CreateResponse(int rounds)
    {
        var json = new StringBuilder(1024 * rounds);
        json.Append("{\"id\":\"resp_67ccf18ef5fc8190b16dbee19bc54e5f087bb177ab789d5c\",\"object\":\"response\",\"created_at\":1741484430,")
            .Append("\"status\":\"completed\",\"completed_at\":1741484431,\"error\":null,\"incomplete_details\":null,\"instructions\":null,")
            .Append("\"max_output_tokens\":null,\"model\":\"gpt-5.4\",\"output\":[");
        for (int i = 0; i < rounds; i++)
        {
            string n = i.ToString("D4", CultureInfo.InvariantCulture);
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append("{\"type\":\"reasoning\",\"id\":\"rs_67ccf190ca3881909d433c50b1f6357e087bb177ab78").Append(n)
                .Append("\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"**Looking up the news**\\n\\nThe user wants a positive story; I should search, then check the weather tool.\"}]},");
            json.Append("{\"type\":\"web_search_call\",\"id\":\"ws_67ccf18f64008190a39b619f4c8455ef087bb177ab78").Append(n)
                .Append("\",\"status\":\"completed\",\"action\":{\"type\":\"search\",\"query\":\"positive news today ").Append(n).Append("\"}},");
            json.Append("{\"type\":\"function_call\",\"id\":\"fc_67ccf18f64008190a39b619f4c8455ef087bb177ab78").Append(n)
                .Append("\",\"call_id\":\"call_unLAR8MvFNptuiZK6K6HCy").Append(n)
                .Append("\",\"name\":\"get_current_weather\",\"arguments\":\"{\\\"location\\\":\\\"Boston, MA\\\",\\\"unit\\\":\\\"celsius\\\"}\",\"status\":\"completed\"},");
            json.Append("{\"type\":\"message\",\"id\":\"msg_67ccf190ca3881909d433c50b1f6357e087bb177ab78").Append(n)
                .Append("\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"")
                .Append(Escape(Prose)).Append("\",\"annotations\":[");
            for (int a = 0; a < 3; a++)
            {
                json.Append(a > 0 ? "," : string.Empty)
                    .Append("{\"type\":\"url_citation\",\"start_index\":").Append(442 + (a * 500)).Append(",\"end_index\":").Append(557 + (a * 500))
                    .Append(",\"url\":\"https://news.example.com/2025/03/09/wetlands-").Append(n).Append('-').Append(a)
                    .Append("?utm_source=chatgpt.com\",\"title\":\"Wetlands restored, birds return\"}");
            }

            json.Append("],\"logprobs\":[]}]}");
        }

        json.Append("],\"parallel_tool_calls\":true,\"previous_response_id\":null,\"reasoning\":{\"effort\":\"medium\",\"summary\":\"auto\"},")
            .Append("\"store\":true,\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":[")
            .Append("{\"type\":\"web_search_preview\",\"domains\":[],\"search_context_size\":\"medium\",\"user_location\":{\"type\":\"approximate\",\"city\":null,\"country\":\"US\",\"region\":null,\"timezone\":null}},")
            .Append("{\"type\":\"function\",\"name\":\"get_current_weather\",\"description\":\"Get the current weather in a given location\",\"parameters\":")
            .Append("{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\",\"description\":\"The city and state, e.g. San Francisco, CA\"},\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"location\",\"unit\"]},\"strict\":true}],")
            .Append("\"top_p\":1.0,\"truncation\":\"disabled\",\"usage\":{\"input_tokens\":328,\"input_tokens_details\":{\"cached_tokens\":0},")
            .Append("\"output_tokens\":").Append(356 * rounds).Append(",\"output_tokens_details\":{\"reasoning_tokens\":").Append(64 * rounds)
            .Append("},\"total_tokens\":").Append(328 + (356 * rounds)).Append("},\"user\":null,\"metadata\":{\"trace\":\"bench\"}}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>A <c>chat.completion</c> with <paramref name="choices"/> choices, each with text, three tool calls and <paramref name="tokens"/> log-probabilities.</summary>
    public static byte[] CreateChatCompletion(int choices, int tokens)
    {
        var json = new StringBuilder(4096 * choices);
        json.Append("{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion\",\"created\":1741569952,\"model\":\"gpt-5.4\",\"choices\":[");
        for (int c = 0; c < choices; c++)
        {
            json.Append(c > 0 ? "," : string.Empty).Append("{\"index\":").Append(c)
                .Append(",\"message\":{\"role\":\"assistant\",\"content\":\"").Append(Escape(Prose)).Append("\",\"refusal\":null,\"annotations\":[],\"tool_calls\":[");
            for (int t = 0; t < 3; t++)
            {
                json.Append(t > 0 ? "," : string.Empty).Append("{\"id\":\"call_abc123").Append(c).Append('_').Append(t)
                    .Append("\",\"type\":\"function\",\"function\":{\"name\":\"get_current_weather\",\"arguments\":\"{\\n\\\"location\\\": \\\"Boston, MA\\\",\\n\\\"unit\\\": \\\"celsius\\\"\\n}\"}}");
            }

            json.Append("]},\"logprobs\":{\"content\":[");
            for (int k = 0; k < tokens; k++)
            {
                json.Append(k > 0 ? "," : string.Empty).Append("{\"token\":\"Hello\",\"logprob\":-0.31725305,\"bytes\":[72,101,108,108,111],\"top_logprobs\":[")
                    .Append("{\"token\":\"Hello\",\"logprob\":-0.31725305,\"bytes\":[72,101,108,108,111]},")
                    .Append("{\"token\":\"Hi\",\"logprob\":-1.3190403,\"bytes\":[72,105]}]}");
            }

            json.Append("],\"refusal\":null},\"finish_reason\":\"tool_calls\"}");
        }

        json.Append("],\"usage\":{\"prompt_tokens\":82,\"completion_tokens\":").Append(choices * tokens).Append(",\"total_tokens\":").Append(82 + (choices * tokens))
            .Append(",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,")
            .Append("\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\",\"system_fingerprint\":\"fp_44709d6fcb\"}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    private static string Escape(string text) => text.Replace("\"", "\\\"", System.StringComparison.Ordinal);
}
