using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// Decides an MCP tool call that needs approval (an <c>mcp_approval_request</c> item): the session sends the answer as
/// an <c>mcp_approval_response</c> item. See <see cref="RealtimeVoiceSession.McpApprovalHandler"/>.
/// </summary>
/// <param name="request">The request: server label, tool name and the JSON arguments the model chose.</param>
/// <param name="cancellationToken">Cancelled when the session is disposed.</param>
public delegate ValueTask<RealtimeMcpApproval> RealtimeMcpApprovalHandler(RealtimeMCPApprovalRequest request, CancellationToken cancellationToken);
