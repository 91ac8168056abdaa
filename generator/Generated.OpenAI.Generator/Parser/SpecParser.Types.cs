using System;
using System.Collections.Generic;
using System.Linq;
using Generated.OpenAI.Generator.Json;
using Generated.OpenAI.Generator.Model;

namespace Generated.OpenAI.Generator.Parser;

internal sealed partial class SpecParser
{
    /// <summary>What every generated object declares or inherits: no property takes these names.</summary>
    private static readonly HashSet<string> s_objectMemberNames = new(StringComparer.Ordinal)
    {
        "ExtensionData", "ReadJson", "WriteJson", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize", EventTypeMember,
    };

    /// <summary>What an open enum declares: no known value takes these names.</summary>
    private static readonly HashSet<string> s_openEnumMemberNames = new(StringComparer.Ordinal)
    {
        "Value", "IsKnown", "ReadJson", "WriteJson", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize",
    };

    /// <summary>Case names a union cannot use: <c>Unknown</c> is the case of JSON no case describes.</summary>
    private static readonly HashSet<string> s_unionCaseNames = new(StringComparer.Ordinal) { "Unknown" };

    /// <summary>The static member that holds a realtime event's <c>type</c> as UTF-8.</summary>
    private const string EventTypeMember = "TypeUtf8";

    // ---- objects ------------------------------------------------------------------------------------------

    private readonly record struct RawProperty(string JsonName, JsonNode Schema, string Pointer, string Context);

    private ObjectModel BuildObject(string name, string? schemaName, JsonNode schema, string pointer)
    {
        var properties = new List<RawProperty>();
        var required = new HashSet<string>(StringComparer.Ordinal);
        CollectProperties(schema, pointer, name, properties, required, 0);

        var memberNames = new HashSet<string>(s_objectMemberNames, StringComparer.Ordinal) { name };
        var models = new List<PropertyModel>(properties.Count);
        foreach (var raw in properties)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            string pascal = Naming.Pascal(raw.JsonName);
            string memberName = Naming.Unique(pascal == name || s_objectMemberNames.Contains(pascal) ? pascal + "Value" : pascal, memberNames);
            bool isRequired = required.Contains(raw.JsonName);
            // A constant the user never writes: a required single value, a `const`, and the `type` discriminator
            // even where the spec leaves it optional (it says which shape the object is, so it is always sent).
            string? constValue = isRequired || raw.JsonName == "type" || raw.Schema["const"] is not null ? SingleValue(raw.Schema) : null;
            var type = constValue is not null ? TypeRef.String : Resolve(raw.Schema, NameHint.Member(raw.Context, pascal.TrimStart('@', '_')), raw.Pointer);
            string? specified = type.Nullable ? Naming.Unique(memberName.TrimStart('@') + "Specified", memberNames) : null;
            string bare = memberName.TrimStart('@');
            models.Add(new PropertyModel(raw.JsonName, memberName, char.ToLowerInvariant(bare[0]) + bare.Substring(1), specified, type, isRequired, constValue,
                Describe(raw.Schema) ?? DescribeReferenced(raw.Schema), raw.Schema.GetBool("deprecated")));
        }

