using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Generated.OpenAI.SpecTool.Diff;

namespace Generated.OpenAI.SpecTool;

/// <summary>
/// <c>openai-spec</c>, the spec tool. Prints findings in MSBuild's canonical format so that the build shows them
/// as errors, warnings and messages.
/// <list type="bullet">
/// <item><c>prepare --input &lt;spec&gt; --output &lt;json&gt; [--sha256 &lt;hex&gt;] [--overlay &lt;file&gt;]... [--allow-unmatched-targets]</c></item>
/// <item><c>diff --old &lt;spec&gt; --new &lt;spec&gt; [--overlay &lt;file&gt;]... [--output &lt;file&gt;] [--fail-on-breaking]</c></item>
/// <item><c>pin --props &lt;OpenApiSpec.props&gt; --spec &lt;file&gt; --commit &lt;sha&gt; --date &lt;yyyy-MM-dd&gt; [--sha256 &lt;expected&gt;]</c></item>
/// </list>
/// Exit codes: 0 done; 1 the spec, overlay or pin is unusable; 2 bad command line; 3 <c>diff --fail-on-breaking</c> found breaking changes.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: openai-spec prepare --input <spec> --output <json> [--sha256 <hex>] [--overlay <file>]... [--allow-unmatched-targets]\n" +
        "       openai-spec diff --old <spec> --new <spec> [--overlay <file>]... [--output <file>] [--fail-on-breaking]\n" +
        "       openai-spec pin --props <OpenApiSpec.props> --spec <file> --commit <sha> --date <yyyy-MM-dd> [--sha256 <expected hex>]";

    private static readonly HashSet<string> s_flags = ["--allow-unmatched-targets", "--fail-on-breaking"];
    private static readonly HashSet<string> s_repeatable = ["--overlay"];

    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        if (!TryParseOptions(args, out var options, out string? error))
        {
            Console.Error.WriteLine($"openai-spec: error OAISPEC000: {error}\n{Usage}");
            return 2;
        }
        return args[0] switch
        {
            "prepare" => Prepare(options),
            "diff" => RunDiff(options),
            "pin" => RunPin(options),
            _ => UsageError($"unknown command '{args[0]}'"),
        };
    }

    private static int UsageError(string message)
    {
        Console.Error.WriteLine($"openai-spec: error OAISPEC000: {message}\n{Usage}");
        return 2;
    }

    private static bool TryParseOptions(string[] args, out Dictionary<string, List<string>> options, out string? error)
    {
        options = new(StringComparer.Ordinal);
        error = null;
        for (int i = 1; i < args.Length; i++)
        {
            string name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{name}'";
                return false;
            }
            if (s_flags.Contains(name))
            {
                options[name] = ["true"];
                continue;
            }
            if (i + 1 >= args.Length)
            {
                error = $"option '{name}' needs a value";
                return false;
            }
            if (!options.TryGetValue(name, out var values))
            {
                options[name] = values = [];
            }
            else if (!s_repeatable.Contains(name))
            {
                error = $"option '{name}' is given twice";
                return false;
            }
            values.Add(args[++i]);
        }
        return true;
    }

    private static string? One(Dictionary<string, List<string>> options, string name) =>
        options.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v[0]) ? v[0] : null;

    private static List<string> Many(Dictionary<string, List<string>> options, string name) =>
        options.TryGetValue(name, out var v) ? v.Where(s => !string.IsNullOrWhiteSpace(s)).ToList() : [];

    private static void Print(string input, SpecPreparation result, TextWriter? to = null)
    {
        foreach (var f in result.Findings)
        {
            // "origin: severity code: text" is what MSBuild's Exec task recognises as an error or warning.
            (to ?? Console.Out).WriteLine(f.Severity == "message" ? $"openai-spec: {f.Id}: {f.Message}" : $"{input}: {f.Severity} {f.Id}: {f.Message}");
        }
    }

    private static int Prepare(Dictionary<string, List<string>> options)
    {
        string? input = One(options, "--input"), output = One(options, "--output");
        if (input is null || output is null)
        {
            return UsageError("prepare needs --input and --output");
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = SpecPreparer.Prepare(input, One(options, "--sha256"), Many(options, "--overlay"), options.ContainsKey("--allow-unmatched-targets"));
        Print(input, result);
        if (!result.Succeeded)
        {
            return 1;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        // Only touch the output when it changes, so that the compiler's inputs stay the same.
        if (!File.Exists(output) || !File.ReadAllBytes(output).AsSpan().SequenceEqual(result.Json))
        {
            File.WriteAllBytes(output, result.Json!);
        }
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Console.WriteLine($"openai-spec: {Path.GetFileName(input)} (sha256 {result.Sha256}) -> {output} in {elapsed.TotalMilliseconds:F0} ms");
        return 0;
    }

    private static int RunDiff(Dictionary<string, List<string>> options)
    {
        string? oldPath = One(options, "--old"), newPath = One(options, "--new");
        if (oldPath is null || newPath is null)
        {
            return UsageError("diff needs --old and --new");
        }
        var overlays = Many(options, "--overlay");
        // The overlays are applied to both sides; an action that no longer matches one side is reported, not fatal.
        var before = SpecPreparer.Prepare(oldPath, null, overlays, allowUnmatchedTargets: true);
        var after = SpecPreparer.Prepare(newPath, null, overlays, allowUnmatchedTargets: true);
        // Findings go to stderr: stdout is the diff alone, ready to be saved.
        Print(oldPath, before, Console.Error);
        Print(newPath, after, Console.Error);
        if (!before.Succeeded || !after.Succeeded)
        {
            return 1;
        }
        var entries = SpecDiff.Compare(before.Document!, after.Document!);
        string text = SpecDiffWriter.Write(new(oldPath, before.Sha256!), new(newPath, after.Sha256!),
            after.Overlays.Select(o => (o.Overlay.Path, o.Actions.Count)).ToList(), entries);
        Console.Write(text);
        if (One(options, "--output") is { } outputPath)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
            File.WriteAllText(outputPath, text);
        }
        return options.ContainsKey("--fail-on-breaking") && entries.Any(e => e.Breaking) ? 3 : 0;
    }

    private static int RunPin(Dictionary<string, List<string>> options)
    {
        string? props = One(options, "--props"), spec = One(options, "--spec"), commit = One(options, "--commit"), date = One(options, "--date");
        if (props is null || spec is null || commit is null || date is null)
        {
            return UsageError("pin needs --props, --spec, --commit and --date");
        }
        // The same checks as the build: the file exists, has the expected hash when one is given, and reads as OpenAPI.
        var result = SpecPreparer.Prepare(spec, One(options, "--sha256"));
        Print(spec, result);
        if (!result.Succeeded)
        {
            return 1;
        }
        try
        {
            var previous = Pin.Read(props);
            Pin.Write(props, new(commit, date, Path.GetFileName(spec), result.Sha256!));
            Console.WriteLine($"openai-spec: pin moved from {previous.Commit} ({previous.Date}, sha256 {previous.Sha256}) to {commit} ({date}, sha256 {result.Sha256}) in {props}");
            return 0;
        }
        catch (PinException ex)
        {
            Console.WriteLine($"{props}: error OAISPEC020: {ex.Message}");
            return 1;
        }
    }
}
