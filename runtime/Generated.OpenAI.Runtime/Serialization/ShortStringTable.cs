using System;
using System.Text;
using System.Text.Json;

namespace Generated.OpenAI.Serialization;

/// <summary>
/// Short ASCII strings already read from the document being deserialized on this thread, so that a value that
/// repeats (a log-probability's <c>token</c>, which its first <c>top_logprobs</c> entry usually repeats, and which
/// common tokens repeat across positions) is one string instance instead of one per occurrence. Strings are
/// immutable, so sharing an instance is invisible to the application.
/// </summary>
/// <remarks>
/// Only for large documents (<see cref="MinDocumentBytes"/>): <see cref="JsonModel"/> makes the table current for one
/// <c>Deserialize</c> call and empties it when the call ends, so nothing read is kept beyond it, and a small
/// document (a realtime event) pays nothing but one thread-static read per string. The table is direct-mapped: a
/// collision replaces the entry, a miss allocates as <see cref="Utf8JsonReader.GetString"/> would.
/// </remarks>
internal sealed class ShortStringTable
{
    /// <summary>Documents smaller than this are read without a table.</summary>
    internal const int MinDocumentBytes = 16 * 1024;

    /// <summary>The longest value, in UTF-8 bytes, that is looked up.</summary>
    private const int MaxLength = 16;

    private const int Size = 256;

    [ThreadStatic]
    private static ShortStringTable? t_current;

    [ThreadStatic]
    private static ShortStringTable? t_spare;

    private readonly string?[] _entries = new string?[Size];

    /// <summary>The table of the document being read on this thread; <see langword="null"/> when there is none.</summary>
    internal static ShortStringTable? Current => t_current;

    /// <summary>Makes a table current for a document of <paramref name="documentBytes"/>; returns what to pass to <see cref="Exit"/>.</summary>
    internal static ShortStringTable? Enter(long documentBytes, out bool entered)
    {
        ShortStringTable? previous = t_current;
        entered = documentBytes >= MinDocumentBytes;
        if (entered)
        {
            // The thread's spare table, unless a call on this thread is using it already (a nested Deserialize).
            ShortStringTable table = t_spare ?? new ShortStringTable();
            t_spare = null;
            t_current = table;
        }

        return previous;
    }

    /// <summary>Empties the table made current by <see cref="Enter"/> and restores the one before it.</summary>
    internal static void Exit(ShortStringTable? previous, bool entered)
    {
        if (!entered)
        {
            return;
        }

        ShortStringTable table = t_current!;
        Array.Clear(table._entries);
        t_current = previous;
        t_spare = table;
    }

    /// <summary>The string value the reader is on (a <see cref="JsonTokenType.String"/>), shared with an earlier equal one when it can be.</summary>
    internal string GetString(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return reader.GetString()!;
        }

        ReadOnlySpan<byte> utf8 = reader.ValueSpan;
        if (utf8.Length == 0 || utf8.Length > MaxLength)
        {
            return reader.GetString()!;
        }

        uint hash = 2166136261; // FNV-1a
        foreach (byte b in utf8)
        {
            hash = (hash ^ b) * 16777619;
        }

        ref string? entry = ref _entries[(hash ^ (hash >> 16)) & (Size - 1)];
        if (entry is not null && entry.Length == utf8.Length && Ascii.Equals(utf8, entry))
        {
            return entry;
        }

        // The reader transcodes (and rejects invalid UTF-8) as always; only ASCII is kept, as only ASCII compares above.
        string value = reader.GetString()!;
        if (value.Length == utf8.Length)
        {
            entry = value;
        }

        return value;
    }
}
