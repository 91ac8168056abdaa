using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Generated.OpenAI.Extensions.AI.Chat;

/// <summary>
/// The JSON of function tools, shared by both chat clients: a function's parameter schema as the API's object,
/// arguments to and from their JSON text, and a function's result as the text the API takes.
/// </summary>
internal static class ToolJson
{
    /// <summary>The JSON schema of the function's parameters as the API's <c>parameters</c> object.</summary>
    public static IDictionary<string, JsonElement> Parameters(AIFunctionDeclaration function)
    {
        var parameters = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        JsonElement schema = function.JsonSchema;
        if (schema.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in schema.EnumerateObject())
            {
                parameters[property.Name] = property.Value.Clone();
            }
        }

        if (!parameters.ContainsKey("type"))
        {
            parameters["type"] = JsonDocument.Parse("\"object\"").RootElement.Clone();
            parameters["properties"] = JsonDocument.Parse("{}").RootElement.Clone();
        }

        return parameters;
    }

    /// <summary>
    /// The arguments of a call as the JSON text the API carries, compact as the model wrote them (MEAI's default options
    /// indent, which would send the history back with whitespace the model never produced).
    /// </summary>
    public static string Arguments(IDictionary<string, object?>? arguments)
    {
        if (arguments is null)
        {
            return "{}";
        }

        return Compact(arguments, typeof(IDictionary<string, object?>));
    }

    /// <summary>
    /// A call from the API's JSON text; text that is not a JSON object leaves the call with its
    /// <see cref="FunctionCallContent.Exception"/> set (MEAI's convention, which <c>FunctionInvokingChatClient</c> reports to the model).
    /// </summary>
    public static FunctionCallContent Call(string callId, string name, string? arguments) =>
        FunctionCallContent.CreateFromParsedArguments(
            string.IsNullOrEmpty(arguments) ? "{}" : arguments,
            callId,
            name,
            static json => JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))) as IDictionary<string, object?>);

    /// <summary>A function's result as the text the API takes: strings as they are, anything else as JSON.</summary>
    public static string Result(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception is { } exception ? $"Error: {exception.Message}" : string.Empty,
        string text => text,
        JsonElement element => element.GetRawText(),
        object value => Compact(value, value.GetType()),
    };

    private static string Compact(object value, Type type)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(type));
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
