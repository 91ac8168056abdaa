using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace Generated.OpenAI.Audio.Tests;

/// <summary>Malformed WAV input: each case is a <see cref="WavFormatException"/> that says what was wrong, never a crash, a hang or a large allocation.</summary>
public sealed class MalformedWavTests
{
    private static byte[] Valid() =>
        new TestWav { Encoding = TestWav.TagPcm, Bits = 16, Channels = 2, SampleRate = 48000, Frames = 10 }.ToBytes();

    private static byte[] Extensible() =>
        new TestWav { Encoding = TestWav.TagPcm, Bits = 16, Channels = 2, SampleRate = 48000, Frames = 10, Extensible = true }.ToBytes();

    // Offsets in the 44-byte header: 12 "fmt ", 16 its size, 20 tag, 22 channels, 24 rate, 32 block align, 34 bits, 36 "data".
    public static IEnumerable<object[]> Cases()
    {
        yield return ["empty", Array.Empty<byte>(), "empty"];
        yield return ["an MP3", "ID3\u0004\0\0\0\0\0\0\0\0\0\0"u8.ToArray(), "not 'RIFF'"];
        yield return ["an AVI", Patch(Valid(), 8, "AVI "u8), "not 'WAVE'"];
        yield return ["RF64", Patch(Valid(), 0, "RF64"u8), "RF64"];
        yield return ["big-endian RIFX", Patch(Valid(), 0, "RIFX"u8), "RIFX"];
        yield return ["cut inside the RIFF header", Valid()[..8], "inside the 12-byte RIFF header"];
        yield return ["cut inside a chunk header", Valid()[..15], "inside a chunk header"];
        yield return ["cut inside fmt", Valid()[..30], "inside its 'fmt ' chunk"];
        yield return ["no data chunk", Valid()[..36], "no 'data' chunk"];
        yield return ["no fmt chunk", (byte[])[.. Valid()[..12], .. Valid()[36..]], "before the 'fmt ' chunk"];
        yield return ["fmt of 4 GiB", PatchU32(Valid(), 16, 0xFFFFFF00), "claims 4294967040 bytes"];
        yield return ["fmt of 10 bytes", ShortFormat(), "at least 16"];
        yield return ["a LIST chunk larger than the file", HugeList(), "'LIST' chunk claims 2147483646 bytes"];
        yield return ["MP3 in WAV", PatchU16(Valid(), 20, 0x0055), "0x0055 (MPEG layer 3)"];
        yield return ["ADPCM", PatchU16(Valid(), 20, 0x0002), "0x0002 (Microsoft ADPCM)"];
        yield return ["extensible with an unknown subformat", PatchU32(Extensible(), 44, 0x0055), "subformat 00000055-0000-0010-8000-00aa00389b71"];
        yield return ["extensible with a foreign GUID", PatchU32(Extensible(), 48, 0x12345678), "Unsupported WAVE_FORMAT_EXTENSIBLE subformat"];
        yield return ["extensible without its extension", PatchU16(Valid(), 20, 0xFFFE), "needs 40 bytes"];
        yield return ["0 channels", PatchU16(Valid(), 22, 0), "0 channels"];
        yield return ["5,000 channels", PatchU16(Valid(), 22, 5000), "5000 channels"];
        yield return ["a rate of 0", PatchU32(Valid(), 24, 0), "sample rate of 0 Hz"];
        yield return ["a rate of 4 GHz", PatchU32(Valid(), 24, 0xFFFFFFFF), "sample rate of 4294967295 Hz"];
        yield return ["block align 3 for 2 channels", PatchU16(Valid(), 32, 3), "block align (3 bytes)"];
        yield return ["block align 0", PatchU16(Valid(), 32, 0), "block align (0 bytes)"];
        yield return ["more bits than the container", PatchU16(Valid(), 34, 24), "24 bits per sample in 2-byte containers"];
        yield return ["16-bit float", PatchU16(Valid(), 20, 3), "IeeeFloat with 16 bits"];
        yield return ["binary garbage for a chunk id", Patch(Valid(), 36, [0x00, 0xFF, 0x13, 0x80]), "bytes 00FF1380"];
        yield return ["two fmt chunks", TwoFormats(), "second 'fmt ' chunk"];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_malformed_file_is_a_WavFormatException_that_says_what_is_wrong(string name, byte[] file, string expected)
    {
        WavFormatException seekable = Assert.Throws<WavFormatException>(() => WavReader.Open(new MemoryStream(file)));
        Assert.Contains(expected, seekable.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(seekable);

        WavFormatException streamed = await Assert.ThrowsAsync<WavFormatException>(async () => await WavReader.OpenAsync(new TrickleStream(file)));
        Assert.Equal(seekable.Message, streamed.Message);

        // The conversion entry points give the same error before any audio is read.
        Assert.Throws<WavFormatException>(() => WavAudio.OpenPcm16Mono24k(new MemoryStream(file)));
        _ = name;
    }

    [Fact]
    public void A_LIST_chunk_of_2_GiB_on_a_stream_that_cannot_seek_is_read_through_in_bounded_memory_then_refused()
    {
        byte[] file = HugeList();

        // Once first, unmeasured: the first throw on a thread allocates for its stack trace and resources (seen at
        // 65,776 B in CI), which is not what this test bounds.
        Assert.Throws<WavFormatException>(() => WavReader.Open(new TrickleStream(file, maxRead: 4096)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var stream = new TrickleStream(file, maxRead: 4096);
        WavFormatException error = Assert.Throws<WavFormatException>(() => WavReader.Open(stream));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("stream ends after", error.Message, StringComparison.Ordinal);
        Assert.Equal(file.Length, stream.BytesRead);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Every_cut_of_a_header_before_its_audio_is_a_WavFormatException()
    {
        byte[] file = new TestWav { Encoding = TestWav.TagFloat, Bits = 32, Channels = 6, SampleRate = 48000, Frames = 4, Extensible = true, Layout = WavLayout.ChunksAround }.ToBytes();
        using WavReader whole = WavReader.Open(new MemoryStream(file));
        for (int length = 0; length < whole.DataOffset; length++)
        {
            Assert.Throws<WavFormatException>(() => WavReader.Open(new MemoryStream(file[..length])));
        }
    }

    [Fact]
    public void Random_damage_to_a_header_reads_or_is_a_WavFormatException_and_nothing_else()
    {
        byte[] original = new TestWav { Encoding = TestWav.TagPcm, Bits = 24, Channels = 2, SampleRate = 44100, Frames = 50, Extensible = true, Layout = WavLayout.ChunksAround }.ToBytes();
        var random = new Random(1234);
        int refused = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] file = (byte[])original.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                file[random.Next(0, 120)] = (byte)random.Next(256);
            }

            try
            {
                using WavReader reader = WavReader.Open(new TrickleStream(file, maxRead: 13));
                float[] buffer = new float[4096];
                while (reader.Read(buffer) > 0)
                {
                }
            }
            catch (WavFormatException)
            {
                refused++;
            }
        }

        Assert.InRange(refused, 100, 1999); // damage is found often, and some damage (a LIST's text) is harmless
    }

    private static byte[] Patch(byte[] file, int offset, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(file.AsSpan(offset));
        return file;
    }

    private static byte[] PatchU16(byte[] file, int offset, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(offset), value);
        return file;
    }

    private static byte[] PatchU32(byte[] file, int offset, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(offset), value);
        return file;
    }

    private static byte[] ShortFormat()
    {
        var file = new List<byte>();
        TestWav.Add(file, "RIFF\0\0\0\0WAVE"u8);
        TestWav.AddChunk(file, "fmt "u8, new byte[10]);
        TestWav.AddChunk(file, "data"u8, new byte[4]);
        return [.. file];
    }

    private static byte[] HugeList()
    {
        // A LIST chunk claiming 2 GiB - 2 bytes where 1 MiB follows.
        var file = new List<byte>();
        TestWav.Add(file, "RIFF\0\0\0\0WAVE"u8);
        TestWav.Add(file, "LIST"u8);
        TestWav.AddU32(file, 0x7FFFFFFE);
        file.AddRange(new byte[1 << 20]);
        return [.. file];
    }

    private static byte[] TwoFormats()
    {
        byte[] valid = Valid();
        return [.. valid[..36], .. valid[12..36], .. valid[36..]];
    }
}
