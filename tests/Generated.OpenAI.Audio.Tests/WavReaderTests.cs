using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace Generated.OpenAI.Audio.Tests;

/// <summary>The WAV reader against files written byte by byte here: every format, channel count and chunk layout.</summary>
public sealed class WavReaderTests
{
    public static IEnumerable<object[]> Matrix()
    {
        (ushort Tag, int Bits)[] encodings =
        [
            (TestWav.TagPcm, 8), (TestWav.TagPcm, 16), (TestWav.TagPcm, 24), (TestWav.TagPcm, 32),
            (TestWav.TagFloat, 32), (TestWav.TagFloat, 64), (TestWav.TagALaw, 8), (TestWav.TagMuLaw, 8),
        ];
        foreach ((ushort tag, int bits) in encodings)
        {
            foreach (bool extensible in new[] { false, true })
            {
                foreach (int channels in new[] { 1, 2, 6 })
                {
                    foreach (WavLayout layout in Enum.GetValues<WavLayout>())
                    {
                        yield return [tag, bits, extensible, channels, layout];
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Every_format_and_layout_reads_back_sample_for_sample(ushort tag, int bits, bool extensible, int channels, WavLayout layout)
    {
        // 1,001 frames: an odd data size for 8-bit mono, so the pad byte is exercised.
        var wav = new TestWav { Encoding = tag, Bits = bits, Extensible = extensible, Channels = channels, SampleRate = 48000, Frames = 1001, Layout = layout };
        byte[] file = wav.ToBytes();
        float[] expected = wav.ExpectedSamples();

        // The signal survives the encoding (to its resolution), so the expected values are the signal's.
        double resolution = tag switch
        {
            TestWav.TagFloat => 1e-7,
            TestWav.TagALaw or TestWav.TagMuLaw => 1024 / 32768.0,
            _ => Math.Max(Math.Pow(2, 1 - bits), 1e-7), // the reader gives floats: 24 bits of mantissa
        };
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - TestWav.DefaultSignal(i % channels, i / channels)) <= resolution, $"sample {i}");
        }

        // Synchronously from a seekable stream, in reads of an odd number of samples.
        using (WavReader reader = WavReader.Open(new MemoryStream(file)))
        {
            AssertFormat(reader.Format);
            Assert.Equal(layout is WavLayout.StreamingSizeZero or WavLayout.StreamingSizeUnknown ? null : 1001, reader.FrameCount);
            Assert.Equal(expected, ReadAll(reader, (7 * channels) + 1));
            Assert.Equal(1001, reader.FramesRead);
        }

        // Asynchronously from a stream that cannot seek and gives 7 bytes at a time.
        var trickle = new TrickleStream(file);
        await using (WavReader reader = await WavReader.OpenAsync(trickle))
        {
            AssertFormat(reader.Format);
            var samples = new List<float>();
            float[] buffer = new float[4096];
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                samples.AddRange(buffer.AsSpan(0, read));
            }

            Assert.Equal(expected, samples);
        }

        void AssertFormat(WavFormat format)
        {
            Assert.Equal((WavSampleEncoding)tag, format.Encoding);
            Assert.Equal(bits, format.BitsPerSample);
            Assert.Equal(channels, format.Channels);
            Assert.Equal(48000, format.SampleRate);
            Assert.Equal(extensible, format.IsExtensible);
            Assert.Equal(wav.BlockAlign, format.BlockAlign);
        }
    }

    [Fact]
    public void The_reader_stops_at_the_end_of_the_data_chunk_and_never_reads_the_chunks_after_it()
    {
        var wav = new TestWav { Encoding = TestWav.TagPcm, Bits = 16, Channels = 2, SampleRate = 8000, Frames = 100, Layout = WavLayout.ChunksAround };
        byte[] file = wav.ToBytes();
        var stream = new TrickleStream(file, maxRead: 1000);
        using var reader = WavReader.Open(stream, leaveOpen: true);
        Assert.Equal(200, ReadAll(reader, 1000).Length);
        long dataEnd = reader.DataOffset + 400;
        Assert.Equal(dataEnd, stream.BytesRead);
        Assert.True(file.Length > dataEnd + 8, "the trailing LIST chunk is there, unread");
    }

    [Fact]
    public void A_data_chunk_longer_than_a_seekable_file_reads_what_is_there()
    {
        var wav = new TestWav { Encoding = TestWav.TagPcm, Bits = 16, Channels = 1, SampleRate = 8000, Frames = 100 };
        byte[] file = wav.ToBytes()[..^20]; // cut inside the audio: 90 frames left
        using var reader = WavReader.Open(new MemoryStream(file));
        Assert.Equal(90, reader.FrameCount);
        Assert.Equal(wav.ExpectedSamples()[..90], ReadAll(reader, 64));
    }

    [Fact]
    public void A_trailing_partial_frame_is_dropped()
    {
        var wav = new TestWav { Encoding = TestWav.TagPcm, Bits = 24, Channels = 2, SampleRate = 8000, Frames = 10, Layout = WavLayout.StreamingSizeUnknown };
        byte[] file = [.. wav.ToBytes(), 1, 2, 3, 4]; // 4 bytes of a 6-byte frame
        using var reader = WavReader.Open(new TrickleStream(file));
        Assert.Equal(wav.ExpectedSamples(), ReadAll(reader, 6));
    }

    [Fact]
    public void A_destination_smaller_than_a_frame_is_an_argument_error()
    {
        var wav = new TestWav { Encoding = TestWav.TagPcm, Bits = 16, Channels = 6, SampleRate = 8000, Frames = 10 };
        using var reader = WavReader.Open(new MemoryStream(wav.ToBytes()));
        Assert.Throws<ArgumentException>(() => reader.Read(new float[5]));
    }

    [Fact]
    public void A_file_is_opened_by_path_and_closed_on_dispose()
    {
        string path = Path.Combine(Path.GetTempPath(), $"wavreader-{Guid.NewGuid():N}.wav");
        var wav = new TestWav { Encoding = TestWav.TagPcm, Bits = 16, Channels = 2, SampleRate = 44100, Frames = 300 };
        File.WriteAllBytes(path, wav.ToBytes());
        using (WavReader reader = WavReader.Open(path))
        {
            Assert.Equal(wav.ExpectedSamples(), ReadAll(reader, 100));
        }

        // An exclusive open fails while another handle is open (.NET locks files on Unix too).
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
        }

        File.Delete(path);
        Assert.Throws<FileNotFoundException>(() => WavReader.Open(path));
    }

    internal static float[] ReadAll(WavReader reader, int bufferSamples)
    {
        var samples = new List<float>();
        float[] buffer = new float[bufferSamples];
        int read;
        while ((read = reader.Read(buffer)) > 0)
        {
            Assert.Equal(0, read % reader.Format.Channels);
            samples.AddRange(buffer.AsSpan(0, read));
        }

        return [.. samples];
    }
}
