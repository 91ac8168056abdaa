namespace Generated.OpenAI.Generator.Model;

internal enum TypeRefKind
{
    String,
    Int64,
    Double,
    Boolean,
    /// <summary>A string the spec says is base64: span-based accessors, no intermediate string.</summary>
    Base64,
    /// <summary><c>format: binary</c>: a file part in an upload.</summary>
    Binary,
    /// <summary>Anything the generator cannot or need not model: kept as raw JSON.</summary>
    Any,
    Object,
    Enum,
    OpenEnum,
    Union,
    Array,
    Map,
}

/// <summary>A reference to a C# type: a primitive, a generated type by name, or a collection of one.</summary>
internal sealed record TypeRef(TypeRefKind Kind, string? Name = null, TypeRef? Element = null, bool Nullable = false)
{
    public static readonly TypeRef String = new(TypeRefKind.String);
    public static readonly TypeRef Int64 = new(TypeRefKind.Int64);
    public static readonly TypeRef Double = new(TypeRefKind.Double);
    public static readonly TypeRef Boolean = new(TypeRefKind.Boolean);
    public static readonly TypeRef Base64 = new(TypeRefKind.Base64);
    public static readonly TypeRef Binary = new(TypeRefKind.Binary);
    public static readonly TypeRef Any = new(TypeRefKind.Any);

    public bool IsValueType => Kind is TypeRefKind.Int64 or TypeRefKind.Double or TypeRefKind.Boolean or TypeRefKind.Base64
        or TypeRefKind.Any or TypeRefKind.Enum or TypeRefKind.OpenEnum;

    public TypeRef WithNullable(bool nullable) => Nullable == nullable ? this : this with { Nullable = nullable };
}
