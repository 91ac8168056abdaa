using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;
using Xunit;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>
/// Remote MCP tools on a voice session against the simulator's MCP servers: tools listed, a call that needs approval,
/// approved (the call runs) and rejected (it never runs), through a callback and through the allow-list policy.
/// </summary>
public sealed class McpApprovalTests
{
    private static RealtimeSessionConfig WithMcpServer(params string[] allowedTools)
    {
        var tool = new MCPTool
        {
            ServerLabel = "docs",
            ServerUrl = "https://docs.example.com/mcp",
            RequireApproval = MCPToolRequireApprovalMCPToolApprovalSetting.Always,
        };
        if (allowedTools.Length > 0)
        {
            tool.AllowedTools = MCPToolAllowedTools.FromMCPAllowedTools(allowedTools);
        }

        return new RealtimeSessionConfig { OutputModalities = [RealtimeSessionOutputModality.Text], Tools = [tool] };
    }

    private static async Task<(List<RealtimeServerEvent> Events, RealtimeMCPApprovalRequest? Asked)> RunOneCallAsync(RealtimeVoiceSession session, RealtimeSessionConfig config)
    {
        RealtimeMCPApprovalRequest? asked = null;
        RealtimeMcpApprovalHandler? policy = session.McpApprovalHandler;
        session.McpApprovalHandler = (request, cancellationToken) =>
        {
            asked = request;
            return policy!(request, cancellationToken);
        };
        await session.UpdateSessionAsync(config);
        await session.CreateResponseAsync();

        // Two responses: the one that asks for approval, then the one after the answer.
        int done = 0;
        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone && ++done == 2);
        return (events, asked);
    }

    private static JsonElement ApprovalResponseSent(RealtimeSimulator simulator)
    {
        RealtimeClientMessage message = simulator.ClientMessages.Single(m => m.Json.Contains("mcp_approval_response", StringComparison.Ordinal));
        Assert.Equal("conversation.item.create", message.Type);
        return Json(message.Json).GetProperty("item");
    }

    [Fact(Timeout = 30000)]
    public async Task An_approved_mcp_call_runs_and_every_mcp_event_is_typed()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();
        session.McpApprovalHandler = (_, _) => ValueTask.FromResult(RealtimeMcpApproval.Approved);

        (List<RealtimeServerEvent> events, RealtimeMCPApprovalRequest? asked) = await RunOneCallAsync(session, WithMcpServer());

        // The tool list, typed.
        Assert.Contains(events, e => e.Kind == RealtimeServerEventKind.McpListToolsInProgress);
        string listItemId = events.Single(e => e.Kind == RealtimeServerEventKind.McpListToolsCompleted).AsMcpListToolsCompleted().ItemId;
        RealtimeMCPListTools listed = events.Where(e => e.Kind == RealtimeServerEventKind.ConversationItemDone)
            .Select(e => e.AsConversationItemDone().Item).First(i => i.IsMcpListTools).AsMcpListTools();
        Assert.Equal(listItemId, listed.Id);
        Assert.Equal(["search_docs", "delete_doc"], listed.Tools.Select(t => t.Name));

        // The approval request went to the handler, and its answer went back with the request's id.
        Assert.NotNull(asked);
        Assert.Equal(("docs", "search_docs", """{"query":"realtime"}"""), (asked!.ServerLabel, asked.Name, asked.Arguments));
        JsonElement answer = ApprovalResponseSent(simulator);
        Assert.Equal(asked.Id, answer.GetProperty("approval_request_id").GetString());
        Assert.True(answer.GetProperty("approve").GetBoolean());
        Assert.False(answer.TryGetProperty("reason", out _));

        // The call ran: arguments, in progress, completed, and an mcp_call item with the server's output.
        string[] kinds = Kinds(events);
        Assert.Equal(
            ["ResponseMcpCallArgumentsDelta", "ResponseMcpCallArgumentsDone", "ResponseMcpCallInProgress", "ResponseMcpCallCompleted"],
            kinds.Where(k => k.StartsWith("ResponseMcpCall", StringComparison.Ordinal)).Distinct());
        RealtimeMCPToolCall call = events.Where(e => e.Kind == RealtimeServerEventKind.ConversationItemDone)
            .Select(e => e.AsConversationItemDone().Item).Single(i => i.IsMcpCall).AsMcpCall();
        Assert.Equal(asked.Id, call.ApprovalRequestId);
        Assert.Equal(simulator.Options.McpToolOutputs["search_docs"], call.Output);
        Assert.Equal(call.Id, events.Single(e => e.Kind == RealtimeServerEventKind.ResponseMcpCallCompleted).AsResponseMcpCallCompleted().ItemId);
        Assert.DoesNotContain(events, e => e.Kind == RealtimeServerEventKind.Unknown);
    }

    [Fact(Timeout = 30000)]
    public async Task A_rejected_mcp_call_never_runs_and_the_reason_reaches_the_server()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();
        session.McpApprovalHandler = (_, _) => ValueTask.FromResult(RealtimeMcpApproval.Rejected("not during a call"));

        (List<RealtimeServerEvent> events, RealtimeMCPApprovalRequest? asked) = await RunOneCallAsync(session, WithMcpServer());

        Assert.NotNull(asked);
        JsonElement answer = ApprovalResponseSent(simulator);
        Assert.Equal(asked!.Id, answer.GetProperty("approval_request_id").GetString());
        Assert.False(answer.GetProperty("approve").GetBoolean());
        Assert.Equal("not during a call", answer.GetProperty("reason").GetString());

        // Rejected: no mcp_call item and no call events; the model answers without the tool.
        Assert.DoesNotContain(events, e => e.Kind is RealtimeServerEventKind.ResponseMcpCallInProgress or RealtimeServerEventKind.ResponseMcpCallCompleted);
        Assert.DoesNotContain(events, e => e.Kind == RealtimeServerEventKind.ConversationItemDone && e.AsConversationItemDone().Item.IsMcpCall);
        RealtimeServerEventResponseDone last = events[^1].AsResponseDone();
        Assert.Contains("not approved (not during a call)", last.Response.ToString(), StringComparison.Ordinal);
    }

    [Theory(Timeout = 30000)]
    [InlineData("search_docs", true)]
    [InlineData("delete_doc", false)]
    public async Task The_allow_list_policy_approves_listed_tools_and_rejects_the_others(string toolOnServer, bool approved)
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();
        session.McpApprovalHandler = RealtimeMcpApproval.AllowList(["search_docs"], serverLabel: "docs");

        (List<RealtimeServerEvent> events, RealtimeMCPApprovalRequest? asked) = await RunOneCallAsync(session, WithMcpServer(toolOnServer));

        Assert.Equal(toolOnServer, asked!.Name);
        JsonElement answer = ApprovalResponseSent(simulator);
        Assert.Equal(approved, answer.GetProperty("approve").GetBoolean());
        Assert.Equal(approved, events.Any(e => e.Kind == RealtimeServerEventKind.ResponseMcpCallCompleted));
        if (!approved)
        {
            Assert.Equal("The tool 'delete_doc' of 'docs' is not on the allow-list.", answer.GetProperty("reason").GetString());
        }
    }

    [Fact(Timeout = 15000)]
    public async Task A_server_that_cannot_be_listed_is_a_typed_failure_and_without_a_handler_nothing_is_answered()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();

        var unreachable = new MCPTool { ServerLabel = "down", ServerUrl = "https://mcp.down.invalid/sse" };
        await session.UpdateSessionAsync(new RealtimeSessionConfig { Tools = [unreachable] });
        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.McpListToolsFailed);
        Assert.Equal(events.Single(e => e.Kind == RealtimeServerEventKind.McpListToolsInProgress).AsMcpListToolsInProgress().ItemId, events[^1].AsMcpListToolsFailed().ItemId);

        // No handler: the request waits for the app, which answers it itself.
        await session.UpdateSessionAsync(WithMcpServer());
        await session.CreateResponseAsync();
        events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone);
        RealtimeMCPApprovalRequest request = events.Where(e => e.Kind == RealtimeServerEventKind.ConversationItemDone)
            .Select(e => e.AsConversationItemDone().Item).Single(i => i.IsMcpApprovalRequest).AsMcpApprovalRequest();
        Assert.DoesNotContain(simulator.ClientMessages, m => m.Json.Contains("mcp_approval_response", StringComparison.Ordinal));

        await session.SendMcpApprovalAsync(request.Id, RealtimeMcpApproval.Approved);
        events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone);
        Assert.Contains(events, e => e.Kind == RealtimeServerEventKind.ResponseMcpCallCompleted);
    }
}
