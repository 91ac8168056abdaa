using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;
using Xunit;

namespace Generated.OpenAI.Extensions.AI.Tests;

/// <summary>
/// The README's Microsoft.Extensions.AI block (between <c>&lt;!-- meai:begin --&gt;</c> and <c>&lt;!-- meai:end --&gt;</c>),
/// read from the file, compiled with Roslyn against this test's references, and run against the simulator.
/// </summary>
public sealed class ReadmeTests
{
    private const string BeginMarker = "<!-- meai:begin -->";
    private const string EndMarker = "<!-- meai:end -->";

    private static string ReadBlock()
    {
        string root = typeof(ReadmeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        int begin = readme.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = readme.IndexOf(EndMarker, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md has no {BeginMarker} … {EndMarker} section.");
        string section = readme[(begin + BeginMarker.Length)..end];
        int code = section.IndexOf("```csharp\n", StringComparison.Ordinal);
        int close = section.LastIndexOf("```", StringComparison.Ordinal);
        Assert.True(code >= 0 && close > code, "The README's MEAI section holds no ```csharp block.");
        return section[(code + "```csharp\n".Length)..close];
    }

    /// <summary>What <c>dotnet new console</c> imports implicitly (the README's block is that project's Program.cs).</summary>
    private const string ConsoleImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly Lazy<List<MetadataReference>> s_references = new(() =>
    {
        string[] paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToArray();
        var references = new List<MetadataReference>();
        foreach (string path in paths)
        {
            try
            {
                references.Add(MetadataReference.CreateFromFile(path));
            }
            catch (BadImageFormatException)
            {
                // Native libraries in the output folder.
            }
        }
        return references;
    });

    /// <summary>A README block as the <c>Program.cs</c> of a <c>dotnet new console</c> project, with its own using lines.</summary>
    private static CSharpCompilation Compile(string name, string source) =>
        CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)), CSharpSyntaxTree.ParseText(ConsoleImplicitUsings)],
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    ["MEAI001"] = ReportDiagnostic.Suppress,
                    // Assembly-version unification notes that MSBuild also silences (NoWarn 1701;1702 by default).
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));

    /// <summary>Every <c>```csharp</c> block of the README, in order.</summary>
    private static List<string> AllBlocks()
    {
        string root = typeof(ReadmeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var blocks = new List<string>();
        for (int at = readme.IndexOf("```csharp\n", StringComparison.Ordinal); at >= 0; at = readme.IndexOf("```csharp\n", at, StringComparison.Ordinal))
        {
            int start = at + "```csharp\n".Length;
            int end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
            Assert.True(end > start, "An unclosed ```csharp block in README.md");
            blocks.Add(readme[start..(end + 1)]);
            at = end + 4;
        }
        return blocks;
    }

    [Fact]
    public void Every_csharp_block_in_the_README_compiles_with_short_names_and_no_discriminator_assigned()
    {
        var blocks = AllBlocks();
        Assert.True(blocks.Count >= 6, $"{blocks.Count} blocks");
        for (int i = 0; i < blocks.Count; i++)
        {
            CSharpCompilation compilation = Compile("Readme" + i, blocks[i]);
            var problems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            Assert.True(problems.Count == 0, $"README block {i + 1}:\n{string.Join("\n", problems)}\n{blocks[i]}");

            SyntaxTree tree = compilation.SyntaxTrees[0];
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SimpleNameSyntax name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>().Where(n => !(n is IdentifierNameSyntax { IsVar: true })))
            {
                if (model.GetSymbolInfo(name).Symbol is INamedTypeSymbol type && type.ContainingNamespace.ToDisplayString().StartsWith("Generated.OpenAI", StringComparison.Ordinal))
                {
                    Assert.True(type.Name.Length <= 40, $"README block {i + 1} uses {type.Name} ({type.Name.Length} characters)");
                }
            }
            foreach (AssignmentExpressionSyntax assignment in tree.GetRoot().DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (model.GetSymbolInfo(assignment.Left).Symbol is IPropertySymbol { Name: "Type" } property
                    && property.ContainingType.ContainingNamespace.ToDisplayString().StartsWith("Generated.OpenAI", StringComparison.Ordinal))
                {
                    Assert.Fail($"README block {i + 1} assigns the discriminator {property.ContainingType.Name}.Type: {assignment}");
                }
            }
        }
    }

    [Fact]
    public async Task The_README_MEAI_block_compiles_and_runs_against_the_simulator()
    {
        string source = ReadBlock();
        CSharpCompilation compilation = Compile("ReadmeMeai", source);
        using var image = new MemoryStream();
        EmitResult result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)));
        Assert.Empty(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning));

        await using Simulated sim = await Simulated.StartAsync();
        string? key = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        string? url = Environment.GetEnvironmentVariable("OPENAI_BASE_URL");
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", "sk-readme");
        Environment.SetEnvironmentVariable("OPENAI_BASE_URL", sim.Rest.BaseUrl.ToString());
        try
        {
            Assembly program = Assembly.Load(image.ToArray());
            object? run = program.EntryPoint!.Invoke(null, [Array.Empty<string>()]);
            if (run is Task task)
            {
                await task;
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENAI_API_KEY", key);
            Environment.SetEnvironmentVariable("OPENAI_BASE_URL", url);
        }

        string[] paths2 = sim.Rest.Requests.Select(r => r.Path).ToArray();
        Assert.Equal(["/v1/responses", "/v1/responses", "/v1/responses", "/v1/embeddings"], paths2);
        Assert.Contains("function_call_output", sim.Rest.Requests[1].BodyText, StringComparison.Ordinal);
    }
}
