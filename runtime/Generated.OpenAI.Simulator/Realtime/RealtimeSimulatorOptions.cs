using System;
using System.Collections.Generic;

namespace Generated.OpenAI.Simulator;

/// <summary>Options of <see cref="RealtimeSimulator"/>.</summary>
public sealed class RealtimeSimulatorOptions
{
    /// <summary>Fault applied to every connection (see also <see cref="RealtimeSimulator.NextConnectionFault"/>).</summary>
    public RealtimeFault Fault { get; set; }

    /// <summary>How many client messages a connection handles before the fault fires (0: right after <c>session.created</c>).</summary>
    public int FaultAfterClientMessages { get; set; }

    /// <summary>Size of the <see cref="RealtimeFault.Oversize"/> message (default 20 MiB).</summary>
    public int OversizeMessageBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>
    /// Registered functions: when the session (or the <c>response.create</c>) has a function tool with one of these
    /// names, the next response is a <c>function_call</c> with these JSON arguments; after the client sends the
    /// <c>function_call_output</c> and <c>response.create</c>, the simulator answers with audio and transcript.
    /// Default: <c>get_weather</c> → <c>{"location":"San Francisco"}</c>.
    /// </summary>
    public IDictionary<string, string> FunctionArguments { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["get_weather"] = """{"location":"San Francisco"}""",
    };

    /// <summary>
    /// The tools every simulated remote MCP server offers, with the output of a call: when the session lists an
    /// <c>mcp</c> tool, its server lists these (filtered by <c>allowed_tools</c>), and the next response calls the first
    /// one (asking approval unless <c>require_approval</c> says <c>never</c> for it). A server whose <c>server_url</c>
    /// host ends in <c>.invalid</c> fails to list. Default: <c>search_docs</c> and <c>delete_doc</c>.
    /// </summary>
    public IDictionary<string, string> McpToolOutputs { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["search_docs"] = """{"results":["Realtime API with SIP","Realtime with tools"]}""",
        ["delete_doc"] = """{"deleted":true}""",
    };

    /// <summary>
    /// Pause between response chunks (100 ms of audio each). Zero (default) sends a response at once, in order,
    /// before the next client event is read; a positive delay streams it in the background so that
    /// <c>response.cancel</c> can interrupt it.
    /// </summary>
    public TimeSpan ResponseChunkDelay { get; set; }

    /// <summary>Target language of a translation session until <c>session.update</c> sets one.</summary>
    public string DefaultTranslationLanguage { get; set; } = "es";

    /// <summary>Largest client message accepted; larger ones close the socket with 1009.</summary>
    public int MaxClientMessageBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// The maximum session length: <c>session.created</c> says <c>expires_at</c> = connect time + this, and when it is
    /// reached the simulator does what OpenAI does (an <c>error</c> with code <c>session_expired</c>, then a close
    /// 1000). <see langword="null"/> (default): 30 minutes announced, never enforced.
    /// </summary>
    public TimeSpan? SessionLifetime { get; set; }

    /// <summary>Lifetime of issued <c>ek_</c> secrets when the request has no <c>expires_after</c> (default 600 s).</summary>
    public TimeSpan ClientSecretLifetime { get; set; } = TimeSpan.FromSeconds(600);
}
