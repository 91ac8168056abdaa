using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// The remote MCP servers' side: listing tools when the session gets an <c>mcp</c> tool, calling one in the next
/// response, asking approval first when the tool requires it, and after the client's <c>mcp_approval_response</c>
/// either running the call (<c>response.mcp_call.*</c> and an <c>mcp_call</c> item with its output) or, when rejected,
/// answering without running it (no <c>mcp_call</c> item at all: the call never happens).
/// </summary>
/// <remarks>
/// After the client answers an approval request the simulator continues on its own with a new response; the docs say
/// only that the call waits for the answer. The tools and their outputs come from
/// <see cref="RealtimeSimulatorOptions.McpToolOutputs"/>; the arguments are always <c>{"query":"realtime"}</c>.
/// </remarks>
internal sealed partial class VoiceAgentConnection
{
    private const string McpArguments = """{"query":"realtime"}""";

    private readonly HashSet<string> _listedServers = new(StringComparer.Ordinal);
    private readonly List<McpServerTool> _mcpTools = [];
    private readonly Dictionary<string, McpServerTool> _pendingApprovals = new(StringComparer.Ordinal);
    private bool _mcpCallDone;

    private sealed record McpServerTool(string ServerLabel, string Name, bool RequiresApproval);

    /// <summary>After <c>session.update</c>: lists the tools of each <c>mcp</c> tool whose server was not listed yet.</summary>
    private async Task ListMcpToolsAsync(CancellationToken cancellationToken)
    {
        if (Session["tools"] is not JsonArray tools)
        {
            return;
        }

        foreach (JsonObject tool in tools.OfType<JsonObject>().Where(t => t["type"]?.GetValue<string>() == "mcp").ToArray())
        {
            string label = tool["server_label"]?.GetValue<string>() ?? string.Empty;
            if (!_listedServers.Add(label))
            {
                continue;
            }

            string itemId = Simulator.NextId("mcpl_");
            await SendEventAsync("mcp_list_tools.in_progress", writer => writer.WriteString("item_id", itemId), cancellationToken).ConfigureAwait(false);
            string? url = tool["server_url"]?.GetValue<string>();
            if (url is not null && Uri.TryCreate(url, UriKind.Absolute, out Uri? server) && server.Host.EndsWith(".invalid", StringComparison.Ordinal))
            {
                await SendEventAsync("mcp_list_tools.failed", writer => writer.WriteString("item_id", itemId), cancellationToken).ConfigureAwait(false);
                continue;
            }

            string[] names = Options.McpToolOutputs.Keys.Where(name => IsAllowed(tool["allowed_tools"], name)).ToArray();
            foreach (string name in names)
            {
                _mcpTools.Add(new McpServerTool(label, name, RequiresApproval(tool["require_approval"], name)));
            }

            var item = new JsonObject
            {
                ["id"] = itemId,
                ["type"] = "mcp_list_tools",
                ["server_label"] = label,
                ["tools"] = new JsonArray(names.Select(name => (JsonNode)new JsonObject
                {
                    ["name"] = name,
                    ["description"] = $"The simulated {name} tool.",
                    ["input_schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["query"] = new JsonObject { ["type"] = "string" } } },
                }).ToArray()),
            };
            string? previous = LastItemId;
            AddItem(item);
            await SendItemEventAsync("conversation.item.added", previous, item, cancellationToken).ConfigureAwait(false);
            await SendEventAsync("mcp_list_tools.completed", writer => writer.WriteString("item_id", itemId), cancellationToken).ConfigureAwait(false);
            await SendItemEventAsync("conversation.item.done", previous, item, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>allowed_tools</c>: absent, a list of names, or a filter with <c>tool_names</c>.</summary>
    private static bool IsAllowed(JsonNode? allowed, string name) => allowed switch
    {
        null => true,
        JsonArray list => list.Any(n => n?.GetValue<string>() == name),
        JsonObject filter when filter["tool_names"] is JsonArray list => list.Any(n => n?.GetValue<string>() == name),
        _ => true,
    };

    /// <summary><c>require_approval</c>: <c>always</c> (the default), <c>never</c>, or <c>{always:{tool_names}, never:{tool_names}}</c>.</summary>
    private static bool RequiresApproval(JsonNode? setting, string name) => setting switch
    {
        JsonValue value when value.TryGetValue(out string? text) => text != "never",
        JsonObject filter when filter["never"]?["tool_names"] is JsonArray never && never.Any(n => n?.GetValue<string>() == name) => false,
        _ => true,
    };

    /// <summary>
    /// <c>response.create</c> with MCP tools listed and no call made yet: the model calls the first MCP tool. Returns
    /// false when the response is not an MCP call.
    /// </summary>
    private async Task<bool> TryRunMcpCallAsync(CancellationToken cancellationToken)
    {
        if (_mcpCallDone || _mcpTools.Count == 0)
        {
            return false;
        }

        _mcpCallDone = true;
        McpServerTool tool = _mcpTools[0];
        string responseId = Simulator.NextId("resp_");
        _lastResponseId = responseId;
        var output = new List<JsonObject>();
        await SendResponseEnvelopeAsync("response.created", responseId, "in_progress", null, output, false, 0, 0, cancellationToken).ConfigureAwait(false);
        if (!tool.RequiresApproval)
        {
            await RunMcpCallAsync(responseId, tool, null, output, cancellationToken).ConfigureAwait(false);
            await SendMessageAsync(responseId, output, $"{tool.Name} answered: {Options.McpToolOutputs[tool.Name]}", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var request = new JsonObject
            {
                ["id"] = Simulator.NextId("mcpr_"),
                ["type"] = "mcp_approval_request",
                ["server_label"] = tool.ServerLabel,
                ["name"] = tool.Name,
                ["arguments"] = McpArguments,
            };
            string requestId = request["id"]!.GetValue<string>();
            await SendArgumentsAsync(responseId, requestId, cancellationToken).ConfigureAwait(false);
            await SendOutputItemAsync(responseId, request, output, cancellationToken).ConfigureAwait(false);
            _pendingApprovals[requestId] = tool;
        }

        await SendResponseEnvelopeAsync("response.done", responseId, "completed", null, output, false, 0, output.Count, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// An <c>mcp_approval_response</c> item arrived: approved, the call runs in a new response; rejected, the new
    /// response says so and no <c>mcp_call</c> happens. An unknown <c>approval_request_id</c> is an <c>error</c>.
    /// </summary>
    private async Task AnswerMcpApprovalAsync(JsonObject answer, string? eventId, CancellationToken cancellationToken)
    {
        string? requestId = answer["approval_request_id"]?.GetValue<string>();
        if (requestId is null || !_pendingApprovals.Remove(requestId, out McpServerTool? tool))
        {
            await SendErrorAsync("invalid_value", $"No pending mcp_approval_request with id '{requestId}'.", "item.approval_request_id", eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        bool approve = answer["approve"]?.GetValue<bool>() == true;
        string responseId = Simulator.NextId("resp_");
        _lastResponseId = responseId;
        var output = new List<JsonObject>();
        await SendResponseEnvelopeAsync("response.created", responseId, "in_progress", null, output, false, 0, 0, cancellationToken).ConfigureAwait(false);
        if (approve)
        {
            await RunMcpCallAsync(responseId, tool, requestId, output, cancellationToken).ConfigureAwait(false);
            await SendMessageAsync(responseId, output, $"{tool.Name} answered: {Options.McpToolOutputs[tool.Name]}", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            string reason = answer["reason"]?.GetValue<string>() is { } r ? " (" + r + ")" : string.Empty;
            await SendMessageAsync(responseId, output, $"I did not run {tool.Name}: the call was not approved{reason}.", cancellationToken).ConfigureAwait(false);
        }

        await SendResponseEnvelopeAsync("response.done", responseId, "completed", null, output, false, 0, output.Count, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The call itself: an <c>mcp_call</c> item, its arguments (unless sent before the approval), in progress, completed with the output.</summary>
    private async Task RunMcpCallAsync(string responseId, McpServerTool tool, string? approvalRequestId, List<JsonObject> output, CancellationToken cancellationToken)
    {
        int index = output.Count;
        var call = new JsonObject
        {
            ["id"] = Simulator.NextId("mcp_"),
            ["type"] = "mcp_call",
            ["server_label"] = tool.ServerLabel,
            ["name"] = tool.Name,
            ["arguments"] = approvalRequestId is null ? string.Empty : McpArguments,
            ["approval_request_id"] = approvalRequestId,
            ["output"] = null,
            ["error"] = null,
        };
        string itemId = call["id"]!.GetValue<string>();
        string? previous = LastItemId;
        output.Add(call);
        AddItem(call);
        await SendEventAsync("response.output_item.added", writer =>
        {
            writer.WriteString("response_id", responseId);
            writer.WriteNumber("output_index", index);
            writer.WritePropertyName("item");
            call.WriteTo(writer);
        }, cancellationToken).ConfigureAwait(false);
        await SendItemEventAsync("conversation.item.added", previous, call, cancellationToken).ConfigureAwait(false);
        if (approvalRequestId is null)
        {
            await SendArgumentsAsync(responseId, itemId, cancellationToken, index).ConfigureAwait(false);
            call["arguments"] = McpArguments;
        }

        await SendEventAsync("response.mcp_call.in_progress", writer =>
        {
            writer.WriteNumber("output_index", index);
            writer.WriteString("item_id", itemId);
        }, cancellationToken).ConfigureAwait(false);
        call["output"] = Options.McpToolOutputs[tool.Name];
        await SendEventAsync("response.mcp_call.completed", writer =>
        {
            writer.WriteNumber("output_index", index);
            writer.WriteString("item_id", itemId);
        }, cancellationToken).ConfigureAwait(false);
        await SendEventAsync("response.output_item.done", writer =>
        {
            writer.WriteString("response_id", responseId);
            writer.WriteNumber("output_index", index);
            writer.WritePropertyName("item");
            call.WriteTo(writer);
        }, cancellationToken).ConfigureAwait(false);
        await SendItemEventAsync("conversation.item.done", previous, call, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendArgumentsAsync(string responseId, string itemId, CancellationToken cancellationToken, int index = 0)
    {
        for (int offset = 0; offset < McpArguments.Length; offset += 8)
        {
            string delta = McpArguments.Substring(offset, Math.Min(8, McpArguments.Length - offset));
            await SendEventAsync("response.mcp_call_arguments.delta", writer =>
            {
                writer.WriteString("response_id", responseId);
                writer.WriteString("item_id", itemId);
                writer.WriteNumber("output_index", index);
                writer.WriteString("delta", delta);
            }, cancellationToken).ConfigureAwait(false);
        }

        await SendEventAsync("response.mcp_call_arguments.done", writer =>
        {
            writer.WriteString("response_id", responseId);
            writer.WriteString("item_id", itemId);
            writer.WriteNumber("output_index", index);
            writer.WriteString("arguments", McpArguments);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A completed output item: <c>response.output_item.added</c>/<c>.done</c> and <c>conversation.item.added</c>/<c>.done</c>.</summary>
    private async Task SendOutputItemAsync(string responseId, JsonObject item, List<JsonObject> output, CancellationToken cancellationToken)
    {
        int index = output.Count;
        string? previous = LastItemId;
        output.Add(item);
        AddItem(item);
        foreach (string type in new[] { "response.output_item.added", "response.output_item.done" })
        {
            await SendEventAsync(type, writer =>
            {
                writer.WriteString("response_id", responseId);
                writer.WriteNumber("output_index", index);
                writer.WritePropertyName("item");
                item.WriteTo(writer);
            }, cancellationToken).ConfigureAwait(false);
            await SendItemEventAsync(type == "response.output_item.added" ? "conversation.item.added" : "conversation.item.done", previous, item, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The assistant's text answer after an MCP call (or its rejection).</summary>
    private Task SendMessageAsync(string responseId, List<JsonObject> output, string text, CancellationToken cancellationToken)
        => SendOutputItemAsync(responseId, new JsonObject
        {
            ["id"] = Simulator.NextId("item_"),
            ["object"] = "realtime.item",
            ["type"] = "message",
            ["status"] = "completed",
            ["role"] = "assistant",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = text }),
        }, output, cancellationToken);
}
