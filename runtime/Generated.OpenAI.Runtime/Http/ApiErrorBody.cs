using System;
using System.Text.Json;

namespace Generated.OpenAI.Http;

/// <summary>The fields of the API's <c>{"error":{"message","type","param","code"}}</c> body; all optional.</summary>
internal readonly record struct ApiErrorBody(string? Message, string? Type, string? Code, string? Param)
{
    /// <summary>Reads what it can; a malformed or unexpected body gives empty fields, never an exception.</summary>
    public static ApiErrorBody Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return default;
        }
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }
            if (root.TryGetProperty("error"u8, out JsonElement error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    return new ApiErrorBody(
                        AsText(error, "message"u8),
                        AsText(error, "type"u8),
                        AsText(error, "code"u8),
                        AsText(error, "param"u8));
                }
                if (error.ValueKind == JsonValueKind.String)
                {
                    return new ApiErrorBody(error.GetString(), null, null, null);
                }
            }
            return new ApiErrorBody(AsText(root, "message"u8), AsText(root, "type"u8), AsText(root, "code"u8), AsText(root, "param"u8));
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string? AsText(JsonElement obj, ReadOnlySpan<byte> name)
    {
        if (!obj.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }
}
