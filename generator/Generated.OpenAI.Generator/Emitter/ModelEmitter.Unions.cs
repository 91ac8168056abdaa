using System.Collections.Generic;
using System.Linq;
using Generated.OpenAI.Generator.Model;

namespace Generated.OpenAI.Generator.Emitter;

internal static partial class ModelEmitter
{
    private static void EmitUnion(SourceWriter w, TypeSyntax syntax, UnionModel u)
    {
        string kind = u.KindName;
        var objectCases = u.Cases.Where(c => (c.Accepts & JsonKinds.Object) != 0).ToList();
        bool dispatchesOnValue = objectCases.Any(c => c.DiscriminatorValues.Count > 0);

        w.Line($"/// <summary>Which case a <see cref=\"{u.Name}\"/> holds.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Open($"public enum {kind}");
        w.Line("/// <summary>A value the spec does not describe (for example an event type newer than this SDK); its raw JSON is kept.</summary>");
        w.Line("Unknown = 0,");
        foreach (var c in u.Cases)
        {
            w.Doc("summary", null, c.DiscriminatorValues.Count == 1 ? $"<c>{SourceWriter.Escape(c.DiscriminatorValues[0])}</c>"
                : c.Type.Name is not null ? $"A <see cref=\"{syntax.Of(c.Type)}\"/>."
                : $"A <c>{SourceWriter.Escape(syntax.Of(c.Type).Replace("global::", ""))}</c>.");
            w.Line($"{c.Name},");
        }
        w.Close();
        w.Line();

        TypeHeader(w, u, $"One of the shapes of <c>{SourceWriter.Escape(u.SchemaName ?? u.Name)}</c>.",
            $"Switch on <see cref=\"Kind\"/> or pattern-match <see cref=\"Value\"/>; JSON the spec does not describe reads as <see cref=\"{kind}.Unknown\"/> with its raw JSON.");
        w.Line($"[global::System.Text.Json.Serialization.JsonConverter(typeof(global::Generated.OpenAI.Serialization.JsonModelConverter<{u.Name}>))]");
        w.Open($"public sealed partial class {u.Name} : global::Generated.OpenAI.Serialization.IJsonModel<{u.Name}>");
        w.Line($"private static readonly byte[] s_discriminator = global::System.Text.Encoding.UTF8.GetBytes({SourceWriter.Literal(u.DiscriminatorProperty)});");
        w.Line("private readonly object? _value;");
        w.Line("private readonly string? _unknownReason;");
        w.Line();
        w.Open($"private {u.Name}({kind} kind, object? value, string? unknownReason = null)");
        w.Line("Kind = kind;");
        w.Line("_value = value;");
        w.Line("_unknownReason = unknownReason;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Which case this value holds.</summary>");
        w.Line($"public {kind} Kind {{ get; }}");
        w.Line();
        w.Line("/// <summary>The case's value, for pattern matching (a <see cref=\"global::System.Text.Json.JsonElement\"/> for <see cref=\"Kind\"/> Unknown).</summary>");
        w.Line("public object? Value => _value;");

        var typeCounts = u.Cases.GroupBy(c => syntax.Of(c.Type)).ToDictionary(g => g.Key, g => g.Count());
        foreach (var c in u.Cases)
        {
            string type = syntax.Of(c.Type);
            bool isValueType = c.Type.IsValueType || c.Type.Kind is TypeRefKind.Int64 or TypeRefKind.Double or TypeRefKind.Boolean;
            w.Line();
            w.Doc("summary", null, $"Creates the <see cref=\"{kind}.{c.Name}\"/> case.");
            w.Line(isValueType
                ? $"public static {u.Name} From{c.Name}({type} value) => new({kind}.{c.Name}, value);"
                : $"public static {u.Name} From{c.Name}({type} value) => new({kind}.{c.Name}, value ?? throw new global::System.ArgumentNullException(nameof(value)));");
            bool interfaceType = c.Type.Kind is TypeRefKind.Array or TypeRefKind.Map;
            if (!interfaceType && typeCounts[type] == 1 && type != "object")
            {
                w.Line();
                w.Line($"/// <summary>Creates the <see cref=\"{kind}.{c.Name}\"/> case.</summary>");
                w.Line($"public static implicit operator {u.Name}({type} value) => From{c.Name}(value);");
            }
            if (c.Name == u.StringCase && c.Type.Kind != TypeRefKind.String)
            {
                w.Line();
                w.Line($"/// <summary>Creates the <see cref=\"{kind}.{c.Name}\"/> case from a string: a known value or any other the API accepts.</summary>");
                w.Line($"public static implicit operator {u.Name}(string value) => From{c.Name}(value);");
            }
            w.Line();
            w.Line($"/// <summary>Whether this holds the <see cref=\"{kind}.{c.Name}\"/> case.</summary>");
            w.Line($"public bool Is{c.Name} => Kind == {kind}.{c.Name};");
            w.Line();
            w.Line($"/// <summary>The <see cref=\"{kind}.{c.Name}\"/> case; <see cref=\"TryGet{c.Name}\"/> asks without throwing.</summary>");
            w.Line($"/// <exception cref=\"global::System.InvalidOperationException\">This holds another case.</exception>");
            w.Line($"public {type} As{c.Name}() => Kind == {kind}.{c.Name} ? ({type})_value! : throw new global::System.InvalidOperationException($\"{u.Name} holds {{Kind}}, not {c.Name}.\");");
            w.Line();
            w.Line($"/// <summary>Gets the <see cref=\"{kind}.{c.Name}\"/> case if this holds it.</summary>");
            w.Line(isValueType
                ? $"public bool TryGet{c.Name}(out {type} value) => TryGet({kind}.{c.Name}, out value);"
                : $"public bool TryGet{c.Name}([global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out {type}? value) => TryGet({kind}.{c.Name}, out value);");
        }

        w.Line();
        w.Open($"private bool TryGet<T>({kind} kind, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value)");
        w.Line("bool holds = Kind == kind;");
        w.Line("value = holds ? (T)_value! : default;");
        w.Line("return holds;");
        w.Close();

        w.Line();
        w.Line("/// <summary>Wraps JSON that no case describes; it is written back unchanged.</summary>");
        w.Line($"public static {u.Name} FromUnknown(global::System.Text.Json.JsonElement json) => new({kind}.Unknown, json.Clone());");
        w.Line();
        w.Line("/// <summary>The raw JSON when <see cref=\"Kind\"/> is Unknown; otherwise <c>null</c>.</summary>");
        w.Line($"public global::System.Text.Json.JsonElement? UnknownJson => Kind == {kind}.Unknown ? (global::System.Text.Json.JsonElement)_value! : null;");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Why JSON that names a case was read as Unknown: which member it lacks (<c>error.message</c> missing, null or of");
        w.Line($"/// another JSON kind), or that the <c>{SourceWriter.Escape(u.DiscriminatorProperty)}</c> is missing. <c>null</c> for a value that names no case (newer than this SDK) and for every other case.");
        w.Line("/// </summary>");
        w.Line("public string? UnknownReason => _unknownReason;");

        if (dispatchesOnValue)
        {
            w.Line();
            w.Line($"/// <summary>The case for a <c>{SourceWriter.Escape(u.DiscriminatorProperty)}</c> value, compared as UTF-8 without allocating.</summary>");
            w.Open($"public static {kind} KindOf(global::System.ReadOnlySpan<byte> {u.DiscriminatorParameter})");
            var seen = new HashSet<string>(System.StringComparer.Ordinal);
            var map = new List<KeyValuePair<string, string>>();
            foreach (var c in objectCases)
            {
                foreach (var v in c.DiscriminatorValues)
                {
                    if (seen.Add(v))
                    {
                        map.Add(new(v, $"return {kind}.{c.Name};"));
                    }
                }
            }
            EmitUtf8Switch(w, u.DiscriminatorParameter, map);
            w.Line($"return {kind}.Unknown;");
            w.Close();
            w.Line();
            w.Line($"/// <summary>The <c>{SourceWriter.Escape(u.DiscriminatorProperty)}</c> value of a case as UTF-8 (its first, where it lists several); empty for Unknown and cases without one.</summary>");
            w.Open($"public static global::System.ReadOnlySpan<byte> {u.DiscriminatorOfName}({kind} kind) => kind switch");
            foreach (var c in objectCases.Where(c => c.DiscriminatorValues.Count > 0))
            {
                w.Line($"{kind}.{c.Name} => {SourceWriter.Literal(c.DiscriminatorValues[0])}u8,");
            }
            w.Line("_ => default,");
            w.Outdent();
            w.Line("};");
            w.Line();
            w.Line($"/// <summary>The case of a complete JSON object, found from its <c>{SourceWriter.Escape(u.DiscriminatorProperty)}</c> wherever it stands, without reading the rest or allocating.</summary>");
            w.Open($"public static {kind} PeekKind(global::System.ReadOnlySpan<byte> utf8Json)");
            w.Line($"var reader = new {TypeSyntax.Reader}(utf8Json, global::Generated.OpenAI.Serialization.JsonModel.ReaderOptions);");
            w.Line($"return reader.Read() && {TypeSyntax.Helpers}.TryGetDiscriminator(reader, s_discriminator, out var value) ? KindOf(value) : {kind}.Unknown;");
            w.Close();
        }

        w.Line();
        EmitUnionRead(w, syntax, u, kind, objectCases, dispatchesOnValue);
        w.Line();
        w.Line("/// <summary>Writes the case's value, or the raw JSON of an Unknown value.</summary>");
        w.Open($"public void WriteJson({TypeSyntax.Writer} writer)");
        w.Open("switch (Kind)");
        foreach (var c in u.Cases)
        {
            w.Line($"case {kind}.{c.Name}:");
            w.Indent();
            w.Line(syntax.Write(c.Type, "writer", $"(({syntax.Of(c.Type)})_value!)", 0));
            w.Line("break;");
            w.Outdent();
        }
        w.Line("default:");
        w.Indent();
        w.Line("((global::System.Text.Json.JsonElement)_value!).WriteTo(writer);");
        w.Line("break;");
        w.Outdent();
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>The JSON of this value.</summary>");
        w.Line("public override string ToString() => global::System.Text.Encoding.UTF8.GetString(global::Generated.OpenAI.Serialization.JsonModel.SerializeToUtf8Bytes(this));");
        w.Close();
    }

    /// <summary>The shapes <c>MatchShape</c> compares an object with: one line per case (required, known and constant members).</summary>
    private static void EmitShapes(SourceWriter w, string field, IEnumerable<UnionCase> cases)
    {
        w.Line($"private static readonly global::Generated.OpenAI.Serialization.UnionShape[] {field} =");
        w.Line("[");
        w.Indent();
        foreach (var c in cases)
        {
            w.Line($"new([{string.Join(", ", c.RequiredProperties.Select(SourceWriter.Literal))}], [{string.Join(", ", c.KnownProperties.Select(SourceWriter.Literal))}], " +
                $"[{string.Join(", ", c.ConstProperties.SelectMany(k => new[] { k.Property, k.Value }).Select(SourceWriter.Literal))}]), // {c.Name}");
        }
        w.Outdent();
        w.Line("];");
    }

    private static void EmitUnionRead(SourceWriter w, TypeSyntax syntax, UnionModel u, string kind, List<UnionCase> objectCases, bool dispatchesOnValue)
    {
        // A strict union's object cases are checked once read: one whose required member is missing reads as
        // Unknown with the reason, the reader rewound to the object's start to keep its raw JSON.
        string Make(UnionCase c, string r = "reader") => u.IsStrict && c.Type.Kind == TypeRefKind.Object
            ? $"return Checked({kind}.{c.Name}, {syntax.Read(c.Type, r, 0)}, ref reader, start);"
            : $"return new({kind}.{c.Name}, {syntax.Read(c.Type, r, 0)});";

        var shapedAll = objectCases.Where(c => c.Type.Kind == TypeRefKind.Object).ToList();
        var shared = shapedAll.Count > 1
            ? shapedAll.SelectMany(c => c.DiscriminatorValues.Distinct()).GroupBy(v => v).Where(g => g.Count() > 1).Select(g => g.Key).ToList()
            : new List<string>();
        if (shared.Count > 0)
        {
            w.Open("private static bool IsShared(global::System.ReadOnlySpan<byte> value)");
            EmitUtf8Switch(w, "value", shared.Select(v => new KeyValuePair<string, string>(v, "return true;")));
            w.Line("return false;");
            w.Close();
        }
        var shapedFree = shapedAll.Where(c => c.DiscriminatorValues.Count == 0).ToList();
        if (shapedAll.Count > 1)
        {
            EmitShapes(w, "s_shapes", shapedAll);
        }
        if (dispatchesOnValue && shapedFree.Count > 1)
        {
            EmitShapes(w, "s_freeShapes", shapedFree);
        }
        if (u.IsStrict)
        {
            w.Line();
            w.Open($"private static {u.Name} Checked({kind} kind, object value, ref {TypeSyntax.Reader} reader, {TypeSyntax.Reader} start)");
            w.Open($"if ({TypeSyntax.Helpers}.FindMissingMember(value) is {{ }} missing)");
            w.Line("reader = start;");
            w.Line($"return new({kind}.Unknown, {TypeSyntax.Helpers}.ReadAny(ref reader), {TypeSyntax.Helpers}.MissingMemberReason(missing));");
            w.Close();
            w.Line("return new(kind, value);");
            w.Close();
        }
        w.Line();
        w.Line("/// <summary>Reads whichever case the JSON is: by token kind, then by discriminator value, then by shape.</summary>");
        w.Open($"public static {u.Name} ReadJson(ref {TypeSyntax.Reader} reader)");
        w.Open("switch (reader.TokenType)");

        // Strings: closed enums only when the value is one of theirs; then the first case that takes any string.
        var strings = u.Cases.Where(c => (c.Accepts & JsonKinds.String) != 0).ToList();
        if (strings.Count > 0)
        {
            w.Open($"case {TypeSyntax.TokenType}.String:");
            int n = 0;
            foreach (var c in strings.Where(c => c.Type.Kind == TypeRefKind.Enum))
            {
                w.Line($"if ({syntax.EnumExtensions(c.Type.Name!)}.TryReadJson(ref reader, out var known{n})) {{ return new({kind}.{c.Name}, known{n}); }}");
                n++;
            }
            var open = strings.FirstOrDefault(c => c.Type.Kind != TypeRefKind.Enum);
            w.Line(open is null ? "break;" : Make(open));
            w.Close();
        }

        var numbers = u.Cases.Where(c => (c.Accepts & JsonKinds.Number) != 0).ToList();
        if (numbers.Count > 0)
        {
            w.Open($"case {TypeSyntax.TokenType}.Number:");
            var integer = numbers.FirstOrDefault(c => c.Type.Kind == TypeRefKind.Int64);
            if (integer is not null)
            {
                w.Line($"if (reader.TryGetInt64(out long integer)) {{ return new({kind}.{integer.Name}, integer); }}");
            }
            var other = numbers.FirstOrDefault(c => c.Type.Kind != TypeRefKind.Int64);
            w.Line(other is not null ? Make(other) : integer is not null ? Make(integer) : "break;");
            w.Close();
        }

        var booleans = u.Cases.Where(c => (c.Accepts & JsonKinds.Boolean) != 0).ToList();
        if (booleans.Count > 0)
        {
            w.Line($"case {TypeSyntax.TokenType}.True:");
            w.Open($"case {TypeSyntax.TokenType}.False:");
            w.Line(Make(booleans[0]));
            w.Close();
        }

        var arrays = u.Cases.Where(c => (c.Accepts & JsonKinds.Array) != 0).ToList();
        if (arrays.Count == 1)
        {
            w.Open($"case {TypeSyntax.TokenType}.StartArray:");
            w.Line(Make(arrays[0]));
            w.Close();
        }
        else if (arrays.Count > 1)
        {
            w.Open($"case {TypeSyntax.TokenType}.StartArray:");
            w.Line($"var first = {TypeSyntax.Helpers}.PeekFirstElement(reader);");
            foreach (var c in arrays)
            {
                w.Line($"if ({ElementTest(c.ElementAccepts)}) {{ {Make(c)} }}");
            }
            w.Line(Make(arrays[0]));
            w.Close();
        }

        if (objectCases.Count > 0)
        {
            w.Open($"case {TypeSyntax.TokenType}.StartObject:");
            if (u.IsStrict)
            {
                w.Line("var start = reader;");
            }
            var fallback = objectCases.FirstOrDefault(c => c.Type.Kind != TypeRefKind.Object && c.DiscriminatorValues.Count == 0);
            if (dispatchesOnValue)
            {
                w.Open($"if ({TypeSyntax.Helpers}.TryGetDiscriminator(reader, s_discriminator, out var discriminator))");
                if (shared.Count > 0)
                {
                    // Several cases share this value (messages by role, say): their other constants decide.
                    w.Open("if (IsShared(discriminator))");
                    if (!EmitShapeMatch(w, kind, shapedAll, "s_shapes", Make))
                    {
                        w.Line("break;");
                    }
                    w.Close();
                }
                w.Open("switch (KindOf(discriminator))");
                foreach (var c in objectCases.Where(c => c.DiscriminatorValues.Count > 0))
                {
                    w.Line($"case {kind}.{c.Name}: {Make(c)}");
                }
                w.Close();
                // A value no case lists: only cases without listed values may take it; otherwise it is Unknown.
                if (!EmitShapeMatch(w, kind, shapedFree, "s_freeShapes", Make))
                {
                    w.Line(fallback is not null ? Make(fallback) : "break;");
                }
                w.Close();
            }
            if (u.IsStrict)
            {
                // Every case requires the discriminator: without it the object is none of them.
                w.Line($"return new({kind}.Unknown, {TypeSyntax.Helpers}.ReadAny(ref reader), {SourceWriter.Literal($"The \"{u.DiscriminatorProperty}\" member is missing or not a string.")});");
            }
            else if (!EmitShapeMatch(w, kind, shapedAll, "s_shapes", Make))
            {
                w.Line(fallback is not null ? Make(fallback) : "break;");
            }
            w.Close();
        }
        w.Close();
        w.Line($"return new({kind}.Unknown, {TypeSyntax.Helpers}.ReadAny(ref reader));");
        w.Close();
    }

