using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Generated.OpenAI.Generator.Emitter;
using Generated.OpenAI.Generator.Json;
using Generated.OpenAI.Generator.Parser;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// The generator's own cost over the real pinned spec (2.1 MB of JSON, 959 schemas): what every compile pays
/// when the driver cache is cold. Baseline: reading the JSON alone.
/// </summary>
[MemoryDiagnoser]
public class Perf_Generator
{
    private string _spec = "";

    [GlobalSetup]
    public void Setup()
    {
        using var stream = typeof(Perf_Generator).Assembly.GetManifestResourceStream("openapi.json")!;
        _spec = new StreamReader(stream).ReadToEnd();
    }

    [Benchmark(Baseline = true, Description = "read JSON")]
    public int ReadJson() => JsonNode.Parse(_spec).Properties.Count;

    [Benchmark(Description = "parse to model")]
    public int Parse() => SpecParser.Parse("openapi.json", _spec, "Generated.OpenAI.Models", default).Types.Count;

    [Benchmark(Description = "parse + emit")]
    public long ParseAndEmit()
    {
        var model = SpecParser.Parse("openapi.json", _spec, "Generated.OpenAI.Models", default);
        long chars = model.Types.Sum(t => (long)ModelEmitter.Emit(model.Namespace, t).Length);
        return chars + CatalogEmitter.Emit(CatalogModel.From(model)).Length;
    }
}
