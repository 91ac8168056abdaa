using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>Writes a fresh console project as <c>dotnet new console</c> makes it (net10.0, nullable, implicit usings), with warnings as errors, that installs packages from the test feed.</summary>
internal static partial class ConsumerProject
{
    public static string Write(string directory, string name, string programCs, IEnumerable<string> packageReferences, string extraProperties = "")
    {
        string references = string.Join(Environment.NewLine, packageReferences.Select(r => "    " + r));
        File.WriteAllText(Path.Combine(directory, name + ".csproj"),
            $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            {extraProperties}
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), programCs);
        return directory;
    }

    /// <summary>Trim (IL2xxx) and AOT (IL3xxx) warnings in build output, distinct, in order.</summary>
    public static IReadOnlyList<string> TrimAndAotWarnings(string output) =>
        WarningLine().Matches(output).Select(m => m.Value.Trim()).Distinct(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"^.*\bwarning IL[23]\d{3}\b.*$", RegexOptions.Multiline)]
    private static partial Regex WarningLine();
}
