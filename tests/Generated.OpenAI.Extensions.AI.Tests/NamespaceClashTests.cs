using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Generated.OpenAI.Extensions.AI.Tests;

/// <summary>
/// Any combination of the SDK's namespaces compiles: no public type of the packages (the runtime, the SDK's generated
/// models and hand-written sessions, the audio and MEAI packages) shares its simple name with another in a different
/// namespace, which would be CS0104 for a user with both <c>using</c> lines.
/// </summary>
public sealed class NamespaceClashTests
{
    private static readonly Assembly[] s_packages =
    [
        typeof(Generated.OpenAI.Http.OpenAIClientOptions).Assembly,          // Generated.OpenAI.Runtime
        typeof(Generated.OpenAI.Realtime.RealtimeClient).Assembly,           // Generated.OpenAI (generated + hand-written)
        typeof(Generated.OpenAI.Audio.WavAudio).Assembly,                    // Generated.OpenAI.Audio
        typeof(OpenAIClientExtensions).Assembly,                             // Generated.OpenAI.Extensions.AI
    ];

    private static List<Type> PublicTypes() =>
        s_packages.SelectMany(a => a.GetExportedTypes()).Where(t => !t.IsNested && t.Namespace is not null).ToList();

    [Fact]
    public void No_two_public_types_share_a_name_across_the_SDK_namespaces()
    {
        var clashes = PublicTypes()
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .Where(g => g.Select(t => t.Namespace).Distinct().Count() > 1)
            .Select(g => g.Key + ": " + string.Join(", ", g.Select(t => t.FullName)))
            .ToList();
        Assert.True(clashes.Count == 0, string.Join("\n", clashes));
    }

    [Fact]
    public void Every_hand_written_type_is_usable_by_its_simple_name_with_every_SDK_namespace_imported()
    {
        var types = PublicTypes();
        var namespaces = types.Select(t => t.Namespace!).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Contains("Generated.OpenAI.Models", namespaces);
        Assert.Contains("Generated.OpenAI.Realtime", namespaces);
        var handWritten = types.Where(t => t.Namespace != "Generated.OpenAI.Models" && !t.IsGenericTypeDefinition).ToList();
        string source = string.Join("\n", namespaces.Select(n => $"using {n};"))
            + "\nnamespace Consumer;\npublic static class Uses\n{\n    public static readonly System.Type[] All =\n    [\n"
            + string.Join("\n", handWritten.Select(t => $"        typeof({t.Name}),"))
            + "\n    ];\n}\n";

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(s_packages.Select(a => a.Location))
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "Microsoft.Extensions.AI.Abstractions.dll"))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Consumer", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
        Assert.True(handWritten.Count > 100, $"{handWritten.Count} hand-written types");
    }
}
