using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Generated.OpenAI.Generator.Json;
using Generated.OpenAI.Generator.Model;

namespace Generated.OpenAI.Generator.Parser;

/// <summary>
/// Spec JSON → <see cref="SpecModel"/>. Resolves every <c>$ref</c> and every name here, in ordinal order, so
/// that the emitter only formats. Never throws for a bad spec: it returns diagnostics and degrades what it
/// cannot model to raw JSON.
/// </summary>
internal sealed partial class SpecParser
{
    private const string SchemaPrefix = "#/components/schemas/";

    private readonly JsonNode _root;
    private readonly JsonNode? _schemas;
    private readonly CancellationToken _cancellationToken;
    private readonly HashSet<string> _usedTypeNames = new(StringComparer.OrdinalIgnoreCase); // hint names are case-insensitive
    private readonly Dictionary<string, string> _schemaTypeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TypeRef> _topLevelRefs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolvingAliases = new(StringComparer.Ordinal);
    private readonly Dictionary<object, TypeRef> _inlineTypes = new(ReferenceEqualityComparer.Instance);
    private readonly List<TypeModel> _types = new();
    private readonly List<SchemaExclusion> _exclusions = new();
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly CuratedNames _curated;

    private SpecParser(JsonNode root, CuratedNames curated, CancellationToken cancellationToken)
    {
        _root = root;
        _schemas = root["components"]?["schemas"];
        _curated = curated;
        _cancellationToken = cancellationToken;
    }

    public static SpecModel Parse(string fileName, string text, string ns, CancellationToken cancellationToken) =>
        Parse(fileName, text, ns, ImmutableEquatableArray<NamesFile>.Empty, cancellationToken);

    /// <summary>Parses the spec, naming the schemas that <paramref name="namesFiles"/> list as they say (later files win).</summary>
    public static SpecModel Parse(string fileName, string text, string ns, ImmutableEquatableArray<NamesFile> namesFiles, CancellationToken cancellationToken)
    {
        JsonNode root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (FormatException ex)
        {
            return Failed(fileName, ns, new DiagnosticInfo(DiagnosticIds.UnreadableSpec, DiagnosticLevel.Error,
                $"The OpenAPI document '{fileName}' is not valid JSON: {ex.Message} Prepare it with spec/OpenApiSpec.targets (openai-spec prepare).", null));
        }

        if (!root.IsObject || root["openapi"]?.Kind != JsonKind.String)
        {
            return Failed(fileName, ns, new DiagnosticInfo(DiagnosticIds.UnreadableSpec, DiagnosticLevel.Error,
                $"'{fileName}' is not an OpenAPI document: it has no top-level 'openapi' version string.", null));
        }

        var curated = CuratedNames.Read(namesFiles);
        var parser = new SpecParser(root, curated, cancellationToken);
        parser._diagnostics.AddRange(curated.Diagnostics);
        parser.ParseSchemas();
        parser.ParseOperations();
        parser.MarkCheckedObjects();
        parser._diagnostics.AddRange(curated.Unused());
        string clientNs = ns.EndsWith(".Models", StringComparison.Ordinal) ? ns.Substring(0, ns.Length - ".Models".Length) : ns;
        var clients = parser._operations.Count == 0 ? new List<ClientGroupModel>() : parser.BuildClientGroups(clientNs, ns);
        var source = root["x-generated-openai-source"];
        return new SpecModel(
            ns,
            source?.GetString("file") ?? fileName,
            source?.GetString("sha256") ?? "",
            parser._schemas?.Properties.Count ?? 0,
            parser._types.OrderBy(t => t.Name, StringComparer.Ordinal).ToEquatableArray(),
            parser._exclusions.OrderBy(e => e.SchemaName, StringComparer.Ordinal).ToEquatableArray(),
            parser._diagnostics.ToEquatableArray(),
            clients.ToEquatableArray())
        {
            Commands = parser.BuildCommands(),
        };
    }

