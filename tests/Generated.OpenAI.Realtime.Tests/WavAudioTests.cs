using System;
using System.Diagnostics;
using System.IO;
using Generated.OpenAI.Cli;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>The CLI's WAV reader: encodings, <c>WAVE_FORMAT_EXTENSIBLE</c>, channel counts and bounded memory.</summary>
public sealed class WavAudioTests(ITestOutputHelper log)
{
    private const ushort FormatPcm = 1;
    private const ushort FormatIeeeFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    [Theory]
    [InlineData(FormatExtensible, FormatPcm, 16, 2, 48000)]
    [InlineData(FormatExtensible, FormatPcm, 16, 1, 24000)]
    [InlineData(FormatExtensible, FormatPcm, 8, 2, 16000)]
    [InlineData(FormatExtensible, FormatPcm, 24, 2, 44100)]
    [InlineData(FormatExtensible, FormatPcm, 32, 6, 48000)]
    [InlineData(FormatExtensible, FormatIeeeFloat, 32, 2, 48000)]
    [InlineData(FormatPcm, FormatPcm, 24, 2, 48000)]
    [InlineData(FormatIeeeFloat, FormatIeeeFloat, 32, 3, 22050)]
    public void Every_encoding_and_channel_count_becomes_24_kHz_mono_at_the_same_amplitude(ushort tag, ushort encoding, int bits, int channels, int rate)
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "in.wav");
        using (FileStream file = File.Create(path))
        {
            WriteTone(file, tag, encoding, bits, channels, rate, rate, amplitude: 0.25);
        }

        byte[] pcm = WavAudio.ReadPcm16Mono24k(path);
        Assert.InRange(pcm.Length, (24000 * 2) - 400, (24000 * 2) + 400);
        short peak = 0;
        for (int i = 2000; i < pcm.Length - 2000; i += 2)
        {
            peak = Math.Max(peak, BitConverter.ToInt16(pcm, i));
        }

        Assert.InRange(peak, (short)(0.25 * short.MaxValue * 0.93), (short)(0.25 * short.MaxValue * 1.05)); // averaged over channels
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void An_extensible_file_with_an_unknown_subformat_is_a_clear_format_error()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "in.wav");
        using (FileStream file = File.Create(path))
        {
            WriteTone(file, FormatExtensible, 0x55, 16, 2, 48000, 4800, amplitude: 0.25);
        }

        FormatException error = Assert.Throws<FormatException>(() => WavAudio.ReadPcm16Mono24k(path));
        Assert.Contains("WAVE_FORMAT_EXTENSIBLE", error.Message, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_10_minute_48_kHz_stereo_file_streams_in_bounded_memory()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "long.wav");
        using (FileStream file = File.Create(path))
        {
            WriteTone(file, FormatExtensible, FormatPcm, 16, 2, 48000, 48000 * 600, amplitude: 0.25);
        }

        long fileBytes = new FileInfo(path).Length;
        GC.Collect();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long peakHeap = 0;
        long output = 0;
        var clock = Stopwatch.StartNew();
        using (Pcm16Mono24kStream stream = WavAudio.OpenPcm16Mono24k(path))
        {
            byte[] chunk = new byte[9600]; // what the CLI sends per read: 200 ms
            int read;
            long reads = 0;
            while ((read = stream.Read(chunk)) > 0)
            {
                output += read;
                if (++reads % 500 == 0)
                {
                    peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false) - heapBefore);
                }
            }
        }

        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        log.WriteLine(
            $"10 min 48 kHz stereo PCM16 WAVE_FORMAT_EXTENSIBLE ({fileBytes / 1e6:0.0} MB) -> {output / 1e6:0.0} MB of 24 kHz mono PCM16 in {clock.ElapsedMilliseconds} ms, streamed: " +
            $"{allocated / 1e6:0.00} MB allocated in all, managed heap at most {Math.Max(0, peakHeap) / 1e6:0.00} MB above the start (the whole-file reader held 658 MB at peak)");
        Assert.InRange(output, (24000L * 2 * 600) - 800, (24000L * 2 * 600) + 800);
        Assert.True(allocated < 8_000_000, $"allocated {allocated} bytes");

        GC.Collect();
        long beforeWhole = GC.GetAllocatedBytesForCurrentThread();
        byte[] whole = WavAudio.ReadPcm16Mono24k(path);
        long allocatedWhole = GC.GetAllocatedBytesForCurrentThread() - beforeWhole;
        log.WriteLine($"ReadPcm16Mono24k of the same file: {whole.Length / 1e6:0.0} MB result, {allocatedWhole / 1e6:0.0} MB allocated in all (the result, sized from the header, and its trim)");
        Assert.True(allocatedWhole < (2 * whole.Length) + 8_000_000, $"allocated {allocatedWhole} bytes");
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Writes a 300 Hz sine WAV, the same in every channel, with the given header.</summary>
    private static void WriteTone(Stream file, ushort tag, ushort encoding, int bits, int channels, int rate, int frames, double amplitude)
    {
        int blockAlign = channels * bits / 8;
        bool extensible = tag == FormatExtensible;
        int fmtSize = extensible ? 40 : 16;
        long dataSize = (long)frames * blockAlign;
        using var w = new BinaryWriter(file, System.Text.Encoding.ASCII, leaveOpen: true);
        w.Write("RIFF"u8);
        w.Write((uint)(4 + 8 + fmtSize + 8 + dataSize));
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(fmtSize);
        w.Write(tag);
        w.Write((ushort)channels);
        w.Write(rate);
        w.Write(rate * blockAlign);
        w.Write((ushort)blockAlign);
        w.Write((ushort)bits);
        if (extensible)
        {
            w.Write((ushort)22);
            w.Write((ushort)bits); // valid bits
            w.Write(channels == 2 ? 3 : 0); // channel mask
            w.Write(new Guid($"{encoding:x8}-0000-0010-8000-00aa00389b71").ToByteArray());
        }

        w.Write("data"u8);
        w.Write((uint)dataSize);
        byte[] frame = new byte[blockAlign];
        byte[] block = new byte[blockAlign * 4800];
        int inBlock = 0;
        for (int i = 0; i < frames; i++)
        {
            double x = amplitude * Math.Sin(2 * Math.PI * 300 * i / rate);
            Span<byte> sample = frame.AsSpan(0, bits / 8);
            switch (encoding, bits)
            {
                case (FormatIeeeFloat, 32): BitConverter.TryWriteBytes(sample, (float)x); break;
                case (_, 8): sample[0] = (byte)(128 + Math.Round(x * 127)); break;
                case (_, 16): BitConverter.TryWriteBytes(sample, (short)Math.Round(x * short.MaxValue)); break;
                case (_, 24):
                    int v24 = (int)Math.Round(x * 8388607);
                    sample[0] = (byte)v24;
                    sample[1] = (byte)(v24 >> 8);
                    sample[2] = (byte)(v24 >> 16);
                    break;
                default: BitConverter.TryWriteBytes(sample, (int)Math.Round(x * int.MaxValue)); break;
            }

            for (int c = 1; c < channels; c++)
            {
                sample.CopyTo(frame.AsSpan(c * bits / 8));
            }

            frame.CopyTo(block, inBlock * blockAlign);
            if (++inBlock == 4800)
            {
                file.Write(block, 0, block.Length);
                inBlock = 0;
            }
        }

        file.Write(block, 0, inBlock * blockAlign);
    }
}
