using System;
using System.IO;
using System.Linq;
using System.Text;
using Generated.OpenAI.Generator.Emitter;
using Generated.OpenAI.Generator.Model;
using Generated.OpenAI.Generator.Parser;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Generated.OpenAI.Generator;

/// <summary>
/// Emits the typed model of an OpenAPI document given as an AdditionalFile named <c>*openapi*.json</c>
/// (spec/OpenApiSpec.targets prepares it from the YAML). Wiring only: <see cref="SpecParser"/> builds an
/// equatable model, <see cref="ModelEmitter"/> formats one file per type.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class OpenApiGenerator : IIncrementalGenerator
{
    /// <summary>The namespace of the generated types unless <c>OpenApiNamespace</c> says otherwise.</summary>
    public const string DefaultNamespace = "Generated.OpenAI.Models";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var ns = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.OpenApiNamespace", out string? value) && !string.IsNullOrWhiteSpace(value)
                    ? value.Trim()
                    : DefaultNamespace)
            .WithTrackingName(TrackingNames.Options);

        // OpenApiEmitModels=false leaves out the models, clients and catalog (a program that only needs the command
        // table); OpenApiEmitCommandTable=true adds the command table of OpenAI's command line.
        var emit = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => new EmitOptions(
                !(options.GlobalOptions.TryGetValue("build_property.OpenApiEmitModels", out string? models) && string.Equals(models?.Trim(), "false", StringComparison.OrdinalIgnoreCase)),
                options.GlobalOptions.TryGetValue("build_property.OpenApiEmitCommandTable", out string? table) && string.Equals(table?.Trim(), "true", StringComparison.OrdinalIgnoreCase)))
            .WithTrackingName(TrackingNames.EmitOptions);

        // Project the file to a value-equal (name, text) pair first: a new AdditionalText instance with the
        // same content then leaves every later step cached.
        var specText = context.AdditionalTextsProvider
            .Where(static text => IsSpecFile(text.Path))
            .Select(static (text, ct) => new SpecText(Path.GetFileName(text.Path), text.GetText(ct)?.ToString() ?? ""))
            .Collect()
            .Select(static (texts, _) => texts.OrderBy(t => t.FileName, StringComparer.Ordinal).FirstOrDefault())
            .WithTrackingName(TrackingNames.SpecText);

        // Curated names: every AdditionalFile named *names.json, in the order the project lists them (later wins).
        var namesFiles = context.AdditionalTextsProvider
            .Where(static text => IsNamesFile(text.Path))
            .Select(static (text, ct) => new NamesFile(Path.GetFileName(text.Path), text.GetText(ct)?.ToString() ?? ""))
            .Collect()
            .Select(static (files, _) => files.ToEquatableArray())
            .WithTrackingName(TrackingNames.NamesFiles);

        var model = specText.Combine(ns).Combine(namesFiles)
            .Select(static (input, ct) => input.Left.Left is null ? null : SpecParser.Parse(input.Left.Left.FileName, input.Left.Left.Text, input.Left.Right, input.Right, ct))
            .WithTrackingName(TrackingNames.Parse);

        context.RegisterSourceOutput(model, static (spc, m) => ReportDiagnostics(spc, m));

        var types = model
            .SelectMany(static (m, _) => m is null
                ? ImmutableEquatableArray<EmitItem>.Empty
                : m.Types.Select(t => new EmitItem(m.Namespace, t)).ToEquatableArray())
            .WithTrackingName(TrackingNames.Types);
        context.RegisterSourceOutput(types.Combine(emit), static (spc, input) =>
        {
            if (input.Right.Models)
            {
                spc.AddSource(input.Left.Type.Name + ".g.cs", SourceText.From(ModelEmitter.Emit(input.Left.Namespace, input.Left.Type), Encoding.UTF8));
            }
        });

        var clients = model
            .SelectMany(static (m, _) => m is null ? ImmutableEquatableArray<ClientGroupModel>.Empty : m.Clients)
            .WithTrackingName(TrackingNames.Clients);
        context.RegisterSourceOutput(clients.Combine(emit), static (spc, input) =>
        {
            if (input.Right.Models)
            {
                spc.AddSource("Clients." + input.Left.ClassName + ".g.cs", SourceText.From(ClientEmitter.Emit(input.Left), Encoding.UTF8));
            }
        });

        var catalog = model
            .Select(static (m, _) => m is null || m.Diagnostics.Any(d => d.Level == DiagnosticLevel.Error) ? null : CatalogModel.From(m))
            .WithTrackingName(TrackingNames.Catalog);
        context.RegisterSourceOutput(catalog.Combine(emit), static (spc, input) =>
        {
            if (input.Left is not null && input.Right.Models)
            {
                spc.AddSource("OpenApiSchemaCatalog.g.cs", SourceText.From(CatalogEmitter.Emit(input.Left), Encoding.UTF8));
            }
        });

        var commandTable = model.Combine(emit)
            .Select(static (input, _) => input.Left is null || !input.Right.CommandTable || input.Left.Diagnostics.Any(d => d.Level == DiagnosticLevel.Error)
                ? null
                : new CommandTableModel(input.Left.Namespace, input.Left.Commands))
            .WithTrackingName(TrackingNames.CommandTable);
        context.RegisterSourceOutput(commandTable, static (spc, table) =>
        {
            if (table is not null)
            {
                spc.AddSource("OpenApiCommandTable.g.cs", SourceText.From(CliEmitter.Emit(table), Encoding.UTF8));
            }
        });
    }

    internal static bool IsSpecFile(string path)
    {
        string name = Path.GetFileName(path);
        return name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && name.IndexOf("openapi", StringComparison.OrdinalIgnoreCase) >= 0 && !IsNamesFile(path);
    }

    /// <summary>A names file: curated C# names keyed by spec pointer (<c>openai-names.json</c>, <c>my.names.json</c>).</summary>
    internal static bool IsNamesFile(string path) => Path.GetFileName(path).EndsWith("names.json", StringComparison.OrdinalIgnoreCase);

    private static void ReportDiagnostics(SourceProductionContext context, SpecModel? model)
    {
        if (model is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NoSpec, Location.None));
            return;
        }
        foreach (var d in model.Diagnostics)
        {
            var descriptor = Descriptors.For(d);
            string where = d.SpecPointer is null ? model.SourceFile : $"{model.SourceFile} {d.SpecPointer}";
            context.ReportDiagnostic(Diagnostic.Create(descriptor, Location.None, where, d.Message));
        }
        int objects = model.Types.Count(t => t is ObjectModel);
        int enums = model.Types.Count(t => t is EnumModel);
        int unions = model.Types.Count(t => t is UnionModel);
        int fromSchemas = model.Types.Count(t => t.SchemaName is not null);
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.Summary, Location.None,
            model.SourceFile, model.SourceSha256, model.Types.Count, objects, enums, unions, fromSchemas, model.SchemaCount, model.Exclusions.Count));
    }

    /// <summary>The spec as the pipeline sees it: compared by value.</summary>
    internal sealed record SpecText(string FileName, string Text);

    /// <summary>What to emit: the models, clients and catalog (by default), the command table (on request).</summary>
    internal sealed record EmitOptions(bool Models, bool CommandTable);

    /// <summary>One file to emit.</summary>
    internal sealed record EmitItem(string Namespace, TypeModel Type);
}

