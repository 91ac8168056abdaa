using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Generated.OpenAI.Audio.Tests;

/// <summary>
/// Writes WAV files byte by byte, independently of the package's writer, from a known signal; and gives for each sample
/// the value a reader must return (the encoded integer at full scale, as a float).
/// </summary>
public sealed class TestWav
{
    public const ushort TagPcm = 1;
    public const ushort TagFloat = 3;
    public const ushort TagALaw = 6;
    public const ushort TagMuLaw = 7;
    public const ushort TagExtensible = 0xFFFE;

    public required ushort Encoding { get; init; }

    public required int Bits { get; init; }

    public required int Channels { get; init; }

    public required int SampleRate { get; init; }

    public required int Frames { get; init; }

    public bool Extensible { get; init; }

    public WavLayout Layout { get; init; }

    /// <summary>The source signal: channel, frame → a value in [-1, 1).</summary>
    public Func<int, int, double> Signal { get; init; } = DefaultSignal;

    public int BlockAlign => Channels * Bits / 8;

    /// <summary>A different sine in every channel, below full scale, with a phase offset per channel.</summary>
    public static double DefaultSignal(int channel, int frame) =>
        0.8 * Math.Sin((2 * Math.PI * (220 + (110 * channel)) * frame / 48000.0) + channel);

    /// <summary>The encoded sample the file holds for the signal value: the integer (or float) as written.</summary>
    public double Encode(double x, Span<byte> sample)
    {
        switch (Encoding, Bits)
        {
            case (TagFloat, 32):
                BinaryPrimitives.WriteSingleLittleEndian(sample, (float)x);
                return (float)x;
            case (TagFloat, 64):
                BinaryPrimitives.WriteDoubleLittleEndian(sample, x);
                return (float)x;
            case (TagALaw, 8):
                sample[0] = ALaw.Encode((short)ToInt32(x, 16));
                return ALaw.Decode(sample[0]) / 32768.0;
            case (TagMuLaw, 8):
                sample[0] = MuLaw.Encode((short)ToInt32(x, 16));
                return MuLaw.Decode(sample[0]) / 32768.0;
            case (TagPcm, 8):
                int u8 = ToInt32(x, 8) + 128;
                sample[0] = (byte)u8;
                return (u8 - 128) / 128.0;
            case (TagPcm, 16):
                short s16 = (short)ToInt32(x, 16);
                sample[0] = (byte)s16;
                sample[1] = (byte)(s16 >> 8);
                return s16 / 32768.0;
            case (TagPcm, 24):
                int s24 = ToInt32(x, 24);
                sample[0] = (byte)s24;
                sample[1] = (byte)(s24 >> 8);
                sample[2] = (byte)(s24 >> 16);
                return s24 / 8388608.0;
            case (TagPcm, 32):
                int s32 = ToInt32(x, 32);
                sample[0] = (byte)s32;
                sample[1] = (byte)(s32 >> 8);
                sample[2] = (byte)(s32 >> 16);
                sample[3] = (byte)(s32 >> 24);
                return s32 / 2147483648.0;
            default:
                throw new ArgumentOutOfRangeException(nameof(Bits), $"{Encoding}/{Bits}");
        }
    }

    /// <summary>The values a reader must return, interleaved, as floats.</summary>
    public float[] ExpectedSamples()
    {
        var expected = new float[Frames * Channels];
        Span<byte> scratch = stackalloc byte[8];
        for (int f = 0; f < Frames; f++)
        {
            for (int c = 0; c < Channels; c++)
            {
                expected[(f * Channels) + c] = (float)Encode(Signal(c, f), scratch);
            }
        }

        return expected;
    }

    /// <summary>The whole file.</summary>
    public byte[] ToBytes()
    {
        var file = new List<byte>();
        int dataSize = Frames * BlockAlign;
        bool streaming = Layout is WavLayout.StreamingSizeZero or WavLayout.StreamingSizeUnknown;
        uint unknown = Layout == WavLayout.StreamingSizeZero ? 0u : 0xFFFFFFFFu;

        Add(file, "RIFF"u8);
        AddU32(file, 0); // the RIFF size, filled in at the end
        Add(file, "WAVE"u8);
        if (Layout == WavLayout.ChunksAround)
        {
            AddChunk(file, "JUNK"u8, [1, 2, 3]); // odd: a pad byte follows
        }

        AddChunk(file, "fmt "u8, FormatChunk());
        if (Layout == WavLayout.ChunksAround)
        {
            byte[] fact = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(fact, Frames);
            AddChunk(file, "fact"u8, fact);
            AddChunk(file, "LIST"u8, [.. "INFOISFT"u8, 5, 0, 0, 0, .. "test"u8, 0]); // 17 bytes: odd
        }

        Add(file, "data"u8);
        AddU32(file, streaming ? unknown : (uint)dataSize);
        Span<byte> sample = stackalloc byte[8];
        for (int f = 0; f < Frames; f++)
        {
            for (int c = 0; c < Channels; c++)
            {
                Encode(Signal(c, f), sample);
                Add(file, sample[..(Bits / 8)]);
            }
        }

        if ((dataSize & 1) != 0 && !streaming)
        {
            file.Add(0); // the pad byte; a streaming writer, not knowing where the data ends, writes none
        }

        if (Layout == WavLayout.ChunksAround)
        {
            AddChunk(file, "LIST"u8, [.. "INFOICMT"u8, 3, 0, 0, 0, .. "ab"u8, 0]);
        }

        byte[] bytes = file.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), streaming ? unknown : (uint)(bytes.Length - 8));
        return bytes;
    }

    private byte[] FormatChunk()
    {
        byte[] fmt = new byte[Extensible ? 40 : Encoding == TagPcm ? 16 : 18];
        Span<byte> s = fmt;
        BinaryPrimitives.WriteUInt16LittleEndian(s, Extensible ? TagExtensible : Encoding);
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], (ushort)Channels);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[8..], SampleRate * BlockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(s[12..], (ushort)BlockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(s[14..], (ushort)Bits);
        if (Extensible)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(s[16..], 22);
            BinaryPrimitives.WriteUInt16LittleEndian(s[18..], (ushort)Bits);
            BinaryPrimitives.WriteUInt32LittleEndian(s[20..], Channels == 6 ? 0x3Fu : Channels == 2 ? 0x3u : 0x4u);
            new Guid($"{Encoding:x8}-0000-0010-8000-00aa00389b71").TryWriteBytes(s[24..]);
        }

        return fmt;
    }

    private static int ToInt32(double x, int bits)
    {
        double full = Math.Pow(2, bits - 1);
        return (int)Math.Clamp(Math.Round(x * full), -full, full - 1);
    }

    internal static void Add(List<byte> file, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            file.Add(b);
        }
    }

    internal static void AddU32(List<byte> file, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Add(file, b);
    }

    internal static void AddChunk(List<byte> file, ReadOnlySpan<byte> id, ReadOnlySpan<byte> body)
    {
        Add(file, id);
        AddU32(file, (uint)body.Length);
        Add(file, body);
        if ((body.Length & 1) != 0)
        {
            file.Add(0);
        }
    }
}
