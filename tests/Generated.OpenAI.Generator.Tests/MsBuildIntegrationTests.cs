using System;
using System.IO;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>The SDK project built for real with other specs: a clear error for a bad pin, a clean build for a newer spec.</summary>
public class MsBuildIntegrationTests
{
    private static readonly string s_repo = RepositorySpecs.Repo;
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

    // The default build reads the pin's file from spec/openai-openapi/<date>/ and checks it against the pin's SHA-256.
    // OpenApiPinnedPath (set by spec/OpenApiSpec.props) is pointed at a missing file and at an altered copy of the
    // pinned one, so that the repository's own file is never touched while other tests build from it.

    [Fact]
    public void A_missing_pinned_spec_is_OAISPEC001_naming_the_file_the_repository_commits()
    {
        string missing = Path.Combine(Path.GetTempPath(), "oai-msbuild-tests-missing", Path.GetRandomFileName(), "openapi.yaml");
        var (exit, output) = BuildSdk($"-p:OpenApiPinnedPath=\"{missing}\"");
        Assert.NotEqual(0, exit);
        Assert.Contains("error OAISPEC001", output);
        Assert.Contains(missing, output);
        Assert.Contains("spec/openai-openapi/2026-05-13/openapi.yaml", output);
        Assert.DoesNotContain("error CS", output);
    }

    [Fact]
    public void An_altered_pinned_spec_is_OAISPEC002_with_the_pinned_hash()
    {
        string dir = Path.Combine(Path.GetTempPath(), "oai-msbuild-tests-altered", Path.GetRandomFileName());
        Directory.CreateDirectory(dir);
        string altered = Path.Combine(dir, "openapi.yaml");
        File.Copy(RepositorySpecs.Pinned, altered);
        File.AppendAllText(altered, "# one line more\n");
        var (exit, output) = BuildSdk($"-p:OpenApiPinnedPath=\"{altered}\"");
        Assert.NotEqual(0, exit);
        Assert.Contains("error OAISPEC002", output);
        Assert.Contains($"{RepositorySpecs.PinnedSha256} is expected", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("error CS", output);
    }

    [Fact]
    public void The_2026_07_16_spec_builds_the_SDK_with_no_warnings()
    {
        string newer = RepositorySpecs.Newer;
        Assert.True(File.Exists(newer), $"The 2026-07-16 spec is committed at {newer} (see spec/openai-openapi/README.md).");
        var (exit, output) = BuildSdk($"-p:OpenApiSpecPath=\"{newer}\"");
        Assert.Equal(0, exit);
        Assert.Contains("0 Warning(s)", output);
        Assert.Contains("0 Error(s)", output);
        Assert.Contains("sha256 " + RepositorySpecs.NewerSha256, output);
    }
}
