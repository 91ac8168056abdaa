using System;
using System.IO;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>The SDK package in a fresh console project: the README's quick start, compiled and run.</summary>
[Collection(PackagingCollection.Name)]
public sealed class SdkPackageTests(PackageFeed feed, ITestOutputHelper output)
{
    [Fact]
    public async Task The_README_quick_start_builds_from_the_SDK_package_and_runs_against_the_simulators()
    {
        string folder = feed.NewProjectFolder("quickstart");
        QuickStart.Write(folder, extraProperties: "<TreatWarningsAsErrors>true</TreatWarningsAsErrors>");

        // The README's install step, from the folder feed.
        ProcessResult add = await DotnetRun.DotnetAsync(folder, $"add package Generated.OpenAI --version {feed.Version}", PackageFeed.BuildTimeout);
        output.WriteLine($"dotnet add package: {add.Elapsed.TotalSeconds:0} s");
        Assert.True(add.ExitCode == 0, add.Describe("dotnet add package Generated.OpenAI"));

        ProcessResult build = await DotnetRun.DotnetAsync(folder, "build -c Release --no-restore -nologo -v:m", PackageFeed.BuildTimeout);
        output.WriteLine($"dotnet build: {build.Elapsed.TotalSeconds:0} s");
        Assert.True(build.ExitCode == 0, build.Describe("building the quick start"));
        Assert.Contains(" 0 Warning(s)", build.Output);

        // It compiled against the package, not against anything in the repository.
        string assets = File.ReadAllText(Path.Combine(folder, "obj", "project.assets.json"));
        Assert.Contains($"\"Generated.OpenAI/{feed.Version}\"", assets);
        Assert.Contains($"\"Generated.OpenAI.Runtime/{feed.Version}\"", assets);
        Assert.DoesNotContain("Generated.OpenAI.Generator", assets);

        ProcessResult run = await QuickStartRun.RunAndAssertAsync("dotnet", "exec bin/Release/net10.0/QuickStart.dll", folder);
        output.WriteLine($"run: {run.Elapsed.TotalSeconds:0} s");
        output.WriteLine(run.Output);
    }
}
