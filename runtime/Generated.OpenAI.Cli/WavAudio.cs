using System;
using System.IO;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace Generated.OpenAI.Cli;

/// <summary>WAV in and out: any common rate and channel count in, 24 kHz mono PCM16 (the realtime format) out.</summary>
public static class WavAudio
{
    /// <summary>The realtime sample rate.</summary>
    public const int SampleRate = 24000;

    /// <summary>
    /// Reads a WAV file (PCM 8/16/24/32-bit or IEEE float, any rate, any channel count), mixes it down to mono,
    /// resamples it to 24 kHz with the WDL resampler and returns PCM16 little-endian bytes.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not a WAV file NAudio can read.</exception>
    public static byte[] ReadPcm16Mono24k(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Input file not found: {path}", path);
        }

        WaveFileReader reader;
        try
        {
            reader = new WaveFileReader(path);
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or EndOfStreamException or ArgumentException)
        {
            throw new FormatException($"{path} is not a readable WAV file: {ex.Message}", ex);
        }

        using (reader)
        {
            ISampleProvider source;
            try
            {
                source = reader.ToSampleProvider();
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"{path}: unsupported WAV encoding {reader.WaveFormat.Encoding} ({reader.WaveFormat.BitsPerSample} bits).", ex);
            }

            int channels = source.WaveFormat.Channels;
            float[] mono = MixDown(source, channels);
            ISampleProvider monoProvider = new FloatArraySampleProvider(mono, source.WaveFormat.SampleRate);
            if (source.WaveFormat.SampleRate != SampleRate)
            {
                monoProvider = new WdlResamplingSampleProvider(monoProvider, SampleRate);
            }

            return ToPcm16(monoProvider);
        }
    }

    /// <summary>Writes 24 kHz mono PCM16 as a WAV file.</summary>
    public static void WritePcm16Mono24k(string path, ReadOnlySpan<byte> pcm16)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using var writer = new WaveFileWriter(path, new WaveFormat(SampleRate, 16, 1));
        writer.Write(pcm16);
    }

    private static float[] MixDown(ISampleProvider source, int channels)
    {
        var samples = new System.Collections.Generic.List<float>();
        float[] buffer = new float[4096 * channels];
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (int i = 0; i + channels <= read; i += channels)
            {
                float sum = 0;
                for (int c = 0; c < channels; c++)
                {
                    sum += buffer[i + c];
                }

                samples.Add(sum / channels);
            }
        }

        return samples.ToArray();
    }

    private static byte[] ToPcm16(ISampleProvider provider)
    {
        using var output = new MemoryStream();
        float[] buffer = new float[4096];
        byte[] bytes = new byte[buffer.Length * 2];
        int read;
        while ((read = provider.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (int i = 0; i < read; i++)
            {
                float clamped = Math.Clamp(buffer[i], -1f, 1f);
                short sample = (short)Math.Round(clamped * short.MaxValue);
                bytes[2 * i] = (byte)sample;
                bytes[(2 * i) + 1] = (byte)(sample >> 8);
            }

            output.Write(bytes, 0, read * 2);
        }

        return output.ToArray();
    }

    private sealed class FloatArraySampleProvider(float[] samples, int sampleRate) : ISampleProvider
    {
        private int _position;

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, 1);

        public int Read(float[] buffer, int offset, int count)
        {
            int n = Math.Min(count, samples.Length - _position);
            Array.Copy(samples, _position, buffer, offset, n);
            _position += n;
            return n;
        }
    }
}
