using System.IO;
using Generated.OpenAI.SpecTool;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

/// <summary><c>openai-spec pin</c>: moving the pin in spec/OpenApiSpec.props (what spec/update.sh runs).</summary>
public class PinTests
{
    private static string CopyOfTheRepositoryPin()
    {
        string repo = Path.GetFullPath(Path.Combine(System.AppContext.BaseDirectory, "../../../../../"));
        string dir = Path.Combine(Path.GetTempPath(), "oai-pin-tests", Path.GetRandomFileName());
        Directory.CreateDirectory(dir);
        string copy = Path.Combine(dir, "OpenApiSpec.props");
        File.Copy(Path.Combine(repo, "spec/OpenApiSpec.props"), copy);
        return copy;
    }

    [Fact]
    public void The_pinned_spec_the_regeneration_spec_and_OpenAIs_licence_are_in_the_repository()
    {
        var pin = Pin.Read(Path.Combine(RepositorySpecs.Repo, "spec/OpenApiSpec.props"));
        string pinned = Path.Combine(RepositorySpecs.Folder, pin.Date, pin.File);
        Assert.Equal(RepositorySpecs.Pinned, pinned);
        Assert.True(File.Exists(pinned), pinned);
        Assert.Equal(pin.Sha256, Sha256Of(pinned));
        Assert.Equal(RepositorySpecs.PinnedSha256, pin.Sha256);
        Assert.Equal(RepositorySpecs.NewerSha256, Sha256Of(RepositorySpecs.Newer));
        string licence = File.ReadAllText(Path.Combine(RepositorySpecs.Folder, "LICENSE"));
        Assert.Contains("The MIT License", licence);
        Assert.Contains("OpenAI", licence);
    }

    private static string Sha256Of(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return System.Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    [Fact]
    public void Writing_a_pin_changes_only_the_commit_date_file_and_hash_and_keeps_the_rest_of_the_file()
    {
        string props = CopyOfTheRepositoryPin();
        string before = File.ReadAllText(props);
        var old = Pin.Read(props);
        Assert.Equal(64, old.Sha256.Length);

        string sha = new string('B', 64);
        string after = Pin.Write(props, new("db3e531", "2026-07-16", "openapi.yaml", sha));
        Assert.Equal(new Pin.PinValues("db3e531", "2026-07-16", "openapi.yaml", sha.ToLowerInvariant()), Pin.Read(props));
        Assert.Equal(
            before.Replace(old.Commit, "db3e531").Replace(old.Date, "2026-07-16").Replace(old.Sha256, sha.ToLowerInvariant()),
            after);
    }

    [Theory]
    [InlineData("not-a-commit", "2026-07-16", "is not a git commit")]
    [InlineData("db3e531", "16/07/2026", "is not a date")]
    public void A_bad_commit_or_date_is_a_PinException_and_the_file_is_untouched(string commit, string date, string reason)
    {
        string props = CopyOfTheRepositoryPin();
        string before = File.ReadAllText(props);
        var ex = Assert.Throws<PinException>(() => Pin.Write(props, new(commit, date, "openapi.yaml", new string('a', 64))));
        Assert.Contains(reason, ex.Message);
        Assert.Equal(before, File.ReadAllText(props));
    }

    [Fact]
    public void A_props_file_without_the_pin_elements_is_a_PinException()
    {
        string props = Path.Combine(Path.GetDirectoryName(CopyOfTheRepositoryPin())!, "Other.props");
        File.WriteAllText(props, "<Project />");
        Assert.Contains("<OpenApiPinnedCommit>", Assert.Throws<PinException>(() => Pin.Read(props)).Message);
        Assert.Throws<PinException>(() => Pin.Read("/nowhere/OpenApiSpec.props"));
    }
}
