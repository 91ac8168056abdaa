namespace Generated.OpenAI.Generator.Model;

/// <summary>One emitted C# type. <see cref="SchemaName"/> is null for types lifted out of another schema.</summary>
internal abstract record TypeModel(string Name, string? SchemaName, string Pointer, string? Description, bool Deprecated);

/// <summary>
/// An object. <see cref="EventType"/> is set for realtime events (a string <c>event_id</c> and a constant
/// <c>type</c>): the constant, which the runtime's event interface exposes as UTF-8. <see cref="ChecksRequiredMembers"/>:
/// a strict union reads it (as a case, or inside one through required objects), so it says which required member
/// reading left unset (<c>IRequiredMembers</c>); no other object needs to.
/// </summary>
internal sealed record ObjectModel(
    string Name, string? SchemaName, string Pointer, string? Description, bool Deprecated,
    ImmutableEquatableArray<PropertyModel> Properties,
    string? EventType,
    bool ChecksRequiredMembers = false)
    : TypeModel(Name, SchemaName, Pointer, Description, Deprecated);

/// <summary>
/// A property. <see cref="ConstValue"/> is set for required single-value enums (the <c>type</c> fields):
/// filled in automatically, never asked of the user. <see cref="TypeRef.Nullable"/> on <see cref="Type"/>
/// means the spec allows an explicit <c>null</c>, which is then a state distinct from "absent". <see cref="FieldStem"/>
/// (camelCase) names the private members the emitter writes for the property: <c>_stem</c>, <c>s_stemName</c>,
/// <c>s_stemValue</c>, and the constant <c>{Name}Bit</c>. <see cref="SpecifiedName"/> is the public flag that says
/// whether a nullable property is sent (<c>TurnDetectionSpecified</c>); null for the others. <see cref="IsRealtimeEventId"/>:
/// the <c>event_id</c> of a realtime event (<see cref="ObjectModel.EventType"/>), a string property kept in a
/// <c>RealtimeEventId</c> field, which a session sets and the writer writes without a string.
/// </summary>
internal sealed record PropertyModel(
    string JsonName,
    string Name,
    string FieldStem,
    string? SpecifiedName,
    TypeRef Type,
    bool Required,
    string? ConstValue,
    string? Description,
    bool Deprecated,
    bool IsRealtimeEventId = false)
{
    /// <summary>A member the spec requires and never allows to be null: a reader that did not see it can say so.</summary>
    public bool IsCheckedOnRead => Required && !Deprecated && ConstValue is null && !Type.Nullable && Type.Kind != TypeRefKind.Any;
}

/// <summary>A string enum: open (a struct that takes any string) or closed (a C# enum and its <see cref="ExtensionsOf"/> class).</summary>
internal sealed record EnumModel(
    string Name, string? SchemaName, string Pointer, string? Description, bool Deprecated,
    bool IsOpen,
    ImmutableEquatableArray<EnumMember> Members)
    : TypeModel(Name, SchemaName, Pointer, Description, Deprecated)
{
    /// <summary>The static class that reads, writes and spells a closed enum's values: one rule, used by the parser (which reserves the name) and the emitter.</summary>
    public static string ExtensionsOf(string enumName) => enumName + "Extensions";
}

internal sealed record EnumMember(string Name, string Value);

/// <summary>
/// A <c>oneOf</c>/<c>anyOf</c>. Read by JSON token kind first; object cases by the discriminator's value
/// (<see cref="UnionCase.DiscriminatorValues"/>), then by shape (required and known property names).
/// <see cref="IsStrict"/>: every object case is a realtime event that lists its discriminator values and requires
/// the discriminator: an object without it, or whose case lacks a member that case requires, reads as Unknown with
/// the reason, never as a case with a null where the spec promises a value. <see cref="KindName"/> is the enum of its
/// cases; <see cref="DiscriminatorOfName"/> the static method giving a case's discriminator value
/// (<see cref="DiscriminatorParameter"/> the name of <c>KindOf</c>'s parameter); <see cref="StringCase"/> the case a
/// string converts to implicitly.
/// </summary>
internal sealed record UnionModel(
    string Name, string? SchemaName, string Pointer, string? Description, bool Deprecated,
    string DiscriminatorProperty,
    bool IsStrict,
    ImmutableEquatableArray<UnionCase> Cases,
    string KindName,
    string DiscriminatorOfName,
    string DiscriminatorParameter,
    string? StringCase)
    : TypeModel(Name, SchemaName, Pointer, Description, Deprecated);

internal sealed record UnionCase(
    string Name,
    TypeRef Type,
    string? Description,
    JsonKinds Accepts,
    JsonKinds ElementAccepts,
    ImmutableEquatableArray<string> DiscriminatorValues,
    ImmutableEquatableArray<string> RequiredProperties,
    ImmutableEquatableArray<string> KnownProperties,
    ImmutableEquatableArray<UnionConst> ConstProperties);

/// <summary>A property with a single allowed value in a union case (<c>type</c>, <c>role</c>): rules the case out when it differs.</summary>
internal sealed record UnionConst(string Property, string Value);

/// <summary>The JSON token kinds a schema accepts: how a union picks its case before looking inside.</summary>
[System.Flags]
internal enum JsonKinds
{
    None = 0,
    String = 1,
    Number = 2,
    Boolean = 4,
    Array = 8,
    Object = 16,
    All = String | Number | Boolean | Array | Object,
}
