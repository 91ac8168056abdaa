using System;
using System.Text.Json;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// The writers a session's typed send hands to the connection, each cached once: a delegate over <see cref="object"/>
/// that writes an envelope (the event itself, or the client union holding it). Outside the generic session type, so
/// that the send path is not generic in the envelope: the session's code is shared by every server event type, and a
/// generic method, cached lambda or constrained call there costs a runtime dictionary lookup on every send.
/// </summary>
internal static class RealtimeEnvelopeWriters
{
    /// <summary>Writes a <see cref="RealtimeClientEvent"/>: the writer of <c>SendAsync(RealtimeClientEvent)</c>, with no generic code on its path.</summary>
    public static readonly Action<Utf8JsonWriter, object> ClientEvent = static (writer, envelope) => ((RealtimeClientEvent)envelope).WriteJson(writer);

    /// <summary>Writes an envelope of type <typeparamref name="T"/> (the SDK's own sends: configuration updates, commits, cancels).</summary>
    public static class Of<T>
        where T : IJsonModel<T>
    {
        public static readonly Action<Utf8JsonWriter, object> Write = static (writer, envelope) => ((T)envelope).WriteJson(writer);
    }
}
