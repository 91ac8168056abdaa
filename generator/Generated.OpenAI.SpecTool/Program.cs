using System;
using System.IO;

namespace Generated.OpenAI.SpecTool;

/// <summary>
/// <c>openai-spec prepare --input &lt;openapi.yaml|json&gt; --output &lt;openapi.json&gt; [--sha256 &lt;hex&gt;]</c>.
/// Prints findings in MSBuild's canonical format so that the build shows them as errors and messages.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine("usage: openai-spec prepare --input <spec> --output <json> [--sha256 <hex>]");
            return args.Length == 0 ? 2 : 0;
        }

        string? input = null, output = null, sha = null;
        for (int i = 1; i < args.Length - 1; i += 2)
        {
            switch (args[i])
            {
                case "--input": input = args[i + 1]; break;
                case "--output": output = args[i + 1]; break;
                case "--sha256": sha = args[i + 1]; break;
                default: Console.Error.WriteLine($"openai-spec: error OAISPEC000: unknown option '{args[i]}'"); return 2;
            }
        }
        if (args[0] != "prepare" || input is null || output is null)
        {
            Console.Error.WriteLine("openai-spec: error OAISPEC000: usage: openai-spec prepare --input <spec> --output <json> [--sha256 <hex>]");
            return 2;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = SpecPreparer.Prepare(input, string.IsNullOrWhiteSpace(sha) ? null : sha);
        foreach (var f in result.Findings)
        {
            // "origin: severity code: text" is what MSBuild's Exec task recognises as an error or warning.
            Console.WriteLine(f.Severity == "message" ? $"openai-spec: {f.Id}: {f.Message}" : $"{input}: {f.Severity} {f.Id}: {f.Message}");
        }
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
}
