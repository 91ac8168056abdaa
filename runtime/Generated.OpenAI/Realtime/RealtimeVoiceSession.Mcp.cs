using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

/// <summary>Remote MCP tools: approval requests answered by a callback or a policy.</summary>
/// <remarks>
/// An MCP tool (<see cref="MCPTool"/>, <c>"type":"mcp"</c>) goes in <c>session.tools</c> like any tool; the Realtime API
/// lists its tools (<c>mcp_list_tools.in_progress</c>, <c>.completed</c> or <c>.failed</c>) and calls them itself
/// (<c>response.mcp_call_arguments.*</c>, <c>response.mcp_call.in_progress</c>, <c>.completed</c> or <c>.failed</c>, then an
/// <c>mcp_call</c> item with its output or error): all of these are typed cases of <see cref="RealtimeServerEvent"/>.
/// When a call needs approval the server adds an <c>mcp_approval_request</c> item and the call waits until the client
/// answers with an <c>mcp_approval_response</c> item.
/// </remarks>
public partial class RealtimeVoiceSession
{
    private RealtimeMcpApprovalHandler? _mcpApprovalHandler;

    /// <summary>
    /// Answers MCP approval requests: for each <c>mcp_approval_request</c> item (on its <c>conversation.item.done</c>) the
    /// handler runs off the receive loop and its decision is sent as an <c>mcp_approval_response</c> item. A handler
    /// that throws rejects the call (the reason says the handler failed; its message is not sent). When
    /// <see langword="null"/> (the default) nothing is answered: the call waits until the app calls
    /// <see cref="SendMcpApprovalAsync"/>. <see cref="RealtimeMcpApproval.AllowList"/> is a ready-made policy.
    /// </summary>
    public RealtimeMcpApprovalHandler? McpApprovalHandler
    {
        get => Volatile.Read(ref _mcpApprovalHandler);
        set => Volatile.Write(ref _mcpApprovalHandler, value);
    }

    /// <summary>
    /// Answers one MCP approval request: <c>conversation.item.create</c> with an <c>mcp_approval_response</c> item
    /// (<c>approval_request_id</c>, <c>approve</c>, <c>reason</c>). Returns the event id.
    /// </summary>
    /// <param name="approvalRequestId">The <c>id</c> of the <c>mcp_approval_request</c> item.</param>
    /// <param name="approval">The decision.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public ValueTask<RealtimeEventId> SendMcpApprovalAsync(string approvalRequestId, RealtimeMcpApproval approval, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(approvalRequestId);
        var response = new RealtimeMCPApprovalResponse
        {
            // The schema requires an item id; the server keeps one the client chooses (at most 32 characters).
            Id = "mcpresp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            ApprovalRequestId = approvalRequestId,
            Approve = approval.Approve,
        };
        if (approval.Reason is not null)
        {
            response.Reason = approval.Reason;
        }

        return SendEventAsync(new RealtimeConversationItemCreate { Item = RealtimeConversationItem.FromMcpApprovalResponse(response) }, cancellationToken);
    }

    /// <summary>Runs on the receive loop for an <c>mcp_approval_request</c> item: decides and answers it off the loop.</summary>
    private void StartMcpApproval(RealtimeMCPApprovalRequest request)
    {
        RealtimeMcpApprovalHandler? handler = McpApprovalHandler;
        if (handler is null)
        {
            return;
        }

        lock (_stateLock)
        {
            _toolRuns.RemoveAll(t => t.IsCompleted);
            CancellationToken token = _toolsStopping.Token;
            _toolRuns.Add(Task.Run(() => AnswerMcpApprovalAsync(handler, request, token)));
        }
    }

    private async Task AnswerMcpApprovalAsync(RealtimeMcpApprovalHandler handler, RealtimeMCPApprovalRequest request, CancellationToken cancellationToken)
    {
        RealtimeMcpApproval decision;
        try
        {
            decision = await handler(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            decision = RealtimeMcpApproval.Rejected("The client's approval handler failed.");
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            await SendMcpApprovalAsync(request.Id, decision, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketConnectionException or InvalidOperationException or ObjectDisposedException)
        {
            // The session is ending; the answer has nowhere to go.
        }
    }
}
