using System;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// A realtime event model: what the generator emits for every schema with a string <c>event_id</c> and a constant
/// <c>type</c> (client and server events of every session kind). Sessions read the type and set the id through it,
/// so that no event type is written by hand in the runtime.
/// </summary>
/// <remarks>
/// The model keeps its id as a <see cref="RealtimeEventId"/>: <see cref="EventId"/> is that id as a string (made once
/// when read), <see cref="EventIdValue"/> the id as it is kept, which a session sets and reads so that its own ids and
/// the ids of lent events are no strings unless someone reads them as strings.
/// </remarks>
public interface IRealtimeEvent
{
    /// <summary>The event's <c>type</c> as UTF-8 (a constant of the event's class, also its static <c>TypeUtf8</c>).</summary>
    ReadOnlySpan<byte> TypeUtf8 { get; }

    /// <summary>The event's <c>type</c> (a constant string: reading it allocates nothing).</summary>
    string Type { get; }

    /// <summary>The event's <c>event_id</c>: set by the client on events it sends, by the server on events it sends.</summary>
    string? EventId { get; set; }

    /// <summary>
    /// The event's <c>event_id</c> as the model keeps it: a string, a session's own id, or (on a lent event) UTF-8
    /// borrowed from the received message, valid as long as the event is (see <see cref="RealtimeEventId"/>).
    /// </summary>
    RealtimeEventId EventIdValue { get; set; }
}
