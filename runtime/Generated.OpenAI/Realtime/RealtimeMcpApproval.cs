using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Generated.OpenAI.Realtime;

/// <summary>An answer to an MCP approval request: approve or reject, with an optional reason the model sees.</summary>
/// <param name="Approve">Whether the tool call may run.</param>
/// <param name="Reason">Why (sent as the item's <c>reason</c>), or <see langword="null"/>.</param>
public readonly record struct RealtimeMcpApproval(bool Approve, string? Reason = null)
{
    /// <summary>Approves the call.</summary>
    public static RealtimeMcpApproval Approved { get; } = new(true);

    /// <summary>Rejects the call, with an optional reason.</summary>
    public static RealtimeMcpApproval Rejected(string? reason = null) => new(false, reason);

    /// <summary>
    /// A policy: approves a call when its tool is on <paramref name="toolNames"/> (and, when given, its server label is
    /// <paramref name="serverLabel"/>), rejects every other call with a reason naming the tool. Names compare ordinally.
    /// </summary>
    /// <param name="toolNames">The tools that may run without asking anyone.</param>
    /// <param name="serverLabel">Only this MCP server's tools, or any server when <see langword="null"/>.</param>
    public static RealtimeMcpApprovalHandler AllowList(IEnumerable<string> toolNames, string? serverLabel = null)
    {
        ArgumentNullException.ThrowIfNull(toolNames);
        var allowed = new HashSet<string>(toolNames, StringComparer.Ordinal);
        return (request, _) => ValueTask.FromResult(
            allowed.Contains(request.Name) && (serverLabel is null || string.Equals(serverLabel, request.ServerLabel, StringComparison.Ordinal))
                ? Approved
                : Rejected($"The tool '{request.Name}' of '{request.ServerLabel}' is not on the allow-list."));
    }
}