    /// <returns>Whether the emitted code always returns (a single candidate is taken whatever its shape).</returns>
    private static bool EmitShapeMatch(SourceWriter w, string kind, List<UnionCase> cases, string field, System.Func<UnionCase, string, string> make)
    {
        if (cases.Count == 1)
        {
            w.Line(make(cases[0], "reader"));
            return true;
        }
        if (cases.Count == 0)
        {
            return false;
        }
        w.Open($"switch ({TypeSyntax.Helpers}.MatchShape(reader, {field}))");
        for (int i = 0; i < cases.Count; i++)
        {
            w.Line($"case {i}: {make(cases[i], "reader")}");
        }
        w.Close();
        return false;
    }

    private static string ElementTest(JsonKinds kinds)
    {
        var tests = new List<string> { "first == global::System.Text.Json.JsonTokenType.None" };
        if ((kinds & JsonKinds.String) != 0) { tests.Add("first == global::System.Text.Json.JsonTokenType.String"); }
        if ((kinds & JsonKinds.Number) != 0) { tests.Add("first == global::System.Text.Json.JsonTokenType.Number"); }
        if ((kinds & JsonKinds.Boolean) != 0) { tests.Add("first is global::System.Text.Json.JsonTokenType.True or global::System.Text.Json.JsonTokenType.False"); }
        if ((kinds & JsonKinds.Array) != 0) { tests.Add("first == global::System.Text.Json.JsonTokenType.StartArray"); }
        if ((kinds & JsonKinds.Object) != 0) { tests.Add("first == global::System.Text.Json.JsonTokenType.StartObject"); }
        return string.Join(" || ", tests);
    }
}
