using System;
using System.IO;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>
/// A names file in a real build, passed the way a user passes an overlay (<c>&lt;OpenApiNames Include="…"/&gt;</c>):
/// its names reach the code the project compiles against, and an entry the spec no longer matches is warning OAIGEN004
/// naming the entry.
/// </summary>
public class NamesFileBuildTests
{
    private static readonly string s_repo = RepositorySpecs.Repo;
    private readonly ITestOutputHelper _output;

    public NamesFileBuildTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void A_project_names_file_renames_types_and_a_stale_entry_is_a_build_warning_that_names_it()
    {
        string dir = Path.Combine(Path.GetTempPath(), "oai-names-build", Path.GetRandomFileName());
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "openapi.yaml"), """
            openapi: 3.1.0
            info: { title: t, version: '1' }
            paths: {}
            components:
              schemas:
                PetCreateRequestGA:
                  type: object
                  properties:
                    name: { type: string }
                    collar: { type: object, properties: { color: { type: string } } }
            """);
        File.WriteAllText(Path.Combine(dir, "my.names.json"), """
            {
              "#/components/schemas/PetCreateRequestGA": "NewPet",
              "#/components/schemas/Gone": "Ghost"
            }
            """);
        // The generator and the runtime as this test built them; the spec tool from the repository (as the overlay test).
        string bin = AppContext.BaseDirectory;
        string project = Path.Combine(dir, "NamesUser.csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <OpenApiSpecPath>$(MSBuildProjectDirectory)/openapi.yaml</OpenApiSpecPath>
                <OpenApiUseDefaultOverlay>false</OpenApiUseDefaultOverlay>
                <OpenApiUseDefaultNames>false</OpenApiUseDefaultNames>
              </PropertyGroup>
              <ItemGroup>
                <OpenApiNames Include="my.names.json" />
                <Analyzer Include="{bin}Generated.OpenAI.Generator.dll" />
                <Reference Include="{bin}Generated.OpenAI.Runtime.dll" />
              </ItemGroup>
              <Import Project="{s_repo}spec/OpenApiSpec.targets" />
            </Project>
            """);
        // Compiles only if the names file reached the generator: NewPet, and NewPetCollar lifted out of it.
        File.WriteAllText(Path.Combine(dir, "Use.cs"), """
            namespace NamesUser
            {
                internal static class Use
                {
                    internal static object Make() => new Generated.OpenAI.Models.NewPet { Name = "Rex", Collar = new Generated.OpenAI.Models.NewPetCollar { Color = "red" } };
                }
            }
            """);

        var (exit, output) = DotnetCli.Run($"build \"{project}\" -v:m -nologo", dir, TimeSpan.FromMinutes(5), _output);
        Assert.Equal(0, exit);
        Assert.Contains("warning OAIGEN004", output);
        Assert.Contains("'#/components/schemas/Gone' Ghost", output);
        Assert.Contains("my.names.json", output);
        Assert.DoesNotContain("error", output.Replace("0 Error(s)", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }
}
