namespace Generated.OpenAI.Generator.Model;

/// <summary>One REST operation, everything resolved: the emitter only formats it into a client method.</summary>
/// <remarks>
/// <see cref="Path"/> is the path template; <see cref="FixedQuery"/> the query its spec key carries
/// (<c>/responses?beta=true</c>), sent on every request.
/// <see cref="Body"/> is the body the main method takes; <see cref="AlternateBodies"/> are the other request media
/// types whose body has another C# type (an overload each). <see cref="TextResponseFormat"/>: the body has a
/// <c>response_format</c> enum with <c>text</c>, so the API can answer plain text (a <c>*TextAsync</c> variant);
/// <see cref="SseStreamFormat"/>: its <c>stream_format</c> enum asks for server-sent events. The variants' names
/// (<c>*TextAsync</c>, <c>*StreamingAsync</c>, <c>*AutoPagingAsync</c>) are given whether or not they are emitted.
/// </remarks>
internal sealed record OperationModel(
    string OperationId,
    string MethodName,
    string TextMethodName,
    string StreamingMethodName,
    string AutoPagingMethodName,
    string BuildMethodName,
    string HttpMethod,
    string Path,
    ImmutableEquatableArray<FixedQueryParameter> FixedQuery,
    string? Summary,
    bool Deprecated,
    bool AdminAuth,
    ImmutableEquatableArray<ParameterModel> Parameters,
    BodyModel? Body,
    ImmutableEquatableArray<BodyModel> AlternateBodies,
    ResponseModel Response,
    PagingModel? Paging,
    EnumValueModel? TextResponseFormat,
    EnumValueModel? SseStreamFormat);

/// <summary>
/// A body property set to one enum member: <c>response_format</c> <c>text</c> for <c>*TextAsync</c>,
/// <c>stream_format</c> <c>sse</c> for the streaming method of an operation that has no <c>stream</c> flag (speech).
/// </summary>
internal sealed record EnumValueModel(string PropertyName, string EnumName, string Member);

/// <summary>A query pair a spec's path key carries (<c>beta</c>, <c>true</c>), unescaped.</summary>
internal sealed record FixedQueryParameter(string Name, string Value);

/// <summary>A path or query parameter.</summary>
internal sealed record ParameterModel(string JsonName, string Name, string In, bool Required, TypeRef Type, string? Description);

/// <summary>
/// The request body. For form bodies (<c>multipart/form-data</c>, <c>application/x-www-form-urlencoded</c>)
/// <see cref="Fields"/> lists the body object's properties as form fields. <see cref="BuildMethodName"/> is the
/// private method that builds the request with this body.
/// </summary>
internal sealed record BodyModel(string ContentType, TypeRef Type, bool Required, ImmutableEquatableArray<FormField> Fields, bool HasStreamFlag, string BuildMethodName);

/// <summary>
/// A form field: the JSON name, the C# property, and its type (closed enums are sent by their spelling);
/// <see cref="ContentType"/> is the part's media type when the spec's <c>encoding</c> names one (<c>sdp</c>: <c>application/sdp</c>).
/// </summary>
internal sealed record FormField(string JsonName, string PropertyName, TypeRef Type, bool CSharpNullable, string? ContentType = null);

internal enum ResponseKind
{
    /// <summary>No body (or one we do not read): the raw response.</summary>
    None,
    Json,
    /// <summary>Bytes (audio, files): the raw response with its stream.</summary>
    Binary,
    /// <summary>Text (<c>text/*</c>, <c>application/sdp</c>): read as a string.</summary>
    Text,
}

/// <summary>What a successful call returns; <see cref="StreamEvent"/> when it can also answer <c>text/event-stream</c>.</summary>
internal sealed record ResponseModel(ResponseKind Kind, TypeRef? Type, TypeRef? StreamEvent);

/// <summary>A cursor-paged list: <c>after</c>/<c>limit</c> in, <c>data</c>/<c>has_more</c>/<c>last_id</c> out.</summary>
internal sealed record PagingModel(TypeRef Item, string DataProperty, string HasMoreProperty, string LastIdProperty);

/// <summary>A resource group (<c>client.Audio.Transcriptions</c>): its class, child groups and operations.</summary>
internal sealed record ClientGroupModel(
    string Namespace,
    string ModelsNamespace,
    string ClassName,
    string Path,
    ImmutableEquatableArray<ClientChild> Children,
    ImmutableEquatableArray<OperationModel> Operations);

internal sealed record ClientChild(string PropertyName, string ClassName);
