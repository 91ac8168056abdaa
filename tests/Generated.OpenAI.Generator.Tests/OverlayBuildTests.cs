using System;
using System.IO;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>
/// Overlays in a real build: a small project that imports spec/OpenApiSpec.targets with a spec and an overlay of
/// its own. The overlay is reported, its change reaches the prepared JSON, and editing it (only it) re-runs the tool.
/// </summary>
public class OverlayBuildTests
{
    private static readonly string s_repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../"));
    private readonly ITestOutputHelper _output;

    public OverlayBuildTests(ITestOutputHelper output) => _output = output;

    private (int ExitCode, string Output) Build(string project, string properties = "")
        => DotnetCli.Run($"build \"{project}\" -v:m -nologo {properties}", Path.GetDirectoryName(project)!, TimeSpan.FromMinutes(5), _output);

    [Fact]
    public void A_project_overlay_is_applied_reported_and_editing_it_rebuilds_the_spec()
    {
        string dir = Path.Combine(Path.GetTempPath(), "oai-overlay-build", Path.GetRandomFileName());
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "openapi.yaml"), """
            openapi: 3.1.0
            info: { title: t, version: '1' }
            paths: {}
            components:
              schemas:
                Pet: { type: object, properties: { name: { type: string } } }
            """);
        string overlay = Path.Combine(dir, "my-overlay.yaml");
        File.WriteAllText(overlay, """
            overlay: 1.0.0
            info: { title: mine, version: '1' }
            actions:
              - target: $.components.schemas.Pet.properties
                update: { phase: { type: string } }
            """);
        string project = Path.Combine(dir, "OverlayUser.csproj");
        // Directory.Build.props/targets of the repository are not above the temp folder: the project is standalone.
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OpenApiSpecPath>$(MSBuildProjectDirectory)/openapi.yaml</OpenApiSpecPath>
                <OpenApiUseDefaultOverlay>false</OpenApiUseDefaultOverlay>
                <OpenApiSpecAsAdditionalFile>false</OpenApiSpecAsAdditionalFile>
                <OpenApiSpecAsEmbeddedResource>true</OpenApiSpecAsEmbeddedResource>
              </PropertyGroup>
              <ItemGroup>
                <OpenApiOverlay Include="my-overlay.yaml" />
              </ItemGroup>
              <Import Project="{s_repo}spec/OpenApiSpec.targets" />
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Empty.cs"), "namespace OverlayUser { internal static class Empty { } }");

        var (exit, output) = Build(project);
        Assert.Equal(0, exit);
        Assert.Contains($"openai-spec: OAISPEC010: applied overlay {overlay}: 1 actions, 1 nodes changed", output);
        string json = File.ReadAllText(Path.Combine(dir, "obj/Debug/net10.0/openapi.json"));
        Assert.Contains("\"phase\":{\"type\":\"string\"}", json);

        // Nothing changed: the tool does not run.
        (exit, output) = Build(project);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("applied overlay", output);

        // The overlay changed: the tool runs again and the JSON follows.
        File.WriteAllText(overlay, File.ReadAllText(overlay).Replace("phase", "stage"));
        File.SetLastWriteTimeUtc(overlay, DateTime.UtcNow.AddSeconds(2));
        (exit, output) = Build(project);
        Assert.Equal(0, exit);
        Assert.Contains("applied overlay", output);
        Assert.Contains("\"stage\":{\"type\":\"string\"}", File.ReadAllText(Path.Combine(dir, "obj/Debug/net10.0/openapi.json")));

        // More overlays from the command line are applied after the project's.
        string second = Path.Combine(dir, "second-overlay.yaml");
        File.WriteAllText(second, """
            overlay: 1.0.0
            info: { title: second, version: '1' }
            actions:
              - target: $.components.schemas.Pet.properties.stage
                update: { description: from the command line }
            """);
        (exit, output) = Build(project, $"-p:OpenApiOverlays=\"{second}\"");
        Assert.Equal(0, exit);
        Assert.True(output.IndexOf("applied overlay " + overlay, StringComparison.Ordinal) < output.IndexOf("applied overlay " + second, StringComparison.Ordinal));
        Assert.Contains("\"stage\":{\"type\":\"string\",\"description\":\"from the command line\"}", File.ReadAllText(Path.Combine(dir, "obj/Debug/net10.0/openapi.json")));

        // An overlay target that matches nothing fails the build with OAISPEC012.
        File.WriteAllText(overlay, File.ReadAllText(overlay).Replace("Pet.properties", "Gone.properties"));
        File.SetLastWriteTimeUtc(overlay, DateTime.UtcNow.AddSeconds(4));
        (exit, output) = Build(project);
        Assert.NotEqual(0, exit);
        Assert.Contains("error OAISPEC012", output);
    }
}
