using System;
using System.IO;
using NAudio.Wave;

namespace Generated.OpenAI.Cli;

/// <summary>WAV in and out: any common rate and channel count in, 24 kHz mono PCM16 (the realtime format) out.</summary>
public static class WavAudio
{
    /// <summary>The realtime sample rate.</summary>
    public const int SampleRate = 24000;

    // WAVE_FORMAT_EXTENSIBLE names its encoding by a KSDATAFORMAT_SUBTYPE GUID in the last 16 bytes of its extra data
    // (after wValidBitsPerSample and dwChannelMask): the old format tag in the first 4 bytes, then a fixed suffix.
    private static readonly Guid s_subtypePcm = new("00000001-0000-0010-8000-00aa00389b71");
    private static readonly Guid s_subtypeIeeeFloat = new("00000003-0000-0010-8000-00aa00389b71");
    private const int ExtensibleExtraSize = 22;

    /// <summary>
    /// Opens a WAV file (PCM 8/16/24/32-bit or IEEE float 32/64-bit, plain or <c>WAVE_FORMAT_EXTENSIBLE</c>, any rate,
    /// any channel count) as a stream of 24 kHz mono PCM16 little-endian bytes: mixed down to mono and resampled with
    /// the WDL resampler as it is read, so memory does not grow with the file. The header is read here, so a file that
    /// cannot be read fails before anything is sent.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not a WAV file in an encoding this reader knows.</exception>
    public static Pcm16Mono24kStream OpenPcm16Mono24k(string path)
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

        try
        {
            WaveFormat format = reader.WaveFormat;
            IWaveProvider decodable = format.Encoding == WaveFormatEncoding.Extensible
                ? new RelabeledWaveProvider(reader, PlainFormatOf(path, format))
                : reader;
            ISampleProvider source;
            try
            {
                source = decodable.ToSampleProvider();
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"{path}: unsupported WAV encoding {decodable.WaveFormat.Encoding} ({decodable.WaveFormat.BitsPerSample} bits).", ex);
            }

            if (format.Channels < 1)
            {
                throw new FormatException($"{path}: the WAV header gives {format.Channels} channels.");
            }

            long frames = format.BlockAlign > 0 ? reader.Length / format.BlockAlign : 0;
            return new Pcm16Mono24kStream(reader, source, frames);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads a whole WAV file (see <see cref="OpenPcm16Mono24k"/>) into 24 kHz mono PCM16 little-endian bytes. The
    /// input is streamed; only the output is held (one array, sized from the header).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not a WAV file in an encoding this reader knows.</exception>
    public static byte[] ReadPcm16Mono24k(string path)
    {
        using Pcm16Mono24kStream stream = OpenPcm16Mono24k(path);
        byte[] pcm = new byte[stream.EstimatedLength + 4096];
        int length = 0;
        int read;
        while ((read = stream.Read(pcm.AsSpan(length))) > 0)
        {
            length += read;
            if (length == pcm.Length)
            {
                Array.Resize(ref pcm, pcm.Length * 2);
            }
        }

        Array.Resize(ref pcm, length);
        return pcm;
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

    /// <summary>The plain (PCM or IEEE float) format that a <c>WAVE_FORMAT_EXTENSIBLE</c> header stands for.</summary>
    private static WaveFormat PlainFormatOf(string path, WaveFormat format)
    {
        byte[]? extra = (format as WaveFormatExtraData)?.ExtraData;
        if (extra is null || format.ExtraSize < ExtensibleExtraSize || extra.Length < ExtensibleExtraSize)
        {
            throw new FormatException($"{path}: WAVE_FORMAT_EXTENSIBLE header without its 22 bytes of extension.");
        }

        var subFormat = new Guid(extra.AsSpan(6, 16));
        if (subFormat == s_subtypePcm && format.BitsPerSample is 8 or 16 or 24 or 32)
        {
            return new WaveFormat(format.SampleRate, format.BitsPerSample, format.Channels);
        }

        if (subFormat == s_subtypeIeeeFloat && format.BitsPerSample is 32 or 64)
        {
            return format.BitsPerSample == 32
                ? WaveFormat.CreateIeeeFloatWaveFormat(format.SampleRate, format.Channels)
                : WaveFormat.CreateCustomFormat(WaveFormatEncoding.IeeeFloat, format.SampleRate, format.Channels, format.AverageBytesPerSecond, format.BlockAlign, 64);
        }

        throw new FormatException($"{path}: unsupported WAVE_FORMAT_EXTENSIBLE encoding (subformat {subFormat}, {format.BitsPerSample} bits); PCM 8/16/24/32-bit and IEEE float 32/64-bit are supported.");
    }

    /// <summary>The same bytes under another (equivalent) header, so NAudio's PCM and float converters take them.</summary>
    private sealed class RelabeledWaveProvider(IWaveProvider source, WaveFormat format) : IWaveProvider
    {
        public WaveFormat WaveFormat { get; } = format;

        public int Read(byte[] buffer, int offset, int count) => source.Read(buffer, offset, count);
    }
}
