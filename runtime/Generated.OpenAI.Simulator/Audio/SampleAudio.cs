using System;
using System.Buffers.Binary;
using System.IO;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// Deterministic 24 kHz mono PCM16 test audio ("syllables" of harmonic tones with gliding pitch, separated by
/// short pauses) and a hand-written RIFF/WAVE header, so that the repository needs no binary audio assets.
/// The same call always returns the same bytes.
/// </summary>
public static class SampleAudio
{
    /// <summary>Sample rate of realtime PCM16 audio.</summary>
    public const int SampleRate = 24000;

    /// <summary>Bytes per second of 24 kHz mono PCM16.</summary>
    public const int BytesPerSecond = SampleRate * 2;

    /// <summary>Bytes in 100 ms of 24 kHz mono PCM16 (4,800).</summary>
    public const int BytesPer100Milliseconds = BytesPerSecond / 10;

    /// <summary>Bytes in 200 ms of 24 kHz mono PCM16 (9,600), the translation simulator's frame.</summary>
    public const int BytesPer200Milliseconds = BytesPerSecond / 5;

    /// <summary>Duration of <paramref name="pcm16ByteCount"/> bytes of 24 kHz mono PCM16.</summary>
    public static TimeSpan DurationOf(int pcm16ByteCount) => TimeSpan.FromSeconds(pcm16ByteCount / (double)BytesPerSecond);

    /// <summary>
    /// Speech-like PCM16 (little-endian, 24 kHz, mono): 250 ms syllables (200 ms voiced, 50 ms pause) whose
    /// pitch glides between 110 and 260 Hz, each with three harmonics and an attack/decay envelope.
    /// </summary>
    public static byte[] CreatePcm16(TimeSpan duration)
    {
        int samples = checked((int)Math.Round(duration.TotalSeconds * SampleRate));
        byte[] pcm = new byte[samples * 2];
        const int Syllable = SampleRate / 4;
        const int Voiced = SampleRate / 5;
        double phase = 0;
        for (int i = 0; i < samples; i++)
        {
            int syllable = i / Syllable;
            int position = i % Syllable;
            double value = 0;
            if (position < Voiced)
            {
                double progress = position / (double)Voiced;
                double start = 110 + (syllable * 37 % 110);
                double end = start + ((syllable % 3) - 1) * 40;
                double f0 = start + ((end - start) * progress);
                phase += 2 * Math.PI * f0 / SampleRate;
                double envelope = Math.Min(1, progress * 10) * Math.Min(1, (1 - progress) * 6);
                value = envelope * ((0.6 * Math.Sin(phase)) + (0.25 * Math.Sin(2 * phase)) + (0.12 * Math.Sin(3 * phase)));
            }

            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 2), (short)Math.Round(value * 0.5 * short.MaxValue));
        }

        return pcm;
    }

    /// <summary>Two seconds of speech-like audio (96,000 bytes).</summary>
    public static byte[] CreatePcm16() => CreatePcm16(TimeSpan.FromSeconds(2));

    /// <summary>A pure sine tone as PCM16 (24 kHz mono).</summary>
    public static byte[] CreateTonePcm16(double frequencyHz, TimeSpan duration, double amplitude = 0.3)
    {
        int samples = checked((int)Math.Round(duration.TotalSeconds * SampleRate));
        byte[] pcm = new byte[samples * 2];
        for (int i = 0; i < samples; i++)
        {
            double value = amplitude * Math.Sin(2 * Math.PI * frequencyHz * i / SampleRate);
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 2), (short)Math.Round(value * short.MaxValue));
        }

        return pcm;
    }

    /// <summary>Wraps PCM16 in a 44-byte RIFF/WAVE header (format 1, PCM).</summary>
    public static byte[] ToWav(ReadOnlySpan<byte> pcm16, int sampleRate = SampleRate, short channels = 1)
    {
        const short BitsPerSample = 16;
        short blockAlign = (short)(channels * BitsPerSample / 8);
        byte[] wav = new byte[44 + pcm16.Length];
        Span<byte> header = wav;
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], 36 + pcm16.Length);
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(header[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(header[22..], channels);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], sampleRate * blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(header[32..], blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(header[34..], BitsPerSample);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], pcm16.Length);
        pcm16.CopyTo(wav.AsSpan(44));
        return wav;
    }

    /// <summary>Writes <see cref="CreatePcm16(TimeSpan)"/> (default 2 s) as a WAV file and returns its path.</summary>
    public static string WriteWav(string path, TimeSpan? duration = null)
    {
        File.WriteAllBytes(path, ToWav(CreatePcm16(duration ?? TimeSpan.FromSeconds(2))));
        return path;
    }

    /// <summary>
    /// Finds the PCM payload of a WAV file (the <c>data</c> chunk); false unless it is 16-bit PCM.
    /// </summary>
    public static bool TryGetPcm16(ReadOnlyMemory<byte> wav, out ReadOnlyMemory<byte> pcm16, out int sampleRate, out int channels)
    {
        pcm16 = default;
        sampleRate = 0;
        channels = 0;
        ReadOnlySpan<byte> span = wav.Span;
        if (span.Length < 12 || !span[..4].SequenceEqual("RIFF"u8) || !span.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return false;
        }

        bool format = false;
        int offset = 12;
        while (offset + 8 <= span.Length)
        {
            ReadOnlySpan<byte> id = span.Slice(offset, 4);
            int size = BinaryPrimitives.ReadInt32LittleEndian(span[(offset + 4)..]);
            int body = offset + 8;
            if (size < 0 || body + size > span.Length)
            {
                size = span.Length - body;
            }

            if (id.SequenceEqual("fmt "u8) && size >= 16)
            {
                format = BinaryPrimitives.ReadInt16LittleEndian(span[body..]) == 1 && BinaryPrimitives.ReadInt16LittleEndian(span[(body + 14)..]) == 16;
                channels = BinaryPrimitives.ReadInt16LittleEndian(span[(body + 2)..]);
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(span[(body + 4)..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                pcm16 = wav.Slice(body, size);
                return format;
            }

            offset = body + size + (size & 1);
        }

        return false;
    }
}
