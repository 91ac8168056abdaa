using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Xunit;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>
/// Packs Generated.OpenAI.Runtime, Generated.OpenAI and Generated.OpenAI.Generator once per test run into a folder
/// feed under a fresh temporary folder, with a version no earlier run used (so that no NuGet cache can serve stale
/// bits), and writes the NuGet.config that the consumer projects use: the folder feed plus the machine's own sources
/// (nuget.org or its mirror) for everything else. The version's folders are removed from the global packages folder
/// when the tests end.
/// </summary>
public sealed class PackageFeed : IAsyncLifetime
{
    /// <summary>The three packages, by project.</summary>
    public static readonly (string Id, string Project)[] Packages =
    [
        ("Generated.OpenAI.Runtime", "runtime/Generated.OpenAI.Runtime/Generated.OpenAI.Runtime.csproj"),
        ("Generated.OpenAI", "runtime/Generated.OpenAI/Generated.OpenAI.csproj"),
        ("Generated.OpenAI.Generator", "generator/Generated.OpenAI.Generator/Generated.OpenAI.Generator.csproj"),
    ];

    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    public PackageFeed()
    {
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Guid.NewGuid().ToString("N")[..8];
        Root = Path.Combine(Path.GetTempPath(), "oai-packaging-" + Guid.NewGuid().ToString("N")[..12]);
        Feed = Path.Combine(Root, "feed");
    }

    /// <summary>The repository checkout (five levels above tests/X/bin/Debug/net10.0/).</summary>
    public static string RepoRoot { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../"));

    /// <summary>The configuration the repository was built in (the test assembly's own).</summary>
    public static string Configuration { get; } =
        typeof(PackageFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PackConfiguration").Value!;

    /// <summary>The packages' version, unique to this run.</summary>
    public string Version { get; }

    /// <summary>The temporary folder that holds the feed and the consumer projects.</summary>
    public string Root { get; }

    /// <summary>The folder feed.</summary>
    public string Feed { get; }

    /// <summary>The NuGet.config the consumer projects use (in <see cref="Root"/>, so that every project below it finds it).</summary>
    public string NuGetConfig => Path.Combine(Root, "NuGet.config");

    /// <summary>How each pack went (for the reports of the tests).</summary>
    public List<ProcessResult> PackResults { get; } = [];

    public string PackageFile(string id, bool symbols = false) => Path.Combine(Feed, $"{id}.{Version}.{(symbols ? "snupkg" : "nupkg")}");

    /// <summary>A new, empty folder for one consumer project.</summary>
    public string NewProjectFolder(string name)
    {
        string folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        // The folder feed is added to the sources the machine already has (nuget.org, or the mirror CI configures):
        // no <clear/>, so that the consumer projects restore Microsoft.Extensions.*, ILCompiler, ... as usual.
        File.WriteAllText(NuGetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="generated-openai-test-feed" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        // Directory.Build.* of nothing above: the consumers are plain projects, like a user's.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");

        foreach (var (id, project) in Packages)
        {
            // -\-no-build: the test project references the three projects, so their output is current; PackageVersion
            // (not Version) leaves the assemblies as built.
            ProcessResult result = await DotnetRun.DotnetAsync(RepoRoot,
                $"pack \"{project}\" --no-build -c {Configuration} -nologo -v:m -p:PackageVersion={Version} -p:PackageOutputPath=\"{Feed}/\"",
                BuildTimeout);
            PackResults.Add(result);
            if (result.ExitCode != 0 || !File.Exists(PackageFile(id)))
            {
                throw new InvalidOperationException(result.Describe($"packing {id}"));
            }
        }
    }

    public Task DisposeAsync()
    {
        // The unique version's folders in the global packages folder would only pile up.
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var (id, _) in Packages)
        {
            TryDelete(Path.Combine(packages, id.ToLowerInvariant(), Version.ToLowerInvariant()));
        }
        if (Environment.GetEnvironmentVariable("GENERATED_OPENAI_KEEP_PACKAGING_TEMP") != "1")
        {
            TryDelete(Root);
        }
        return Task.CompletedTask;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The consumption tests share one feed and run one after another (each is a full build on a small machine).</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "Packages";
}
