using System;
using System.Collections.Generic;
using System.Text;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// Joins transcript deltas verbatim per item, in the order items were first seen. Thread-safe: the session's
/// receive loop appends while callers read snapshots.
/// </summary>
public sealed class RealtimeTranscriptAccumulator
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>The transcripts so far, in first-seen order.</summary>
    public IReadOnlyList<RealtimeTranscript> Transcripts
    {
        get
        {
            lock (_lock)
            {
                var list = new List<RealtimeTranscript>(_order.Count);
                foreach (string id in _order)
                {
                    Entry entry = _entries[id];
                    list.Add(new RealtimeTranscript(id, entry.ResponseId, entry.Text.ToString(), entry.IsFinal));
                }

                return list;
            }
        }
    }

    /// <summary>All transcripts joined, separated by <paramref name="separator"/>.</summary>
    public string GetFullText(string separator = "\n")
    {
        var sb = new StringBuilder();
        foreach (RealtimeTranscript transcript in Transcripts)
        {
            if (sb.Length > 0)
            {
                sb.Append(separator);
            }

            sb.Append(transcript.Text);
        }

        return sb.ToString();
    }

    /// <summary>The text of <paramref name="itemId"/>, or <see langword="null"/> when nothing arrived for it.</summary>
    public string? GetText(string itemId)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(itemId, out Entry? entry) ? entry.Text.ToString() : null;
        }
    }

    /// <summary>The texts of the items of one response, joined in first-seen order.</summary>
    public string GetResponseText(string responseId)
    {
        var sb = new StringBuilder();
        foreach (RealtimeTranscript transcript in Transcripts)
        {
            if (transcript.ResponseId == responseId)
            {
                sb.Append(transcript.Text);
            }
        }

        return sb.ToString();
    }

    /// <summary>Appends a delta verbatim.</summary>
    public void Append(string itemId, string? responseId, string? delta)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        lock (_lock)
        {
            GetOrAdd(itemId, responseId).Text.Append(delta);
        }
    }

    /// <summary>Marks the item final; when <paramref name="finalText"/> is given it replaces the joined deltas.</summary>
    public void Complete(string itemId, string? responseId, string? finalText)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        lock (_lock)
        {
            Entry entry = GetOrAdd(itemId, responseId);
            if (finalText is not null)
            {
                entry.Text.Clear().Append(finalText);
            }

            entry.IsFinal = true;
        }
    }

    private Entry GetOrAdd(string itemId, string? responseId)
    {
        if (!_entries.TryGetValue(itemId, out Entry? entry))
        {
            entry = new Entry { ResponseId = responseId };
            _entries.Add(itemId, entry);
            _order.Add(itemId);
        }

        return entry;
    }

    private sealed class Entry
    {
        public StringBuilder Text { get; } = new();

        public string? ResponseId { get; init; }

        public bool IsFinal { get; set; }
    }
}
