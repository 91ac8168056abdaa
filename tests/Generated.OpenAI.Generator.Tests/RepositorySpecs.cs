using System;
using System.IO;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>OpenAI's spec files committed in the repository (spec/openai-openapi/), which the tests read.</summary>
internal static class RepositorySpecs
{
    /// <summary>The checkout (the test assembly runs from tests/&lt;project&gt;/bin/&lt;configuration&gt;/&lt;tfm&gt;/), ending in a separator.</summary>
    public static readonly string Repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../"));

    public static string Folder => Path.Combine(Repo, "spec", "openai-openapi");

    /// <summary>openai/openai-openapi 5162af9 (2026-05-13), the SDK's pin.</summary>
    public static string Pinned => Path.Combine(Folder, "2026-05-13", "openapi.yaml");

    public const string PinnedSha256 = "74cbcf73838f4cd7e209b2d3f2e9ddc9fa155f21a44360b6fac7646a6d4f5f8b";

    /// <summary>openai/openai-openapi db3e531 (2026-07-16), the later release the regeneration tests build from.</summary>
    public static string Newer => Path.Combine(Folder, "2026-07-16", "openapi.yaml");

    public const string NewerSha256 = "0bf136e5f8e135a04f4b4bda93c13e75d83e98954da48ccb1e3b4b080b47b068";
}
