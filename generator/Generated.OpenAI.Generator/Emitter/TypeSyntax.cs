using Generated.OpenAI.Generator.Model;

namespace Generated.OpenAI.Generator.Emitter;

/// <summary>C# spelling of types, and of the expressions that read and write them.</summary>
internal sealed class TypeSyntax
{
    public const string Helpers = "global::Generated.OpenAI.Serialization.JsonHelpers";
    public const string Reader = "global::System.Text.Json.Utf8JsonReader";
    public const string Writer = "global::System.Text.Json.Utf8JsonWriter";
    public const string TokenType = "global::System.Text.Json.JsonTokenType";
    public const string JsonElement = "global::System.Text.Json.JsonElement";
    public const string Encoded = "global::System.Text.Json.JsonEncodedText";
    public const string Base64Data = "global::Generated.OpenAI.Serialization.Base64Data";
    public const string UploadFile = "global::Generated.OpenAI.Serialization.UploadFile";

    private readonly string _ns;

    public TypeSyntax(string ns) => _ns = ns;

    public string Named(string name) => $"global::{_ns}.{name}";

    /// <summary>The class that reads, writes and spells the closed enum <paramref name="enumName"/>.</summary>
    public string EnumExtensions(string enumName) => Named(EnumModel.ExtensionsOf(enumName));

    /// <summary>The C# type, without the nullable annotation of <paramref name="type"/> itself.</summary>
    public string Of(TypeRef type) => type.Kind switch
    {
        TypeRefKind.String => "string",
        TypeRefKind.Int64 => "long",
        TypeRefKind.Double => "double",
        TypeRefKind.Boolean => "bool",
        TypeRefKind.Base64 => Base64Data,
        TypeRefKind.Binary => UploadFile,
        TypeRefKind.Any => JsonElement,
        TypeRefKind.Array => $"global::System.Collections.Generic.IList<{Element(type.Element!)}>",
        TypeRefKind.Map => $"global::System.Collections.Generic.IDictionary<string, {Element(type.Element!)}>",
        _ => Named(type.Name!),
    };

    /// <summary>An element type of a list or map: nullable when the spec allows null there.</summary>
    public string Element(TypeRef type) => Of(type) + (type.Nullable ? "?" : "");

    /// <summary>An expression reading a non-null value of <paramref name="type"/> from reader <paramref name="r"/>.</summary>
    public string Read(TypeRef type, string r, int depth) => type.Kind switch
    {
        TypeRefKind.String => $"{Helpers}.ReadString(ref {r})!",
        TypeRefKind.Int64 => $"{Helpers}.ReadInt64(ref {r})",
        TypeRefKind.Double => $"{Helpers}.ReadDouble(ref {r})",
        TypeRefKind.Boolean => $"{Helpers}.ReadBoolean(ref {r})",
        TypeRefKind.Base64 => $"{Base64Data}.ReadJson(ref {r})",
        TypeRefKind.Binary => $"{UploadFile}.ReadJson(ref {r})",
        TypeRefKind.Any => $"{Helpers}.ReadAny(ref {r})",
        TypeRefKind.Enum => $"{EnumExtensions(type.Name!)}.ReadJson(ref {r})",
        TypeRefKind.Array => $"{Helpers}.ReadList<{Element(type.Element!)}>(ref {r}, static (ref {Reader} r{depth}) => {ReadElement(type.Element!, "r" + depth, depth + 1)})",
        TypeRefKind.Map => $"{Helpers}.ReadMap<{Element(type.Element!)}>(ref {r}, static (ref {Reader} r{depth}) => {ReadElement(type.Element!, "r" + depth, depth + 1)})",
        _ => $"{Named(type.Name!)}.ReadJson(ref {r})",
    };

    private string ReadElement(TypeRef element, string r, int depth) =>
        element.Nullable && element.Kind != TypeRefKind.Any
            ? $"{r}.TokenType == {TokenType}.Null ? default({Of(element)}?) : {Read(element, r, depth)}"
            : Read(element, r, depth);

    /// <summary>A statement writing the non-null value <paramref name="e"/> of <paramref name="type"/>.</summary>
    public string Write(TypeRef type, string w, string e, int depth) => type.Kind switch
    {
        TypeRefKind.String => $"{w}.WriteStringValue({e});",
        TypeRefKind.Int64 or TypeRefKind.Double => $"{w}.WriteNumberValue({e});",
        TypeRefKind.Boolean => $"{w}.WriteBooleanValue({e});",
        TypeRefKind.Any => $"{e}.WriteTo({w});",
        TypeRefKind.Enum => $"{EnumExtensions(type.Name!)}.WriteJson({w}, {e});",
        TypeRefKind.Array => $"{Helpers}.WriteList<{Element(type.Element!)}>({w}, {e}, static (w{depth}, v{depth}) => {{ {WriteElement(type.Element!, "w" + depth, "v" + depth, depth + 1)} }});",
        TypeRefKind.Map => $"{Helpers}.WriteMap<{Element(type.Element!)}>({w}, {e}, static (w{depth}, v{depth}) => {{ {WriteElement(type.Element!, "w" + depth, "v" + depth, depth + 1)} }});",
        _ => $"{e}.WriteJson({w});",
    };

    /// <summary>
    /// The one-call <c>name: value</c> write for scalars (<c>WriteString</c>, <c>WriteNumber</c>, <c>WriteBoolean</c>
    /// with a pre-encoded name: one size check and one separator instead of two calls' worth), or null when the
    /// type has none and the caller writes the name, then <see cref="Write"/>.
    /// </summary>
    public static string? WriteProperty(TypeRef type, string w, string name, string e) => type.Kind switch
    {
        TypeRefKind.String => $"{w}.WriteString({name}, {e});",
        TypeRefKind.Int64 or TypeRefKind.Double => $"{w}.WriteNumber({name}, {e});",
        TypeRefKind.Boolean => $"{w}.WriteBoolean({name}, {e});",
        _ => null,
    };

    private string WriteElement(TypeRef element, string w, string v, int depth)
    {
        if (!element.Nullable || element.Kind == TypeRefKind.Any)
        {
            return Write(element, w, v, depth);
        }
        string value = element.IsValueType ? v + ".Value" : v;
        return $"if ({v} is null) {{ {w}.WriteNullValue(); }} else {{ {Write(element, w, value, depth)} }}";
    }
}