        // A realtime event: a string event_id beside a constant type. Its type is exposed as UTF-8 and the runtime
        // reads and sets its event_id through one interface, as a RealtimeEventId (a session's ids and the ids of lent
        // events are no strings until read); an event_id the spec lets be null keeps its plain property.
        int eventId = models.FindIndex(m => m.JsonName == "event_id" && m.Type.Kind == TypeRefKind.String);
        string? eventType = eventId >= 0 ? models.FirstOrDefault(m => m.JsonName == "type")?.ConstValue : null;
        if (eventType is not null && !models[eventId].Type.Nullable && !models[eventId].Deprecated)
        {
            models[eventId] = models[eventId] with { IsRealtimeEventId = true };
        }
        return new ObjectModel(name, schemaName, pointer, Describe(schema), schema.GetBool("deprecated"), models.ToEquatableArray(), eventType);
    }

    private string? DescribeReferenced(JsonNode schema) =>
        schema.GetString("$ref") is { } reference && reference.StartsWith(SchemaPrefix, StringComparison.Ordinal)
            ? _schemas?[reference.Substring(SchemaPrefix.Length)] is { } target ? Describe(target) : null
            : null;

    /// <summary>Own properties plus those of every <c>allOf</c> member, first definition's position, last definition wins.</summary>
    private void CollectProperties(JsonNode schema, string pointer, string context, List<RawProperty> properties, HashSet<string> required, int depth)
    {
        if (depth > 16)
        {
            _diagnostics.Add(new(DiagnosticIds.Unsupported, DiagnosticLevel.Info, "allOf nesting is too deep; deeper members are ignored.", pointer));
            return;
        }
        if (schema.GetString("$ref") is { } reference)
        {
            if (Deref(reference, pointer) is { } target)
            {
                string targetName = reference.Substring(SchemaPrefix.Length);
                CollectProperties(target, SchemaPrefix + targetName, _schemaTypeNames.TryGetValue(targetName, out var n) ? n : Naming.Pascal(targetName), properties, required, depth + 1);
            }
            return;
        }
        if (schema["allOf"] is { Kind: JsonKind.Array } allOf)
        {
            for (int i = 0; i < allOf.Items.Count; i++)
            {
                CollectProperties(allOf.Items[i], pointer + "/allOf/" + i, context, properties, required, depth + 1);
            }
        }
        if (depth > 0 && (schema["anyOf"] is not null || schema["oneOf"] is not null) && schema["properties"] is null)
        {
            _diagnostics.Add(new(DiagnosticIds.Unsupported, DiagnosticLevel.Info,
                "A union inside allOf is not merged into the object; its properties are kept in ExtensionData.", pointer));
        }
        if (schema["properties"] is { IsObject: true } own)
        {
            foreach (var p in own.Properties)
            {
                var raw = new RawProperty(p.Key, p.Value, pointer + "/properties/" + p.Key, context);
                int existing = properties.FindIndex(x => x.JsonName == p.Key);
                if (existing >= 0)
                {
                    properties[existing] = raw;
                }
                else
                {
                    properties.Add(raw);
                }
            }
        }
        if (schema["required"] is { Kind: JsonKind.Array } req)
        {
            foreach (var r in req.Items)
            {
                if (r.Kind == JsonKind.String)
                {
                    required.Add(r.Text!);
                }
            }
        }
    }

    /// <summary>The value of a single-value string enum or <c>const</c> (the <c>type</c> fields of events).</summary>
    private static string? SingleValue(JsonNode schema)
    {
        if (schema["const"] is { Kind: JsonKind.String } c)
        {
            return c.Text;
        }
        if (schema["enum"] is { Kind: JsonKind.Array } values && values.Items.Count == 1 && values.Items[0].Kind == JsonKind.String)
        {
            return values.Items[0].Text;
        }
        return null;
    }

    // ---- enums --------------------------------------------------------------------------------------------

    private EnumModel BuildEnum(string name, string? schemaName, JsonNode schema, string pointer, List<Member> members)
    {
        var values = new List<string>();
        foreach (var m in members)
        {
            CollectEnumValues(m.Schema, values, 0);
        }
        bool open = IsOpenEnum(members);
        var reserved = open ? s_openEnumMemberNames : new HashSet<string>(StringComparer.Ordinal);
        var memberNames = new HashSet<string>(reserved, StringComparer.Ordinal) { name };
        var enumMembers = values.Distinct(StringComparer.Ordinal)
            .Select(v => new EnumMember(Naming.Unique(Naming.Pascal(v) == name || reserved.Contains(Naming.Pascal(v)) ? Naming.Pascal(v) + "Value" : Naming.Pascal(v), memberNames), v))
            .ToEquatableArray();
        if (!open)
        {
            _usedTypeNames.Add(EnumModel.ExtensionsOf(name));
        }
        return new EnumModel(name, schemaName, pointer, Describe(schema), schema.GetBool("deprecated"), open, enumMembers);
    }

    private void CollectEnumValues(JsonNode schema, List<string> values, int depth)
    {
        if (depth > 8 || !schema.IsObject) { return; }
        if (schema.GetString("$ref") is { } reference && reference.StartsWith(SchemaPrefix, StringComparison.Ordinal))
        {
            if (_schemas?[reference.Substring(SchemaPrefix.Length)] is { } target)
            {
                CollectEnumValues(target, values, depth + 1);
            }
            return;
        }
        if (schema["enum"] is { Kind: JsonKind.Array } e)
        {
            values.AddRange(e.Items.Where(i => i.Kind == JsonKind.String).Select(i => i.Text!));
        }
        if (schema["const"] is { Kind: JsonKind.String } c)
        {
            values.Add(c.Text!);
        }
        foreach (var m in NonNullMembers(schema))
        {
            CollectEnumValues(m.Schema, values, depth + 1);
        }
    }

    // ---- unions -------------------------------------------------------------------------------------------

    private UnionModel BuildUnion(string name, string? schemaName, JsonNode schema, string pointer, List<Member> members)
    {
        string discriminator = schema["discriminator"]?.GetString("propertyName") ?? "type";
        var caseNames = new HashSet<string>(s_unionCaseNames, StringComparer.Ordinal) { name };
        var cases = new List<UnionCase>(members.Count);
        bool strict = true;
        int objectCases = 0;
        int events = 0;
        var memberValues = members.Select(m =>
        {
            var list = new List<string>();
            CollectDiscriminatorValues(m.Schema, discriminator, list, 0);
            return list.Distinct(StringComparer.Ordinal).ToList();
        }).ToList();
        // A case is named after its wire value (response.output_audio.delta → ResponseOutputAudioDelta) when that
        // value is its only one and no other case shares it; otherwise after its schema, less the union's own name.
        var valueCounts = memberValues.SelectMany(v => v).GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        for (int i = 0; i < members.Count; i++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var member = members[i];
            var values = memberValues[i];
            string? wireName = values.Count == 1 && valueCounts[values[0]] == 1 && Naming.Pascal(values[0]) is { } pascalValue
                && pascalValue != name && Naming.IsIdentifier(pascalValue) ? pascalValue : null;

            string caseName;
            TypeRef type;
            if (member.Schema.GetString("$ref") is { } reference && reference.StartsWith(SchemaPrefix, StringComparison.Ordinal))
            {
                type = Resolve(member.Schema, NameHint.Plain(name), pointer + member.Pointer);
                // The case of a referenced type is that type's C# name, less the union's name where what is left
                // still says something (RealtimeServerEventError → Error; VoiceId in Voice stays VoiceId).
                string target = type.Name ?? Naming.Pascal(reference.Substring(SchemaPrefix.Length));
                string rest = target.Length > name.Length && target.StartsWith(name, StringComparison.Ordinal) && char.IsUpper(target[name.Length])
                    ? target.Substring(name.Length) : target;
                caseName = wireName ?? (rest.Length > 2 && rest is not ("Object" or "Item" or "Type" or "Value") ? rest : target);
            }
            else
            {
                string hint = wireName ?? (values.Count == 1 ? Naming.Pascal(values[0])
                    : member.Schema.GetString("title") is { } title ? Naming.Pascal(title)
                    : (PrimaryType(member.Schema) ?? "Variant") switch
                    {
                        "string" => "String",
                        "integer" => "Integer",
                        "number" => "Number",
                        "boolean" => "Boolean",
                        "array" => "Array",
                        "object" => "Object",
                        _ => "Variant",
                    });
                type = Resolve(member.Schema, NameHint.Member(name, hint.TrimStart('@', '_')), pointer + member.Pointer);
                caseName = wireName is null && _curated.Has(pointer + member.Pointer) && type.Name is { } curatedName ? curatedName
                    : hint == "Array" && type.Element is { } element ? CaseNameOf(element) + "Array" : hint;
            }
            caseName = Naming.Unique(caseName.TrimStart('@'), caseNames);

            var required = new HashSet<string>(StringComparer.Ordinal);
            var known = new List<RawProperty>();
            if (type.Kind == TypeRefKind.Object)
            {
                CollectProperties(member.Schema, pointer + member.Pointer, name, known, required, 1);
            }
            if ((AcceptedKinds(member.Schema, 0) & JsonKinds.Object) != 0)
            {
                objectCases++;
                strict &= type.Kind == TypeRefKind.Object && values.Count > 0 && required.Contains(discriminator);
                events += known.Any(k => k.JsonName == "event_id") ? 1 : 0;
            }
            cases.Add(new UnionCase(
                caseName,
                type.WithNullable(false),
                Describe(member.Schema) ?? DescribeReferenced(member.Schema),
                AcceptedKinds(member.Schema, 0),
                type.Kind == TypeRefKind.Array && member.Schema["items"] is { } items ? AcceptedKinds(items, 0)
                    : type.Kind == TypeRefKind.Array ? AcceptedKinds(ArrayItemsOf(member.Schema), 0) : JsonKinds.None,
                values.Distinct(StringComparer.Ordinal).ToEquatableArray(),
                required.Where(r => r != discriminator).OrderBy(r => r, StringComparer.Ordinal).ToEquatableArray(),
                known.Select(k => k.JsonName).OrderBy(k => k, StringComparer.Ordinal).ToEquatableArray(),
                known.Select(k => (k.JsonName, Value: SingleValue(k.Schema))).Where(k => k.Value is not null)
                    .Select(k => new UnionConst(k.JsonName, k.Value!)).OrderBy(k => k.Property, StringComparer.Ordinal).ToEquatableArray()));
        }
        // A string converts to the union implicitly: to its string case, or else to its one open enum.
        var strings = cases.Where(c => c.Type.Kind == TypeRefKind.String).ToList();
        var openEnums = cases.Where(c => c.Type.Kind == TypeRefKind.OpenEnum).ToList();
        string? stringCase = strings.Count == 1 ? strings[0].Name : strings.Count == 0 && openEnums.Count == 1 ? openEnums[0].Name : null;
        string discriminatorPascal = Naming.Pascal(discriminator).TrimStart('@', '_');
        return new UnionModel(name, schemaName, pointer, Describe(schema), schema.GetBool("deprecated"), discriminator,
            // Strict: the realtime event unions (cases that carry an event_id beside the type). Other unions keep
            // reading a case that lacks a required member, as OpenAI's REST examples need.
            strict && objectCases > 0 && events * 2 > objectCases, cases.ToEquatableArray(),
            Naming.Unique(name + "Kind", _usedTypeNames),
            discriminatorPascal.Length == 0 ? "DiscriminatorOf" : discriminatorPascal + "Of",
            discriminatorPascal.Length == 0 ? "discriminatorUtf8" : char.ToLowerInvariant(discriminatorPascal[0]) + discriminatorPascal.Substring(1) + "Utf8",
            stringCase);
    }

    private JsonNode ArrayItemsOf(JsonNode schema)
    {
        for (int depth = 0; depth < 8 && schema.GetString("$ref") is { } reference; depth++)
        {
            if (Deref(reference, "") is not { } target) { break; }
            schema = target;
        }
        return schema["items"] ?? schema;
    }

    private JsonKinds AcceptedKinds(JsonNode schema, int depth)
    {
        if (depth > 8 || !schema.IsObject) { return JsonKinds.All; }
        if (schema.GetString("$ref") is { } reference)
        {
            return reference.StartsWith(SchemaPrefix, StringComparison.Ordinal) && _schemas?[reference.Substring(SchemaPrefix.Length)] is { } target
                ? AcceptedKinds(target, depth + 1) : JsonKinds.All;
        }
        if (schema["anyOf"] is not null || schema["oneOf"] is not null)
        {
            var kinds = JsonKinds.None;
            foreach (var m in NonNullMembers(schema)) { kinds |= AcceptedKinds(m.Schema, depth + 1); }
            return kinds == JsonKinds.None ? JsonKinds.All : kinds;
        }
        if (schema["allOf"] is { Kind: JsonKind.Array })
        {
            var substantive = SubstantiveAllOf(schema);
            return substantive.Count == 1 && schema["properties"] is null ? AcceptedKinds(substantive[0].Schema, depth + 1) : JsonKinds.Object;
        }
        if (schema["enum"] is not null || schema["const"] is not null)
        {
            return JsonKinds.String;
        }
        switch (PrimaryType(schema))
        {
            case "string": return JsonKinds.String;
            case "integer":
            case "number": return JsonKinds.Number;
            case "boolean": return JsonKinds.Boolean;
            case "array": return JsonKinds.Array;
            case "object": return JsonKinds.Object;
        }
        return schema["properties"] is not null || schema["additionalProperties"] is not null ? JsonKinds.Object : JsonKinds.All;
    }

    private static string CaseNameOf(TypeRef type) => type.Kind switch
    {
        TypeRefKind.String => "String",
        TypeRefKind.Int64 => "Integer",
        TypeRefKind.Double => "Number",
        TypeRefKind.Boolean => "Boolean",
        TypeRefKind.Array => CaseNameOf(type.Element!) + "Array",
        TypeRefKind.Map => "Map",
        TypeRefKind.Any => "Json",
        _ => type.Name ?? type.Kind.ToString(),
    };

    /// <summary>The values the discriminator property can take in a member, through refs, allOf and nested unions.</summary>
    private void CollectDiscriminatorValues(JsonNode schema, string property, List<string> values, int depth)
    {
        if (depth > 8 || !schema.IsObject) { return; }
        if (schema.GetString("$ref") is { } reference && reference.StartsWith(SchemaPrefix, StringComparison.Ordinal))
        {
            if (_schemas?[reference.Substring(SchemaPrefix.Length)] is { } target)
            {
                CollectDiscriminatorValues(target, property, values, depth + 1);
            }
            return;
        }
        if (schema["properties"]?[property] is { } p)
        {
            CollectEnumValues(p, values, 0);
        }
        if (schema["allOf"] is { Kind: JsonKind.Array } allOf)
        {
            foreach (var m in allOf.Items)
            {
                CollectDiscriminatorValues(m, property, values, depth + 1);
            }
        }
        foreach (var m in NonNullMembers(schema))
        {
            CollectDiscriminatorValues(m.Schema, property, values, depth + 1);
        }
    }
}
