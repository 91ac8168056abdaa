using System;
using System.Collections;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.Sse;

namespace Generated.OpenAI.Http;

/// <summary>What the generated REST clients call: sending, reading typed bodies and event streams, building forms.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedClientSupport
{
    /// <summary>A JSON body written by the model's generated writer (once; replayed on retries).</summary>
    public static Func<HttpContent> JsonBody<T>(T body) where T : IJsonModel<T> => PipelineContent.Json(body.WriteJson);

    /// <summary>Sends and reads a JSON body; failures are the typed <see cref="OpenAIException"/>s.</summary>
    public static async Task<ApiResponse<T>> SendJsonAsync<T>(OpenAIPipeline pipeline, PipelineRequest request, RequestOptions? options, CancellationToken cancellationToken)
        where T : IJsonModel<T>
    {
        using var response = await pipeline.SendAsync(request, options, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.ReadContentAsync(cancellationToken).ConfigureAwait(false);
        return new ApiResponse<T>(JsonModel.Deserialize<T>(body.Span), response);
    }

    /// <summary>Sends and reads any JSON body as a <see cref="JsonElement"/>.</summary>
    public static async Task<ApiResponse<JsonElement>> SendJsonElementAsync(OpenAIPipeline pipeline, PipelineRequest request, RequestOptions? options, CancellationToken cancellationToken)
    {
        using var response = await pipeline.SendAsync(request, options, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.ReadContentAsync(cancellationToken).ConfigureAwait(false);
        using var document = body.IsEmpty ? JsonDocument.Parse("null") : JsonDocument.Parse(body);
        return new ApiResponse<JsonElement>(document.RootElement.Clone(), response);
    }

    /// <summary>Sends and reads the body as text, decoded with the response's charset (UTF-8 when it names none).</summary>
    public static async Task<ApiResponse<string>> SendTextAsync(OpenAIPipeline pipeline, PipelineRequest request, RequestOptions? options, CancellationToken cancellationToken)
    {
        using var response = await pipeline.SendAsync(request, options, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.ReadContentAsync(cancellationToken).ConfigureAwait(false);
        Encoding encoding = Encoding.UTF8;
        if (response.Message.Content.Headers.ContentType?.CharSet is { Length: > 0 } charSet)
        {
            try
            {
                encoding = Encoding.GetEncoding(charSet.Trim('"'));
            }
            catch (ArgumentException)
            {
                // An unknown charset: UTF-8 is what the API sends.
            }
        }
        return new ApiResponse<string>(encoding.GetString(body.Span), response);
    }

    /// <summary>Sends and returns the raw response, its body unread (binary downloads): the caller disposes it.</summary>
    public static Task<PipelineResponse> SendRawAsync(OpenAIPipeline pipeline, PipelineRequest request, RequestOptions? options, CancellationToken cancellationToken) =>
        pipeline.SendAsync(request, options, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>Sends and reads a <c>text/event-stream</c>: one <typeparamref name="T"/> per event until <c>[DONE]</c> or the end.</summary>
    public static async IAsyncEnumerable<T> StreamAsync<T>(OpenAIPipeline pipeline, PipelineRequest request, RequestOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : IJsonModel<T>
    {
        request.AddHeader("Accept", "text/event-stream");
        using var response = await pipeline.SendAsync(request, options, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var reader = new SseReader(response.ContentStream);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.IsDone)
            {
                yield break;
            }
            if (reader.Data.IsEmpty)
            {
                continue;
            }
            yield return JsonModel.Deserialize<T>(reader.Data.Span);
        }
    }

    /// <summary>
    /// Adds a map query parameter the way OpenAI's SDKs send one (<c>deepObject</c>): <c>metadata[key]=value</c> per
    /// entry; a <see langword="null"/> map or value is skipped.
    /// </summary>
    public static void AddQueryMap(PipelineRequest request, string name, IEnumerable<KeyValuePair<string, string>>? values)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (values is null)
        {
            return;
        }
        foreach (KeyValuePair<string, string> entry in values)
        {
            request.AddQuery(name + "[" + entry.Key + "]", entry.Value);
        }
    }

    /// <summary>
    /// Adds an object query parameter the way OpenAI's SDKs send one (<c>deepObject</c>, brackets):
    /// <c>effective_at[gt]=1</c>, nested objects as <c>name[a][b]</c>, arrays as <c>name[a][]</c>; nulls are skipped.
    /// </summary>
    public static void AddQueryObject<T>(PipelineRequest request, string name, T? value)
        where T : class, IJsonModel<T>
    {
        ArgumentNullException.ThrowIfNull(request);
        if (value is null)
        {
            return;
        }
        using JsonDocument document = JsonDocument.Parse(JsonModel.SerializeToUtf8Bytes(value));
        AddQueryValue(request, name, document.RootElement);
    }

    private static void AddQueryValue(PipelineRequest request, string name, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    AddQueryValue(request, name + "[" + property.Name + "]", property.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in value.EnumerateArray())
                {
                    AddQueryValue(request, name + "[]", item);
                }
                break;
            case JsonValueKind.String:
                request.AddQuery(name, value.GetString());
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                request.AddQuery(name, value.ValueKind == JsonValueKind.True);
                break;
            case JsonValueKind.Number:
                request.AddQuery(name, value.GetRawText());
                break;
        }
    }

    /// <summary>Adds a form field: files as file parts, lists as repeated <c>name[]</c> parts, models as their JSON.</summary>
    public static void AddPart(MultipartContentBuilder form, string name, object? value)
    {
        switch (value)
        {
            case null:
                return;
            case UploadFile file when file.Stream is not null:
                form.AddFile(name, file.Stream, file.FileName, file.ContentType);
                return;
            case UploadFile file:
                form.AddFile(name, file.Content, file.FileName, file.ContentType);
                return;
            case string s:
                form.AddString(name, s);
                return;
            case IEnumerable items:
                foreach (object? item in items)
                {
                    AddPart(form, name + "[]", item);
                }
                return;
            default:
                form.AddString(name, FormText(value));
                return;
        }
    }

    /// <summary>
    /// Adds a form field with the part media type the spec's <c>encoding</c> gives (an SDP offer as <c>application/sdp</c>,
    /// a session as <c>application/json</c>); files keep their own media type, lists repeat as <c>name[]</c>.
    /// </summary>
    public static void AddPart(MultipartContentBuilder form, string name, object? value, string contentType)
    {
        ArgumentNullException.ThrowIfNull(form);
        switch (value)
        {
            case null:
                return;
            case UploadFile:
                AddPart(form, name, value);
                return;
            case string s:
                form.AddText(name, s, contentType);
                return;
            case IEnumerable items:
                foreach (object? item in items)
                {
                    AddPart(form, name + "[]", item, contentType);
                }
                return;
            default:
                form.AddText(name, FormText(value), contentType);
                return;
        }
    }

    /// <summary>Adds a form-urlencoded field; lists become repeated <c>name[]</c> fields.</summary>
    public static void AddField(List<KeyValuePair<string, string?>> fields, string name, object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                fields.Add(new(name, s));
                return;
            case IEnumerable items:
                foreach (object? item in items)
                {
                    AddField(fields, name + "[]", item);
                }
                return;
            default:
                fields.Add(new(name, FormText(value)));
                return;
        }
    }

    private static string FormText(object value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "", // generated models and unions print their JSON; open enums their value
    };
}
