namespace Generated.OpenAI.Generator.Model;

/// <summary>
/// One operation as a command of OpenAI's command line: <see cref="Name"/> is <c>&lt;resource&gt;[:&lt;sub&gt;...] &lt;method&gt;</c>
/// (<c>responses create</c>, <c>audio:speech create</c>, <c>files content</c>), unique across the spec. Named by the
/// parser; the command-table emitter only writes it.
/// </summary>
/// <remarks>
/// <see cref="BodyKind"/> is <c>json</c>, <c>multipart</c>, <c>form</c>, <c>text</c> or <c>none</c>;
/// <see cref="ResponseKind"/> is <c>json</c>, <c>binary</c>, <c>text</c> or <c>none</c>.
/// </remarks>
internal sealed record CommandModel(
    string Name,
    string OperationId,
    string HttpMethod,
    string Path,
    string? Summary,
    bool AdminAuth,
    bool Streams,
    bool Pages,
    string BodyKind,
    string? BodyContentType,
    string ResponseKind,
    ImmutableEquatableArray<CommandOptionModel> Parameters,
    ImmutableEquatableArray<CommandOptionModel> BodyFields);

/// <summary>
/// A path or query parameter (<see cref="In"/> <c>path</c>/<c>query</c>) or a top-level body field (<c>body</c>):
/// its JSON name, its kind (<c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>array</c>,
/// <c>object</c>, <c>file</c>, <c>any</c>), whether it is required, the spec's description, and its flag
/// (<c>input_file_id</c>: <c>--input-file-id</c>).
/// </summary>
/// <remarks>
/// <see cref="Repeatable"/>: an array (or one file or several) takes the flag once per item
/// (<c>--image a.png --image b.png</c>); <see cref="SingularFlag"/> is the flag of one item when the name is a plural
/// (<c>timestamp_granularities</c>: <c>--timestamp-granularity</c>, as OpenAI's CLI docs write it), else null.
/// </remarks>
internal sealed record CommandOptionModel(string Name, string In, string Kind, bool Required, string? Description, string Flag, bool Repeatable = false, string? SingularFlag = null);
