using System.Linq;
using Generated.OpenAI.Generator.Model;

namespace Generated.OpenAI.Generator.Emitter;

internal static partial class ModelEmitter
{
    private static void EmitClosedEnum(SourceWriter w, EnumModel e)
    {
        TypeHeader(w, e, $"The values of <c>{SourceWriter.Escape(e.SchemaName ?? e.Name)}</c>.");
        w.Open($"public enum {e.Name}");
        foreach (var m in e.Members)
        {
            w.Line($"/// <summary><c>{SourceWriter.Escape(m.Value)}</c></summary>");
            w.Line($"{m.Name},");
        }
        w.Close();
        w.Line();
        w.Line($"/// <summary>The JSON text of <see cref=\"{e.Name}\"/> values.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Open($"public static partial class {EnumModel.ExtensionsOf(e.Name)}");
        string values = $"global::Generated.OpenAI.Serialization.ClosedEnumValues<{e.Name}>";
        w.Line($"private static readonly {values} s_values = new({SourceWriter.Literal(e.Name)}, {string.Join(", ", e.Members.Select(m => SourceWriter.Literal(m.Value)))});");
        w.Line();
        w.Line("/// <summary>The value as the API spells it.</summary>");
        w.Line($"public static string ToJsonString(this {e.Name} value) => s_values.ToJsonString(value);");
        w.Line();
        w.Line("/// <summary>Parses the API's spelling of a value from UTF-8, without allocating.</summary>");
        w.Line($"public static bool TryParse(global::System.ReadOnlySpan<byte> utf8, out {e.Name} value) => s_values.TryParse(utf8, out value);");
        w.Line();
        w.Line("/// <summary>Reads a value only if the reader is on a string that is one of the known values.</summary>");
        w.Line($"public static bool TryReadJson(ref {TypeSyntax.Reader} reader, out {e.Name} value) => s_values.TryRead(ref reader, out value);");
        w.Line();
        w.Line("/// <summary>Reads a value; a string the spec does not list is a <see cref=\"global::System.Text.Json.JsonException\"/> naming it.</summary>");
        w.Line($"public static {e.Name} ReadJson(ref {TypeSyntax.Reader} reader) => s_values.Read(ref reader);");
        w.Line();
        w.Line("/// <summary>Writes a value as the API spells it.</summary>");
        w.Line($"public static void WriteJson({TypeSyntax.Writer} writer, {e.Name} value) => s_values.Write(writer, value);");
        w.Close();
    }

    private static void EmitOpenEnum(SourceWriter w, EnumModel e)
    {
        TypeHeader(w, e, $"The values of <c>{SourceWriter.Escape(e.SchemaName ?? e.Name)}</c>.",
            "An open set: the known values are static members, and any other string the API accepts or returns works too.");
        w.Line($"[global::System.Text.Json.Serialization.JsonConverter(typeof(global::Generated.OpenAI.Serialization.JsonModelConverter<{e.Name}>))]");
        w.Open($"public readonly partial struct {e.Name} : global::System.IEquatable<{e.Name}>, global::Generated.OpenAI.Serialization.IJsonModel<{e.Name}>");
        w.Line("private readonly string? _value;");
        w.Line();
        w.Line($"/// <summary>Creates a value from its spelling; any string is accepted.</summary>");
        w.Open($"public {e.Name}(string value)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(value);");
        w.Line("_value = value;");
        w.Close();
        foreach (var m in e.Members)
        {
            w.Line();
            w.Line($"/// <summary><c>{SourceWriter.Escape(m.Value)}</c></summary>");
            w.Line($"public static {e.Name} {m.Name} {{ get; }} = new({SourceWriter.Literal(m.Value)});");
        }
        w.Line();
        w.Line("/// <summary>The value as the API spells it.</summary>");
        w.Line("public string Value => _value ?? string.Empty;");
        w.Line();
        w.Line("/// <summary>Whether the value is one the spec lists.</summary>");
        w.Line($"public bool IsKnown => {(e.Members.Count == 0 ? "false" : string.Join(" || ", e.Members.Select(m => $"Value == {SourceWriter.Literal(m.Value)}")))};");
        w.Line();
        w.Line("/// <summary>Converts a string.</summary>");
        w.Line($"public static implicit operator {e.Name}(string value) => new(value);");
        w.Line();
        w.Line("/// <summary>Compares spellings ordinally.</summary>");
        w.Line($"public static bool operator ==({e.Name} left, {e.Name} right) => left.Equals(right);");
        w.Line();
        w.Line("/// <summary>Compares spellings ordinally.</summary>");
        w.Line($"public static bool operator !=({e.Name} left, {e.Name} right) => !left.Equals(right);");
        w.Line();
        w.Line("/// <summary>Compares spellings ordinally.</summary>");
        w.Line($"public bool Equals({e.Name} other) => string.Equals(Value, other.Value, global::System.StringComparison.Ordinal);");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public override bool Equals(object? obj) => obj is {e.Name} other && Equals(other);");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line("public override int GetHashCode() => global::System.StringComparer.Ordinal.GetHashCode(Value);");
        w.Line();
        w.Line("/// <summary>The value as the API spells it.</summary>");
        w.Line("public override string ToString() => Value;");
        w.Line();
        w.Line("/// <summary>Reads a value; known values are returned without allocating.</summary>");
        w.Open($"public static {e.Name} ReadJson(ref {TypeSyntax.Reader} reader)");
        w.Open($"if (reader.TokenType != {TypeSyntax.TokenType}.String)");
        w.Line($"throw {TypeSyntax.Helpers}.Unexpected(ref reader, \"a string\", {SourceWriter.Literal(e.Name)});");
        w.Close();
        w.Line($"global::System.ReadOnlySpan<byte> utf8 = {TypeSyntax.Helpers}.PropertyName(ref reader);");
        EmitUtf8Switch(w, "utf8", e.Members.Select(m => new System.Collections.Generic.KeyValuePair<string, string>(m.Value, $"return {m.Name};")));
        w.Line("return new(reader.GetString()!);");
        w.Close();
        w.Line();
        w.Line("/// <summary>Writes the value as a JSON string.</summary>");
        w.Line($"public void WriteJson({TypeSyntax.Writer} writer) => writer.WriteStringValue(Value);");
        w.Close();
    }
}
