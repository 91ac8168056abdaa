using System;
using System.Buffers.Binary;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Audio.Tests;

/// <summary>G.711 µ-law and A-law against the ITU-T reference behaviour: code points, step sizes, round trips, no allocation.</summary>
public sealed class G711Tests(ITestOutputHelper log)
{
    // Values of G.711's tables (the reference encoder and decoder of ITU-T G.191 give the same).
    [Theory]
    [InlineData(0, 0xFF)]
    [InlineData(-1, 0x7F)] // one's complement: -1 has the magnitude of 0, with the sign bit clear
    [InlineData(32767, 0x80)]
    [InlineData(-32768, 0x00)]
    [InlineData(4, 0xFE)]
    [InlineData(-5, 0x7E)]
    [InlineData(8031, 0xA0)] // the top of segment 5
    public void MuLaw_encodes_the_ITU_code_points(short sample, byte code) => Assert.Equal(code, MuLaw.Encode(sample));

    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0xFE, 8)]
    [InlineData(0x7E, -8)]
    [InlineData(0x80, 32124)]
    [InlineData(0x00, -32124)]
    [InlineData(0x01, -31100)]
    [InlineData(0x0F, -16764)]
    [InlineData(0xEF, 132)]
    public void MuLaw_decodes_to_the_ITU_reconstruction_values(byte code, short sample) => Assert.Equal(sample, MuLaw.Decode(code));

    [Theory]
    [InlineData(0, 0xD5)]
    [InlineData(-1, 0x55)]
    [InlineData(32767, 0xAA)]
    [InlineData(-32768, 0x2A)]
    [InlineData(16, 0xD4)]
    [InlineData(512, 0xF5)] // the first value of segment 2
    public void ALaw_encodes_the_ITU_code_points(short sample, byte code) => Assert.Equal(code, ALaw.Encode(sample));

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    [InlineData(0x00, -5504)]
    [InlineData(0x01, -5248)]
    [InlineData(0x80, 5504)]
    public void ALaw_decodes_to_the_ITU_reconstruction_values(byte code, short sample) => Assert.Equal(sample, ALaw.Decode(code));

    [Fact]
    public void MuLaw_round_trips_every_16_bit_value_within_half_a_step_of_its_segment()
    {
        int[] worst = new int[8];
        int previous = short.MinValue;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            byte code = MuLaw.Encode((short)x);
            int decoded = MuLaw.Decode(code);
            Assert.True(decoded >= previous, $"not monotonic at {x}");
            previous = decoded;
            int segment = (~code >> 4) & 7;
            int step = 8 << segment; // 16-bit units: 8 in segment 0 to 1,024 in segment 7
            int error = Math.Abs(decoded - x);
            if (Math.Abs(x) > 32124 + (step / 2))
            {
                Assert.Equal(Math.Sign(x) * 32124, decoded); // beyond the last step: clipped to it
                continue;
            }

            Assert.True(error <= step / 2, $"{x}: decoded {decoded}, error {error} > {step / 2}");
            worst[segment] = Math.Max(worst[segment], error);
        }

        log.WriteLine("µ-law worst error per segment (16-bit units): " + string.Join(", ", worst));
        for (int segment = 0; segment < 8; segment++)
        {
            Assert.Equal(4 << segment, worst[segment]); // exactly half a step is reached: the steps are as wide as G.711's
        }
    }

    [Fact]
    public void ALaw_round_trips_every_16_bit_value_within_half_a_step_of_its_segment()
    {
        int[] worst = new int[8];
        int previous = short.MinValue;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            byte code = ALaw.Encode((short)x);
            int decoded = ALaw.Decode(code);
            Assert.True(decoded >= previous, $"not monotonic at {x}");
            previous = decoded;
            int segment = ((code ^ 0x55) >> 4) & 7;
            int step = segment <= 1 ? 16 : 16 << (segment - 1); // 16-bit units: 16 in segments 0 and 1 to 1,024 in 7
            int error = Math.Abs(decoded - x);
            if (Math.Abs(x) > 32256 + (step / 2))
            {
                Assert.Equal(Math.Sign(x) * 32256, decoded);
                continue;
            }

            Assert.True(error <= step / 2, $"{x}: decoded {decoded}, error {error} > {step / 2}");
            worst[segment] = Math.Max(worst[segment], error);
        }

        log.WriteLine("A-law worst error per segment (16-bit units): " + string.Join(", ", worst));
        for (int segment = 0; segment < 8; segment++)
        {
            Assert.Equal(segment <= 1 ? 8 : 8 << (segment - 1), worst[segment]);
        }
    }

    [Fact]
    public void Every_code_decodes_to_a_value_that_encodes_back_to_it()
    {
        for (int code = 0; code < 256; code++)
        {
            // µ-law has two zeros (0xFF and 0x7F, "negative zero"); both decode to 0, which encodes as 0xFF.
            Assert.Equal(code == 0x7F ? 0xFF : code, MuLaw.Encode(MuLaw.Decode((byte)code)));
            Assert.Equal(code, ALaw.Encode(ALaw.Decode((byte)code)));
        }
    }

    [Fact]
    public void The_span_methods_agree_with_the_sample_methods_and_allocate_nothing()
    {
        short[] samples = new short[8000];
        byte[] pcm16 = new byte[2 * samples.Length];
        var random = new Random(7);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
            BinaryPrimitives.WriteInt16LittleEndian(pcm16.AsSpan(2 * i), samples[i]);
        }

        byte[] mu = new byte[samples.Length];
        byte[] a = new byte[samples.Length];
        byte[] muFromBytes = new byte[samples.Length];
        byte[] aFromBytes = new byte[samples.Length];
        short[] muDecoded = new short[samples.Length];
        short[] aDecoded = new short[samples.Length];
        byte[] muPcm = new byte[pcm16.Length];
        byte[] aPcm = new byte[pcm16.Length];
        int written = Run(); // warm up (the static tables, tiered compilation)
        long before = GC.GetAllocatedBytesForCurrentThread();
        written += Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(2 * 10 * samples.Length, written); // six methods write a value per sample, the two PCM16 decoders two bytes

        for (int i = 0; i < samples.Length; i++)
        {
            Assert.Equal(MuLaw.Encode(samples[i]), mu[i]);
            Assert.Equal(ALaw.Encode(samples[i]), a[i]);
            Assert.Equal(mu[i], muFromBytes[i]);
            Assert.Equal(a[i], aFromBytes[i]);
            Assert.Equal(MuLaw.Decode(mu[i]), muDecoded[i]);
            Assert.Equal(ALaw.Decode(a[i]), aDecoded[i]);
            Assert.Equal(muDecoded[i], BinaryPrimitives.ReadInt16LittleEndian(muPcm.AsSpan(2 * i)));
            Assert.Equal(aDecoded[i], BinaryPrimitives.ReadInt16LittleEndian(aPcm.AsSpan(2 * i)));
        }

        Assert.Throws<ArgumentException>(() => MuLaw.Encode(samples, new byte[10]));
        Assert.Throws<ArgumentException>(() => ALaw.DecodePcm16(a, new byte[10]));

        int Run() =>
            MuLaw.Encode(samples, mu) + ALaw.Encode(samples, a) + MuLaw.EncodePcm16(pcm16, muFromBytes) + ALaw.EncodePcm16(pcm16, aFromBytes) +
            MuLaw.Decode(mu, muDecoded) + ALaw.Decode(a, aDecoded) + MuLaw.DecodePcm16(mu, muPcm) + ALaw.DecodePcm16(a, aPcm);
    }
}
