using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;
using Generated.OpenAI.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>
/// The packages as a user meets them: packed to a local feed (<see cref="PackageFeed"/>), installed into fresh projects
/// in a temp folder, built, run against the local simulators started here, and published with NativeAOT.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageConsumptionTests
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromMinutes(2);
    private const string Spec20260716Sha256 = "0bf136e5f8e135a04f4b4bda93c13e75d83e98954da48ccb1e3b4b080b47b068";

    private readonly PackageFeed _feed;
    private readonly ITestOutputHelper _output;

    public PackageConsumptionTests(PackageFeed feed, ITestOutputHelper output)
    {
        _feed = feed;
        _output = output;
    }

    [Fact]
    public void The_packages_hold_the_assemblies_docs_readme_build_logic_and_spec_tool()
    {
        foreach (DotnetResult pack in _feed.PackResults)
        {
            _output.WriteLine($"{pack.CommandLine}: {pack.Duration.TotalSeconds:0.0} s");
        }

        IReadOnlyList<string> sdk = Entries("Generated.OpenAI");
        Assert.Contains("lib/net10.0/Generated.OpenAI.dll", sdk);
        Assert.Contains("lib/net10.0/Generated.OpenAI.xml", sdk);
        Assert.Contains("README.md", sdk);
        Assert.DoesNotContain(sdk, e => e.StartsWith("analyzers/", StringComparison.Ordinal));
        XElement sdkSpec = Nuspec("Generated.OpenAI");
        var dependencies = sdkSpec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => $"{e.Attribute("id")?.Value} {e.Attribute("version")?.Value}").ToList();
        Assert.Contains($"Generated.OpenAI.Runtime {_feed.Version}", dependencies);
        Assert.DoesNotContain(dependencies, d => d.StartsWith("Generated.OpenAI.Generator", StringComparison.Ordinal) || d.StartsWith("openai-spec", StringComparison.Ordinal) || d.StartsWith("Generated.OpenAI.SpecTool", StringComparison.Ordinal));
        Assert.Equal("MIT", sdkSpec.Descendants().Single(e => e.Name.LocalName == "license").Value);
        Assert.Equal("README.md", sdkSpec.Descendants().Single(e => e.Name.LocalName == "readme").Value);

        IReadOnlyList<string> runtime = Entries("Generated.OpenAI.Runtime");
        Assert.Contains("lib/net10.0/Generated.OpenAI.Runtime.dll", runtime);
        Assert.Contains("lib/net10.0/Generated.OpenAI.Runtime.xml", runtime);
        Assert.Contains("README.md", runtime);

        IReadOnlyList<string> meai = Entries("Generated.OpenAI.Extensions.AI");
        Assert.Contains("lib/net10.0/Generated.OpenAI.Extensions.AI.dll", meai);
        Assert.Contains("lib/net10.0/Generated.OpenAI.Extensions.AI.xml", meai);
        Assert.Contains("README.md", meai);
        XElement meaiSpec = Nuspec("Generated.OpenAI.Extensions.AI");
        var meaiDependencies = meaiSpec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => $"{e.Attribute("id")?.Value} {e.Attribute("version")?.Value}").ToList();
        Assert.Contains($"Generated.OpenAI {_feed.Version}", meaiDependencies);
        Assert.Contains(meaiDependencies, d => d.StartsWith("Microsoft.Extensions.AI.Abstractions ", StringComparison.Ordinal));
        Assert.DoesNotContain(meaiDependencies, d => d.StartsWith("OpenAI ", StringComparison.Ordinal) || d.StartsWith("Microsoft.Extensions.AI.OpenAI", StringComparison.Ordinal));
        Assert.Equal("MIT", meaiSpec.Descendants().Single(e => e.Name.LocalName == "license").Value);
        Assert.Equal("README.md", meaiSpec.Descendants().Single(e => e.Name.LocalName == "readme").Value);
        Assert.NotNull(meaiSpec.Descendants().SingleOrDefault(e => e.Name.LocalName == "repository")?.Attribute("commit"));
        // The SDK itself keeps no Microsoft.Extensions.AI dependency.
        Assert.DoesNotContain(dependencies, d => d.StartsWith("Microsoft.Extensions.AI", StringComparison.Ordinal));

        // The audio package stands alone: the base class library only, no dependency at all.
        IReadOnlyList<string> audio = Entries("Generated.OpenAI.Audio");
        Assert.Contains("lib/net10.0/Generated.OpenAI.Audio.dll", audio);
        Assert.Contains("lib/net10.0/Generated.OpenAI.Audio.xml", audio);
        Assert.Contains("README.md", audio);
        Assert.DoesNotContain(Nuspec("Generated.OpenAI.Audio").Descendants(), e => e.Name.LocalName == "dependency");

        IReadOnlyList<string> generator = Entries("Generated.OpenAI.Generator");
        Assert.Contains("analyzers/dotnet/cs/Generated.OpenAI.Generator.dll", generator);
        Assert.Contains("build/Generated.OpenAI.Generator.props", generator);
        Assert.Contains("build/Generated.OpenAI.Generator.targets", generator);
        Assert.Contains("build/OpenApiSpec.targets", generator);
        Assert.Contains("build/openai-overlay.yaml", generator);
        Assert.Contains("tools/spec/openai-spec.dll", generator);
        Assert.Contains("tools/spec/openai-spec.runtimeconfig.json", generator);
        Assert.Contains("tools/spec/Microsoft.OpenApi.dll", generator);
        Assert.DoesNotContain(generator, e => e.StartsWith("lib/", StringComparison.Ordinal));
        // The packed build logic is the repository's own file, not a fork of it.
        Assert.Equal(File.ReadAllText(Path.Combine(_feed.RepoRoot, "spec", "OpenApiSpec.targets")), ReadEntry("Generated.OpenAI.Generator", "build/OpenApiSpec.targets"));

        Assert.True(File.Exists(Path.ChangeExtension(_feed.PackagePath("Generated.OpenAI"), ".snupkg")), "Generated.OpenAI has no .snupkg symbols package.");
        Assert.True(File.Exists(Path.ChangeExtension(_feed.PackagePath("Generated.OpenAI.Runtime"), ".snupkg")), "Generated.OpenAI.Runtime has no .snupkg symbols package.");
        Assert.True(File.Exists(Path.ChangeExtension(_feed.PackagePath("Generated.OpenAI.Extensions.AI"), ".snupkg")), "Generated.OpenAI.Extensions.AI has no .snupkg symbols package.");
        Assert.True(File.Exists(Path.ChangeExtension(_feed.PackagePath("Generated.OpenAI.Audio"), ".snupkg")), "Generated.OpenAI.Audio has no .snupkg symbols package.");

        // The tool: everything it runs with inside (a tool package has no dependencies), the command named openai.
        IReadOnlyList<string> tool = Entries("Generated.OpenAI.CommandLine");
        Assert.Contains("tools/net10.0/any/openai.dll", tool);
        Assert.Contains("tools/net10.0/any/Generated.OpenAI.dll", tool);
        Assert.Contains("tools/net10.0/any/Generated.OpenAI.Simulator.dll", tool);
        Assert.Contains("tools/net10.0/any/YamlDotNet.dll", tool);
        Assert.Contains("<Command Name=\"openai\" EntryPoint=\"openai.dll\"", ReadEntry("Generated.OpenAI.CommandLine", "tools/net10.0/any/DotnetToolSettings.xml"), StringComparison.Ordinal);
        Assert.Contains(Nuspec("Generated.OpenAI.CommandLine").Descendants(), e => e.Name.LocalName == "packageType" && e.Attribute("name")?.Value == "DotnetTool");
    }

    /// <summary>
    /// The README as a user follows it with no key: the tool installed from the local feed (<c>dotnet tool install
    /// --tool-path</c>), its <c>openai simulate</c> started as a real process, the line it prints exported, and the
    /// quick start, built from the packages, run unchanged against it. Fails if the quick start, the packages, the
    /// tool's install or the simulator breaks.
    /// </summary>
    [Fact]
    public async Task The_README_quick_start_runs_against_openai_simulate_from_the_tool_installed_from_the_local_feed()
    {
        string tools = Path.Combine(_feed.Root, "tools");
        DotnetResult install = await DotnetCli.RunAsync(_feed.Root,
            ["tool", "install", "Generated.OpenAI.CommandLine", "--version", _feed.Version, "--tool-path", tools], s_buildTimeout);
        _output.WriteLine($"{install.CommandLine}: exit {install.ExitCode}, {install.Duration.TotalSeconds:0.0} s");
        Assert.True(install.ExitCode == 0, install.Describe("installing the openai tool from the local feed"));
        string openai = Path.Combine(tools, OperatingSystem.IsWindows() ? "openai.exe" : "openai");
        Assert.True(File.Exists(openai), $"No {openai} after the install.\n{install.Tail()}");

        string directory = _feed.NewProjectDirectory("quickstart");
        ConsumerProject.Write(directory, "QuickStart", QuickStart.ReadFromReadme(_feed.RepoRoot),
            [$"<PackageReference Include=\"Generated.OpenAI\" Version=\"{_feed.Version}\" />", $"<PackageReference Include=\"Generated.OpenAI.Audio\" Version=\"{_feed.Version}\" />"]);
        DotnetResult build = await BuildAsync(directory, ["build", "-c", "Release"]);
        Assert.True(build.ExitCode == 0, build.Describe("building the quick-start against the Generated.OpenAI package"));
        Assert.Empty(ConsumerProject.TrimAndAotWarnings(build.Output));

        using SimulateProcess simulate = await SimulateProcess.StartAsync(openai, TimeSpan.FromSeconds(60));
        _output.WriteLine(string.Join('\n', simulate.Exports.Select(e => $"export {e.Key}={e.Value}")));
        string wav = SampleAudio.WriteWav(Path.Combine(directory, "speech.wav"), TimeSpan.FromSeconds(1));
        int pcmBytes = checked((int)new FileInfo(wav).Length - 44); // 24 kHz mono PCM16 after a 44-byte header: passed through unchanged
        DotnetResult run = await DotnetCli.RunAsync(directory, [Path.Combine(directory, "bin", "Release", "net10.0", "QuickStart.dll")], s_runTimeout, simulate.Exports);
        _output.WriteLine($"{run.CommandLine}: exit {run.ExitCode}, {run.Duration.TotalSeconds:0.0} s");
        _output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, run.Describe("running the quick-start against openai simulate"));
        string firstModelId = await FirstModelIdAsync(new Uri(simulate.Exports["OPENAI_BASE_URL"]), simulate.Exports["OPENAI_API_KEY"]);
        Assert.True(run.Output.Contains(firstModelId, StringComparison.Ordinal), run.Describe($"the output does not name the first listed model '{firstModelId}'"));
        // The realtime simulator's deterministic transcript of exactly the audio sent: the one base URL served both.
        string transcript = SimulatedText.Transcript(1, pcmBytes);
        Assert.True(run.Output.Contains(transcript, StringComparison.Ordinal), run.Describe($"the output does not hold the transcript '{transcript}'"));
        Assert.Equal(143, await simulate.StopAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_project_with_the_runtime_and_generator_packages_builds_a_client_from_its_own_2026_07_16_spec()
    {
        string specSource = Path.GetFullPath(Path.Combine(_feed.RepoRoot, "spec", "openai-openapi", "2026-07-16", "openapi.yaml"));
        Assert.True(File.Exists(specSource), $"The 2026-07-16 spec is committed at {specSource} (see spec/openai-openapi/README.md).");
        string directory = _feed.NewProjectDirectory("ownspec");
        File.Copy(specSource, Path.Combine(directory, "openapi.yaml"));
        ConsumerProject.Write(directory, "OwnSpec",
            """
            using System;
            using Consumer.Api;
            using Consumer.Api.Models;
            using Generated.OpenAI.Http;

            var client = new OpenAIClient(new OpenAIClientOptions());
            ListModelsResponse models = await client.Models.ListModelsAsync();
            Console.WriteLine($"Listed {models.Data.Count} models, the first is {models.Data[0].Id}");
            Console.WriteLine($"FunctionTool.OutputSchema (new in 2026-07-16): {typeof(FunctionTool).GetProperty("OutputSchema") is not null}");
            Console.WriteLine($"JSON: {new ListModelsResponse { Data = [models.Data[0]] }}");
            """,
            [
                $"<PackageReference Include=\"Generated.OpenAI.Runtime\" Version=\"{_feed.Version}\" />",
                $"<PackageReference Include=\"Generated.OpenAI.Generator\" Version=\"{_feed.Version}\" PrivateAssets=\"all\" />",
            ],
            $"""
                <OpenApiSpecPath>openapi.yaml</OpenApiSpecPath>
                <OpenApiSpecSha256>{Spec20260716Sha256}</OpenApiSpecSha256>
                <OpenApiNamespace>Consumer.Api.Models</OpenApiNamespace>
                <!-- As in the SDK project: the .NET analyzers over ~230k generated lines would triple the compile time. -->
                <EnableNETAnalyzers>false</EnableNETAnalyzers>
            """);
        DotnetResult build = await BuildAsync(directory, ["build", "-c", "Release"]);
        Assert.True(build.ExitCode == 0, build.Describe("building a client from the project's own 2026-07-16 spec with the generator package"));
        Assert.Contains("OAISPEC010", build.Output, StringComparison.Ordinal); // the packaged overlay was applied by the packaged spec tool
        Assert.True(File.Exists(Path.Combine(directory, "obj", "Release", "net10.0", "openapi.json")), "The packaged targets did not prepare obj/Release/net10.0/openapi.json.\n" + build.Tail());

        await using RestSimulator rest = await RestSimulator.StartAsync();
        DotnetResult run = await DotnetCli.RunAsync(directory, [Path.Combine(directory, "bin", "Release", "net10.0", "OwnSpec.dll")], s_runTimeout,
            new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-packaging-test", ["OPENAI_BASE_URL"] = rest.BaseUrl.ToString() });
        _output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, run.Describe("running the client generated from the 2026-07-16 spec"));
        Match listed = Regex.Match(run.Output, @"^Listed (\d+) models, the first is (\S+)$", RegexOptions.Multiline);
        Assert.True(listed.Success && int.Parse(listed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, run.Describe("no 'Listed N models' line"));
        Assert.Contains("FunctionTool.OutputSchema (new in 2026-07-16): True", run.Output, StringComparison.Ordinal);
        Assert.Contains($"JSON: {{\"object\":\"list\",\"data\":[{{\"id\":\"{listed.Groups[2].Value}\"", run.Output, StringComparison.Ordinal);
        Assert.Contains(rest.Requests, r => r.Method == "GET" && r.Path == "/v1/models" && r.Header("Authorization") == "Bearer sk-packaging-test");
        Assert.Empty(rest.ServerErrors);
    }

    [Fact]
    public async Task The_quick_start_publishes_with_NativeAOT_with_no_trim_or_AOT_warnings_and_runs()
    {
        string directory = _feed.NewProjectDirectory("quickstart-aot");
        ConsumerProject.Write(directory, "QuickStartAot", QuickStart.ReadFromReadme(_feed.RepoRoot),
            [$"<PackageReference Include=\"Generated.OpenAI\" Version=\"{_feed.Version}\" />", $"<PackageReference Include=\"Generated.OpenAI.Audio\" Version=\"{_feed.Version}\" />"],
            """
                <PublishAot>true</PublishAot>
                <!-- One warning per trim/AOT problem, inside our assemblies too, not one per assembly. -->
                <TrimmerSingleWarn>false</TrimmerSingleWarn>
            """ + NativeToolchainProperty());
        DotnetResult publish = await BuildAsync(directory, ["publish", "-c", "Release", "-r", "linux-x64", "-o", "publish"]);
        IReadOnlyList<string> warnings = ConsumerProject.TrimAndAotWarnings(publish.Output);
        _output.WriteLine($"trim/AOT warnings: {warnings.Count}");
        foreach (string warning in warnings)
        {
            _output.WriteLine(warning);
        }

        Assert.True(publish.ExitCode == 0, publish.Describe("publishing the quick-start with PublishAot=true"));
        Assert.True(warnings.Count == 0, $"{warnings.Count} trim/AOT warnings:\n{string.Join('\n', warnings)}");
        string native = Path.Combine(directory, "publish", "QuickStartAot");
        Assert.True(File.Exists(native), $"No native executable at {native}.\n{publish.Tail()}");
        Assert.False(File.Exists(Path.Combine(directory, "publish", "Generated.OpenAI.dll")), "The AOT publish still ships Generated.OpenAI.dll: it was not compiled natively.");

        (DotnetResult run, OpenAISimulator simulator, int pcmBytes) = await RunQuickStartAsync(directory, native, []);
        await using (simulator)
        {
            await AssertQuickStartOutputAsync(run, simulator, pcmBytes);
        }
    }

    /// <summary>
    /// NativeAOT links with clang by default; on a machine with gcc but no clang (this one, and CI unless .ci/run had
    /// to install a toolchain) it is told to use gcc.
    /// </summary>
    private static string NativeToolchainProperty() =>
        OnPath("clang") || !OnPath("gcc") ? string.Empty : "    <CppCompilerAndLinker>gcc</CppCompilerAndLinker>\n";

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));

    private async Task<DotnetResult> BuildAsync(string directory, IReadOnlyList<string> command)
    {
        DotnetResult result = await DotnetCli.RunAsync(directory, [.. command, "-nodeReuse:false", "--disable-build-servers", "-v:m"], s_buildTimeout);
        _output.WriteLine($"{result.CommandLine}: exit {result.ExitCode}, {result.Duration.TotalSeconds:0.0} s");
        _output.WriteLine(result.Tail(30));
        return result;
    }

    /// <summary>Starts both simulators behind one base URL (as <c>simulate</c> does), writes a 1 s WAV and runs the quick-start with them.</summary>
    private async Task<(DotnetResult Run, OpenAISimulator Simulator, int PcmBytes)> RunQuickStartAsync(string directory, string executable, IReadOnlyList<string> arguments)
    {
        OpenAISimulator simulator = await OpenAISimulator.StartAsync();
        string wav = SampleAudio.WriteWav(Path.Combine(directory, "speech.wav"), TimeSpan.FromSeconds(1));
        int pcmBytes = checked((int)new FileInfo(wav).Length - 44); // SampleAudio writes 24 kHz mono PCM16 after a 44-byte header: the reader passes it through unchanged
        DotnetResult run = await DotnetCli.RunAsync(directory, [.. arguments, wav], s_runTimeout,
            new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-packaging-test", ["OPENAI_BASE_URL"] = simulator.BaseUrl.ToString() },
            executable);
        _output.WriteLine($"{run.CommandLine}: exit {run.ExitCode}, {run.Duration.TotalSeconds:0.0} s");
        _output.WriteLine(run.Output);
        return (run, simulator, pcmBytes);
    }

    private static async Task AssertQuickStartOutputAsync(DotnetResult run, OpenAISimulator simulator, int pcmBytes)
    {
        RestSimulator rest = simulator.Rest;
        RealtimeSimulator realtime = simulator.Realtime;
        Assert.True(run.ExitCode == 0, run.Describe("running the quick-start"));
        // What the program must have printed, whatever its wording: the first model the REST simulator lists, and the
        // realtime simulator's deterministic transcript of the 1 s of audio.
        string firstModelId = await FirstModelIdAsync(rest);
        Assert.True(run.Output.Contains(firstModelId, StringComparison.Ordinal), run.Describe($"the output does not name the first listed model '{firstModelId}'"));
        string transcript = SimulatedText.Transcript(1, pcmBytes);
        Assert.True(run.Output.Contains(transcript, StringComparison.Ordinal), run.Describe($"the output does not hold the transcript '{transcript}'"));
        Assert.Contains(rest.Requests, r => r.Method == "GET" && r.Path == "/v1/models" && r.Header("Authorization") == "Bearer sk-packaging-test");
        // Both went through the one base URL: the REST request above and the realtime handshake below.
        Assert.Equal(1, realtime.ConnectionCount);
        Assert.Equal(pcmBytes, realtime.GetReceivedAudio(1).Length);
        Assert.Equal(simulator.BaseUrl, rest.BaseUrl);
        Assert.Equal(simulator.BaseUrl, realtime.BaseUrl);
        Assert.Empty(rest.ServerErrors);
    }

    private static Task<string> FirstModelIdAsync(RestSimulator rest) => FirstModelIdAsync(rest.BaseUrl, "sk-packaging-test");

    private static async Task<string> FirstModelIdAsync(Uri baseUrl, string apiKey)
    {
        using var http = new System.Net.Http.HttpClient();
        using var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Get, baseUrl.AbsoluteUri.TrimEnd('/') + "/models");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        using System.Net.Http.HttpResponseMessage response = await http.SendAsync(request);
        using System.Text.Json.JsonDocument json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("data")[0].GetProperty("id").GetString()!;
    }

    private IReadOnlyList<string> Entries(string id)
    {
        using ZipArchive zip = ZipFile.OpenRead(_feed.PackagePath(id));
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    private string ReadEntry(string id, string entry)
    {
        using ZipArchive zip = ZipFile.OpenRead(_feed.PackagePath(id));
        using var reader = new StreamReader(zip.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    private XElement Nuspec(string id) => XElement.Parse(ReadEntry(id, id + ".nuspec"));
}
