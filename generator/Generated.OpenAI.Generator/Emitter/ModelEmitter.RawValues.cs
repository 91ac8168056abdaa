using System.Collections.Generic;
using System.Linq;
using Generated.OpenAI.Generator.Model;

namespace Generated.OpenAI.Generator.Emitter;

/// <summary>Values the spec did not promise: read without throwing, kept raw, and written once.</summary>
internal static partial class ModelEmitter
{
    /// <summary>Whether <paramref name="type"/> is a list or map with closed-enum values at the bottom (lists of lists too).</summary>
    private static bool IsCollectionOfClosedEnums(TypeRef type) =>
        type.Kind is TypeRefKind.Array or TypeRefKind.Map && ContainsClosedEnum(type.Element!);

    private static bool ContainsClosedEnum(TypeRef type) => type.Kind switch
    {
        TypeRefKind.Enum => true,
        TypeRefKind.Array or TypeRefKind.Map => ContainsClosedEnum(type.Element!),
        _ => false,
    };

    /// <summary>
    /// Reads a list or map of closed-enum values (<c>include: [a, b]</c>) all or nothing: when every element is a
    /// value the spec lists, the typed property gets them; when one is not (a value added to the API after the spec),
    /// or an element is of another JSON kind, the reader rewinds to the copy taken before the value and the whole
    /// value is kept raw in <c>ExtensionData</c>, written back unchanged, exactly as an unlisted value of a single
    /// closed-enum property is. Keeping the known elements and dropping the rest would lose data on a round trip, and
    /// an element type that is not the enum would change the public surface. The cost when everything is known is one
    /// copy of the reader struct.
    /// </summary>
    private static string ReadCollectionOfClosedEnums(TypeSyntax syntax, PropertyModel p, int index, string keepRaw) =>
        $"else {{ var start{index} = reader; if ({TryRead(syntax, p.Type, "reader", $"out var read{index}", 0)}) {{ value.{p.Name} = read{index}; }} else {{ reader = start{index}; {keepRaw} }} }}";

    /// <summary>
    /// A <c>bool</c> expression that reads a non-null value of <paramref name="type"/> (a closed enum, or a list or
    /// map of them) into <paramref name="output"/> (<c>out var x</c> or <c>out x</c>), false when a value is not one the spec lists.
    /// </summary>
    private static string TryRead(TypeSyntax syntax, TypeRef type, string r, string output, int depth)
    {
        if (type.Kind == TypeRefKind.Enum)
        {
            return $"{syntax.Named(type.Name!)}Extensions.TryReadJson(ref {r}, {output})";
        }
        string helper = type.Kind == TypeRefKind.Array ? "TryReadList" : "TryReadMap";
        string element = syntax.Element(type.Element!);
        string rd = "r" + depth, vd = "v" + depth;
        return $"{TypeSyntax.Helpers}.{helper}<{element}>(ref {r}, static (ref {TypeSyntax.Reader} {rd}, out {element} {vd}) => {TryReadElement(syntax, type.Element!, rd, vd, depth + 1)}, {output})";
    }

    /// <summary>A statement lambda body reading one element into <paramref name="v"/>: null where the spec allows it.</summary>
    private static string TryReadElement(TypeSyntax syntax, TypeRef element, string r, string v, int depth)
    {
        string onNull = element.Nullable ? $"if ({r}.TokenType == {TypeSyntax.TokenType}.Null) {{ {v} = null; return true; }} " : "";
        // The out variable's type is the element's declared one (IList<T>, T?): read into a local of the helper's type, then assign.
        string local = "e" + depth;
        return $"{{ {onNull}bool ok = {TryRead(syntax, element.WithNullable(false), r, $"out var {local}", depth)}; {v} = {local}!; return ok; }}";
    }

    /// <summary>
    /// <c>WritesTyped(name)</c>: whether <c>WriteJson</c> writes the JSON property <c>name</c> from a typed property
    /// (the same conditions as <see cref="EmitObjectWrite"/>). The extension data written after it skips such a name,
    /// so a value kept raw (an unlisted enum value, another JSON kind) and then replaced through the typed property is
    /// written once, with the typed value. Called only for extension data that exists: nothing on the common path.
    /// </summary>
    private static void EmitWritesTyped(SourceWriter w, ObjectModel o)
    {
        w.Line("/// <summary>Whether <see cref=\"WriteJson\"/> writes the JSON property <paramref name=\"name\"/> from a typed property; extension data of that name is then not written.</summary>");
        w.Open("private bool WritesTyped(string name) => name switch");
        for (int i = 0; i < o.Properties.Count; i++)
        {
            w.Line($"{SourceWriter.Literal(o.Properties[i].JsonName)} => {WrittenCondition(o.Properties[i], i)},");
        }
        w.Line("_ => false,");
        w.Close(";");
    }

    /// <summary>The condition under which <see cref="EmitObjectWrite"/> writes property <paramref name="p"/> (at <paramref name="index"/>).</summary>
    private static string WrittenCondition(PropertyModel p, int index)
    {
        if (p.ConstValue is not null)
        {
            return $"!_wire.IsSet({Bit(p)})";
        }
        if (p.Type.Nullable)
        {
            return p.SpecifiedName!;
        }
        if (p.IsRealtimeEventId)
        {
            return $"{FieldName(p)}.HasValue || _wire.IsSet({Bit(p)})";
        }
        if (p.Type.IsValueType)
        {
            string holder = p.Required && !p.Deprecated ? FieldName(p) : p.Name;
            return p.Type.Kind == TypeRefKind.Any ? $"{holder}.HasValue" : $"{holder}.HasValue || _wire.IsSet({Bit(p)})";
        }
        return $"{p.Name} is not null || _wire.IsSet({Bit(p)})";
    }

    /// <summary>The statement that writes the extension data after the typed properties.</summary>
    private static string WriteExtensionsStatement(ObjectModel o) => o.Properties.Count == 0
        ? $"{TypeSyntax.Helpers}.WriteExtensions(writer, _extensionData);"
        : $"{TypeSyntax.Helpers}.WriteExtensions(writer, _extensionData, this, static (self, name) => self.WritesTyped(name));";
}
