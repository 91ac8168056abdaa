using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>The README's quick start, as a fresh console project: the code between the quick-start markers, verbatim.</summary>
internal static class QuickStart
{
    public const string Begin = "<!-- quick-start:begin -->";
    public const string End = "<!-- quick-start:end -->";

    /// <summary>The C# between the markers in README.md, without the code fence.</summary>
    public static string ReadCode()
    {
        string readme = File.ReadAllText(Path.Combine(PackageFeed.RepoRoot, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        int begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        int end = readme.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException($"README.md has no quick start between '{Begin}' and '{End}'.");
        }
        string block = readme[(begin + Begin.Length)..end].Trim();
        const string Fence = "```csharp\n";
        if (!block.StartsWith(Fence, StringComparison.Ordinal) || !block.EndsWith("```", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The README's quick start is not one ```csharp block.");
        }
        return block[Fence.Length..^3];
    }

    /// <summary>
    /// Writes a console project as <c>dotnet new console</c> makes it (implicit usings, nullable) with the quick start as
    /// Program.cs. <paramref name="packageVersion"/> adds the package reference directly (else <c>dotnet add package</c> does).
    /// </summary>
    public static void Write(string folder, string? packageVersion = null, string extraProperties = "")
    {
        string reference = packageVersion is null
            ? ""
            : $"""
                <ItemGroup>
                  <PackageReference Include="Generated.OpenAI" Version="{packageVersion}" />
                </ItemGroup>
              """;
        File.WriteAllText(Path.Combine(folder, "QuickStart.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                {extraProperties}
              </PropertyGroup>
            {reference}
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), ReadCode());
    }

    /// <summary>The runtime identifier to publish for (this machine's).</summary>
    public static string RuntimeIdentifier => RuntimeInformation.RuntimeIdentifier;
}
