using System;
using System.Buffers.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Generated.OpenAI.Benchmarks.Support;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// The primitive under every realtime audio event: base64 of PCM16 (20 ms, 100 ms and 1 s at 24 kHz mono).
/// Baseline per direction: <see cref="Base64"/> on UTF-8 spans into a reused buffer; against it the string API
/// (<see cref="Convert.ToBase64String(byte[])"/>, <see cref="Convert.FromBase64String(string)"/>), which allocates
/// the string / array every time (on the LOH from about 1 s of audio).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class Perf_Base64
{
    private byte[] _pcm = [];
    private byte[] _base64Utf8 = [];
    private string _base64String = "";
    private byte[] _encoded = [];
    private byte[] _decoded = [];

    [Params(AudioSamples.Pcm20Ms, AudioSamples.Pcm100Ms, AudioSamples.Pcm1S)]
    public int PcmBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pcm = AudioSamples.CreatePcm(PcmBytes);
        _base64String = Convert.ToBase64String(_pcm);
        _base64Utf8 = System.Text.Encoding.ASCII.GetBytes(_base64String);
        _encoded = new byte[Base64.GetMaxEncodedToUtf8Length(PcmBytes)];
        _decoded = new byte[PcmBytes];
    }

    [Benchmark(Baseline = true, Description = "Base64.EncodeToUtf8")]
    [BenchmarkCategory("Encode")]
    public int EncodeToUtf8()
    {
        Base64.EncodeToUtf8(_pcm, _encoded, out _, out int written);
        return written;
    }

    [Benchmark(Description = "Convert.ToBase64String")]
    [BenchmarkCategory("Encode")]
    public int ConvertToBase64String() => Convert.ToBase64String(_pcm).Length;

    [Benchmark(Baseline = true, Description = "Base64.DecodeFromUtf8")]
    [BenchmarkCategory("Decode")]
    public int DecodeFromUtf8()
    {
        Base64.DecodeFromUtf8(_base64Utf8, _decoded, out _, out int written);
        return written;
    }

    [Benchmark(Description = "Convert.FromBase64String")]
    [BenchmarkCategory("Decode")]
    public int ConvertFromBase64String() => Convert.FromBase64String(_base64String).Length;
}
