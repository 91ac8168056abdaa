using System;
using System.Collections.Generic;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// What a voice session's conversation holds, as text, kept from the server's item events so that a resumed
/// session can restore it: user and assistant turns (typed text, or the transcript of audio), system messages,
/// function calls and their outputs. Bounded: the oldest entries are forgotten past <c>capacity</c>.
/// Touched by the receive loop only.
/// </summary>
internal sealed class RealtimeConversationLog(int capacity)
{
    private readonly LinkedList<Entry> _order = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byId = new(StringComparer.Ordinal);

    private enum Role
    {
        User,
        Assistant,
        System,
        FunctionCall,
        FunctionCallOutput,
    }

    public int Count => _order.Count;

    /// <summary>Updates the log from one server event (items added, done or deleted; input transcripts).</summary>
    public void Observe(RealtimeServerEvent serverEvent)
    {
        switch (serverEvent.Value)
        {
            case RealtimeServerEventConversationItemAdded added:
                Upsert(added.Item);
                break;
            case RealtimeServerEventConversationItemCreated created:
                Upsert(created.Item);
                break;
            case RealtimeServerEventConversationItemDone done:
                Upsert(done.Item);
                break;
            case RealtimeServerEventConversationItemDeleted deleted:
                if (_byId.Remove(deleted.ItemId, out LinkedListNode<Entry>? node))
                {
                    _order.Remove(node);
                }

                break;
            case RealtimeInputTranscriptionCompleted transcript when _byId.TryGetValue(transcript.ItemId, out LinkedListNode<Entry>? user):
                user.Value.Text = transcript.Transcript;
                break;
            case RealtimeServerEventConversationItemTruncated truncated when _byId.TryGetValue(truncated.ItemId, out LinkedListNode<Entry>? cut):
                // The server drops the transcript of truncated audio (so that no text the user did not hear stays in
                // context); the log does the same, and the item is not restored.
                cut.Value.Text = null;
                cut.Value.Truncated = true;
                break;
        }
    }

    /// <summary>An assistant item that never finished (the connection dropped mid-response) gets the transcript heard so far.</summary>
    public void CompletePartial(Func<string, string?> partialText)
    {
        foreach (Entry entry in _order)
        {
            if (entry.Role == Role.Assistant && !entry.Truncated && string.IsNullOrEmpty(entry.Text) && partialText(entry.Id) is { Length: > 0 } text)
            {
                entry.Text = text;
            }
        }
    }

    /// <summary>
    /// The items to restore, oldest first: the most recent ones within <paramref name="maxItems"/> and
    /// <paramref name="maxCharacters"/>; a function call and its output go together or not at all; turns without
    /// text are left out. <paramref name="omitted"/> counts what was left out.
    /// </summary>
    public List<RealtimeConversationItem> Plan(int maxItems, int maxCharacters, out int omitted)
    {
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        var calls = new HashSet<string>(StringComparer.Ordinal);
        foreach (Entry entry in _order)
        {
            if (entry.CallId is { } callId)
            {
                (entry.Role == Role.FunctionCall ? calls : outputs).Add(callId);
            }
        }

        var chosen = new List<Entry>();
        var chosenCalls = new HashSet<string>(StringComparer.Ordinal);
        int characters = 0;
        for (LinkedListNode<Entry>? node = _order.Last; node is not null; node = node.Previous)
        {
            Entry entry = node.Value;
            bool restorable = entry.Role switch
            {
                Role.FunctionCall => entry.CallId is not null && outputs.Contains(entry.CallId) && entry.Name is not null,
                Role.FunctionCallOutput => entry.CallId is not null && calls.Contains(entry.CallId),
                _ => !string.IsNullOrEmpty(entry.Text),
            };
            int size = (entry.Text?.Length ?? 0) + (entry.Name?.Length ?? 0);
            if (!restorable || chosen.Count >= maxItems || characters + size > maxCharacters)
            {
                continue;
            }

            if (entry.Role == Role.FunctionCall && !chosenCalls.Contains(entry.CallId!))
            {
                continue; // its output did not fit
            }

            if (entry.Role == Role.FunctionCallOutput)
            {
                chosenCalls.Add(entry.CallId!);
            }

            chosen.Add(entry);
            characters += size;
        }

        // An output whose call did not fit goes too.
        var restoredCalls = new HashSet<string>(StringComparer.Ordinal);
        foreach (Entry entry in chosen)
        {
            if (entry.Role == Role.FunctionCall)
            {
                restoredCalls.Add(entry.CallId!);
            }
        }

        chosen.RemoveAll(e => e.Role == Role.FunctionCallOutput && !restoredCalls.Contains(e.CallId!));
        chosen.Reverse();
        omitted = _order.Count - chosen.Count;
        return chosen.ConvertAll(ToItem);
    }

