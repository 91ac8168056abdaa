using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Realtime;

// Resume of a voice agent: the conversation kept as text (RealtimeConversationLog), restored on a new connection
// within the app's budget, shaped by its callback; the echoes of the restored items kept from the app.
public partial class RealtimeVoiceSession
{
    private readonly HashSet<string> _restoring = new(StringComparer.Ordinal);
    private RealtimeConversationLog? _conversationLog;
    private CancellationTokenSource _connectionScope = new();

    /// <summary>Cancelled when the current connection is lost (work tied to it, like tool outputs, stops).</summary>
    private CancellationToken ConnectionScope => Volatile.Read(ref _connectionScope).Token;

    private RealtimeConversationLog ConversationLog => _conversationLog ??= new RealtimeConversationLog(Math.Max(64, ResumeOptions.MaxItems * 4));

    private protected override bool IsIdle
    {
        get
        {
            lock (_stateLock)
            {
                return _activeResponseId is null;
            }
        }
    }

    private protected override void OnConnectionLost()
    {
        // The response in flight and the tool calls it made are gone with the old server session.
        lock (_stateLock)
        {
            _activeResponseId = null;
            _pendingCalls.Clear();
        }

        CancellationTokenSource lost = Interlocked.Exchange(ref _connectionScope, new CancellationTokenSource());
        lost.Cancel(); // not disposed: tool runs may still link to its token

        _conversationLog?.CompletePartial(OutputTranscripts.GetText);
    }

    private protected override async ValueTask<(IReadOnlyList<string> ItemIds, int Omitted)> RestoreAsync(RealtimeReconnectReason reason, CancellationToken cancellationToken)
    {
        RealtimeResumeOptions options = ResumeOptions;
        if (ServerPlaysAudio)
        {
            // A call's session lives on with the call: attaching again by call_id finds its conversation intact.
            return (Array.Empty<string>(), 0);
        }

        if (!options.RestoreConversation || _conversationLog is null)
        {
            return (Array.Empty<string>(), 0);
        }

        List<RealtimeConversationItem> items = _conversationLog.Plan(Math.Max(0, options.MaxItems), Math.Max(0, options.MaxCharacters), out int omitted);
        var plan = new RealtimeRestorePlan(reason, items, omitted);
        if (options.ShapeRestore is { } shape)
        {
            try
            {
                shape(plan);
            }
            catch (Exception ex)
            {
                throw new RealtimeCallbackException(nameof(RealtimeResumeOptions.ShapeRestore), ex);
            }
        }

        var ids = new List<string>(plan.Items.Count);
        int number = 0;
        foreach (RealtimeConversationItem item in plan.Items)
        {
            string id = ItemId(item) ?? SetItemId(item, $"item_restored_{++number}");
            ids.Add(id);
            lock (_restoring)
            {
                _restoring.Add(id);
            }

            await SendEventAsync(new RealtimeConversationItemCreate { Item = item }, cancellationToken).ConfigureAwait(false);
        }

        return (ids, plan.OmittedItems + Math.Max(0, items.Count - plan.Items.Count));
    }

    private protected override bool IsResumeEcho(RealtimeServerEvent serverEvent)
    {
        RealtimeConversationItem? item = serverEvent.Value switch
        {
            RealtimeServerEventConversationItemAdded added => added.Item,
            RealtimeServerEventConversationItemCreated created => created.Item,
            RealtimeServerEventConversationItemDone done => done.Item,
            _ => null,
        };
        if (item is null || ItemId(item) is not { } id)
        {
            return false;
        }

        lock (_restoring)
        {
            if (_restoring.Count == 0 || !_restoring.Contains(id))
            {
                return false;
            }

            if (serverEvent.Kind == RealtimeServerEventKind.ConversationItemDone)
            {
                _restoring.Remove(id);
            }

            return true;
        }
    }

    private static string? ItemId(RealtimeConversationItem item) => item.Value switch
    {
        RealtimeConversationItemMessageUser user => user.Id,
        RealtimeConversationItemMessageAssistant assistant => assistant.Id,
        RealtimeConversationItemMessageSystem system => system.Id,
        RealtimeConversationItemFunctionCall call => call.Id,
        RealtimeConversationItemFunctionCallOutput output => output.Id,
        _ => null,
    };

    private static string SetItemId(RealtimeConversationItem item, string id)
    {
        switch (item.Value)
        {
            case RealtimeConversationItemMessageUser user:
                user.Id = id;
                break;
            case RealtimeConversationItemMessageAssistant assistant:
                assistant.Id = id;
                break;
            case RealtimeConversationItemMessageSystem system:
                system.Id = id;
                break;
            case RealtimeConversationItemFunctionCall call:
                call.Id = id;
                break;
            case RealtimeConversationItemFunctionCallOutput output:
                output.Id = id;
                break;
        }

        return id;
    }
}
