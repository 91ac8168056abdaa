using System;
using System.IO;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>The SDK project built for real with other specs: a clear error for a bad pin, a clean build for a newer spec.</summary>
public class MsBuildIntegrationTests
{
    private static readonly string s_repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../"));
    // One folder per checkout (kept between runs, so the builds stay incremental): two checkouts running these tests
    // at the same time must not share one obj/ folder.
    private static readonly string s_artifacts = Path.Combine(Path.GetTempPath(), "oai-msbuild-tests",
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(s_repo)))[..12]);
    private readonly ITestOutputHelper _output;

    public MsBuildIntegrationTests(ITestOutputHelper output) => _output = output;

    private (int ExitCode, string Output) BuildSdk(string properties)
        => DotnetCli.Run($"build runtime/Generated.OpenAI/Generated.OpenAI.csproj -v:m -nologo --artifacts-path \"{s_artifacts}\" {properties}", s_repo, TimeSpan.FromMinutes(8), _output);

    [Fact]
    public void A_missing_spec_is_one_error_that_says_where_and_how_not_a_cascade()
    {
        var (exit, output) = BuildSdk("-p:OpenApiSpecPath=/nowhere/openapi.yaml");
        Assert.NotEqual(0, exit);
        Assert.Contains("error OAISPEC001", output);
        Assert.Contains("/nowhere/openapi.yaml", output);
        Assert.DoesNotContain("error CS", output);
    }

    [Fact]
    public void A_spec_that_does_not_match_the_pinned_hash_is_error_OAISPEC002()
    {
        var (exit, output) = BuildSdk("-p:OpenApiSpecSha256=" + new string('0', 64));
        Assert.NotEqual(0, exit);
        Assert.Contains("error OAISPEC002", output);
        Assert.DoesNotContain("error CS", output);
    }

    [Fact]
    public void The_2026_07_16_spec_builds_the_SDK_with_no_warnings()
    {
        string newer = Path.GetFullPath(Path.Combine(s_repo, "../shared/spec/openai-openapi/2026-07-16/openapi.yaml"));
        Assert.True(File.Exists(newer), newer);
        var (exit, output) = BuildSdk($"-p:OpenApiSpecPath=\"{newer}\"");
        Assert.Equal(0, exit);
        Assert.Contains("0 Warning(s)", output);
        Assert.Contains("0 Error(s)", output);
        Assert.Contains("sha256 0bf136e5f8e135a04f4b4bda93c13e75d83e98954da48ccb1e3b4b080b47b068", output);
    }
}
