using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Generated.OpenAI.Generator.Model;
using Generated.OpenAI.Generator.Parser;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

public class GeneratorCachingTests
{
    private static readonly string s_spec = GeneratorHarness.Spec("""
        {
          "Pet": { "type": "object", "required": ["name"], "properties": { "name": { "type": "string" }, "kind": { "type": "string", "enum": ["cat", "dog"] } } },
          "Event": { "anyOf": [ { "$ref": "#/components/schemas/Pet" }, { "type": "string" } ] }
        }
        """);

    [Fact]
    public void An_edit_to_unrelated_code_leaves_every_tracked_step_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation("class A { }");
        var driver = GeneratorHarness.CreateDriver(s_spec).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.First(), CSharpSyntaxTree.ParseText("class A { int X; }"));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string step in new[] { TrackingNames.SpecText, TrackingNames.Parse, TrackingNames.Types, TrackingNames.Catalog })
        {
            Assert.True(second.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            var reasons = second.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void A_spec_edit_reemits_only_the_types_that_changed()
    {
        var compilation = GeneratorHarness.CreateCompilation("class A { }");
        var original = new GeneratorHarness.InMemoryText("/spec/openapi.json", s_spec);
        var driver = GeneratorHarness.CreateDriver(original).RunGenerators(compilation);

        var edited = new GeneratorHarness.InMemoryText("/spec/openapi.json", s_spec.Replace("\"cat\", \"dog\"", "\"cat\", \"dog\", \"fox\""));
        var result = driver.ReplaceAdditionalText(original, edited).RunGenerators(compilation).GetRunResult().Results.Single();

        var parse = result.TrackedSteps[TrackingNames.Parse].SelectMany(s => s.Outputs).Single();
        Assert.Equal(IncrementalStepRunReason.Modified, parse.Reason);
        var types = result.TrackedSteps[TrackingNames.Types].SelectMany(s => s.Outputs).ToList();
        // Pet's inline enum changed; Pet itself and the Event union did not.
        Assert.Single(types, o => o.Reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New);
        Assert.Equal(2, types.Count(o => o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached));
        Assert.Contains("Fox", result.GeneratedSources.Single(s => s.HintName == "PetKind.g.cs").SourceText.ToString());
    }

    [Fact]
    public void The_model_graph_holds_no_Roslyn_symbols_syntax_or_text()
    {
        var model = SpecParser.Parse("openapi.json", GeneratorHarness.RealSpec, "Models", default);
        Assert.True(model.Types.Count > 900);

        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var offending = new List<string>();
        Walk(model, "model", seen, offending);
        Assert.Empty(offending);
        Assert.True(seen.Count > 10_000, $"walked only {seen.Count} objects");
    }

    private static void Walk(object? value, string path, HashSet<object> seen, List<string> offending)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }
        var type = value.GetType();
        if (type.Namespace?.StartsWith("Microsoft.CodeAnalysis", System.StringComparison.Ordinal) == true)
        {
            offending.Add($"{path}: {type.FullName}");
            return;
        }
        if (value is System.Collections.IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                Walk(item, $"{path}[{i++}]", seen, offending);
            }
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
            {
                Walk(property.GetValue(value), path + "." + property.Name, seen, offending);
            }
        }
    }
}
