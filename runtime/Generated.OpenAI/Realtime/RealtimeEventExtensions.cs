using System;
using System.Text;
using System.Text.Json;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// Helpers for events whose payload did not fit the spec's schema. Such events still arrive, as the union's
/// <c>Unknown</c> case with their raw JSON (never dropped); <see cref="GetTypeKind(RealtimeServerEvent)"/> tells which
/// event type they declare, so that code can switch on the type either way.
/// </summary>
/// <remarks>
/// The generated readers keep unlisted enum values and values of another JSON kind raw instead of throwing, and
/// tell union cases apart by their other constants (an assistant message is not a system message), so typed
/// parsing of GA events succeeds; this fallback remains for JSON that is not the shape of any event at all.
/// </remarks>
public static class RealtimeEventExtensions
{
    /// <summary>The kind the event's <c>type</c> names: <see cref="RealtimeServerEvent.Kind"/>, or for an
    /// <c>Unknown</c> event the kind of its declared <c>type</c> (still <c>Unknown</c> for a type the spec lacks).</summary>
    public static RealtimeServerEventKind GetTypeKind(this RealtimeServerEvent serverEvent)
    {
        ArgumentNullException.ThrowIfNull(serverEvent);
        return serverEvent.Kind != RealtimeServerEventKind.Unknown || serverEvent.UnknownJson is not { } json
            ? serverEvent.Kind
            : RealtimeServerEvent.KindOf(TypeUtf8(json));
    }

    /// <summary>The kind the event's <c>type</c> names (see <see cref="GetTypeKind(RealtimeServerEvent)"/>).</summary>
    public static RealtimeTranslationServerEventKind GetTypeKind(this RealtimeTranslationServerEvent serverEvent)
    {
        ArgumentNullException.ThrowIfNull(serverEvent);
        return serverEvent.Kind != RealtimeTranslationServerEventKind.Unknown || serverEvent.UnknownJson is not { } json
            ? serverEvent.Kind
            : RealtimeTranslationServerEvent.KindOf(TypeUtf8(json));
    }

    internal static string? GetString(JsonElement json, string property)
        => json.ValueKind == JsonValueKind.Object && json.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static string? GetString(JsonElement json, string property, string nested)
        => json.ValueKind == JsonValueKind.Object && json.TryGetProperty(property, out JsonElement value) ? GetString(value, nested) : null;

    private static byte[] TypeUtf8(JsonElement json) => GetString(json, "type") is { } type ? Encoding.UTF8.GetBytes(type) : [];
}