    /// <summary>
    /// The objects a strict union checks after reading: its object cases, and the objects they require, transitively.
    /// Only these implement <c>IRequiredMembers</c>.
    /// </summary>
    private void MarkCheckedObjects()
    {
        var objects = _types.OfType<ObjectModel>().ToDictionary(o => o.Name, StringComparer.Ordinal);
        var pending = new Queue<string>(_types.OfType<UnionModel>().Where(u => u.IsStrict)
            .SelectMany(u => u.Cases).Where(c => c.Type.Kind == TypeRefKind.Object).Select(c => c.Type.Name!));
        var reached = new HashSet<string>(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            string name = pending.Dequeue();
            if (reached.Add(name) && objects.TryGetValue(name, out var model))
            {
                foreach (var property in model.Properties.Where(p => p.IsCheckedOnRead && p.Type.Kind == TypeRefKind.Object))
                {
                    pending.Enqueue(property.Type.Name!);
                }
            }
        }
        for (int i = 0; i < _types.Count; i++)
        {
            if (_types[i] is ObjectModel model && reached.Contains(model.Name))
            {
                _types[i] = model with { ChecksRequiredMembers = true };
            }
        }
    }

    private static SpecModel Failed(string fileName, string ns, DiagnosticInfo diagnostic) =>
        new(ns, fileName, "", 0, ImmutableEquatableArray<TypeModel>.Empty, ImmutableEquatableArray<SchemaExclusion>.Empty,
            new[] { diagnostic }.ToEquatableArray(), ImmutableEquatableArray<ClientGroupModel>.Empty);

