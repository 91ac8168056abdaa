using System;
using System.CodeDom.Compiler;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Xunit;

namespace Generated.OpenAI.Tests;

/// <summary>
/// The SDK's hand-written public surface (realtime sessions, batches, dependency injection: every public type without
/// <see cref="GeneratedCodeAttribute"/>), listed member by member in <c>runtime/Generated.OpenAI/PublicAPI.txt</c>,
/// so that every change to it shows in review, as the runtime's PublicAPI files do. Microsoft's PublicApiAnalyzers
/// cannot be used here: they also demand every source-generated member (tens of thousands, renamed by each spec
/// update); the generated surface is tracked by name in the generator tests' <c>Snapshots/PublicTypeNames.txt</c>.
/// <c>UPDATE_SNAPSHOTS=1</c> rewrites the file.
/// </summary>
public sealed class PublicApiTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static string Describe()
    {
        var sdk = typeof(Generated.OpenAI.Realtime.RealtimeClient).Assembly;
        var text = new StringBuilder();
        foreach (Type type in sdk.GetExportedTypes()
            .Where(t => t.GetCustomAttribute<GeneratedCodeAttribute>() is null && t.Namespace != "Generated.OpenAI.Models")
            .OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(Kind(type)).Append(' ').Append(type.FullName);
            if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum) && baseType != typeof(MulticastDelegate))
            {
                text.Append(" : ").Append(baseType);
            }
            text.Append('\n');
            foreach (string member in type.GetMembers(Declared)
                .Where(IsVisible)
                .Select(m => "  " + m.MemberType + " " + m)
                .OrderBy(m => m, StringComparer.Ordinal))
            {
                text.Append(member).Append('\n');
            }
        }
        return text.ToString();
    }

    private static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : typeof(Delegate).IsAssignableFrom(type) ? "delegate" : type.IsAbstract && type.IsSealed ? "static class" : "class";

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase method => (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly) && !(method.IsSpecialName && (method.Name.StartsWith("get_", StringComparison.Ordinal) || method.Name.StartsWith("set_", StringComparison.Ordinal) || method.Name.StartsWith("add_", StringComparison.Ordinal) || method.Name.StartsWith("remove_", StringComparison.Ordinal))),
        FieldInfo field => field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly,
        PropertyInfo property => property.GetAccessors(nonPublic: true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
        EventInfo e => e.AddMethod is { } add && (add.IsPublic || add.IsFamily),
        Type nested => nested.IsNestedPublic || nested.IsNestedFamily,
        _ => false,
    };

    [Fact]
    public void The_hand_written_SDK_surface_matches_PublicAPI_txt()
    {
        string actual = Describe();
        string root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../"));
        string file = Path.Combine(root, "runtime", "Generated.OpenAI", "PublicAPI.txt");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(file, actual);
            return;
        }
        Assert.True(File.Exists(file), $"{file} is missing; run with UPDATE_SNAPSHOTS=1 and review it");
        Assert.Contains("class Generated.OpenAI.Realtime.RealtimeVoiceSession", actual, StringComparison.Ordinal);
        Assert.DoesNotContain("class Generated.OpenAI.Models.", actual, StringComparison.Ordinal); // generated: tracked by name elsewhere
        Assert.DoesNotContain("class Generated.OpenAI.OpenAIClient", actual, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal), actual);
    }
}
