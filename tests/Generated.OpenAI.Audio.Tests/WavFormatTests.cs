using System;
using Xunit;

namespace Generated.OpenAI.Audio.Tests;

/// <summary>The format type: what it accepts, and how it reads.</summary>
public sealed class WavFormatTests
{
    [Theory]
    [InlineData(WavSampleEncoding.Pcm, 48000, 2, 12)]
    [InlineData(WavSampleEncoding.IeeeFloat, 48000, 2, 16)]
    [InlineData(WavSampleEncoding.MuLaw, 8000, 1, 16)]
    [InlineData(WavSampleEncoding.Pcm, 0, 1, 16)]
    [InlineData(WavSampleEncoding.Pcm, 768001, 1, 16)]
    [InlineData(WavSampleEncoding.Pcm, 48000, 0, 16)]
    [InlineData(WavSampleEncoding.Pcm, 48000, 1025, 16)]
    [InlineData((WavSampleEncoding)2, 48000, 1, 16)]
    public void Formats_no_file_can_hold_are_refused(WavSampleEncoding encoding, int rate, int channels, int bits) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WavFormat(encoding, rate, channels, bits));

    [Fact]
    public void Valid_bits_fit_in_the_container()
    {
        var format = new WavFormat(WavSampleEncoding.Pcm, 96000, 6, 24) { ValidBitsPerSample = 20, IsExtensible = true, ChannelMask = 0x3F };
        Assert.Equal(20, format.ValidBitsPerSample);
        Assert.Equal(18, format.BlockAlign);
        Assert.Equal(96000L * 18, format.BytesPerSecond);
        Assert.Equal("PCM 24-bit, 96000 Hz, 6 channels (WAVE_FORMAT_EXTENSIBLE)", format.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new WavFormat(WavSampleEncoding.Pcm, 96000, 6, 24) { ValidBitsPerSample = 25 });
        Assert.Equal(16, WavFormat.Pcm16Mono24k.ValidBitsPerSample);
        Assert.Equal("PCM 16-bit, 24000 Hz, 1 channel", WavFormat.Pcm16Mono24k.ToString());
    }
}