    private void ParseSchemas()
    {
        if (_schemas is null || !_schemas.IsObject)
        {
            _diagnostics.Add(new(DiagnosticIds.UnreadableSpec, DiagnosticLevel.Warning, "The document has no components/schemas: no model types are generated.", "#/components/schemas"));
            return;
        }

        var names = _schemas.Properties.Select(p => p.Key).OrderBy(n => n, StringComparer.Ordinal).ToList();

        // Names first, so that types lifted out of a schema never take a component's name: the names file's,
        // then each schema's own, then the GA-suffixed schemas' names without the suffix where that is free.
        var typed = names.Where(n => ClassifyTopLevel(_schemas[n]!) != TopLevelKind.Alias).ToList();
        foreach (string name in typed)
        {
            if (_curated.Take(SchemaPrefix + name) is { } curated)
            {
                _schemaTypeNames[name] = ClaimCurated(curated, SchemaPrefix + name);
            }
        }
        foreach (string name in typed.Where(n => !_schemaTypeNames.ContainsKey(n) && !Naming.Pascal(n).EndsWith("GA", StringComparison.Ordinal)))
        {
            _schemaTypeNames[name] = ClaimSchemaName(name, Naming.Pascal(name));
        }
        foreach (string name in typed.Where(n => !_schemaTypeNames.ContainsKey(n)))
        {
            string pascal = Naming.Pascal(name);
            string shortName = pascal.Substring(0, pascal.Length - 2);
            _schemaTypeNames[name] = ClaimSchemaName(name, _usedTypeNames.Contains(shortName) || _schemas[name.Substring(0, name.Length - 2)] is not null ? pascal : shortName);
        }

        foreach (string name in names)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var schema = _schemas[name]!;
            string pointer = SchemaPrefix + name;
            if (!_schemaTypeNames.TryGetValue(name, out string? typeName))
            {
                var target = ResolveSchemaRef(name, pointer);
                _exclusions.Add(new SchemaExclusion(name, "alias: every reference resolves to " + Describe(target)));
                continue;
            }

            switch (ClassifyTopLevel(schema))
            {
                case TopLevelKind.Object:
                    _types.Add(BuildObject(typeName, name, schema, pointer));
                    break;
                case TopLevelKind.Enum:
                    var enumMembers = NonNullMembers(schema);
                    if (enumMembers.Count == 0)
                    {
                        enumMembers.Add(new Member(schema, "")); // a plain `enum:` schema is its own only member
                    }
                    _types.Add(BuildEnum(typeName, name, schema, pointer, enumMembers));
                    break;
                case TopLevelKind.Union:
                    _types.Add(BuildUnion(typeName, name, schema, pointer, NonNullMembers(schema)));
                    break;
            }
        }
    }

    private enum TopLevelKind
    {
        Object,
        Enum,
        Union,
        Alias,
    }

    private TopLevelKind ClassifyTopLevel(JsonNode schema)
    {
        if (schema["$ref"] is not null)
        {
            return TopLevelKind.Alias;
        }
        if (schema["allOf"] is { Kind: JsonKind.Array })
        {
            bool ownProperties = schema["properties"] is { Properties.Count: > 0 };
            return SubstantiveAllOf(schema).Count == 1 && !ownProperties ? TopLevelKind.Alias : TopLevelKind.Object;
        }
        if (schema["anyOf"] is not null || schema["oneOf"] is not null)
        {
            var members = NonNullMembers(schema);
            if (members.Count == 0) { return TopLevelKind.Alias; }
            if (members.Count == 1) { return TopLevelKind.Alias; }
            return members.All(IsStringLike) ? TopLevelKind.Enum : TopLevelKind.Union;
        }
        if (schema["enum"] is { Kind: JsonKind.Array } e)
        {
            return e.Items.Any(i => i.Kind == JsonKind.String) ? TopLevelKind.Enum : TopLevelKind.Alias;
        }
        if (schema["properties"] is { Properties.Count: > 0 })
        {
            return TopLevelKind.Object;
        }
        return TopLevelKind.Alias;
    }

    /// <summary>A component schema's own name; numbered, with a warning, when a names-file entry gave it to another schema.</summary>
    private string ClaimSchemaName(string schemaName, string name)
    {
        string claimed = Naming.Unique(name, _usedTypeNames);
        if (claimed != name && _curated.IsReserved(name))
        {
            _diagnostics.Add(new(DiagnosticIds.NamesFile, DiagnosticLevel.Warning,
                $"The names file gives '{name}' to another schema, but it is the name of {SchemaPrefix}{schemaName}, which is named '{claimed}' instead.", SchemaPrefix + schemaName));
        }
        return claimed;
    }

    private static string Describe(TypeRef type) => type.Kind switch
    {
        TypeRefKind.Array => "a list of " + Describe(type.Element!),
        TypeRefKind.Map => "a map of " + Describe(type.Element!),
        TypeRefKind.Object or TypeRefKind.Enum or TypeRefKind.OpenEnum or TypeRefKind.Union => type.Name!,
        TypeRefKind.Any => "raw JSON (JsonElement)",
        _ => type.Kind.ToString().ToLowerInvariant(),
    } + (type.Nullable ? " (nullable)" : "");

    // ---- references -------------------------------------------------------------------------------------

    private JsonNode? Deref(string reference, string pointer)
    {
        if (!reference.StartsWith(SchemaPrefix, StringComparison.Ordinal))
        {
            _diagnostics.Add(new(DiagnosticIds.BrokenReference, DiagnosticLevel.Warning,
                $"'$ref: {reference}' points outside #/components/schemas; the value is kept as raw JSON.", pointer));
            return null;
        }
        var target = _schemas?[reference.Substring(SchemaPrefix.Length)];
        if (target is null)
        {
            _diagnostics.Add(new(DiagnosticIds.BrokenReference, DiagnosticLevel.Warning,
                $"'$ref: {reference}' points to a schema that does not exist; the value is kept as raw JSON.", pointer));
        }
        return target;
    }

    /// <summary>The type a <c>$ref</c> to a component schema stands for (aliases followed, cycles broken).</summary>
    private TypeRef ResolveSchemaRef(string schemaName, string pointer)
    {
        if (_topLevelRefs.TryGetValue(schemaName, out var known))
        {
            return known;
        }
        var schema = _schemas?[schemaName];
        if (schema is null)
        {
            return TypeRef.Any;
        }
        TypeRef result;
        if (_schemaTypeNames.TryGetValue(schemaName, out string? typeName))
        {
            result = ClassifyTopLevel(schema) switch
            {
                TopLevelKind.Object => new TypeRef(TypeRefKind.Object, typeName),
                TopLevelKind.Union => new TypeRef(TypeRefKind.Union, typeName),
                _ => new TypeRef(IsOpenEnum(NonNullMembers(schema)) ? TypeRefKind.OpenEnum : TypeRefKind.Enum, typeName),
            };
            if (AllowsNull(schema))
            {
                result = result.WithNullable(true);
            }
        }
        else
        {
            if (!_resolvingAliases.Add(schemaName))
            {
                _diagnostics.Add(new(DiagnosticIds.Unsupported, DiagnosticLevel.Info,
                    $"Schema '{schemaName}' refers to itself through aliases only; it is kept as raw JSON.", SchemaPrefix + schemaName));
                return TypeRef.Any;
            }
            result = Resolve(schema, NameHint.Plain(Naming.Pascal(schemaName)), SchemaPrefix + schemaName, schemaName);
            _resolvingAliases.Remove(schemaName);
        }
        _topLevelRefs[schemaName] = result;
        return result;
    }

    // ---- schema → type ------------------------------------------------------------------------------------

    /// <summary>
    /// The type of an inline schema. Objects, enums and unions found inline become types of their own, named
    /// after where they were found (<paramref name="contextName"/>); the same node always gives the same type.
    /// </summary>
    private TypeRef Resolve(JsonNode schema, NameHint contextName, string pointer, string? homeSchema = null)
    {
        if (!schema.IsObject)
        {
            // `true`/`{}` schemas: anything goes.
            return TypeRef.Any;
        }
        if (schema.GetString("$ref") is { } reference)
        {
            var target = Deref(reference, pointer);
            var resolved = target is null ? TypeRef.Any : ResolveSchemaRef(reference.Substring(SchemaPrefix.Length), pointer);
            return AllowsNull(schema) ? resolved.WithNullable(true) : resolved;
        }
        if (_inlineTypes.TryGetValue(schema, out var cached))
        {
            return cached;
        }
        var result = ResolveUncached(schema, contextName, pointer);
        _inlineTypes[schema] = result;
        return result;
    }

    private TypeRef ResolveUncached(JsonNode schema, NameHint contextName, string pointer)
    {
        bool nullable = AllowsNull(schema);

        if (schema["allOf"] is { Kind: JsonKind.Array })
        {
            bool ownProperties = schema["properties"] is { Properties.Count: > 0 };
            var substantive = SubstantiveAllOf(schema);
            if (substantive.Count == 1 && !ownProperties)
            {
                var inner = Resolve(substantive[0].Schema, contextName, pointer + substantive[0].Pointer);
                return inner.WithNullable(nullable || inner.Nullable);
            }
            string name = ClaimName(contextName, pointer);
            _types.Add(BuildObject(name, null, schema, pointer));
            return new TypeRef(TypeRefKind.Object, name, Nullable: nullable);
        }

        if (schema["anyOf"] is not null || schema["oneOf"] is not null)
        {
            var members = NonNullMembers(schema);
            if (members.Count == 0)
            {
                return TypeRef.Any.WithNullable(nullable);
            }
            if (members.Count == 1)
            {
                var single = members[0];
                var inner = Resolve(single.Schema, contextName, pointer + single.Pointer);
                return inner.WithNullable(nullable || inner.Nullable);
            }
            if (members.All(IsStringLike))
            {
                string enumName = ClaimName(contextName, pointer);
                _types.Add(BuildEnum(enumName, null, schema, pointer, members));
                return new TypeRef(IsOpenEnum(members) ? TypeRefKind.OpenEnum : TypeRefKind.Enum, enumName, Nullable: nullable);
            }
            string unionName = ClaimName(contextName, pointer);
            _types.Add(BuildUnion(unionName, null, schema, pointer, members));
            return new TypeRef(TypeRefKind.Union, unionName, Nullable: nullable);
        }

        if (schema["enum"] is { Kind: JsonKind.Array } values)
        {
            if (values.Items.Any(v => v.Kind == JsonKind.String))
            {
                string enumName = ClaimName(contextName, pointer);
                _types.Add(BuildEnum(enumName, null, schema, pointer, new List<Member> { new(schema, pointer) }));
                return new TypeRef(TypeRefKind.Enum, enumName, Nullable: nullable);
            }
        }

        string? type = PrimaryType(schema);
        switch (type)
        {
            case "string":
                if (schema.GetString("format") == "binary")
                {
                    return TypeRef.Binary.WithNullable(nullable);
                }
                return (IsBase64(schema) ? TypeRef.Base64 : TypeRef.String).WithNullable(nullable);
            case "integer":
                return TypeRef.Int64.WithNullable(nullable);
            case "number":
                return TypeRef.Double.WithNullable(nullable);
            case "boolean":
                return TypeRef.Boolean.WithNullable(nullable);
            case "array":
                var items = schema["items"];
                var element = items is null ? TypeRef.Any : Resolve(items, contextName.Element(), pointer + "/items");
                return new TypeRef(TypeRefKind.Array, Element: element, Nullable: nullable);
            case "null":
                return TypeRef.Any.WithNullable(true);
        }

        if (schema["properties"] is { Properties.Count: > 0 })
        {
            string name = ClaimName(contextName, pointer);
            _types.Add(BuildObject(name, null, schema, pointer));
            return new TypeRef(TypeRefKind.Object, name, Nullable: nullable);
        }
        if (schema["additionalProperties"] is { IsObject: true } additional)
        {
            return new TypeRef(TypeRefKind.Map, Element: Resolve(additional, contextName.Append("Value"), pointer + "/additionalProperties"), Nullable: nullable);
        }
        if (type is not null and not "object")
        {
            _diagnostics.Add(new(DiagnosticIds.Unsupported, DiagnosticLevel.Info,
                $"Schema type '{type}' is not modelled; the value is kept as raw JSON (JsonElement).", pointer));
        }
        // A free-form object, or a schema with no type: raw JSON keeps every value exactly.
        return TypeRef.Any.WithNullable(nullable);
    }

    /// <summary>
    /// The name of a type lifted out of the schema at <paramref name="pointer"/>: the names file's, else the hint's
    /// short form, else its full form (when the short one is taken), else the full form numbered.
    /// </summary>
    private string ClaimName(NameHint hint, string pointer)
    {
        if (_curated.Take(pointer) is { } curated)
        {
            return ClaimCurated(curated, pointer);
        }
        foreach (string candidate in new[] { hint.Preferred, hint.Fallback })
        {
            if (!_usedTypeNames.Contains(candidate) && !_curated.IsReserved(candidate))
            {
                _usedTypeNames.Add(candidate);
                return candidate;
            }
        }
        for (int i = 2; ; i++)
        {
            string numbered = hint.Fallback + i.ToString(CultureInfo.InvariantCulture);
            if (!_usedTypeNames.Contains(numbered) && !_curated.IsReserved(numbered))
            {
                _usedTypeNames.Add(numbered);
                return numbered;
            }
        }
    }

    /// <summary>A names-file name; one already taken (by another entry or a schema) is numbered, with a warning.</summary>
    private string ClaimCurated(string name, string pointer)
    {
        string claimed = Naming.Unique(name, _usedTypeNames);
        if (claimed != name)
        {
            _diagnostics.Add(new(DiagnosticIds.NamesFile, DiagnosticLevel.Warning,
                $"The names file gives '{name}' to {pointer}, but another type already has that name; it is named '{claimed}'.", pointer));
        }
        return claimed;
    }

    private static string? PrimaryType(JsonNode schema)
    {
        var type = schema["type"];
        if (type is { Kind: JsonKind.String })
        {
            return type.Text;
        }
        if (type is { Kind: JsonKind.Array })
        {
            var nonNull = type.Items.Where(t => t.Kind == JsonKind.String && t.Text != "null").Select(t => t.Text).ToList();
            return nonNull.Count == 1 ? nonNull[0] : nonNull.Count == 0 ? "null" : null;
        }
        return null;
    }

    /// <summary><c>allOf</c> members that say something about the shape; <c>{nullable: true}</c> or a lone description does not.</summary>
    private static List<Member> SubstantiveAllOf(JsonNode schema)
    {
        var result = new List<Member>();
        if (schema["allOf"] is { Kind: JsonKind.Array } allOf)
        {
            for (int i = 0; i < allOf.Items.Count; i++)
            {
                var m = allOf.Items[i];
                if (!m.IsObject || m.Properties.Any(p => p.Key is not ("nullable" or "description" or "title" or "default" or "deprecated" or "example" or "examples")))
                {
                    result.Add(new Member(m, "/allOf/" + i));
                }
            }
        }
        return result;
    }

    private static bool AllowsNull(JsonNode schema)
    {
        if (schema.GetBool("nullable"))
        {
            return true;
        }
        if (schema["allOf"] is { Kind: JsonKind.Array } allOfMembers && allOfMembers.Items.Any(m => m.IsObject && m.GetBool("nullable") && m["$ref"] is null))
        {
            return true;
        }
        if (schema["type"] is { Kind: JsonKind.Array } types && types.Items.Any(t => t.Text == "null"))
        {
            return true;
        }
        if (schema["enum"] is { Kind: JsonKind.Array } values && values.Items.Any(v => v.Kind == JsonKind.Null))
        {
            return true;
        }
        foreach (string keyword in new[] { "anyOf", "oneOf" })
        {
            if (schema[keyword] is { Kind: JsonKind.Array } members && members.Items.Any(IsNullSchema))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsNullSchema(JsonNode member) =>
        member.IsObject && member.GetString("type") == "null";

    /// <summary>A member of a union, with where it is in the spec.</summary>
    private readonly record struct Member(JsonNode Schema, string Pointer);

    private static List<Member> NonNullMembers(JsonNode schema)
    {
        var result = new List<Member>();
        foreach (string keyword in new[] { "oneOf", "anyOf" })
        {
            if (schema[keyword] is { Kind: JsonKind.Array } members)
            {
                for (int i = 0; i < members.Items.Count; i++)
                {
                    if (!IsNullSchema(members.Items[i]))
                    {
                        result.Add(new Member(members.Items[i], $"/{keyword}/{i}"));
                    }
                }
            }
        }
        return result;
    }

    /// <summary>A plain string, a string enum, or a reference to one.</summary>
    private bool IsStringLike(Member member) => IsStringLike(member.Schema, 0);

    private bool IsStringLike(JsonNode schema, int depth)
    {
        if (depth > 8 || !schema.IsObject) { return false; }
        if (schema.GetString("$ref") is { } reference)
        {
            return _schemas?[reference.StartsWith(SchemaPrefix, StringComparison.Ordinal) ? reference.Substring(SchemaPrefix.Length) : ""] is { } target
                && IsStringLike(target, depth + 1);
        }
        if (schema["anyOf"] is not null || schema["oneOf"] is not null)
        {
            var members = NonNullMembers(schema);
            return members.Count > 0 && members.All(m => IsStringLike(m.Schema, depth + 1));
        }
        if (schema["enum"] is { Kind: JsonKind.Array } values)
        {
            return values.Items.All(v => v.Kind is JsonKind.String or JsonKind.Null);
        }
        return PrimaryType(schema) == "string" && schema.GetString("format") is null or "" && !IsBase64(schema);
    }

    /// <summary>Open when any member is a plain string: the API accepts values the spec does not list.</summary>
    private bool IsOpenEnum(List<Member> members) => members.Any(m => IsPlainString(m.Schema, 0));

    private bool IsPlainString(JsonNode schema, int depth)
    {
        if (depth > 8 || !schema.IsObject) { return false; }
        if (schema.GetString("$ref") is { } reference)
        {
            return _schemas?[reference.StartsWith(SchemaPrefix, StringComparison.Ordinal) ? reference.Substring(SchemaPrefix.Length) : ""] is { } target
                && (IsPlainString(target, depth + 1) || (target["anyOf"] ?? target["oneOf"]) is not null && NonNullMembers(target).Any(m => IsPlainString(m.Schema, depth + 1)));
        }
        if (schema["anyOf"] is not null || schema["oneOf"] is not null)
        {
            return NonNullMembers(schema).Any(m => IsPlainString(m.Schema, depth + 1));
        }
        return schema["enum"] is null && PrimaryType(schema) == "string";
    }

    private static bool IsBase64(JsonNode schema)
    {
        if (schema["enum"] is not null || schema["const"] is not null)
        {
            return false;
        }
        if (schema.GetString("contentEncoding") == "base64" || schema.GetString("format") == "byte")
        {
            return true;
        }
        if (schema.GetString("format") is { Length: > 0 })
        {
            return false;
        }
        string description = schema.GetString("description") ?? "";
        return description.IndexOf("base64-encoded", StringComparison.OrdinalIgnoreCase) >= 0
            || description.IndexOf("base64 encoded", StringComparison.OrdinalIgnoreCase) >= 0;
    }

    private static string? Describe(JsonNode schema) => schema.GetString("description") ?? schema.GetString("title");
}
