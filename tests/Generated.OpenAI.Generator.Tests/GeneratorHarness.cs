using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>Runs <see cref="OpenApiGenerator"/> in-process the way the compiler does.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<string> s_realSpec = new(() =>
    {
        using var stream = typeof(GeneratorHarness).Assembly.GetManifestResourceStream("openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded: spec/OpenApiSpec.targets did not run.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The pinned spec as the build prepares it (compact JSON).</summary>
    public static string RealSpec => s_realSpec.Value;

    /// <summary>The repository's names file (spec/openai-names.json), which the SDK build gives the generator beside the spec.</summary>
    public static AdditionalText RealNames => new InMemoryText("/spec/openai-names.json", File.ReadAllText(Path.Combine(RepositorySpecs.Repo, "spec", "openai-names.json")));

    /// <summary>A driver over the pinned spec and the repository's names file: what the SDK build runs.</summary>
    public static GeneratorDriver CreateRealDriver(string ns = "Generated.OpenAI.Models") =>
        CreateDriver(new AdditionalText[] { new InMemoryText("/spec/openapi.json", RealSpec), RealNames }, ns);

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "Consumer",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview))),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// A library compilation of <paramref name="trees"/> with the runtime, as strict as the SDK build can be: every
    /// warning wave (<paramref name="warningLevel"/> 9999) and documentation comments checked.
    /// </summary>
    public static CSharpCompilation CreateStrictCompilation(IEnumerable<SyntaxTree> trees, int warningLevel = 9999) =>
        CSharpCompilation.Create(
            "Strict",
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: warningLevel));

    /// <summary>Parse options that report documentation-comment problems (as a build with GenerateDocumentationFile does).</summary>
    public static CSharpParseOptions DocumentingParseOptions { get; } =
        CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview).WithDocumentationMode(DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // Without the SDK compiled from the pinned spec (the SDK tests have it): the generated code declares the same types.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => !string.Equals(Path.GetFileName(p), "Generated.OpenAI.dll", StringComparison.OrdinalIgnoreCase)).ToList();
        paths.Add(typeof(Generated.OpenAI.Serialization.Base64Data).Assembly.Location);
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static GeneratorDriver CreateDriver(string? specJson, string? ns = null, string fileName = "openapi.json") =>
        CreateDriver(specJson is null ? null : new InMemoryText("/spec/" + fileName, specJson), ns);

    public static GeneratorDriver CreateDriver(AdditionalText? spec, string? ns = null) =>
        CreateDriver(spec is null ? Array.Empty<AdditionalText>() : new[] { spec }, ns);

    /// <summary>A driver given these AdditionalFiles (a spec, names files), in this order.</summary>
    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> additionalFiles, string? ns = null) =>
        CreateDriver(additionalFiles, ns, new Dictionary<string, string>());

    /// <summary>A driver given these AdditionalFiles and these build properties (<c>OpenApiEmitCommandTable</c>: <c>true</c>).</summary>
    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> additionalFiles, string? ns, IReadOnlyDictionary<string, string> buildProperties)
    {
        var texts = additionalFiles.ToImmutableArray();
        return CSharpGeneratorDriver.Create(
            new[] { new OpenApiGenerator().AsSourceGenerator() },
            texts,
            CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview),
            new Options(ns, buildProperties),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>Runs the generator and compiles its output with the runtime; returns the run and the compiler's diagnostics.</summary>
    public static (GeneratorDriverRunResult Run, ImmutableArray<Diagnostic> CompileDiagnostics) RunAndCompile(string specJson, string? ns = null)
    {
        var compilation = CreateCompilation("namespace Consumer { public static class Marker { } }");
        var driver = CreateDriver(specJson, ns).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _, CancellationToken.None);
        var errors = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();
        return (driver.GetRunResult(), errors);
    }

    /// <summary>
    /// Runs the generator over <paramref name="specJson"/>, compiles its output with the runtime and loads the assembly
    /// in a collectible context of its own (the runtime comes from the test's context, so its types are shared).
    /// Throws with the compiler's errors when the output does not compile.
    /// </summary>
    public static Assembly CompileAndLoad(string specJson, string? ns = null) => CompileAndLoad(specJson, ns, Array.Empty<AdditionalText>(), out _);

    /// <summary>
    /// Generates from <paramref name="specJson"/> with <paramref name="namesFiles"/> beside it, compiles and loads the
    /// result; <paramref name="diagnostics"/> are the generator's.
    /// </summary>
    public static Assembly CompileAndLoad(string specJson, string? ns, AdditionalText[] namesFiles, out ImmutableArray<Diagnostic> diagnostics)
    {
        var compilation = CreateCompilation("namespace Consumer { public static class Marker { } }");
        var driver = CreateDriver(new AdditionalText[] { new InMemoryText("/spec/openapi.json", specJson) }.Concat(namesFiles), ns)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _, CancellationToken.None);
        diagnostics = driver.GetRunResult().Diagnostics;
        using var image = new MemoryStream();
        var result = output.Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException("The generated code does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        }
        image.Position = 0;
        return new AssemblyLoadContext("generated-" + Guid.NewGuid().ToString("N"), isCollectible: true).LoadFromStream(image);
    }

    internal sealed class InMemoryText : AdditionalText
    {
        private readonly SourceText _text;

        public InMemoryText(string path, string text)
        {
            Path = path;
            _text = SourceText.From(text);
        }

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class Options : AnalyzerConfigOptionsProvider
    {
        private readonly Globals _global;

        public Options(string? ns, IReadOnlyDictionary<string, string>? properties = null) => _global = new Globals(ns, properties);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _global;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _global;

        private sealed class Globals : AnalyzerConfigOptions
        {
            private readonly string? _ns;
            private readonly IReadOnlyDictionary<string, string>? _properties;

            public Globals(string? ns, IReadOnlyDictionary<string, string>? properties)
            {
                _ns = ns;
                _properties = properties;
            }

            public override bool TryGetValue(string key, out string value)
            {
                if (key == "build_property.OpenApiNamespace" && _ns is not null)
                {
                    value = _ns;
                    return true;
                }
                if (_properties is not null && key.StartsWith("build_property.", StringComparison.Ordinal)
                    && _properties.TryGetValue(key.Substring("build_property.".Length), out string? property))
                {
                    value = property;
                    return true;
                }
                value = "";
                return false;
            }
        }
    }

    /// <summary>A minimal OpenAPI 3.1 document with the given component schemas (JSON object text).</summary>
    public static string Spec(string schemasJson) =>
        "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{},\"components\":{\"schemas\":" + schemasJson + "}}";
}
