using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Audio.Tests;

/// <summary>Conversion of any WAV to 24 kHz mono PCM16: accuracy, aliasing, mixing down, chunks, and bounded memory.</summary>
public sealed class Pcm16MonoConversionTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(48000)]
    [InlineData(44100)]
    [InlineData(44056)] // NTSC pull-down: 3,000 phases, more than the table holds, so neighbouring phases are interpolated
    [InlineData(32000)]
    [InlineData(22050)]
    [InlineData(16000)]
    [InlineData(8000)]
    public void A_1_kHz_sine_keeps_its_frequency_amplitude_and_phase_at_24_kHz(int rate)
    {
        const double Amplitude = 0.5;
        var wav = new TestWav
        {
            Encoding = TestWav.TagPcm, Bits = 16, Channels = 1, SampleRate = rate, Frames = rate, // 1 s
            Signal = (_, f) => Amplitude * Math.Sin(2 * Math.PI * 1000 * f / rate),
        };
        short[] output = Convert(wav.ToBytes());
        Assert.Equal((24000L * rate + rate - 1) / rate, output.Length); // ⌈N × 24000 / rate⌉: exactly 24,000

        // Fit a·sin + b·cos at 1 kHz over the middle (away from the edges' silence): the sine at the same phase
        // gives a = 0.5, b = 0; any other frequency, delay or distortion shows as b or as residual.
        Fit fit = Fit.Sine(output.AsSpan(2400, 19200), 1000.0 / 24000, firstIndex: 2400);
        log.WriteLine($"{rate} Hz -> 24 kHz: amplitude {fit.Amplitude:0.00000} (of {Amplitude}), phase {fit.PhaseDegrees:0.000}°, residual {fit.ResidualDecibels:0.0} dB, frequency by zero crossings {fit.FrequencyHz(24000):0.000} Hz");
        Assert.InRange(fit.Amplitude, Amplitude * 0.999, Amplitude * 1.001); // ±0.01 dB
        Assert.InRange(fit.PhaseDegrees, -0.5, 0.5); // no delay: 0.5° at 1 kHz is 1.4 µs, 1/30 of a sample
        Assert.True(fit.ResidualDecibels < -70, $"residual {fit.ResidualDecibels:0.0} dB"); // PCM16 quantization is about -98 dB
        Assert.InRange(fit.FrequencyHz(24000), 999, 1001); // counting zero crossings resolves ±0.6 Hz here
    }

    [Theory]
    [InlineData(48000, 20000)]
    [InlineData(44100, 15000)]
    [InlineData(32000, 13000)]
    public void A_tone_above_the_24_kHz_Nyquist_frequency_is_filtered_out_rather_than_aliased(int rate, int frequency)
    {
        var wav = new TestWav
        {
            Encoding = TestWav.TagFloat, Bits = 32, Channels = 1, SampleRate = rate, Frames = rate / 2,
            Signal = (_, f) => 0.5 * Math.Sin(2 * Math.PI * frequency * f / rate),
        };
        short[] output = Convert(wav.ToBytes());
        double rms = 0;
        for (int i = 1200; i < output.Length - 1200; i++)
        {
            rms += (double)output[i] * output[i];
        }

        double decibels = 10 * Math.Log10(rms / (output.Length - 2400) / (32768.0 * 32768.0 * 0.125));
        log.WriteLine($"{frequency} Hz at {rate} Hz: {decibels:0.0} dB relative to the input tone after conversion to 24 kHz");
        Assert.True(decibels < -70, $"{decibels:0.0} dB"); // linear interpolation leaves an alias at about -20 dB
    }

    [Theory]
    [InlineData(44100, 24000)]
    [InlineData(8000, 24000)]
    [InlineData(44056, 24000)]
    [InlineData(24000, 8000)]
    public void The_resampler_gives_the_same_samples_however_its_input_is_split(int inputRate, int outputRate)
    {
        float[] input = new float[inputRate / 5];
        var random = new Random(42);
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float[] whole = Resample(new AudioResampler(inputRate, outputRate), input, inputBlock: input.Length, outputBlock: 1 << 20);
        float[] trickled = Resample(new AudioResampler(inputRate, outputRate), input, inputBlock: 1, outputBlock: 3);
        float[] uneven = Resample(new AudioResampler(inputRate, outputRate), input, inputBlock: 4097, outputBlock: 1000);
        Assert.Equal(new AudioResampler(inputRate, outputRate).GetOutputLength(input.Length), whole.Length);
        Assert.Equal(whole, trickled);
        Assert.Equal(whole, uneven);

        static float[] Resample(AudioResampler resampler, float[] input, int inputBlock, int outputBlock)
        {
            var output = new List<float>();
            float[] buffer = new float[outputBlock];
            for (int start = 0; start < input.Length; start += inputBlock)
            {
                ReadOnlySpan<float> block = input.AsSpan(start, Math.Min(inputBlock, input.Length - start));
                while (!block.IsEmpty)
                {
                    int produced = resampler.Process(block, buffer, out int consumed);
                    output.AddRange(buffer.AsSpan(0, produced));
                    block = block[consumed..];
                }
            }

            int flushed;
            while ((flushed = resampler.Flush(buffer)) > 0)
            {
                output.AddRange(buffer.AsSpan(0, flushed));
            }

            Assert.Throws<InvalidOperationException>(() => resampler.Process(new float[1], new float[1], out _));
            return [.. output];
        }
    }

    [Fact]
    public void Channels_are_mixed_down_to_their_mean()
    {
        // Six channels: the same sine in 0..3, its opposite in 4, silence in 5: the mean is 3/6 of the sine.
        var wav = new TestWav
        {
            Encoding = TestWav.TagPcm, Bits = 24, Channels = 6, SampleRate = 24000, Frames = 2400, Extensible = true,
            Signal = (c, f) => (c < 4 ? 1 : c == 4 ? -1 : 0) * 0.6 * Math.Sin(2 * Math.PI * 500 * f / 24000.0),
        };
        short[] output = Convert(wav.ToBytes());
        Assert.Equal(2400, output.Length);
        for (int i = 0; i < output.Length; i++)
        {
            double expected = 0.5 * 0.6 * Math.Sin(2 * Math.PI * 500 * i / 24000.0) * 32768;
            Assert.InRange(output[i], expected - 1, expected + 1);
        }
    }

    [Fact]
    public void PCM16_mono_at_24_kHz_comes_out_bit_identical()
    {
        var wav = new TestWav { Encoding = TestWav.TagPcm, Bits = 16, Channels = 1, SampleRate = 24000, Frames = 30000, Layout = WavLayout.ChunksAround };
        byte[] file = wav.ToBytes();
        short[] output = Convert(file);
        float[] expected = wav.ExpectedSamples();
        Assert.Equal(expected.Length, output.Length);
        for (int i = 0; i < output.Length; i++)
        {
            Assert.Equal((short)(expected[i] * 32768), output[i]);
        }
    }

    [Fact]
    public void Full_scale_float_is_clipped_not_wrapped()
    {
        var wav = new TestWav { Encoding = TestWav.TagFloat, Bits = 32, Channels = 1, SampleRate = 24000, Frames = 4, Signal = (_, f) => f % 2 == 0 ? 1.5 : -1.5 };
        Assert.Equal([32767, -32768, 32767, -32768], Convert(wav.ToBytes()));
    }

    [Fact]
    public async Task ReadPcm16Mono24kAsync_gives_chunks_of_the_asked_duration_that_add_up_to_the_stream()
    {
        var wav = new TestWav { Encoding = TestWav.TagPcm, Bits = 16, Channels = 2, SampleRate = 44100, Frames = 44100 + 123, Layout = WavLayout.StreamingSizeUnknown };
        byte[] file = wav.ToBytes();
        byte[] whole = ToBytes(Convert(file));

        var chunks = new List<int>();
        var joined = new MemoryStream();
        await foreach (ReadOnlyMemory<byte> chunk in WavAudio.ReadPcm16Mono24kAsync(new TrickleStream(file, maxRead: 1000), TimeSpan.FromMilliseconds(100)))
        {
            chunks.Add(chunk.Length);
            joined.Write(chunk.Span);
        }

        Assert.Equal(whole, joined.ToArray());
        Assert.All(chunks[..^1], length => Assert.Equal(4800, length));
        Assert.InRange(chunks[^1], 1, 4800);
        Assert.Equal(11, chunks.Count); // 24,067 samples: ten chunks of 2,400 and one of 67
    }

    [Fact]
    public async Task ReadPcm16Mono24kAsync_refuses_chunks_shorter_than_a_sample_or_longer_than_10_s_and_bad_files_on_the_first_move()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WavAudio.ReadPcm16Mono24kAsync(new MemoryStream(), TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => WavAudio.ReadPcm16Mono24kAsync(new MemoryStream(), TimeSpan.FromSeconds(11)));
        await Assert.ThrowsAsync<WavFormatException>(async () =>
        {
            await foreach (ReadOnlyMemory<byte> chunk in WavAudio.ReadPcm16Mono24kAsync(new MemoryStream("not a wav file"u8.ToArray()), TimeSpan.FromMilliseconds(20)))
            {
                Assert.Fail("no chunk from a file that is not WAV");
            }
        });
    }

    [Fact]
    public void Converting_to_8_kHz_for_G711_keeps_a_300_Hz_tone()
    {
        var wav = new TestWav
        {
            Encoding = TestWav.TagPcm, Bits = 16, Channels = 2, SampleRate = 48000, Frames = 48000,
            Signal = (_, f) => 0.5 * Math.Sin(2 * Math.PI * 300 * f / 48000),
        };
        using Pcm16MonoStream stream = WavAudio.OpenPcm16Mono(new MemoryStream(wav.ToBytes()), WavAudio.G711SampleRate);
        var pcm = new MemoryStream();
        stream.CopyTo(pcm);
        short[] samples = ToShorts(pcm.ToArray());
        Assert.Equal(8000, samples.Length);
        Fit fit = Fit.Sine(samples.AsSpan(800, 6400), 300.0 / 8000, firstIndex: 800);
        Assert.InRange(fit.Amplitude, 0.4995, 0.5005);
    }

    [Fact]
    public void A_10_minute_48_kHz_stereo_file_converts_streamed_in_bounded_memory()
    {
        const int Seconds = 600;
        var source = new SyntheticWavStream(48000, 2, 48000L * Seconds, periodFrames: 48, amplitude: 0.5); // 1 kHz
        GC.Collect();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long peakHeap = 0;
        long output = 0;
        short lastPeak = 0;
        var clock = Stopwatch.StartNew();
        using (Pcm16MonoStream stream = WavAudio.OpenPcm16Mono24k(source))
        {
            Assert.Equal(24000L * 2 * Seconds, stream.OutputLength);
            byte[] chunk = new byte[4800]; // 100 ms, what a voice session sends per append
            int read;
            long reads = 0;
            while ((read = stream.Read(chunk)) > 0)
            {
                output += read;
                if (++reads % 1000 == 0)
                {
                    peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false) - heapBefore);
                    lastPeak = 0;
                    for (int i = 0; i < read; i += 2)
                    {
                        lastPeak = Math.Max(lastPeak, BinaryPrimitives.ReadInt16LittleEndian(chunk.AsSpan(i)));
                    }

                    Assert.InRange(lastPeak, 16300, 16420); // 0.5 of full scale, all along
                }
            }
        }

        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        log.WriteLine(
            $"10 min 48 kHz stereo PCM16 ({source.FileLength / 1e6:0.0} MB, generated as read) -> {output / 1e6:0.0} MB of 24 kHz mono PCM16 in {clock.ElapsedMilliseconds} ms: " +
            $"{allocated / 1024.0:0.0} KiB allocated in all, managed heap at most {Math.Max(0, peakHeap) / 1e6:0.00} MB above the start (process-wide, other tests included)");
        Assert.Equal(24000L * 2 * Seconds, output);
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes"); // the pooled buffers and the filter, once
    }

    private static short[] Convert(byte[] file)
    {
        using Pcm16MonoStream stream = WavAudio.OpenPcm16Mono24k(new MemoryStream(file));
        var pcm = new MemoryStream();
        byte[] buffer = new byte[777]; // odd: samples split across reads
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            pcm.Write(buffer, 0, read);
        }

        Assert.Equal(pcm.Length, stream.Position);
        if (stream.OutputLength is long length)
        {
            Assert.Equal(length, pcm.Length);
        }

        return ToShorts(pcm.ToArray());
    }

    private static short[] ToShorts(byte[] pcm)
    {
        short[] samples = new short[pcm.Length / 2];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm.AsSpan(2 * i));
        }

        return samples;
    }

    private static byte[] ToBytes(short[] samples)
    {
        byte[] bytes = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), samples[i]);
        }

        return bytes;
    }

    /// <summary>A least-squares fit of a·sin(2πfn) + b·cos(2πfn) to PCM16 samples, at full scale 1.0.</summary>
    private readonly record struct Fit(double Sin, double Cos, double Residual, double Power, int ZeroCrossings, int Length)
    {
        public double Amplitude => Math.Sqrt((Sin * Sin) + (Cos * Cos));

        public double PhaseDegrees => Math.Atan2(Cos, Sin) * 180 / Math.PI;

        public double ResidualDecibels => 10 * Math.Log10(Residual / Power);

        public double FrequencyHz(int rate) => ZeroCrossings / 2.0 * rate / Length;

        public static Fit Sine(ReadOnlySpan<short> samples, double cyclesPerSample, int firstIndex)
        {
            double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
            for (int i = 0; i < samples.Length; i++)
            {
                double angle = 2 * Math.PI * cyclesPerSample * (firstIndex + i);
                double s = Math.Sin(angle), c = Math.Cos(angle), y = samples[i] / 32768.0;
                ss += s * s;
                cc += c * c;
                sc += s * c;
                ys += y * s;
                yc += y * c;
            }

            double determinant = (ss * cc) - (sc * sc);
            double a = ((ys * cc) - (yc * sc)) / determinant;
            double b = ((yc * ss) - (ys * sc)) / determinant;
            double residual = 0, power = 0;
            int crossings = 0;
            for (int i = 0; i < samples.Length; i++)
            {
                double angle = 2 * Math.PI * cyclesPerSample * (firstIndex + i);
                double y = samples[i] / 32768.0;
                double error = y - (a * Math.Sin(angle)) - (b * Math.Cos(angle));
                residual += error * error;
                power += y * y;
                if (i > 0 && (samples[i - 1] < 0) != (samples[i] < 0))
                {
                    crossings++;
                }
            }

            return new Fit(a, b, residual, power, crossings, samples.Length);
        }
    }
}
