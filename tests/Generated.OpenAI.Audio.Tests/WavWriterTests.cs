using System;
using System.Buffers.Binary;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace Generated.OpenAI.Audio.Tests;

/// <summary>The WAV writer: headers checked byte by byte, sizes fixed on dispose, streaming headers on streams that cannot seek.</summary>
public sealed class WavWriterTests
{
    [Fact]
    public void PCM16_stereo_on_a_seekable_stream_gets_a_44_byte_header_with_the_true_sizes()
    {
        var stream = new MemoryStream();
        byte[] pcm = Ramp(4 * 1000);
        using (var writer = new WavWriter(stream, new WavFormat(WavSampleEncoding.Pcm, 44100, 2, 16), leaveOpen: true))
        {
            writer.Write(pcm.AsSpan(0, 1000));
            writer.Write(pcm.AsSpan(1000));
            Assert.Equal(4000, writer.DataLength);
        }

        byte[] file = stream.ToArray();
        Assert.Equal(44 + 4000, file.Length);
        Assert.Equal("RIFF"u8.ToArray(), file[..4]);
        Assert.Equal((uint)(file.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)));
        Assert.Equal("WAVEfmt "u8.ToArray(), file[8..16]);
        Assert.Equal(16, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(16)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(20)));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(22)));
        Assert.Equal(44100, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(24)));
        Assert.Equal(44100 * 4, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(28)));
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(32)));
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(34)));
        Assert.Equal("data"u8.ToArray(), file[36..40]);
        Assert.Equal(4000u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)));
        Assert.Equal(pcm, file[44..]);
    }

    [Fact]
    public async Task On_a_stream_that_cannot_seek_the_sizes_say_to_the_end_of_the_stream_and_the_reader_reads_it_all()
    {
        var stream = new UnseekableWriteStream();
        byte[] pcm = Ramp(2 * 24000);
        await using (var writer = new WavWriter(stream, WavFormat.Pcm16Mono24k))
        {
            await writer.WriteAsync(pcm);
        }

        byte[] file = stream.Written.ToArray();
        Assert.Equal(0xFFFFFFFFu, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)));
        Assert.Equal(0xFFFFFFFFu, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)));
        using WavReader reader = WavReader.Open(new MemoryStream(file));
        Assert.Null(reader.DataLength);
        float[] samples = WavReaderTests.ReadAll(reader, 1000);
        Assert.Equal(24000, samples.Length);
        for (int i = 0; i < samples.Length; i++)
        {
            Assert.Equal(BinaryPrimitives.ReadInt16LittleEndian(pcm.AsSpan(2 * i)) / 32768f, samples[i]);
        }
    }

    [Theory]
    [InlineData(WavSampleEncoding.Pcm, 24, 2, true, 68)]
    [InlineData(WavSampleEncoding.Pcm, 16, 6, true, 68)]
    [InlineData(WavSampleEncoding.Pcm, 8, 1, false, 44)]
    [InlineData(WavSampleEncoding.IeeeFloat, 32, 2, false, 58)]
    [InlineData(WavSampleEncoding.MuLaw, 8, 1, false, 58)]
    public void Each_format_gets_the_header_it_needs_and_reads_back(WavSampleEncoding encoding, int bits, int channels, bool extensible, int headerSize)
    {
        var format = new WavFormat(encoding, 16000, channels, bits);
        byte[] data = Ramp(format.BlockAlign * 333);
        var stream = new MemoryStream();
        using (var writer = new WavWriter(stream, format, leaveOpen: true))
        {
            writer.Write(data);
        }

        byte[] file = stream.ToArray();
        int padded = data.Length + (data.Length & 1);
        Assert.Equal(headerSize + padded, file.Length);
        Assert.Equal((uint)(file.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)));
        Assert.Equal((uint)data.Length, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(headerSize - 4)));
        using WavReader reader = WavReader.Open(new MemoryStream(file));
        Assert.Equal(extensible, reader.Format.IsExtensible);
        Assert.Equal(encoding, reader.Format.Encoding);
        Assert.Equal(333, reader.FrameCount);
        Assert.Equal(333 * channels, WavReaderTests.ReadAll(reader, 999).Length);
        if (encoding != WavSampleEncoding.Pcm)
        {
            Assert.Equal("fact"u8.ToArray(), file[38..42]);
            Assert.Equal(333u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(46)));
        }
    }

    [Fact]
    public void An_odd_data_size_gets_its_pad_byte_and_an_even_RIFF_size()
    {
        var stream = new MemoryStream();
        using (var writer = new WavWriter(stream, new WavFormat(WavSampleEncoding.Pcm, 8000, 1, 8), leaveOpen: true))
        {
            writer.Write(Ramp(101));
        }

        byte[] file = stream.ToArray();
        Assert.Equal(44 + 102, file.Length);
        Assert.Equal(101u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)));
        Assert.Equal((uint)(file.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)));
        Assert.Equal(0, file[^1]);
    }

    [Fact]
    public void A_writer_with_nothing_written_leaves_a_valid_empty_file()
    {
        var stream = new MemoryStream();
        new WavWriter(stream, WavFormat.Pcm16Mono24k, leaveOpen: true).Dispose();
        using WavReader reader = WavReader.Open(new MemoryStream(stream.ToArray()));
        Assert.Equal(44, stream.Length);
        Assert.Null(reader.DataLength); // a data size of 0 is read as "to the end", which is here
        Assert.Equal(0, reader.Read(new float[16]));
    }

    [Fact]
    public void WritePcm16Mono_writes_a_file_that_OpenPcm16Mono24k_gives_back_bit_for_bit()
    {
        string path = Path.Combine(Path.GetTempPath(), $"wavwriter-{Guid.NewGuid():N}", "out.wav");
        byte[] pcm = Ramp(2 * 12345);
        WavAudio.WritePcm16Mono(path, pcm);
        using (Pcm16MonoStream stream = WavAudio.OpenPcm16Mono24k(path))
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.Equal(pcm, copy.ToArray());
            Assert.Equal(pcm.Length, stream.OutputLength);
        }

        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    /// <summary>Bytes that are not all alike, so a misplaced byte shows.</summary>
    private static byte[] Ramp(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 37) + (i >> 8));
        }

        return bytes;
    }
}
