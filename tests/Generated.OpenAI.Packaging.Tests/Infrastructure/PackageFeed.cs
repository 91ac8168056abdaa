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
/// Packs Generated.OpenAI, Generated.OpenAI.Runtime, Generated.OpenAI.Generator, Generated.OpenAI.Extensions.AI, Generated.OpenAI.Audio
/// and the <c>openai</c> tool (Generated.OpenAI.CommandLine) once per test run, with a version
/// no earlier run used (so the NuGet cache can never hand back a stale package), to a folder feed under a temporary
/// root that also holds a nuget.config adding that feed beside the machine's sources (the public feed), as the README
/// tells users to write one, a global.json like the repository's, and empty
/// Directory.Build.* files so that nothing above the temp folder leaks into the consumer projects. Packages from
/// nuget.org come through the machine's configured sources. On dispose the root and this version's folders in the
/// NuGet cache are deleted.
/// </summary>
public sealed class PackageFeed : IAsyncLifetime
{
    public static readonly string[] PackageIds = ["Generated.OpenAI.Runtime", "Generated.OpenAI.Generator", "Generated.OpenAI", "Generated.OpenAI.Extensions.AI", "Generated.OpenAI.Audio", "Generated.OpenAI.CommandLine"];

    private static readonly Dictionary<string, string> s_projects = new(StringComparer.Ordinal)
    {
        ["Generated.OpenAI.Runtime"] = "runtime/Generated.OpenAI.Runtime/Generated.OpenAI.Runtime.csproj",
        ["Generated.OpenAI.Generator"] = "generator/Generated.OpenAI.Generator/Generated.OpenAI.Generator.csproj",
        ["Generated.OpenAI"] = "runtime/Generated.OpenAI/Generated.OpenAI.csproj",
        ["Generated.OpenAI.Extensions.AI"] = "runtime/Generated.OpenAI.Extensions.AI/Generated.OpenAI.Extensions.AI.csproj",
        ["Generated.OpenAI.Audio"] = "runtime/Generated.OpenAI.Audio/Generated.OpenAI.Audio.csproj",
        ["Generated.OpenAI.CommandLine"] = "runtime/Generated.OpenAI.CommandLine/Generated.OpenAI.CommandLine.csproj",
    };

    public PackageFeed()
    {
        RepoRoot = Metadata("RepoRoot");
        Configuration = Metadata("Configuration");
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        Root = Path.Combine(Path.GetTempPath(), "generated-openai-packaging", Version);
        FeedDirectory = Path.Combine(Root, "feed");
    }

    public string RepoRoot { get; }

    public string Configuration { get; }

    /// <summary>The version of all the packages in this run.</summary>
    public string Version { get; }

    /// <summary>The temporary root: feed/, nuget.config, and one folder per consumer project.</summary>
    public string Root { get; }

    public string FeedDirectory { get; }

    /// <summary>How each pack went (the duration is reported by the tests).</summary>
    public List<DotnetResult> PackResults { get; } = [];

    public string PackagePath(string id) => Path.Combine(FeedDirectory, $"{id}.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(FeedDirectory);
        File.WriteAllText(Path.Combine(Root, "nuget.config"),
            """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="generated-openai-test-feed" value="feed" />
              </packageSources>
            </configuration>
            """);
        File.Copy(Path.Combine(RepoRoot, "global.json"), Path.Combine(Root, "global.json"), overwrite: true);
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(Root, name), "<Project />\n");
        }

        foreach (string id in PackageIds)
        {
            // --no-build: the test project's build-order references built them already, in this configuration.
            DotnetResult pack = await DotnetCli.RunAsync(
                RepoRoot,
                ["pack", s_projects[id], "--no-build", "-c", Configuration, "-o", FeedDirectory, $"-p:PackageVersion={Version}", "-nodeReuse:false", "-v:m"],
                TimeSpan.FromMinutes(5)).ConfigureAwait(false);
            PackResults.Add(pack);
            if (pack.ExitCode != 0 || !File.Exists(PackagePath(id)))
            {
                throw new InvalidOperationException(pack.Describe($"packing {id} {Version} to {FeedDirectory}"));
            }
        }
    }

    public Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("GENERATED_OPENAI_KEEP_PACKAGING_TEMP") != "1")
        {
            TryDelete(Root);
            string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
                ? packages
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (string id in PackageIds)
            {
                TryDelete(Path.Combine(cache, id.ToLowerInvariant(), Version));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A new, empty folder under the root for one consumer project.</summary>
    public string NewProjectDirectory(string name)
    {
        string directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static string Metadata(string key) =>
        typeof(PackageFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"No assembly metadata '{key}'.");

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp folder left behind does no harm to the next run (its version differs).
        }
    }
}

/// <summary>The packaging tests share one feed and run one after the other (each builds; the machine has 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "package feed";
}
