using System;
using System.Collections.Generic;
using System.Text;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// Joins transcript deltas verbatim per item, in the order items were first seen. Thread-safe: the session's
/// receive loop appends while callers read snapshots. Bounded, so that a session of any length (or a server that
/// never stops sending) holds a fixed amount: at most <see cref="MaxItems"/> items (the oldest are forgotten) of at
/// most <see cref="MaxItemLength"/> characters each (the oldest text is forgotten).
/// </summary>
public sealed class RealtimeTranscriptAccumulator
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>How many items are kept; adding one more forgets the oldest. Default: 1,000.</summary>
    public int MaxItems { get; init; } = 1000;

    /// <summary>How many characters of one item are kept; past it the oldest text is forgotten. Default: 1,048,576.</summary>
    public int MaxItemLength { get; init; } = 1 << 20;

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
            StringBuilder text = GetOrAdd(itemId, responseId).Text.Append(delta);
            if (text.Length > MaxItemLength)
            {
                text.Remove(0, text.Length - MaxItemLength);
            }
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
                entry.Text.Clear().Append(finalText, Math.Max(0, finalText.Length - MaxItemLength), Math.Min(finalText.Length, MaxItemLength));
            }

            entry.IsFinal = true;
        }
    }

    private Entry GetOrAdd(string itemId, string? responseId)
    {
        if (!_entries.TryGetValue(itemId, out Entry? entry))
        {
            while (_order.Count >= Math.Max(1, MaxItems))
            {
                _entries.Remove(_order.Dequeue());
            }

            entry = new Entry { ResponseId = responseId };
            _entries.Add(itemId, entry);
            _order.Enqueue(itemId);
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