/// <summary>Step names for incremental-caching tests.</summary>
internal static class TrackingNames
{
    public const string Options = "Options";
    public const string SpecText = "SpecText";
    public const string NamesFiles = "NamesFiles";
    public const string Parse = "ParseSpec";
    public const string Types = "Types";
    public const string Catalog = "Catalog";
    public const string Clients = "Clients";
    public const string EmitOptions = "EmitOptions";
    public const string CommandTable = "CommandTable";
}

internal static class Descriptors
{
    private const string Category = "Generated.OpenAI";

    public static readonly DiagnosticDescriptor UnreadableSpec = new(DiagnosticIds.UnreadableSpec,
        "The OpenAPI document cannot be read", "{0}: {1}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NoSpec = new(DiagnosticIds.NoSpec,
        "No OpenAPI document", "No OpenAPI document was given to the generator: add the spec as an AdditionalFile named *openapi*.json (spec/OpenApiSpec.targets does this from -p:OpenApiSpecPath)",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor BrokenReference = new(DiagnosticIds.BrokenReference,
        "A $ref points nowhere", "{0}: {1}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NamesFile = new(DiagnosticIds.NamesFile,
        "A names-file entry is not used", "{0}: {1}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedWarning = new(DiagnosticIds.Unsupported,
        "A construct is kept as raw JSON", "{0}: {1}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor Unsupported = new(DiagnosticIds.Unsupported,
        "A construct is kept as raw JSON", "{0}: {1}", Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnmappablePath = new(DiagnosticIds.UnmappablePath,
        "An operation's path cannot be mapped to a URL; it has no client method", "{0}: {1}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor Summary = new(DiagnosticIds.Summary,
        "What was generated", "{0} (sha256 {1}): {2} types ({3} objects, {4} enums, {5} unions); {6} of {7} component schemas have a type, {8} are aliases",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

    public static DiagnosticDescriptor For(DiagnosticInfo info) => info.Id switch
    {
        DiagnosticIds.UnreadableSpec => info.Level == DiagnosticLevel.Error ? UnreadableSpec : UnsupportedWarning,
        DiagnosticIds.BrokenReference => BrokenReference,
        DiagnosticIds.NamesFile => NamesFile,
        DiagnosticIds.UnmappablePath => UnmappablePath,
        _ => info.Level == DiagnosticLevel.Warning ? UnsupportedWarning : Unsupported,
    };
}