    private static RealtimeConversationItem ToItem(Entry entry) => entry.Role switch
    {
        Role.User => RealtimeConversationItem.FromMessageUser(new RealtimeConversationItemMessageUser
        {
            Id = entry.Id,
            Content = [new RealtimeConversationItemMessageUserContentItem { Type = RealtimeConversationItemMessageUserContentItemType.InputText, Text = entry.Text }],
        }),
        Role.Assistant => RealtimeConversationItem.FromMessageAssistant(new RealtimeConversationItemMessageAssistant
        {
            Id = entry.Id,
            Content = [new RealtimeConversationItemMessageAssistantContentItem { Type = RealtimeConversationItemMessageAssistantContentItemType.OutputText, Text = entry.Text }],
        }),
        Role.System => RealtimeConversationItem.FromMessageSystem(new RealtimeConversationItemMessageSystem
        {
            Id = entry.Id,
            Content = [new RealtimeConversationItemMessageSystemContentItem { Text = entry.Text }],
        }),
        Role.FunctionCall => RealtimeConversationItem.FromFunctionCall(new RealtimeConversationItemFunctionCall
        {
            Id = entry.Id,
            CallId = entry.CallId,
            Name = entry.Name!,
            Arguments = entry.Text ?? "{}",
        }),
        _ => RealtimeConversationItem.FromFunctionCallOutput(new RealtimeConversationItemFunctionCallOutput
        {
            Id = entry.Id,
            CallId = entry.CallId!,
            Output = entry.Text ?? string.Empty,
        }),
    };

    private void Upsert(RealtimeConversationItem item)
    {
        Entry? read = item.Value switch
        {
            RealtimeConversationItemMessageUser user when user.Id is { } id => new Entry(id, Role.User) { Text = UserText(user) },
            RealtimeConversationItemMessageAssistant assistant when assistant.Id is { } id => new Entry(id, Role.Assistant) { Text = AssistantText(assistant) },
            RealtimeConversationItemMessageSystem system when system.Id is { } id => new Entry(id, Role.System) { Text = SystemText(system) },
            RealtimeConversationItemFunctionCall call when call.Id is { } id => new Entry(id, Role.FunctionCall) { CallId = call.CallId, Name = call.Name, Text = call.Arguments },
            RealtimeConversationItemFunctionCallOutput output when output.Id is { } id => new Entry(id, Role.FunctionCallOutput) { CallId = output.CallId, Text = output.Output },
            _ => null,
        };
        if (read is null)
        {
            return;
        }

        if (_byId.TryGetValue(read.Id, out LinkedListNode<Entry>? existing))
        {
            // Later events of the same item fill in what earlier ones lacked; a transcript already known stays.
            existing.Value.Text = existing.Value.Truncated || string.IsNullOrEmpty(read.Text) ? existing.Value.Text : read.Text;
            existing.Value.CallId ??= read.CallId;
            existing.Value.Name ??= read.Name;
            return;
        }

        _byId[read.Id] = _order.AddLast(read);
        while (_order.Count > Math.Max(1, capacity))
        {
            _byId.Remove(_order.First!.Value.Id);
            _order.RemoveFirst();
        }
    }

    private static string? UserText(RealtimeConversationItemMessageUser user)
    {
        string? text = null;
        foreach (RealtimeConversationItemMessageUserContentItem part in user.Content)
        {
            text = Join(text, part.Type == RealtimeConversationItemMessageUserContentItemType.InputAudio ? part.Transcript : part.Text);
        }

        return text;
    }

    private static string? AssistantText(RealtimeConversationItemMessageAssistant assistant)
    {
        string? text = null;
        foreach (RealtimeConversationItemMessageAssistantContentItem part in assistant.Content)
        {
            text = Join(text, part.Type == RealtimeConversationItemMessageAssistantContentItemType.OutputAudio ? part.Transcript : part.Text);
        }

        return text;
    }

    private static string? SystemText(RealtimeConversationItemMessageSystem system)
    {
        string? text = null;
        foreach (RealtimeConversationItemMessageSystemContentItem part in system.Content)
        {
            text = Join(text, part.Text);
        }

        return text;
    }

    private static string? Join(string? text, string? part) => string.IsNullOrEmpty(part) ? text : text is null ? part : text + "\n" + part;

    private sealed class Entry(string id, Role role)
    {
        public string Id { get; } = id;

        public Role Role { get; } = role;

        public string? Text { get; set; }

        public string? CallId { get; set; }

        public string? Name { get; set; }

        /// <summary>Truncated by <c>conversation.item.truncate</c>: its text is gone and stays gone.</summary>
        public bool Truncated { get; set; }
    }
}
